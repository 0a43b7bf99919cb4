/// An RFC 3339 timestamp and one space before each line, as `kubectl logs --timestamps` and
/// `docker logs --timestamps` print them:
///
///     2026-11-20T10:05:03.123456789Z 10.1.2.3 - - [20/Nov/2026:10:05:03 +0000] "GET / HTTP/1.1" 200 …
///
/// Both streams arrive mixed and unmarked: every line is read as standard output.
struct TimestampPrefixWrapper: ContainerWrapper {
    init() {}

    @inline(__always)
    mutating func unwrap(_ line: UnsafeRawBufferPointer) -> WrappedPiece? {
        let n = line.count
        guard n >= 21, ByteScanning.isDigit(line[0]), ByteScanning.isDigit(line[3]), line[4] == UInt8(ascii: "-"),
              line[7] == UInt8(ascii: "-"), line[10] == UInt8(ascii: "T"), line[13] == UInt8(ascii: ":") else { return nil }
        var i = 19
        let limit = min(n, 40)
        while i < limit && line[i] != 0x20 { i += 1 }
        guard i < limit else { return nil }
        let last = line[i - 1]
        // Ends with a zone: `Z` or an offset's last digit.
        guard last == UInt8(ascii: "Z") || ByteScanning.isDigit(last) else { return nil }
        return WrappedPiece(stream: .stdout, content: ByteScanning.slice(line, i + 1, n), endsLine: true)
    }
}
