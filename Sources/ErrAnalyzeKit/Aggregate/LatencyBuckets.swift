/// The fixed duration buckets every latency histogram counts in: layout version 1.
///
/// Bucket `i` holds the durations `d` (whole microseconds) with `upperBounds[i-1] < d ≤
/// upperBounds[i]`: bucket 0 is the underflow (0 µs, what a log with millisecond resolution
/// writes as `0.000`), then one bucket per microsecond up to 9 µs, then 38 buckets per decade
/// from 10 µs to 10⁴ s (2 h 46 min, beyond the 1 h the issue asks for) whose bounds are the
/// "round" values a person types (…, 100, 110, …, 200, 220, 240, 250, 260, …, 500, 550, …, 950
/// ms, 1 s, …), and last the overflow (more than 10⁴ s).
///
/// Consecutive bounds differ by a factor of at most 1.1, so a bucket's representative value
/// `2ab/(a+b)` (a, b its least and greatest durations) is within (b-a)/(b+a) < 1/21 ≈ 4.8 %
/// of every duration in it: a percentile read from the buckets is within 4.8 % of the exact
/// one (the nearest-rank percentile of the raw durations), except in the overflow bucket.
/// Below 10 µs every bucket holds one value and is exact.
///
/// Because the bounds are round values, thresholds a person types fall on them: `--apdex-t`
/// of 100, 150, 200, 250, 300, 350, 400, 450, 500, 600, 700, 750, 800 ms or 1, 1.5, 2 s (and
/// four times each), and `--slow` of any such value, are counted exactly.
///
/// The layout is part of the database schema (SQLite migration 6, PostgreSQL migration 2
/// record `layoutVersion`): it is never changed in place; a new layout gets a new version
/// and a migration.
public enum LatencyBuckets {
    public static let layoutVersion = 1

    /// Bucket bounds inside a decade, as a value from 100 to 950 (× 10^(decade-2) µs).
    static let decadeMantissas: [Int64] = [
        100, 110, 120, 130, 140, 150, 160, 170, 180, 190,
        200, 220, 240, 250, 260, 280, 300, 320, 340, 350, 360, 380, 400, 420, 440, 450, 460, 480,
        500, 550, 600, 650, 700, 750, 800, 850, 900, 950,
    ]

    /// Inclusive upper bounds in microseconds, ascending; the overflow bucket has none.
    public static let upperBounds: [Int64] = {
        var bounds: [Int64] = [0]
        bounds += (1...9).map { Int64($0) }
        var scale: Int64 = 1  // 10^(decade-1) / 10, as mantissas are ×100
        for _ in 1...9 {
            for m in decadeMantissas { bounds.append(m * scale / 10) }
            scale *= 10
        }
        bounds.append(10_000_000_000)
        return bounds
    }()

    /// The number of buckets, the overflow included.
    public static let count = upperBounds.count + 1
    public static var overflow: Int { count - 1 }
    /// The greatest duration a bucket other than the overflow holds (10⁴ s).
    public static var largestBound: Int64 { upperBounds[upperBounds.count - 1] }

    /// The stated bound on the relative error of a percentile (1/21, rounded up).
    public static let relativeErrorBound = 0.048

    /// The bucket of a duration in microseconds (negative durations are underflow).
    @inline(__always)
    public static func bucket(ofMicros micros: Int64) -> Int {
        LatencyBucketIndex.shared.bucket(micros)
    }

    /// The least and greatest whole-microsecond durations bucket `i` holds (the overflow's
    /// greatest is `Int64.max`).
    public static func range(of bucket: Int) -> ClosedRange<Int64> {
        if bucket <= 0 { return 0...0 }
        if bucket >= overflow { return (largestBound + 1)...Int64.max }
        return (upperBounds[bucket - 1] + 1)...upperBounds[bucket]
    }

    /// The value a bucket stands for: `2ab/(a+b)` over its least and greatest durations,
    /// rounded to a microsecond (the least error for every duration in it); the overflow
    /// stands for its least duration.
    public static func representative(of bucket: Int) -> Int64 {
        if bucket >= overflow { return largestBound + 1 }
        let r = range(of: bucket)
        let a = r.lowerBound, b = r.upperBound
        guard a != b else { return a }
        // In floating point: 2ab overflows 64 bits in the top decades.
        let x = Double(a), y = Double(b)
        return Int64((2 * x * y / (x + y)).rounded())
    }

    /// The bucket whose upper bound is exactly `micros`, if there is one: counts up to such a
    /// duration are exact.
    public static func bucket(withUpperBound micros: Int64) -> Int? {
        var low = 0, high = upperBounds.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if upperBounds[mid] == micros { return mid }
            if upperBounds[mid] < micros { low = mid + 1 } else { high = mid - 1 }
        }
        return nil
    }
}

/// Finds a duration's bucket from its bits: the position of the highest set bit (the binary
/// octave) and the six bits after it pick a slot of a table that holds the first bucket
/// that can contain any duration of that slot; one or two comparisons finish. No logarithm,
/// no floating point, no allocation per line.
public final class LatencyBucketIndex: @unchecked Sendable {
    public static let shared = LatencyBucketIndex()

    static let slotBits = 6
    private let bounds: UnsafeMutablePointer<Int64>
    private let firstBucket: UnsafeMutablePointer<UInt16>
    private let largest: Int64
    private let overflow: Int

    private init() {
        let upper = LatencyBuckets.upperBounds
        bounds = .allocate(capacity: upper.count)
        bounds.initialize(from: upper, count: upper.count)
        largest = upper[upper.count - 1]
        overflow = LatencyBuckets.overflow
        let slots = 64 << Self.slotBits
        firstBucket = .allocate(capacity: slots)
        firstBucket.initialize(repeating: UInt16(LatencyBuckets.overflow), count: slots)
        for octave in 0..<64 {
            for sub in 0..<(1 << Self.slotBits) {
                // The least duration of this slot.
                let least: Int64
                if octave >= Self.slotBits {
                    least = (Int64(1) << octave) | (Int64(sub) << (octave - Self.slotBits))
                } else {
                    least = (Int64(1) << octave) | (Int64(sub) >> (Self.slotBits - octave))
                }
                guard octave < 62, least <= largest else { continue }
                var i = 1
                while upper[i] < least { i += 1 }
                firstBucket[(octave << Self.slotBits) | sub] = UInt16(i)
            }
        }
    }

    @inline(__always)
    public func bucket(_ micros: Int64) -> Int {
        if micros <= 0 { return 0 }
        if micros > largest { return overflow }
        let octave = 63 - micros.leadingZeroBitCount
        let sub = octave >= Self.slotBits ? Int(truncatingIfNeeded: micros >> (octave - Self.slotBits)) & ((1 << Self.slotBits) - 1)
                                          : Int(truncatingIfNeeded: micros << (Self.slotBits - octave)) & ((1 << Self.slotBits) - 1)
        var i = Int(firstBucket[(octave << Self.slotBits) | sub])
        while micros > bounds[i] { i += 1 }
        return i
    }
}
