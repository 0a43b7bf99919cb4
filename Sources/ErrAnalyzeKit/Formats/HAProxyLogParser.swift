/// HAProxy's HTTP log (`option httplog`), usually behind a syslog prefix:
///
///     Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"
///
/// Any prefix is accepted: the record starts at the `client:port [date]` pair. Lines
/// without one (HAProxy's own messages: "Proxy started", "Server is DOWN") and TCP-mode
/// lines are `.skip`. The duration is the last timer (Ta, or Tt in HAProxy 1.x) in ms.
/// Captured headers are positional and unnamed, so there is no error code.
public struct HAProxyLogParser: LineParser {
    private var times = HAProxyTimestampParser()

    public init() {}

    public mutating func parse(_ line: UnsafeRawBufferPointer, into record: inout RequestRecord) -> LineParseResult {
        var n = line.count
        if n > 0 && line[n - 1] == 0x0D { n -= 1 }
        if n == 0 { return .skip }
        // Find "client [dd/Mon/yyyy:HH:MM:SS.mmm]".
        var search = 0
        var open = -1, close = -1
        while let b = ByteScanning.find(UInt8(ascii: "["), in: line, from: search), b < n {
            search = b + 1
            guard b > 1, line[b - 1] == 0x20, b + 4 < n, ByteScanning.isDigit(line[b + 1]), ByteScanning.isDigit(line[b + 2]),
                  line[b + 3] == UInt8(ascii: "/"),
                  let e = ByteScanning.find(UInt8(ascii: "]"), in: line, from: b + 1), e < n, e - b >= 21, e - b <= 32
            else { continue }
            open = b
            close = e
            break
        }
        guard open > 0 else { return .skip }
        var clientStart = open - 1
        while clientStart > 0 && line[clientStart - 1] != 0x20 { clientStart -= 1 }
        let client = ByteScanning.slice(line, clientStart, open - 1)
        guard client.count > 0 else { return .skip }
        // frontend backend/server timers status bytes …
        var i = close + 2
        var k = 0
        var timers = (0, 0), status = (0, 0)
        while k < 4 {
            guard i < n, let end = ByteScanning.find(0x20, in: line, from: i), end <= n else { return .skip }
            if k == 2 { timers = (i, end) }
            if k == 3 { status = (i, min(end, n)) }
            i = end + 1
            k += 1
        }
        let timerText = ByteScanning.slice(line, timers.0, timers.1)
        var slashes = 0
        for c in timerText where c == UInt8(ascii: "/") { slashes += 1 }
        guard slashes == 4 else { return .skip }  // a TCP-mode line (three timers)
        guard line[n - 1] == UInt8(ascii: "\"") else { return .malformed(.badRequestLine) }
        guard let timestamp = times.parse(ByteScanning.slice(line, open + 1, close)) else { return .malformed(.badTimestamp) }
        let statusText = ByteScanning.slice(line, status.0, status.1)
        if statusText.count == 2 && statusText[0] == UInt8(ascii: "-") { return .skip }  // -1: aborted, no response
        guard let code = ByteScanning.statusField(statusText) else { return .malformed(.badStatus) }
        // The request is the last quoted field; captures `{…}` come before it.
        guard let q = Self.requestStart(line, from: status.1, n) else { return .malformed(.badRequestLine) }
        record.reset()
        record.timestamp = timestamp
        record.status = code
        record.client = Self.withoutPort(client)
        // The last timer: Ta (1.5+) or Tt, `+` with logasap, -1 when unknown.
        var lastSlash = timerText.count - 1
        while lastSlash >= 0 && timerText[lastSlash] != UInt8(ascii: "/") { lastSlash -= 1 }
        var t = ByteScanning.slice(timerText, lastSlash + 1, timerText.count)
        if t.count > 0 && t[0] == UInt8(ascii: "+") { t = ByteScanning.slice(t, 1, t.count) }
        if let millis = ByteScanning.integer(t) { record.durationMicros = millis * 1000 }
        let request = ByteScanning.slice(line, q + 1, n - 1)
        if !ByteScanning.equalsIgnoringCase(request, "<BADREQ>") {
            NCSALogParser.splitRequest(request, into: &record)
        }
        return .request
    }

    /// The opening quote of the request: after the status, the first ` "` that is not inside
    /// a `{…}` capture.
    static func requestStart(_ line: UnsafeRawBufferPointer, from: Int, _ n: Int) -> Int? {
        var i = from
        var inCapture = false
        while i < n - 1 {
            let c = line[i]
            if c == UInt8(ascii: "{") && line[i - 1] == 0x20 { inCapture = true }
            else if c == UInt8(ascii: "}") && (line[i + 1] == 0x20) { inCapture = false }
            else if c == UInt8(ascii: "\"") && !inCapture && line[i - 1] == 0x20 { return i }
            i += 1
        }
        return nil
    }

    /// `10.0.1.2:33317` → `10.0.1.2`; HAProxy writes IPv6 clients as `2001:db8::1:33317`.
    static func withoutPort(_ client: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var j = client.count - 1
        while j > 0 && ByteScanning.isDigit(client[j]) { j -= 1 }
        guard j > 0, j < client.count - 1, client[j] == UInt8(ascii: ":") else { return client }
        return ByteScanning.slice(client, 0, j)
    }
}
