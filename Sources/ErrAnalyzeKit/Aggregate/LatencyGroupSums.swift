/// Histograms summed by a coarser key than the one they were counted by: a step's per-row
/// histograms into its daily, monthly or per-hour-and-outcome rollups. Keys get dense group
/// numbers as they are first seen; the (group, bucket, count) entries are grouped at the end
/// by a counting sort (`LatencyRowHistograms.grouping`), so adding costs an append.
public struct LatencyGroupSums<Key: Hashable> {
    private var ids: [Key: Int] = [:]
    /// Group `g`'s key is `keys[g]`.
    public private(set) var keys: [Key] = []
    private var entries: [UInt64] = []
    private var counts: [Int64] = []

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    /// The group number of `key`.
    public mutating func group(_ key: Key) -> Int {
        if let id = ids[key] { return id }
        ids[key] = keys.count
        keys.append(key)
        return keys.count - 1
    }

    /// Adds `count` requests in `bucket` to group `group`.
    @inline(__always)
    public mutating func add(group: Int, bucket: UInt16, count: Int64) {
        entries.append(UInt64(truncatingIfNeeded: group) &<< 16 | UInt64(bucket))
        counts.append(count)
    }

    /// Each group's histogram (row `g` of the result is `keys[g]`'s).
    public func histograms() -> LatencyRowHistograms {
        LatencyRowHistograms.grouping(entries, counts: counts, groups: keys.count)
    }
}
