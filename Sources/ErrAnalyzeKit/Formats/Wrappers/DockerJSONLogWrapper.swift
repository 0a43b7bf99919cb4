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
        // One pass to the closing quote: the bytes between escapes are found with memchr and,
        // once a value has an escape, copied whole into scratch space with the escapes decoded.
        var p = 8
        var out: UnsafeMutablePointer<UInt8>?
        var written = 0
        var quote = -1
        var close = -1
        while true {
            if quote < p {
                guard let hit = memchr(base + p, Int32(UInt8(ascii: "\"")), n - p) else { return nil }
                quote = base.distance(to: UnsafeRawPointer(hit))
            }
            guard let escape = memchr(base + p, Int32(UInt8(ascii: "\\")), quote - p) else {
                if let out { memcpy(out + written, base + p, quote - p); written += quote - p }
                close = quote
                break
            }
            let b = base.distance(to: UnsafeRawPointer(escape))
            guard b + 1 < n else { return nil }
            if out == nil {
                scratch.beginLine(reserving: n)
                out = scratch.cursor
            }
            let o = out!
            memcpy(o + written, base + p, b - p)
            written += b - p
            switch line[b + 1] {
            case UInt8(ascii: "n"): o[written] = 0x0A
            case UInt8(ascii: "t"): o[written] = 0x09
            case UInt8(ascii: "r"): o[written] = 0x0D
            case UInt8(ascii: "b"): o[written] = 0x08
            case UInt8(ascii: "f"): o[written] = 0x0C
            case UInt8(ascii: "u"):
                // `\uXXXX`, or a surrogate pair `\uD8xx\uDCxx`: decoded on their own.
                var length = 6
                if b + 12 <= n, line[b + 2] | 0x20 == UInt8(ascii: "d"), Escapes.hexValue(line[b + 3]) >= 8,
                   Escapes.hexValue(line[b + 3]) <= 0xB, line[b + 6] == UInt8(ascii: "\\") { length = 12 }
                let escaped = ByteScanning.slice(line, b, min(n, b + length))
                written += Escapes.unescapeJSON(escaped, to: o + written)
                p = b + escaped.count
                continue
            default: o[written] = line[b + 1]  // \" \\ \/ and anything else: the character itself
            }
            written += 1
            p = b + 2
        }
        var stream = ContainerStream.stdout
        let rest = ByteScanning.slice(line, close + 1, n)
        if ByteScanning.hasPrefix(rest, #","stream":"stderr""#) {
            stream = .stderr
        } else if !ByteScanning.hasPrefix(rest, #","stream":"stdout""#) && !ByteScanning.hasPrefix(rest, ",") && !ByteScanning.hasPrefix(rest, "}") {
            return nil
        }
        guard let out else {
            // No escape at all: no newline either, a piece of a long line.
            return WrappedPiece(stream: stream, content: ByteScanning.slice(line, 8, close), endsLine: false)
        }
        // A newline can only come from an escape (a raw one ends the physical line): the last
        // byte is the application's newline when the line ends here.
        var count = written
        let endsLine = count > 0 && out[count - 1] == 0x0A
        if endsLine {
            count -= 1
            if count > 0 && out[count - 1] == 0x0D { count -= 1 }   // a line ended with \r\n
        }
        let value = scratch.commit(count)
        return WrappedPiece(stream: stream, content: value, endsLine: endsLine,
                            hasNUL: count > 0 && memchr(out, 0, count) != nil)
    }
}
