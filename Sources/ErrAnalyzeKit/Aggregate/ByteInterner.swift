/// Maps byte strings (routes, codes, methods, clients) to small dense integer ids without
/// allocating on lookup: the bytes live once in an arena and an open-addressing table
/// finds them by hash. Ids start at 0 in first-seen order.
public struct ByteInterner {
    private var arena: [UInt8] = []
    private var starts: [Int32] = []
    private var lengths: [Int32] = []
    private var hashes: [UInt64] = []
    /// Slots hold id + 1; 0 is empty.
    private var slots: [Int32]
    private var mask: Int

    public init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    /// How many distinct values have been interned.
    public var count: Int { starts.count }

    /// The id of `bytes`, if it was interned.
    @inline(__always)
    public func lookup(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let h = Self.hash(bytes)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if hashes[entry - 1] == h && equals(entry - 1, bytes) { return entry - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// The id of `bytes`, adding it if new.
    @inline(__always)
    public mutating func intern(_ bytes: UnsafeRawBufferPointer) -> Int {
        let h = Self.hash(bytes)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            if hashes[entry - 1] == h && equals(entry - 1, bytes) { return entry - 1 }
            slot = (slot + 1) & mask
        }
        let id = starts.count
        starts.append(Int32(arena.count))
        lengths.append(Int32(bytes.count))
        hashes.append(h)
        arena.append(contentsOf: bytes)
        slots[slot] = Int32(id + 1)
        if starts.count * 2 > slots.count { rehash() }
        return id
    }

    public func lookup(_ string: String) -> Int? {
        var copy = string
        return copy.withUTF8 { lookup(UnsafeRawBufferPointer($0)) }
    }

    public mutating func intern(_ string: String) -> Int {
        var copy = string
        return copy.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    /// The value of `id` as a String (invalid UTF-8 repaired), for output and storage.
    public func string(_ id: Int) -> String {
        let start = Int(starts[id]), length = Int(lengths[id])
        return arena.withUnsafeBufferPointer { String(decoding: $0[start..<(start + length)], as: UTF8.self) }
    }

    /// The raw bytes of `id`.
    public func bytes(_ id: Int) -> ArraySlice<UInt8> {
        let start = Int(starts[id])
        return arena[start..<(start + Int(lengths[id]))]
    }

    @inline(__always)
    private func equals(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let length = Int(lengths[id])
        guard length == bytes.count else { return false }
        if length == 0 { return true }
        return arena.withUnsafeBytes { memcmp($0.baseAddress! + Int(starts[id]), bytes.baseAddress!, length) == 0 }
    }

    private mutating func rehash() {
        let size = slots.count * 2
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        for id in 0..<hashes.count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id + 1)
        }
    }

    /// FNV-1a over 8-byte words, then a final avalanche: fast for the short strings interned
    /// here, and good enough for a table that compares full keys anyway.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        let n = bytes.count
        var i = 0
        while i + 8 <= n {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x0000_0100_0000_01B3
            i += 8
        }
        while i < n {
            h = (h ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01B3
            i += 1
        }
        h ^= UInt64(n)
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }
}

import Glibc
