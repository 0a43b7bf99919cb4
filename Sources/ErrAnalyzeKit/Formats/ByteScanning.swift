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

    /// Whether `line` holds a NUL byte: binary data (a corrupt block, the sparse region a
    /// writer without `O_APPEND` leaves after `copytruncate`), never a request, whatever else
    /// it looks like. One vectorised memchr over the line.
    @inline(__always)
    static func containsNUL(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let base = line.baseAddress, line.count > 0 else { return false }
        return memchr(base, 0, line.count) != nil
    }

    /// Index of the first occurrence of `needle` in `buffer[from..<to]`.
    @inline(__always)
    static func find(_ needle: UnsafeRawBufferPointer, in buffer: UnsafeRawBufferPointer, from: Int, to: Int) -> Int? {
        let m = needle.count
        guard m > 0 else { return from }
        guard let base = buffer.baseAddress, let nbase = needle.baseAddress else { return nil }
        let first = Int32(needle[0])
        var i = from
        while i + m <= to {
            guard let hit = memchr(base + i, first, to - m + 1 - i) else { return nil }
            let at = base.distance(to: UnsafeRawPointer(hit))
            if m == 1 || memcmp(base + at + 1, nbase + 1, m - 1) == 0 { return at }
            i = at + 1
        }
        return nil
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

    /// A field that is exactly a three-digit status 100–599, or nil.
    @inline(__always)
    static func statusField(_ field: UnsafeRawBufferPointer) -> Int? {
        guard field.count == 3 else { return nil }
        return status(in: field, at: 0)
    }

    /// Whether a field is absent by convention (`-` or empty).
    @inline(__always)
    static func isDash(_ field: UnsafeRawBufferPointer) -> Bool {
        field.count == 0 || (field.count == 1 && field[0] == UInt8(ascii: "-"))
    }

    /// A non-negative decimal integer filling the whole field (at most 18 digits), or nil.
    @inline(__always)
    static func integer(_ field: UnsafeRawBufferPointer) -> Int64? {
        let n = field.count
        guard n > 0 && n <= 18 else { return nil }
        var value: Int64 = 0
        for i in 0..<n {
            let d = Int64(field[i]) &- 48
            guard d >= 0 && d <= 9 else { return nil }
            value = value &* 10 &+ d
        }
        return value
    }

    /// Whether `field` equals the ASCII `literal`, ignoring the case of letters.
    @inline(__always)
    static func equalsIgnoringCase(_ field: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard field.count == n else { return false }
        let p = literal.utf8Start
        for i in 0..<n where lower(field[i]) != lower(p[i]) { return false }
        return true
    }

    /// Whether `field` starts with the ASCII `literal`.
    @inline(__always)
    static func hasPrefix(_ field: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard field.count >= n else { return false }
        return memcmp(field.baseAddress!, literal.utf8Start, n) == 0
    }

    @inline(__always)
    static func lower(_ c: UInt8) -> UInt8 {
        c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c | 0x20 : c
    }

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// The host part of an address that may carry a port: `10.0.0.1:5000` → `10.0.0.1`,
    /// `[2001:db8::1]:443` → `2001:db8::1`; a bare IPv6 address is left whole.
    @inline(__always)
    static func stripPort(_ address: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let n = address.count
        guard n > 0 else { return address }
        if address[0] == UInt8(ascii: "[") {
            if let close = find(UInt8(ascii: "]"), in: address, from: 1) { return slice(address, 1, close) }
            return address
        }
        var colon = -1
        for i in 0..<n where address[i] == UInt8(ascii: ":") {
            if colon >= 0 { return address }  // two colons: IPv6 without brackets
            colon = i
        }
        return colon > 0 ? slice(address, 0, colon) : address
    }

    /// Leading and trailing spaces and tabs removed.
    @inline(__always)
    static func trimmed(_ field: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var s = 0, e = field.count
        while s < e && (field[s] == 0x20 || field[s] == 0x09) { s += 1 }
        while e > s && (field[e - 1] == 0x20 || field[e - 1] == 0x09) { e -= 1 }
        return s == 0 && e == field.count ? field : slice(field, s, e)
    }
}
