/// W3C extended log files: IIS (space-separated) and Amazon CloudFront standard logs
/// (tab-separated), whose columns are named by a `#Fields:` header:
///
///     #Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken
///     2026-11-20 10:05:03 10.0.0.4 GET /v1/contacts/42 - 443 - 203.0.113.9 Mozilla/5.0 - 404 0 0 15
///
/// Header lines are `.skip`; a new `#Fields:` line (IIS writes one after each restart)
/// replaces the columns. Before any header the product's default columns are assumed.
/// Times are UTC (both products log UTC). `time-taken` is milliseconds for IIS and seconds
/// for CloudFront; for other writers a value with a fraction is read as seconds.
/// Because the header sets the parser up, these formats do not support chunking.
public struct W3CExtendedLogParser: LineParser {
    public enum Flavor: Sendable {
        case iis
        case cloudFront
    }

    struct Columns {
        var date = -1, time = -1, clientAddress = -1, method = -1, path = -1, status = -1, duration = -1
        var code = -1, clientID = -1, idempotency = -1, retryAfter = -1
        var count = 0
    }

    private let flavor: Flavor
    private var columns: Columns
    private var timeTakenIsMillis: Bool
    private var headerDate: Int64 = -1
    private var dateTime = W3CDateTimeParser()
    private let storage = Fields()
    private var fields: UnsafeMutablePointer<(Int, Int)> { storage.p }

    final class Fields {
        let p = UnsafeMutablePointer<(Int, Int)>.allocate(capacity: 128)
        deinit { p.deallocate() }
    }

    static let iisDefaultFields = "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken"
    static let cloudFrontDefaultFields = "date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end"

    public init(flavor: Flavor) {
        self.flavor = flavor
        let defaults = flavor == .iis ? Self.iisDefaultFields : Self.cloudFrontDefaultFields
        columns = Self.columns(Array(defaults.utf8)[...])
        timeTakenIsMillis = flavor == .iis
    }

    public mutating func parse(_ line: UnsafeRawBufferPointer, into record: inout RequestRecord) -> LineParseResult {
        var n = line.count
        if n > 0 && line[n - 1] == 0x0D { n -= 1 }
        if n == 0 { return .skip }
        if line[0] == UInt8(ascii: "#") { return header(ByteScanning.slice(line, 0, n)) }
        let separator: UInt8 = ByteScanning.find(0x09, in: ByteScanning.slice(line, 0, n), from: 0) != nil ? 0x09 : 0x20
        // Split into fields up to the last column needed.
        var count = 0, start = 0
        while count < columns.count && count < 128 {
            let end = ByteScanning.find(separator, in: line, from: start).map { min($0, n) } ?? n
            fields[count] = (start, end)
            count += 1
            if end >= n { break }
            start = end + 1
        }
        guard count >= columns.count else { return .malformed(.unrecognisedLayout) }
        @inline(__always) func field(_ index: Int) -> UnsafeRawBufferPointer? {
            guard index >= 0 else { return nil }
            let (s, e) = fields[index]
            let v = ByteScanning.slice(line, s, e)
            return ByteScanning.isDash(v) ? nil : v
        }
        guard let statusText = field(columns.status) else { return .malformed(.badStatus) }
        guard let status = ByteScanning.statusField(statusText) else {
            return statusText.count == 3 && statusText[0] == UInt8(ascii: "0") ? .skip : .malformed(.badStatus)  // 000: the viewer left
        }
        let timestamp: Int64
        if let time = field(columns.time) {
            if let date = field(columns.date) {
                guard let t = dateTime.parse(date: date, time: time) else { return .malformed(.badTimestamp) }
                timestamp = t
            } else {
                guard headerDate >= 0, let seconds = W3CDateTimeParser.timeOfDay(time) else { return .malformed(.badTimestamp) }
                timestamp = headerDate + Int64(seconds)
            }
        } else {
            return .malformed(.missingField)
        }
        record.reset()
        record.timestamp = timestamp
        record.status = status
        if let m = field(columns.method) { record.method = m }
        if let p = field(columns.path) { record.path = p }
        if let d = field(columns.duration) {
            let millis = timeTakenIsMillis && ByteScanning.find(UInt8(ascii: "."), in: d, from: 0) == nil
            record.durationMicros = DurationParser.micros(d, unit: millis ? .milliseconds : .seconds) ?? -1
        }
        if let id = field(columns.clientID) {
            record.client = id
        } else if let address = field(columns.clientAddress) {
            record.client = address
        }
        if let code = field(columns.code) { record.errorCode = code }
        record.hasIdempotencyKey = field(columns.idempotency) != nil
        record.hasRetryAfter = field(columns.retryAfter) != nil
        return .request
    }

    private mutating func header(_ line: UnsafeRawBufferPointer) -> LineParseResult {
        if ByteScanning.hasPrefix(line, "#Fields:") {
            let names = Array(line[8...])[...]
            let parsed = Self.columns(names)
            if flavor == .cloudFront && !names.containsSubsequence(Array("x-edge-".utf8)) {
                return .malformed(.unrecognisedLayout)  // another product's header
            }
            guard parsed.status >= 0 else { return .malformed(.missingField) }
            columns = parsed
        } else if ByteScanning.hasPrefix(line, "#Software:") {
            if flavor == .iis {
                timeTakenIsMillis = Array(line).containsSubsequence(Array("Internet Information Services".utf8))
            }
        } else if ByteScanning.hasPrefix(line, "#Date:") {
            let rest = ByteScanning.trimmed(ByteScanning.slice(line, 6, line.count))
            if rest.count >= 10, let day = ISO8601TimestampParser.date(ByteScanning.slice(rest, 0, 10)) {
                headerDate = Int64(day) * 86_400
            }
        }
        return .skip
    }

    static func columns(_ names: ArraySlice<UInt8>) -> Columns {
        var c = Columns()
        let words = names.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }).map { String(decoding: $0, as: UTF8.self).lowercased() }
        for (i, name) in words.enumerated() {
            switch name {
            case "date": c.date = i
            case "time": c.time = i
            case "c-ip": c.clientAddress = i
            case "cs-method": c.method = i
            case "cs-uri-stem": c.path = i
            case "cs-uri": if c.path < 0 { c.path = i }
            case "sc-status": c.status = i
            case "time-taken": c.duration = i
            case "sc(x-error-code)", "rs(x-error-code)", "x-error-code", "sc-x-error-code": c.code = i
            case "cs(x-client-id)", "cs(x-api-key-id)", "cs(x-consumer-id)", "x-client-id": c.clientID = i
            case "cs(idempotency-key)", "idempotency-key": c.idempotency = i
            case "sc(retry-after)", "rs(retry-after)", "retry-after": c.retryAfter = i
            default: continue
            }
            c.count = max(c.count, i + 1)
        }
        return c
    }
}

extension Collection where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        let hay = Array(self)
        guard needle.count <= hay.count else { return false }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return true }
        return false
    }
}
