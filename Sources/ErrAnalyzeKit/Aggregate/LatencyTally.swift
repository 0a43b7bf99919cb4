/// The durations of one aggregate's requests: for each timed request, which traffic row it
/// belongs to (the index of its `TrafficKey` in the aggregate's traffic table) and its
/// `LatencyBuckets` bucket.
///
/// Why a list and not counters: counting a duration is then one append to an array written in
/// order, which costs next to nothing, where a counter per (key, bucket) cost a second
/// hash-table probe per line into a table of ~300k mostly cold entries (a cache miss a line on
/// sparse traffic; `docs/benchmarks.md`, latency). The list is turned into histograms once per
/// step (`histograms(rows:)`), by a counting sort on the row index: linear, no hashing.
/// Memory is 4 bytes a timed request, for the step's requests only (a step ends every
/// `IngestOptions.checkpointBytes` of input).
public struct LatencyTally: Sendable {
    /// `row << 9 | bucket` per timed request, in the order they were counted: 4 bytes each
    /// while rows are fewer than 2^23 (every real step; a step's rows are at most its lines)…
    private var entries: [UInt32] = []
    /// …and `row << 16 | bucket` for rows beyond, so that no step is too large to count.
    private var wideEntries: [UInt64] = []

    public init() {}

    /// Timed requests counted.
    public var count: Int { entries.count + wideEntries.count }
    public var isEmpty: Bool { entries.isEmpty && wideEntries.isEmpty }

    /// Counts one request of traffic row `row` whose duration fell in `bucket`.
    @inline(__always)
    public mutating func add(row: Int, bucket: Int) {
        if row < 1 << 23 {
            entries.append(UInt32(truncatingIfNeeded: row) &<< 9 | UInt32(truncatingIfNeeded: bucket))
        } else {
            wideEntries.append(UInt64(truncatingIfNeeded: row) &<< 16 | UInt64(truncatingIfNeeded: bucket))
        }
    }

    /// Makes room for `requests` timed requests: the list then grows in place, without copying
    /// itself at each doubling. Room never written is address space, not memory.
    public mutating func reserveCapacity(_ requests: Int) {
        entries.reserveCapacity(requests)
    }

    /// Adds `other`'s requests, its traffic rows renumbered by `rowMap` (other's row index →
    /// this aggregate's).
    public mutating func merge(_ other: LatencyTally, rowMap: [Int]) {
        entries.reserveCapacity(entries.count + other.entries.count)
        rowMap.withUnsafeBufferPointer { map in
            other.forEach { row, bucket in add(row: map[row], bucket: bucket) }
        }
    }

    /// The histogram of each traffic row (`rows` of them).
    public func histograms(rows: Int) -> LatencyRowHistograms {
        LatencyRowHistograms.grouping(self, groups: rows, position: nil)
    }

    /// The histograms of the traffic rows laid out in the order a writer visits them: row `r`'s
    /// is the result's row `position[r]`. A writer that walks rows in key order then reads the
    /// histograms front to back instead of jumping (a cache miss a row).
    public func histograms(position: [Int32]) -> LatencyRowHistograms {
        LatencyRowHistograms.grouping(self, groups: position.count, position: position)
    }

    /// The same, given how many requests each row has (`requestsOfRow(r)`, summing to
    /// `count`): the counting sort then skips its counting pass over every request.
    public func histograms(position: [Int32], requestsOfRow: (Int) -> Int) -> LatencyRowHistograms {
        withoutActuallyEscaping(requestsOfRow) {
            LatencyRowHistograms.grouping(self, groups: position.count, position: position, requestsOfRow: $0)
        }
    }

