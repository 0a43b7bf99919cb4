import Glibc

/// The CRI log format that containerd and CRI-O write for the kubelet
/// (`/var/log/pods/<namespace>_<pod>_<uid>/<container>/N.log`):
///
///     2026-11-20T10:05:03.123456789Z stdout F 10.1.2.3 - - [20/Nov/2026:10:05:03 +0000] "GET / HTTP/1.1" 200 …
///
/// `TIMESTAMP STREAM TAGS CONTENT`: an RFC 3339 timestamp, `stdout` or `stderr`, tags
/// separated by `:` whose first is `P` (a partial piece: the line goes on in the next piece of
/// the same stream) or `F` (the full line, or its last piece), then the application's bytes.
struct CRILogWrapper: ContainerWrapper {
    init() {}

    @inline(__always)
    mutating func unwrap(_ line: UnsafeRawBufferPointer) -> WrappedPiece? {
        let n = line.count
        // The shortest line: "2026-11-20T10:05:03Z stdout F" (an empty line may lose its last space).
        guard n >= 29, ByteScanning.isDigit(line[0]), line[10] == UInt8(ascii: "T") else { return nil }
        guard let space = memchr(line.baseAddress! + 11, 0x20, n - 11) else { return nil }
        let i = line.baseAddress!.distance(to: UnsafeRawPointer(space))
        guard i + 9 <= n else { return nil }
        let stream: ContainerStream
        if ByteScanning.hasPrefix(ByteScanning.slice(line, i + 1, i + 8), "stdout ") {
            stream = .stdout
        } else if ByteScanning.hasPrefix(ByteScanning.slice(line, i + 1, i + 8), "stderr ") {
            stream = .stderr
        } else {
            return nil
        }
        let tag = line[i + 8]
        guard tag == UInt8(ascii: "F") || tag == UInt8(ascii: "P") else { return nil }
        // Further tags (`F:x`) are allowed by the format; none is defined yet.
        var j = i + 9
        while j < n && line[j] != 0x20 { j += 1 }
        let start = min(j + 1, n)
        return WrappedPiece(stream: stream, content: ByteScanning.slice(line, start, n), endsLine: tag == UInt8(ascii: "F"))
    }
}
