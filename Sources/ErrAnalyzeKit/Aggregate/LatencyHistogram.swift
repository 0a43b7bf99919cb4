/// Requests counted per `LatencyBuckets` bucket: a histogram that merges by addition, so that
/// steps, workers, files, days and hosts combine exactly, and percentiles are read from it
/// (within `LatencyBuckets.relativeErrorBound` of the exact ones).
public struct LatencyHistogram: Sendable, Equatable {
    /// Requests per bucket (dense: `LatencyBuckets.count` entries).
    public private(set) var counts: [Int64]
    public private(set) var total: Int64 = 0

    public init() {
        counts = [Int64](repeating: 0, count: LatencyBuckets.count)
    }

    public var isEmpty: Bool { total == 0 }

    public mutating func add(bucket: Int, _ requests: Int64) {
        counts[bucket] += requests
        total += requests
    }

    public mutating func add(micros: Int64) {
        add(bucket: LatencyBuckets.bucket(ofMicros: micros), 1)
    }

    public mutating func merge(_ other: LatencyHistogram) {
        for i in counts.indices where other.counts[i] != 0 { counts[i] += other.counts[i] }
        total += other.total
    }

    /// The nearest-rank percentile `q` (0 < q ≤ 1) in microseconds: the representative of the
    /// bucket holding the ⌈q·n⌉-th smallest duration; nil when empty.
    public func percentile(_ q: Double) -> Int64? {
        guard total > 0 else { return nil }
        let rank = max(1, Int64((q * Double(total)).rounded(.up)))
        var seen: Int64 = 0
        for (bucket, n) in counts.enumerated() where n != 0 {
            seen += n
            if seen >= rank { return LatencyBuckets.representative(of: bucket) }
        }
        return LatencyBuckets.representative(of: LatencyBuckets.overflow)
    }

    /// The greatest bucket that holds a request, or nil when empty.
    public var highestBucket: Int? { counts.lastIndex { $0 != 0 } }

    /// Requests that took at most `micros`, and whether that count is exact (`micros` is a
    /// bucket bound, or beyond every request); otherwise it counts the buckets wholly at or
    /// below `micros`, a little too few.
    public func count(atMost micros: Int64) -> (count: Int64, exact: Bool) {
        var n: Int64 = 0
        for bucket in 0..<LatencyBuckets.upperBounds.count where LatencyBuckets.upperBounds[bucket] <= micros {
            n += counts[bucket]
        }
        // Exact when `micros` ends a bucket, or when the bucket it falls inside is empty.
        let inside = LatencyBuckets.bucket(ofMicros: micros)
        let exact = (inside < LatencyBuckets.upperBounds.count && LatencyBuckets.upperBounds[inside] == micros) || counts[inside] == 0
        return (n, exact)
    }
}
