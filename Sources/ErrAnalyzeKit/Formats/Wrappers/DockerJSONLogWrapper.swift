import Glibc

/// Docker's json-file logging driver (`/var/lib/docker/containers/<id>/<id>-json.log`):
///
///     {"log":"10.1.2.3 - - [20/Nov/2026:10:05:03 +0000] \"GET / HTTP/1.1\" 200 …\n","stream":"stdout","time":"2026-11-20T10:05:03.123456789Z"}
///
/// The application's line is the JSON string `log`, its newline included; a line longer
/// than 16 KiB is written in pieces, each but the last without a trailing newline. Docker
/// writes `log` first and `stream` next; other keys (`attrs`, `time`) are not read.
struct DockerJSONLogWrapper: ContainerWrapper {
    /// Unescaped values (only for values with a backslash in them).
    private let scratch = ScratchSpace()

    init() {}

    @inline(__always)
    mutating func unwrap(_ line: UnsafeRawBufferPointer) -> WrappedPiece? {
        let n = line.count
        guard n >= 10, ByteScanning.hasPrefix(line, #"{"log":""#) else { return nil }
        let base = line.baseAddress!
        // One pass to the closing quote, copying the value into scratch space with its escapes
        // decoded: sixteen (near the end eight) bytes at a time while they hold no quote and no backslash.
        scratch.beginLine(reserving: n)
        let out = scratch.cursor
        var written = 0
        var p = 8
        var close = -1
        var hasNUL = false
        while p < n {
            if p + 16 <= n {
                // Sixteen bytes a turn: an access log's line has about eight runs between
                // escapes, each some 25 bytes long. Stored whole as below (the output is at
                // least 8 bytes behind the input, so 16 bytes stored stay inside the room).
                let low = (base + p).loadUnaligned(as: UInt64.self)
                let high = (base + p + 8).loadUnaligned(as: UInt64.self)
                UnsafeMutableRawPointer(out + written).storeBytes(of: low, as: UInt64.self)
                UnsafeMutableRawPointer(out + written + 8).storeBytes(of: high, as: UInt64.self)
                let specialLow = Self.hasByte(low, 0x22) | Self.hasByte(low, 0x5C)
                let before: Int
                if specialLow != 0 {
                    before = specialLow.trailingZeroBitCount >> 3
                } else {
                    let specialHigh = Self.hasByte(high, 0x22) | Self.hasByte(high, 0x5C)
                    if specialHigh == 0 {
                        written += 16
                        p += 16
                        continue
                    }
                    before = 8 + specialHigh.trailingZeroBitCount >> 3
                }
                written += before
                p += before
            } else if p + 8 <= n {
                // Stored whole (the output stays at least 8 bytes behind the input, inside the
                // room reserved); only the bytes before the first quote or backslash count.
                let word = (base + p).loadUnaligned(as: UInt64.self)
                UnsafeMutableRawPointer(out + written).storeBytes(of: word, as: UInt64.self)
                let special = Self.hasByte(word, 0x22) | Self.hasByte(word, 0x5C)
                if special == 0 {
                    written += 8
                    p += 8
                    continue
                }
                let before = special.trailingZeroBitCount >> 3
                written += before
                p += before
            }
            let c = line[p]
            if c == UInt8(ascii: "\"") {
                close = p
                break
            }
            guard c == UInt8(ascii: "\\") else {
                out[written] = c
                written += 1
                p += 1
                continue
            }
            guard p + 1 < n else { return nil }
            switch line[p + 1] {
            case UInt8(ascii: "n"): out[written] = 0x0A
            case UInt8(ascii: "t"): out[written] = 0x09
            case UInt8(ascii: "r"): out[written] = 0x0D
            case UInt8(ascii: "b"): out[written] = 0x08
            case UInt8(ascii: "f"): out[written] = 0x0C
            case UInt8(ascii: "u"):
                // `\uXXXX`, or a surrogate pair `\uD8xx\uDCxx`: decoded on their own.
                var length = 6
                if p + 12 <= n, line[p + 2] | 0x20 == UInt8(ascii: "d"), Escapes.hexValue(line[p + 3]) >= 8,
                   Escapes.hexValue(line[p + 3]) <= 0xB, line[p + 6] == UInt8(ascii: "\\") { length = 12 }
                let escaped = ByteScanning.slice(line, p, min(n, p + length))
                let decoded = Escapes.unescapeJSON(escaped, to: out + written)
                if memchr(out + written, 0, decoded) != nil { hasNUL = true }
                written += decoded
                p += escaped.count
                continue
            default: out[written] = line[p + 1]  // \" \\ \/ and anything else: the character itself
            }
            written += 1
            p += 2
        }
        guard close >= 0 else { return nil }
        var stream = ContainerStream.stdout
        let rest = ByteScanning.slice(line, close + 1, n)
        if ByteScanning.hasPrefix(rest, #","stream":"stderr""#) {
            stream = .stderr
        } else if !ByteScanning.hasPrefix(rest, #","stream":"stdout""#) && !ByteScanning.hasPrefix(rest, ",") && !ByteScanning.hasPrefix(rest, "}") {
            return nil
        }
        // A newline can only come from an escape (a raw one ends the physical line): the last
        // byte is the application's newline when the line ends here.
        var count = written
        let endsLine = count > 0 && out[count - 1] == 0x0A
        if endsLine {
            count -= 1
            if count > 0 && out[count - 1] == 0x0D { count -= 1 }   // a line ended with \r\n
        }
        return WrappedPiece(stream: stream, content: scratch.commit(count), endsLine: endsLine, hasNUL: hasNUL)
    }

    /// Nonzero if one of the eight bytes of `word` is `byte`; its lowest set bit is in the first
    /// such byte (little-endian: the first in memory).
    @inline(__always)
    private static func hasByte(_ word: UInt64, _ byte: UInt64) -> UInt64 {
        let x = word ^ (byte &* 0x0101_0101_0101_0101)
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }
}
