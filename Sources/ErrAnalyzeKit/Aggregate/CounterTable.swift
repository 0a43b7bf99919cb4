/// A key of a `CounterTable`: small integers, hashed with a few multiplications rather than
/// `Hasher` (SipHash, seeded per process), which costs more than the rest of counting a line.
public protocol CounterKey: Equatable {
    /// A well-mixed hash; the table uses its low bits for the slot and its high 32 bits as a
    /// tag that rejects most other keys without loading them.
    var counterHash: UInt64 { get }
}

/// Counters that add up.
public protocol CounterValue {
    init()
    static func += (lhs: inout Self, rhs: Self)
}

/// Additive counters by key: an open-addressing hash table (linear probing, at most half
/// full) over dense arrays of keys and values in first-seen order.
///
/// Read it like a dictionary (`for (key, value) in table`, `table[key]`, `count`, `keys`,
/// `values`); write it only by adding. It never removes, so it needs no tombstones, and
/// iteration is a walk over two arrays.
///
/// Inlinable, so that a table of another module's key type (a store's rollup keys) is
/// specialised there as the aggregate's own tables are here: unspecialised, every hash, key
/// comparison and addition was a witness call, slower than a `Dictionary`.
public struct CounterTable<Key: CounterKey, Value: CounterValue>: RandomAccessCollection {
    public typealias Element = (key: Key, value: Value)

    /// Keys in first-seen order.
    @inlinable public var keys: [Key] { storedKeys }
    /// `values[i]` belongs to `keys[i]`.
    @inlinable public var values: [Value] { storedValues }
    @usableFromInline var storedKeys: [Key] = []
    @usableFromInline var storedValues: [Value] = []
    /// Per slot: 0 (empty) or the key's hash tag (high 32 bits) and index + 1 (low 32 bits).
    @usableFromInline var slots: [UInt64]
    @usableFromInline var mask: Int

    @inlinable
    public init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { storedKeys.count }
    @inlinable public subscript(position: Int) -> Element { (storedKeys[position], storedValues[position]) }

    /// The counters of `key`, if it was ever added.
    @inlinable
    public subscript(key: Key) -> Value? {
        let h = key.counterHash
        let tag = h & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
            if entry & 0xFFFF_FFFF_0000_0000 == tag && storedKeys[index] == key { return storedValues[index] }
            slot = (slot + 1) & mask
        }
    }

    /// Adds `value` to the counters of `key`; returns the key's index in `keys` (stable: the
    /// table never removes).
    @inlinable @inline(__always) @discardableResult
    public mutating func add(_ key: Key, _ value: Value) -> Int {
        let h = key.counterHash
        let tag = h & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
            if entry & 0xFFFF_FFFF_0000_0000 == tag && storedKeys[index] == key {
                storedValues[index] += value
                return index
            }
            slot = (slot + 1) & mask
        }
        return insert(key, value, tag: tag, slot: slot)
    }

    @inlinable @inline(never)
    mutating func insert(_ key: Key, _ value: Value, tag: UInt64, slot: Int) -> Int {
        storedKeys.append(key)
        var counts = Value()
        counts += value
        storedValues.append(counts)
        slots[slot] = tag | UInt64(storedKeys.count)
        if storedKeys.count * 2 > slots.count { grow() }
        return storedKeys.count - 1
    }

    @inlinable
    mutating func grow() {
        let size = slots.count * 2
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
        for index in storedKeys.indices {
            let h = storedKeys[index].counterHash
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1)
        }
    }
}

extension CounterTable: Equatable where Value: Equatable {
    /// The same keys with the same counters, whatever the order they were first seen in.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (key, value) in lhs {
            guard let other = rhs[key], other == value else { return false }
        }
        return true
    }
}

/// Mixes two words into a hash (the finaliser of SplitMix64 over their combination).
@inlinable @inline(__always)
package func mixCounterHash(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var h = (a &* 0x9E37_79B9_7F4A_7C15) ^ (b &+ 0x632B_E59B_D9B4_E019)
    h = (h ^ (h &>> 30)) &* 0xBF58_476D_1CE4_E5B9
    h = (h ^ (h &>> 27)) &* 0x94D0_49BB_1331_11EB
    return h ^ (h &>> 31)
}
