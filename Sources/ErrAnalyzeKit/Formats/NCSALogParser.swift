/// The NCSA common and combined formats, the defaults of Apache and nginx:
///
///     host ident user [17/May/2015:10:05:03 +0000] "GET /path HTTP/1.1" 200 1234 "referer" "agent" …
///
/// Fields after the byte count (referer, user agent, anything a site appended) are not
/// needed for error analysis and are skipped, so one parser reads both formats and their
/// common extensions.
public struct NCSALogParser: LineParser {
    private var timestamps = CLFTimestampParser()
    private let scratch = ScratchSpace(capacity: 256)

    public init() {}

    public mutating func parse(_ line: UnsafeRawBufferPointer, into record: inout RequestRecord) -> LineParseResult {
        var n = line.count
        if n > 0 && line[n - 1] == 0x0D { n -= 1 }
        if n == 0 { return .skip }
        let prefix: Prefix
        switch Self.scanPrefix(line, n, &timestamps) {
        case .success(let p): prefix = p
        case .failure(let reason): return .malformed(reason)
        }
        record.reset()
        record.timestamp = prefix.timestamp
        record.status = prefix.status
        record.client = ByteScanning.slice(line, 0, prefix.hostEnd)
        Self.splitRequest(ByteScanning.slice(line, prefix.requestStart, prefix.requestEnd), into: &record)
        Self.unescapePath(&record, scratch)
        return .request
    }

    /// Where the parts of `host ident user [time] "request" status` lie in a line.
    struct Prefix {
        var hostEnd: Int
        var timestamp: Int64
        var requestStart: Int
        var requestEnd: Int
        var status: Int
        /// Just after the status: the end of the line or a space.
        var statusEnd: Int
    }

    enum PrefixResult {
        case success(Prefix)
        case failure(MalformedReason)
    }

    /// Reads the NCSA prefix common to the common and combined formats and to the custom
    /// formats that extend them (compiled `--log-format`s use this too).
    @inline(__always)
    static func scanPrefix(_ line: UnsafeRawBufferPointer, _ n: Int, _ timestamps: inout CLFTimestampParser) -> PrefixResult {
        // host
        guard let hostEnd = ByteScanning.find(UInt8(ascii: " "), in: line, from: 0), hostEnd < n else { return .failure(.unrecognisedLayout) }
        // [timestamp] — ident and user sit between; a user name may itself contain spaces,
        // so look for the bracket rather than counting fields.
        guard let open = ByteScanning.find(UInt8(ascii: "["), in: line, from: hostEnd),
              open + 28 <= n, line[open + 27] == UInt8(ascii: "]")
        else { return .failure(.unrecognisedLayout) }
        guard let timestamp = timestamps.parse(ByteScanning.slice(line, open + 1, open + 27)) else {
            return .failure(.badTimestamp)
        }
        // "request" — the closing quote is the one followed by ` NNN`; a quote inside the
        // request (escaped or not, as scanners send) does not end it.
        let i = open + 28
        guard i + 1 < n, line[i] == UInt8(ascii: " "), line[i + 1] == UInt8(ascii: "\"") else {
            return .failure(.badRequestLine)
        }
        let requestStart = i + 2
        var close = requestStart
        while true {
            guard let q = ByteScanning.find(UInt8(ascii: "\""), in: line, from: close), q < n else { return .failure(.badStatus) }
            if q + 5 <= n, line[q + 1] == UInt8(ascii: " "), let s = ByteScanning.status(in: line, at: q + 2),
               q + 5 == n || line[q + 5] == UInt8(ascii: " ") {
                return .success(Prefix(hostEnd: hostEnd, timestamp: timestamp, requestStart: requestStart, requestEnd: q,
                                       status: s, statusEnd: q + 5))
            }
            close = q + 1
        }
    }

    /// `GET /path HTTP/1.1` → method and target. A request line that is not of that shape
    /// (`-`, binary junk from scanners) still counts as a request, with no method and no route.
    @inline(__always)
    static func splitRequest(_ request: UnsafeRawBufferPointer, into record: inout RequestRecord) {
        guard let space = ByteScanning.find(UInt8(ascii: " "), in: request, from: 0), space > 0 else { return }
        for k in 0..<space {
            let c = request[k]
            guard c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") else { return }
        }
        record.method = ByteScanning.slice(request, 0, space)
        let targetEnd = ByteScanning.find(UInt8(ascii: " "), in: request, from: space + 1) ?? request.count
        record.path = ByteScanning.slice(request, space + 1, targetEnd)
    }

    /// Servers escape quotes and control bytes in the request line (`\"`, nginx `\x22`);
    /// the route should see the bytes the client sent.
    @inline(__always)
    static func unescapePath(_ record: inout RequestRecord, _ scratch: ScratchSpace) {
        guard record.path.count > 0, ByteScanning.find(UInt8(ascii: "\\"), in: record.path, from: 0) != nil else { return }
        scratch.beginLine(reserving: record.path.count)
        record.path = scratch.commit(Escapes.unescapeBackslashes(record.path, to: scratch.cursor))
    }
}