    /// Each request's group (`position[row]`, or its row) and bucket, in the order counted
    /// (the wide ones last): the counting sort's two passes, without a closure per request
    /// choosing between the two.
    @inline(__always)
    func forEachGroup(_ position: [Int32]?, _ body: (_ group: Int, _ bucket: UInt16) -> Void) {
        entries.withUnsafeBufferPointer { entries in
            if let position {
                position.withUnsafeBufferPointer { position in
                    for entry in entries {
                        body(Int(position[Int(truncatingIfNeeded: entry &>> 9)]), UInt16(truncatingIfNeeded: entry & 0x1FF))
                    }
                }
            } else {
                for entry in entries { body(Int(truncatingIfNeeded: entry &>> 9), UInt16(truncatingIfNeeded: entry & 0x1FF)) }
            }
        }
        for entry in wideEntries {
            let row = Int(truncatingIfNeeded: entry &>> 16)
            body(position.map { Int($0[row]) } ?? row, UInt16(truncatingIfNeeded: entry & 0xFFFF))
        }
    }

    /// Each request's (row, bucket), in the order counted (the wide ones last).
    @inline(__always)
    func forEach(_ body: (_ row: Int, _ bucket: Int) -> Void) {
        for entry in entries { body(Int(truncatingIfNeeded: entry &>> 9), Int(truncatingIfNeeded: entry & 0x1FF)) }
        for entry in wideEntries { body(Int(truncatingIfNeeded: entry &>> 16), Int(truncatingIfNeeded: entry & 0xFFFF)) }
    }
}

/// Per traffic row, its non-empty duration buckets in ascending order with their counts.
public struct LatencyRowHistograms: Sendable {
    /// Row `r`'s buckets are `buckets[start[r]..<start[r + 1]]`.
    private var start: [Int32]
    public private(set) var buckets: [UInt16] = []
    /// Requests (a step counts fewer than 2^32 lines).
    public private(set) var counts: [UInt32] = []

    /// No rows.
    public init() { start = [0] }

    init(rows: Int, capacity: Int) {
        start = [0]
        start.reserveCapacity(rows + 1)
        buckets.reserveCapacity(capacity)
        counts.reserveCapacity(capacity)
    }

    mutating func append(bucket: UInt16, count: UInt32) {
        buckets.append(bucket)
        counts.append(count)
    }

    mutating func endRow() { start.append(Int32(buckets.count)) }

    /// The traffic rows.
    public var rows: Int { start.count - 1 }

