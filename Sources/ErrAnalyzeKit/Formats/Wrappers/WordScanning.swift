/// Eight bytes at a time, for the wrappers' per-line work: a wrapper's fixed words (`{"log":"`,
/// `stdout `) are compared with one load, not a call to `memcmp`, and runs of ordinary bytes
/// are crossed a word at a time.
enum WordScanning {
    /// Eight bytes at `pointer`, the first in the lowest byte (little-endian, as every platform
    /// erranalyze builds for).
    @inline(__always)
    static func word(_ pointer: UnsafeRawPointer) -> UInt64 {
        UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self))
    }

    /// Nonzero if one of the eight bytes of `word` is `byte`; its lowest set bit is in the
    /// first such byte (higher bits may be false: only the lowest is to be read).
    @inline(__always)
    static func hasByte(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (UInt64(byte) &* 0x0101_0101_0101_0101)
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    /// The index of the first byte `hasByte` found (8 when it found none).
    @inline(__always)
    static func firstIndex(_ found: UInt64) -> Int {
        found.trailingZeroBitCount >> 3
    }

    /// Whether the `count` bytes at `pointer` begin with `literal` (compared a word at a time:
    /// no call, the literal's words are constants once inlined).
    @inline(__always)
    static func hasPrefix(_ pointer: UnsafeRawPointer, _ count: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard count >= n else { return false }
        let l = UnsafeRawPointer(literal.utf8Start)
        if n < 8 {
            for i in 0..<n where pointer.load(fromByteOffset: i, as: UInt8.self) != l.load(fromByteOffset: i, as: UInt8.self) {
                return false
            }
            return true
        }
        var i = 0
        while i + 8 < n {
            if word(pointer + i) != word(l + i) { return false }
            i += 8
        }
        // The last (perhaps overlapping) word.
        return word(pointer + n - 8) == word(l + n - 8)
    }

    /// `hasPrefix` for seven bytes or fewer, when eight bytes at `pointer` are readable: one
    /// load and a mask.
    @inline(__always)
    static func hasShortPrefix(_ pointer: UnsafeRawPointer, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        var expected: UInt64 = 0
        for i in 0..<n { expected |= UInt64(literal.utf8Start[i]) << (8 * UInt64(i)) }
        let mask: UInt64 = n >= 8 ? ~0 : (1 << (8 * UInt64(n))) - 1
        return word(pointer) & mask == expected
    }
}
