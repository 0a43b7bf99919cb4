/// The durations of one aggregate's requests: for each timed request, which traffic row it
/// belongs to (the index of its `TrafficKey` in the aggregate's traffic table) and its
/// `LatencyBuckets` bucket.
///
/// Why a list and not counters: counting a duration is then one append to an array written in
/// order, which costs next to nothing, where a counter per (key, bucket) cost a second
/// hash-table probe per line into a table of ~300k mostly cold entries (a cache miss a line on
/// sparse traffic; `docs/benchmarks.md`, latency). The list is turned into histograms once per
/// step (`histograms(rows:)`), by a counting sort on the row index: linear, no hashing.
/// Memory is 8 bytes a timed request, for the step's requests only (a step ends every
/// `IngestOptions.checkpointBytes` of input).
public struct LatencyTally: Sendable {
    /// `row << 16 | bucket` per timed request, in the order they were counted.
    private var entries: [UInt64] = []

    public init() {}

    /// Timed requests counted.
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Counts one request of traffic row `row` whose duration fell in `bucket`.
    @inline(__always)
    public mutating func add(row: Int, bucket: Int) {
        entries.append(UInt64(truncatingIfNeeded: row) &<< 16 | UInt64(truncatingIfNeeded: bucket))
    }

    /// Adds `other`'s requests, its traffic rows renumbered by `rowMap` (other's row index →
    /// this aggregate's).
    public mutating func merge(_ other: LatencyTally, rowMap: [Int]) {
        entries.reserveCapacity(entries.count + other.entries.count)
        rowMap.withUnsafeBufferPointer { map in
            for entry in other.entries {
                add(row: map[Int(truncatingIfNeeded: entry &>> 16)], bucket: Int(truncatingIfNeeded: entry & 0xFFFF))
            }
        }
    }

    /// The histogram of each traffic row (`rows` of them).
    public func histograms(rows: Int) -> LatencyRowHistograms {
        LatencyRowHistograms.grouping(entries, groups: rows)
    }
}

/// Per traffic row, its non-empty duration buckets in ascending order with their counts.
public struct LatencyRowHistograms: Sendable {
    /// Row `r`'s buckets are `buckets[start[r]..<start[r + 1]]`.
    private var start: [Int32]
    public private(set) var buckets: [UInt16] = []
    public private(set) var counts: [Int64] = []

    init(rows: Int, capacity: Int) {
        start = [0]
        start.reserveCapacity(rows + 1)
        buckets.reserveCapacity(capacity)
        counts.reserveCapacity(capacity)
    }

    mutating func append(bucket: UInt16, count: Int64) {
        buckets.append(bucket)
        counts.append(count)
    }

    mutating func endRow() { start.append(Int32(buckets.count)) }

    /// The traffic rows.
    public var rows: Int { start.count - 1 }

    /// Groups `entries` (`group << 16 | bucket`, a request each) into `groups` histograms: a
    /// counting sort on the group (linear, no hashing), then each group's few entries sorted by
    /// bucket and equal buckets counted.
    static func grouping(_ entries: [UInt64], groups: Int) -> LatencyRowHistograms {
        var start = [Int32](repeating: 0, count: groups + 1)
        for entry in entries { start[Int(truncatingIfNeeded: entry &>> 16) + 1] += 1 }
        for i in 0..<groups { start[i + 1] += start[i] }
        // Each group's buckets in its own range.
        var items = [UInt16](repeating: 0, count: entries.count)
        var next = start
        for entry in entries {
            let group = Int(truncatingIfNeeded: entry &>> 16)
            items[Int(next[group])] = UInt16(truncatingIfNeeded: entry & 0xFFFF)
            next[group] += 1
        }
        var result = LatencyRowHistograms(rows: groups, capacity: entries.count)
        items.withUnsafeMutableBufferPointer { b in
            for group in 0..<groups {
                let low = Int(start[group]), high = Int(start[group + 1])
                if high - low > 32 {
                    b[low..<high].sort()
                } else if high - low > 1 {
                    for i in (low + 1)..<high {
                        let value = b[i]
                        var j = i
                        while j > low && b[j - 1] > value { b[j] = b[j - 1]; j -= 1 }
                        b[j] = value
                    }
                }
                var i = low
                while i < high {
                    let bucket = b[i]
                    var n: Int64 = 0
                    while i < high && b[i] == bucket { n += 1; i += 1 }
                    result.append(bucket: bucket, count: n)
                }
                result.endRow()
            }
        }
        return result
    }

    /// The positions in `buckets` and `counts` of row `row`'s histogram (empty when none of
    /// its requests had a duration).
    @inline(__always)
    public func range(ofRow row: Int) -> Range<Int> { Int(start[row])..<Int(start[row + 1]) }

    /// Row `row`'s histogram packed for storage (`PackedLatencyBuckets`) into `bytes`
    /// (emptied first; left empty when the row has no timed request). Reusing one buffer
    /// spares an allocation per row.
    public func pack(row: Int, into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        guard row >= 0 else { return }
        var last = -1
        for i in range(ofRow: row) {
            let bucket = Int(buckets[i])
            PackedLatencyBuckets.appendVarint(UInt64(last < 0 ? bucket : bucket - last), to: &bytes)
            PackedLatencyBuckets.appendVarint(UInt64(counts[i]), to: &bytes)
            last = bucket
        }
    }
}
