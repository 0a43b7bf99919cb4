/// Compiles an nginx `log_format` string (`$remote_addr - $remote_user [$time_local] "$request" …`).
///
/// Accepts the bare format, or the whole directive as written in nginx.conf
/// (`log_format main escape=json '$remote_addr …' '"$request" …';`), whose quoted pieces
/// are joined. Variables erranalyze has no use for are read as opaque fields, so formats
/// with custom `map`/`set` variables work.
enum NginxLogFormat {
    static func compile(_ format: String) throws -> TemplatePlan {
        let (bytes, columns) = try body(of: format)
        var template = TextTemplate(source: format)
        var i = 0
        var literal: [UInt8] = []
        while i < bytes.count {
            let c = bytes[i]
            guard c == UInt8(ascii: "$") else {
                literal.append(c)
                i += 1
                continue
            }
            let column = columns[i]
            var nameStart = i + 1, nameEnd: Int
            if nameStart < bytes.count && bytes[nameStart] == UInt8(ascii: "{") {
                nameStart += 1
                guard let close = bytes[nameStart...].firstIndex(of: UInt8(ascii: "}")) else {
                    throw LogFormatError(column: column, reason: "'${' without a closing '}'", format: format)
                }
                nameEnd = close
                i = close + 1
            } else {
                nameEnd = nameStart
                while nameEnd < bytes.count && isNameByte(bytes[nameEnd]) { nameEnd += 1 }
                i = nameEnd
            }
            guard nameEnd > nameStart, bytes[nameStart..<nameEnd].allSatisfy(isNameByte) else {
                throw LogFormatError(column: column, reason: "'$' must be followed by a variable name such as $status", format: format)
            }
            let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self).lowercased()
            template.literal(literal)
            literal = []
            // $uri$is_args$args and $uri?$args are the request target with its query.
            if name == "uri" || name == "document_uri" {
                if let fused = fusedQuery(bytes, at: i) {
                    template.field(TextField(kind: .target, name: "$\(name)…$args", column: column, startByte: UInt8(ascii: "/")))
                    i = fused
                    continue
                }
            }
            template.field(field(named: name, column: column))
        }
        template.literal(literal)
        return try template.compile(name: "log-format (nginx)")
    }

    /// `$is_args$args`, `?$args` or `$is_args$query_string` right after `$uri`: where it ends.
    private static func fusedQuery(_ b: [UInt8], at i: Int) -> Int? {
        for (first, second) in [("$is_args", "$args"), ("$is_args", "$query_string"), ("?", "$args"), ("?", "$query_string")] {
            let f = Array(first.utf8), s = Array(second.utf8)
            let end = i + f.count + s.count
            guard end <= b.count, Array(b[i..<(i + f.count)]) == f, Array(b[(i + f.count)..<end]) == s,
                  end == b.count || !isNameByte(b[end]) else { continue }
            return end
        }
        return nil
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        ByteScanning.isDigit(c) || c == UInt8(ascii: "_") || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z"))
    }

    /// Request headers whose value names the client without being a secret.
    static let clientIDHeaders: Set<String> = ["x_client_id", "x_api_key_id", "x_consumer_id", "x_consumer_username",
                                               "x_api_client_id", "x_client_name"]

    static func field(named name: String, column: Int) -> TextField {
        let label = "$" + name
        var f = TextField(kind: .ignored, name: label, column: column)
        switch name {
        case "remote_addr", "realip_remote_addr": f.kind = .clientAddress
        case "time_local": f.kind = .timeCLF
        case "time_iso8601": f.kind = .timeISO8601
        case "msec": f.kind = .timeEpoch; f.epochUnit = .seconds
        case "request": f.kind = .request
        case "request_method": f.kind = .method
        case "request_uri": f.kind = .target; f.startByte = UInt8(ascii: "/"); f.priority = 1
        case "uri", "document_uri": f.kind = .path; f.startByte = UInt8(ascii: "/")
        case "is_args": f.startByte = UInt8(ascii: "?")
        case "status": f.kind = .status
        case "request_time": f.kind = .duration; f.durationUnit = .seconds; f.priority = 2
        case "upstream_response_time": f.kind = .durationList; f.priority = 1
        case "sent_http_x_error_code": f.kind = .errorCode; f.priority = 2
        case "upstream_http_x_error_code": f.kind = .errorCode; f.priority = 1
        case "http_idempotency_key": f.kind = .idempotencyKey
        case "sent_http_retry_after": f.kind = .retryAfter; f.priority = 2
        case "upstream_http_retry_after": f.kind = .retryAfter; f.priority = 1
        case "client_id", "api_key_id", "consumer_id": f.kind = .clientID
        default:
            if name.hasPrefix("http_"), clientIDHeaders.contains(String(name.dropFirst(5))) { f.kind = .clientID }
        }
        return f
    }

    /// The format text and, for each of its bytes, the 1-based column in `format`.
    static func body(of format: String) throws -> ([UInt8], [Int]) {
        let src = Array(format.utf8)
        var i = 0
        func skipSpace() { while i < src.count && (src[i] == 0x20 || src[i] == 0x09 || src[i] == 0x0A || src[i] == 0x0D) { i += 1 } }
        func word() -> String {
            let s = i
            while i < src.count && !(src[i] == 0x20 || src[i] == 0x09 || src[i] == 0x0A) { i += 1 }
            return String(decoding: src[s..<i], as: UTF8.self)
        }
        skipSpace()
        var directive = false
        if src[i...].starts(with: Array("log_format".utf8)), i + 10 < src.count, src[i + 10] == 0x20 || src[i + 10] == 0x09 {
            directive = true
            i += 10
            skipSpace()
            _ = word()  // the format's name
            skipSpace()
            if src[i...].starts(with: Array("escape=".utf8)) {
                let start = i
                let value = word()
                guard ["escape=default", "escape=json", "escape=none"].contains(value) else {
                    throw LogFormatError(column: start + 1, reason: "unknown log_format parameter '\(value)' (escape=default|json|none)", format: format)
                }
                skipSpace()
            }
        }
        guard directive || (i < src.count && (src[i] == UInt8(ascii: "'") || src[i] == UInt8(ascii: "\""))) else {
            return (src, Array(1...max(src.count, 1)).prefix(src.count).map { $0 })
        }
        // One or more quoted pieces (or a bare one), then an optional ';'.
        var bytes: [UInt8] = [], columns: [Int] = []
        while i < src.count {
            skipSpace()
            guard i < src.count else { break }
            let q = src[i]
            if q == UInt8(ascii: ";") { i += 1; skipSpace(); break }
            if q == UInt8(ascii: "'") || q == UInt8(ascii: "\"") {
                let open = i
                i += 1
                var closed = false
                while i < src.count {
                    let c = src[i]
                    if c == q { closed = true; i += 1; break }
                    if c == UInt8(ascii: "\\") && i + 1 < src.count {
                        let e = src[i + 1]
                        let decoded: UInt8? = e == UInt8(ascii: "n") ? 0x0A : e == UInt8(ascii: "t") ? 0x09 : e == UInt8(ascii: "r") ? 0x0D
                            : (e == q || e == UInt8(ascii: "\\") || e == UInt8(ascii: "'") || e == UInt8(ascii: "\"")) ? e : nil
                        if let d = decoded {
                            bytes.append(d); columns.append(i + 1); i += 2
                            continue
                        }
                    }
                    bytes.append(c); columns.append(i + 1); i += 1
                }
                guard closed else { throw LogFormatError(column: open + 1, reason: "quote opened here is never closed", format: format) }
            } else {
                while i < src.count && !(src[i] == 0x20 || src[i] == 0x09 || src[i] == 0x0A || src[i] == UInt8(ascii: ";")) {
                    bytes.append(src[i]); columns.append(i + 1); i += 1
                }
            }
        }
        guard i >= src.count else {
            throw LogFormatError(column: i + 1, reason: "unexpected text after the end of the log_format directive", format: format)
        }
        return (bytes, columns)
    }
}
