/// Errors per hour and client in bounded memory, however many distinct clients a log has
/// (a scan from millions of addresses must not grow the process).
///
/// The rule is Space-Saving (Metwally, Agrawal, El Abbadi 2005), changed so that no count is
/// ever lent to a client it does not belong to:
///
/// - At most `capacity` (hour, client) pairs are *named*. Until that many are seen, every
///   count is exact and nothing else happens.
/// - Each named pair has a *weight*: its errors plus what it inherited when admitted. Once
///   the table is full, a new pair takes the place of the lightest named pair: the evicted
///   pair's counts move to its hour's *folded* counts (reported as `(other)`), and the
///   newcomer inherits the evicted weight as its starting weight (not as counts). A client
///   that keeps coming back climbs past the one-off addresses of a scan; one that does not
///   is the next to go.
///
/// What that guarantees, with N the errors added:
/// - Totals are exact: per hour, the named counts plus the folded counts are every error
///   added, to the unit. Only the attribution of the tail is folded.
/// - A named pair's counts are errors of that client and hour, never more: they count from
///   its latest admission, so a pair never evicted is exact.
/// - A pair with more than N / `capacity` errors is always named at the end, short of its true
///   count by at most N / `capacity` (its inheritance: the lightest weight, and the named
///   weights sum to at most N).
///
/// The same holds across `merge` (the union of both tables keeps its heaviest `capacity`
/// pairs). Evicted pairs stay in the hash table, marked, until as many have gathered as
/// there are named ones; then the table and its names are rebuilt from the named pairs, so
/// memory stays under about twice the capacity. Nothing of this runs until the table is full.
public struct ClientTally {
    /// Named pairs per tally (per ingest step and worker): with the per-hour cap of the
    /// database (`SQLiteStore.maxClientsPerHour`) well below it, an hour's heaviest clients
    /// reach the database however wide the step; about 200 bytes each.
    public static let defaultCapacity = 8192

    public let capacity: Int

    /// Client names of the pairs in the table (named or evicted).
    private var names = ByteInterner()
    /// Per entry (dense, first-seen order): hour and name id, counts, weight (-1: evicted),
    /// and position in `heap` (meaningful while `heapIsValid`).
    private var keys: [ClientKey] = []
    private var counts: [ClientCounts] = []
    private var weights: [Int64] = []
    private var heapPositions: [Int32] = []
    /// Per slot: 0 (empty) or the key's hash tag (high 32 bits) and entry index + 1.
    private var slots: [UInt64]
    private var mask: Int
    /// Named entries by weight, lightest first; built when the first eviction needs it.
    private var heap: [Int32] = []
    private var heapIsValid = false
    private var evicted = 0
    /// The heaviest weight ever folded: a pair that is not named has at most this many
    /// errors (all of them in the folded counts).
    private var floor: Int64 = 0

    /// Errors of pairs that are not named, per hour (the key's client is always -1).
    public private(set) var folded = CounterTable<ClientKey, ClientCounts>(capacity: 16)

    public init(capacity: Int = ClientTally.defaultCapacity) {
        self.capacity = max(1, capacity)
        slots = [UInt64](repeating: 0, count: 64)
        mask = 63
    }

    /// Named pairs.
    public var namedCount: Int { keys.count - evicted }
    public var isEmpty: Bool { namedCount == 0 && folded.isEmpty }
    /// Distinct names held (named or awaiting the next rebuild): the memory bound to test.
    var storedNames: Int { names.count }

    /// Adds `counts` (with `errors` ≥ 1) to `client` in `hour`.
    @inline(__always)
    public mutating func add(hour: Int32, client: UnsafeRawBufferPointer, _ added: ClientCounts) {
        let key = ClientKey(hour: hour, client: Int32(truncatingIfNeeded: names.intern(client)))
        let (index, slot) = find(key)
        guard index >= 0 else { return admitNew(key, added, slot: slot) }
        if weights[index] < 0 { return admit(index, added) }
        counts[index] += added
        weights[index] += added.errors
        if heapIsValid { siftDown(Int(heapPositions[index])) }
    }

    public mutating func add(hour: Int32, client: String, _ added: ClientCounts) {
        var copy = client
        copy.withUTF8 { add(hour: hour, client: UnsafeRawBufferPointer($0), added) }
    }

    /// Calls `body` with each named pair's hour, client bytes and counts, in first-seen order.
    public func forEachNamed(_ body: (Int32, UnsafeRawBufferPointer, ClientCounts) throws -> Void) rethrows {
        for index in keys.indices where weights[index] >= 0 {
            try names.bytes(Int(keys[index].client)).withUnsafeBytes { try body(keys[index].hour, $0, counts[index]) }
        }
    }

    /// Every error per hour, named and folded: what the database's hour totals must equal.
    public var totalsByHour: [Int32: ClientCounts] {
        var totals: [Int32: ClientCounts] = [:]
        for index in keys.indices where weights[index] >= 0 { totals[keys[index].hour, default: ClientCounts()] += counts[index] }
        for (key, value) in folded { totals[key.hour, default: ClientCounts()] += value }
        return totals
    }