    /// Groups a tally's requests by row (`position[row]` when given) into `groups` histograms: a
    /// counting sort on the group (linear, no hashing), then each group's requests counted
    /// into a dense per-bucket scratch. A group's distinct buckets come out in order by an
    /// insertion sort when few (a row of a sparse step has ~20 requests in ~6 buckets), by a
    /// scan of the scratch between its least and greatest bucket when many.
    static func grouping(_ tally: LatencyTally, groups: Int, position: [Int32]?,
                         requestsOfRow: ((Int) -> Int)? = nil) -> LatencyRowHistograms {
        let total = tally.count
        // start[g + 1] counts group g's requests, then (summed) ends where group g + 1 starts.
        var start = [Int32](repeating: 0, count: groups + 1)
        if let requestsOfRow {
            for row in 0..<groups { start[(position.map { Int($0[row]) } ?? row) + 1] = Int32(truncatingIfNeeded: requestsOfRow(row)) }
        }
        // Counts that do not add up (never, unless a caller's do not match the tally): counted.
        var counted = requestsOfRow != nil && start.reduce(0, { $0 + Int($1) }) == total
        // Each group's buckets in its own range; every slot is written below.
        let items = [UInt16](unsafeUninitializedCapacity: total) { items, initialized in
            start.withUnsafeMutableBufferPointer { start in
                while true {
                    if !counted {
                        for i in 0...groups { start[i] = 0 }
                        tally.forEachGroup(position) { group, _ in start[group &+ 1] &+= 1 }
                    }
                    for i in 0..<groups { start[i &+ 1] &+= start[i] }
                    // Filled from each group's end backwards, so that `start` needs no copy. A
                    // group given fewer requests than it has would run below the first slot:
                    // checked (this module is built without bounds checks), then counted.
                    var overran = false
                    tally.forEachGroup(position) { group, bucket in
                        let at = Int(start[group &+ 1]) &- 1
                        if at < 0 { overran = true; return }
                        start[group &+ 1] = Int32(truncatingIfNeeded: at)
                        items[at] = bucket
                    }
                    if overran && counted { counted = false; continue }
                    break
                }
                // start[g + 1] is now where group g starts: moved down by one, it is start[g].
                for i in 0..<groups { start[i] = start[i &+ 1] }
                start[groups] = Int32(truncatingIfNeeded: total)
            }
            initialized = total
        }
        // Room for every request in its own bucket: never grown (a copy and fresh pages), and
        // what is not written is address space, not memory.
        var result = LatencyRowHistograms(rows: groups, capacity: total)
        let scratch = UnsafeMutablePointer<UInt32>.allocate(capacity: 1 << 16)
        scratch.initialize(repeating: 0, count: 1 << 16)
        let touched = UnsafeMutablePointer<UInt16>.allocate(capacity: 1 << 16)
        defer { scratch.deallocate(); touched.deallocate() }
        items.withUnsafeBufferPointer { b in
            start.withUnsafeBufferPointer { start in
                for group in 0..<groups {
                    let end = Int(start[group &+ 1])
                    var distinct = 0
                    var least = UInt16.max, greatest = UInt16(0)
                    // Without a branch on whether the bucket is new (taken at random, a third
                    // of the time: mispredicted it cost more than the counting).
                    for i in Int(start[group])..<end {
                        let bucket = b[i]
                        let seen = scratch[Int(bucket)]
                        touched[distinct] = bucket
                        distinct &+= seen == 0 ? 1 : 0
                        scratch[Int(bucket)] = seen &+ 1
                        least = min(least, bucket)
                        greatest = max(greatest, bucket)
                    }
                    if distinct > 16 {
                        for bucket in Int(least)...Int(greatest) where scratch[bucket] != 0 {
                            result.append(bucket: UInt16(truncatingIfNeeded: bucket), count: scratch[bucket])
                            scratch[bucket] = 0
                        }
                    } else {
                        for i in 1..<max(distinct, 1) {
                            let value = touched[i]
                            var j = i
                            while j > 0 && touched[j &- 1] > value { touched[j] = touched[j &- 1]; j &-= 1 }
                            touched[j] = value
                        }
                        for i in 0..<distinct {
                            let bucket = touched[i]
                            result.append(bucket: bucket, count: scratch[Int(bucket)])
                            scratch[Int(bucket)] = 0
                        }
                    }
                    result.endRow()
                }
            }
        }
        return result
    }

    /// The positions in `buckets` and `counts` of row `row`'s histogram (empty when none of
    /// its requests had a duration).
    @inline(__always)
    public func range(ofRow row: Int) -> Range<Int> { Int(start[row])..<Int(start[row + 1]) }

    /// Every row's histogram packed for storage (`PackedLatencyBuckets`), one after the other:
    /// row `r`'s are `bytes[ends[r - 1]..<ends[r]]` (from 0 for the first), empty when none
    /// of its requests had a duration. One buffer, written through a pointer, for all rows.
    public func packedRows() -> (bytes: [UInt8], ends: [Int32]) {
        // A delta below 2^16 takes at most 3 bytes, a count below 2^32 at most 5.
        var packedEnds: [Int32] = []
        let bytes = [UInt8](unsafeUninitializedCapacity: buckets.count * 8) { out, written in
            var at = 0
            @inline(__always) func varint(_ value: UInt32) {
                var v = value
                while v >= 0x80 { out[at] = UInt8(truncatingIfNeeded: v) | 0x80; at &+= 1; v >>= 7 }
                out[at] = UInt8(truncatingIfNeeded: v)
                at &+= 1
            }
            var ends = [Int32](repeating: 0, count: rows)
            buckets.withUnsafeBufferPointer { buckets in
                counts.withUnsafeBufferPointer { counts in
                    for row in 0..<rows {
                        var last = -1
                        for i in Int(start[row])..<Int(start[row &+ 1]) {
                            let bucket = Int(buckets[i])
                            varint(UInt32(truncatingIfNeeded: last < 0 ? bucket : bucket &- last))
                            varint(counts[i])
                            last = bucket
                        }
                        ends[row] = Int32(truncatingIfNeeded: at)
                    }
                }
            }
            written = at
            packedEnds = ends
        }
        return (bytes, packedEnds)
    }

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
