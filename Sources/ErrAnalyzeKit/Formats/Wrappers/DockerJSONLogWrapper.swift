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
        // The closing quote: the first one after an even run of backslashes.
        var close = 8
        var escaped = false
        while true {
            guard let hit = memchr(base + close, Int32(UInt8(ascii: "\"")), n - close) else { return nil }
            close = base.distance(to: UnsafeRawPointer(hit))
            var backslashes = 0
            while close - backslashes - 1 >= 8 && line[close - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
            if backslashes > 0 { escaped = true }
            if backslashes % 2 == 0 { break }
            close += 1
        }
        var stream = ContainerStream.stdout
        let rest = ByteScanning.slice(line, close + 1, n)
        if ByteScanning.hasPrefix(rest, #","stream":"stderr""#) {
            stream = .stderr
        } else if !ByteScanning.hasPrefix(rest, #","stream":"stdout""#) && !ByteScanning.hasPrefix(rest, ",") && !ByteScanning.hasPrefix(rest, "}") {
            return nil
        }
        var value = ByteScanning.slice(line, 8, close)
        // `\n` at the end (an odd run of backslashes before the `n`): the line's end.
        var endsLine = false
        if value.count >= 2 && value[value.count - 1] == UInt8(ascii: "n") && value[value.count - 2] == UInt8(ascii: "\\") {
            var backslashes = 0
            while backslashes < value.count - 1 && value[value.count - 2 - backslashes] == UInt8(ascii: "\\") { backslashes += 1 }
            if backslashes % 2 == 1 {
                endsLine = true
                value = ByteScanning.slice(value, 0, value.count - 2)
            }
        }
        var hasNUL = false
        if escaped || (value.count > 0 && ByteScanning.find(UInt8(ascii: "\\"), in: value, from: 0) != nil) {
            scratch.beginLine(reserving: value.count)
            let written = Escapes.unescapeJSON(value, to: scratch.cursor)
            value = scratch.commit(written)
            hasNUL = ByteScanning.containsNUL(value)
        }
        // A line the application ended with `\r\n`.
        if endsLine && value.count > 0 && value[value.count - 1] == 0x0D { value = ByteScanning.slice(value, 0, value.count - 1) }
        return WrappedPiece(stream: stream, content: value, endsLine: endsLine, hasNUL: hasNUL)
    }
}
