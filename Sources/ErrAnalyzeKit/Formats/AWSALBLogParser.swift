/// AWS Application Load Balancer access logs (space-separated, quoted request and agent):
///
///     https 2026-11-20T10:05:03.123456Z app/my-alb/50dc6c495c0c9188 203.0.113.9:2817 10.0.0.1:80 0.000 0.032 0.000 404 404 34 366 "GET https://api.example.com:443/v1/contacts/42 HTTP/1.1" "curl/8.4.0" …
///
/// Reads type, time, client, the three processing times (summed; `-1` when the request
/// never reached a target), the load balancer's status and the request. ALB cannot log
/// response headers, so there is no error code.
public struct AWSALBLogParser: LineParser {
    private var iso = ISO8601TimestampParser()
    private let fields = Fields()

    final class Fields {
        let p = UnsafeMutablePointer<(Int, Int)>.allocate(capacity: 12)
        deinit { p.deallocate() }
    }

    public init() {}

    public mutating func parse(_ line: UnsafeRawBufferPointer, into record: inout RequestRecord) -> LineParseResult {
        var n = line.count
        if n > 0 && line[n - 1] == 0x0D { n -= 1 }
        if n == 0 { return .skip }
        let f = fields.p
        var start = 0
        for k in 0..<12 {
            guard let end = ByteScanning.find(0x20, in: line, from: start), end < n else { return .malformed(.unrecognisedLayout) }
            f[k] = (start, end)
            start = end + 1
        }
        @inline(__always) func field(_ k: Int) -> UnsafeRawBufferPointer { ByteScanning.slice(line, f[k].0, f[k].1) }
        let type = field(0)
        guard ByteScanning.equalsIgnoringCase(type, "http") || ByteScanning.equalsIgnoringCase(type, "https")
                || ByteScanning.equalsIgnoringCase(type, "h2") || ByteScanning.equalsIgnoringCase(type, "grpcs")
                || ByteScanning.equalsIgnoringCase(type, "ws") || ByteScanning.equalsIgnoringCase(type, "wss")
        else { return .malformed(.unrecognisedLayout) }
        guard let timestamp = iso.parse(field(1)) else { return .malformed(.badTimestamp) }
        // "request": from the quote after the 12th field to the quote that closes it.
        guard start < n, line[start] == UInt8(ascii: "\"") else { return .malformed(.badRequestLine) }
        var close = start + 1
        while true {
            guard let q = ByteScanning.find(UInt8(ascii: "\""), in: line, from: close), q < n else { return .malformed(.badRequestLine) }
            if q + 1 == n || line[q + 1] == 0x20 { close = q; break }
            close = q + 1
        }
        let statusText = field(8)
        if ByteScanning.isDash(statusText) { return .skip }  // no response was sent
        guard let status = ByteScanning.statusField(statusText) else { return .malformed(.badStatus) }
        record.reset()
        record.timestamp = timestamp
        record.status = status
        record.client = ByteScanning.stripPort(field(3))
        var total: Int64 = 0
        for k in 5...7 {
            guard let micros = DurationParser.micros(field(k), unit: .seconds) else { total = -1; break }
            total += micros
        }
        record.durationMicros = total
        NCSALogParser.splitRequest(ByteScanning.slice(line, start + 1, close), into: &record)
        return .request
    }
}