    /// Adds another tally: the union of both, then the heaviest `capacity` pairs stay named.
    ///
    /// A pair one side does not name may still have errors there, folded: at most that
    /// side's floor. It is credited with that floor as weight (never as counts), which keeps
    /// "weight ≥ true errors" and so the guarantees above.
    public mutating func merge(_ other: ClientTally) {
        guard !other.isEmpty else { return }
        for (key, value) in other.folded { folded.add(key, value) }
        if other.floor > 0 {
            for index in weights.indices where weights[index] >= 0 { weights[index] += other.floor }
        }
        for index in other.keys.indices where other.weights[index] >= 0 {
            let added = other.counts[index]
            let weight = other.weights[index]
            other.names.bytes(Int(other.keys[index].client)).withUnsafeBytes { name in
                let key = ClientKey(hour: other.keys[index].hour, client: Int32(truncatingIfNeeded: names.intern(name)))
                var (at, slot) = find(key)
                if at < 0 {
                    at = append(key, slot: slot)
                }
                if weights[at] < 0 {
                    evicted -= 1
                    counts[at] = added
                    weights[at] = floor + weight
                } else {
                    counts[at] += added
                    weights[at] += weight - other.floor
                }
            }
        }
        floor += other.floor
        heapIsValid = false
        if namedCount > capacity { keepHeaviest() }
        if evicted > capacity { rebuild() }
    }

    // MARK: Table

    /// The entry of `key` (or -1) and, when absent, the empty slot where it belongs.
    @inline(__always)
    private func find(_ key: ClientKey) -> (index: Int, slot: Int) {
        let h = key.counterHash
        let tag = h & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return (-1, slot) }
            let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
            if entry & 0xFFFF_FFFF_0000_0000 == tag && keys[index] == key { return (index, slot) }
            slot = (slot + 1) & mask
        }
    }

    /// A new entry for `key` in `slot`, evicted (weight -1) until admitted.
    private mutating func append(_ key: ClientKey, slot: Int) -> Int {
        let index = keys.count
        keys.append(key)
        counts.append(ClientCounts())
        weights.append(-1)
        heapPositions.append(-1)
        evicted += 1
        slots[slot] = (key.counterHash & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1)
        if keys.count * 2 > slots.count { growSlots() }
        return index
    }

    @inline(never)
    private mutating func admitNew(_ key: ClientKey, _ added: ClientCounts, slot: Int) {
        admit(append(key, slot: slot), added)
    }

    /// Names the evicted entry `index` with `added`, in place of the lightest if full.
    @inline(never)
    private mutating func admit(_ index: Int, _ added: ClientCounts) {
        evicted -= 1
        counts[index] = added
        if namedCount <= capacity {
            // `floor` is 0 until the first eviction; after it, a pair that was evicted had at
            // most that many errors, which its weight must still cover.
            weights[index] = floor + added.errors
            heapIsValid = false
            return
        }
        if !heapIsValid { buildHeap(excluding: index) }
        let lightest = Int(heap[0])
        let inherited = max(weights[lightest], floor)
        fold(lightest)
        weights[index] = inherited + added.errors
        heap[0] = Int32(index)
        heapPositions[index] = 0
        siftDown(0)
        if evicted > capacity { rebuild() }
    }

    /// Moves a named entry's counts to its hour's folded counts.
    private mutating func fold(_ index: Int) {
        folded.add(ClientKey(hour: keys[index].hour, client: -1), counts[index])
        floor = max(floor, weights[index])
        counts[index] = ClientCounts()
        weights[index] = -1
        evicted += 1
    }

    /// Folds all but the heaviest `capacity` named entries (ties: the first seen stay).
    private mutating func keepHeaviest() {
        let named = keys.indices.filter { weights[$0] >= 0 }
            .sorted { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }
        for index in named.dropFirst(capacity) { fold(index) }
        heapIsValid = false
    }

    /// Drops evicted entries and the names only they used.
    private mutating func rebuild() {
        var rebuilt = ClientTally(capacity: capacity)
        rebuilt.folded = folded
        rebuilt.floor = floor
        for index in keys.indices where weights[index] >= 0 {
            names.bytes(Int(keys[index].client)).withUnsafeBytes { name in
                let key = ClientKey(hour: keys[index].hour, client: Int32(truncatingIfNeeded: rebuilt.names.intern(name)))
                let at = rebuilt.append(key, slot: rebuilt.find(key).slot)
                rebuilt.evicted -= 1
                rebuilt.counts[at] = counts[index]
                rebuilt.weights[at] = weights[index]
            }
        }
        self = rebuilt
    }

    private mutating func growSlots() {
        let size = slots.count * 2
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
        for index in keys.indices {
            let h = keys[index].counterHash
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1)
        }
    }

    // MARK: Heap of named entries, lightest first

    /// A heap of the named entries but `newcomer` (which is about to replace the root).
    private mutating func buildHeap(excluding newcomer: Int) {
        heap.removeAll(keepingCapacity: true)
        for index in keys.indices where weights[index] >= 0 && index != newcomer {
            heapPositions[index] = Int32(heap.count)
            heap.append(Int32(index))
        }
        var i = heap.count / 2
        while i > 0 {
            i -= 1
            siftDown(i)
        }
        heapIsValid = true
    }

    @inline(__always)
    private mutating func siftDown(_ start: Int) {
        let n = heap.count
        var i = start
        let moving = heap[i]
        let weight = weights[Int(moving)]
        while true {
            let left = 2 * i + 1
            if left >= n { break }
            var child = left
            var childWeight = weights[Int(heap[left])]
            if left + 1 < n {
                let rightWeight = weights[Int(heap[left + 1])]
                if rightWeight < childWeight { child = left + 1; childWeight = rightWeight }
            }
            if childWeight >= weight { break }
            heap[i] = heap[child]
            heapPositions[Int(heap[i])] = Int32(i)
            i = child
        }
        heap[i] = moving
        heapPositions[Int(moving)] = Int32(i)
    }
}
