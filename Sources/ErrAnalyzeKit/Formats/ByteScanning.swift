import Glibc

/// Small byte-level helpers shared by the format parsers.
enum ByteScanning {
    /// Index of the first `byte` in `buffer[from..<buffer.count]`, using libc's vectorised memchr.
    @inline(__always)
    static func find(_ byte: UInt8, in buffer: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard from < buffer.count, let base = buffer.baseAddress else { return nil }
        guard let hit = memchr(base + from, Int32(byte), buffer.count - from) else { return nil }
        return base.distance(to: UnsafeRawPointer(hit))
    }

    /// A sub-buffer, without bounds checks beyond the caller's.
    @inline(__always)
    static func slice(_ buffer: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: buffer.baseAddress! + start, count: end - start)
    }

    /// A three-digit HTTP status at `index`, or nil.
    @inline(__always)
    static func status(in buffer: UnsafeRawBufferPointer, at index: Int) -> Int? {
        guard index + 3 <= buffer.count else { return nil }
        let a = Int(buffer[index]) &- 48, b = Int(buffer[index + 1]) &- 48, c = Int(buffer[index + 2]) &- 48
        guard a >= 1 && a <= 5 && b >= 0 && b <= 9 && c >= 0 && c <= 9 else { return nil }
        return a * 100 + b * 10 + c
    }

    /// Whether a field is absent by convention (`-` or empty).
    @inline(__always)
    static func isDash(_ field: UnsafeRawBufferPointer) -> Bool {
        field.count == 0 || (field.count == 1 && field[0] == UInt8(ascii: "-"))
    }
}
