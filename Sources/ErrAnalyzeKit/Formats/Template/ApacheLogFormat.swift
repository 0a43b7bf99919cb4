/// Compiles an Apache `LogFormat` string (`%h %l %u %t \"%r\" %>s %b`), bare or as the
/// whole directive (`LogFormat "%h …" combined`). Unknown directives are errors: unlike
/// nginx variables, Apache's set is closed, and a typo should not silently read nothing.
enum ApacheLogFormat {
    static func compile(_ format: String) throws -> TemplatePlan {
        let (bytes, columns) = body(of: format)
        var template = TextTemplate(source: format)
        var literal: [UInt8] = []
        var i = 0
        func fail(_ at: Int, _ reason: String) -> LogFormatError {
            LogFormatError(column: at < columns.count ? columns[at] : format.utf8.count + 1, reason: reason, format: format)
        }
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\\"), i + 1 < bytes.count {
                let e = bytes[i + 1]
                literal.append(e == UInt8(ascii: "n") ? 0x0A : e == UInt8(ascii: "t") ? 0x09 : e)
                i += 2
                continue
            }
            guard c == UInt8(ascii: "%") else {
                literal.append(c)
                i += 1
                continue
            }
            let directiveStart = i
            i += 1
            guard i < bytes.count else { throw fail(directiveStart, "the format ends with a lone %") }
            if bytes[i] == UInt8(ascii: "%") {
                literal.append(c)
                i += 1
                continue
            }
            // Modifiers: a status condition (`%400,501{…}i`, `%!200{…}i`) and `<` / `>`.
            var conditional = false
            var final = true
            while i < bytes.count {
                let m = bytes[i]
                if m == UInt8(ascii: "!") || m == UInt8(ascii: ",") || ByteScanning.isDigit(m) {
                    conditional = true
                } else if m == UInt8(ascii: "<") {
                    final = false
                } else if m != UInt8(ascii: ">") {
                    break
                }
                i += 1
            }
            var argument: String?
            if i < bytes.count && bytes[i] == UInt8(ascii: "{") {
                guard let close = bytes[(i + 1)...].firstIndex(of: UInt8(ascii: "}")) else {
                    throw fail(directiveStart, "'%{' without a closing '}'")
                }
                argument = String(decoding: bytes[(i + 1)..<close], as: UTF8.self)
                i = close + 1
            }
            guard i < bytes.count else { throw fail(directiveStart, "the format ends inside a directive") }
            var letter = String(UnicodeScalar(bytes[i]))
            i += 1
            if letter == "^" {  // trailers: %{Name}^ti, %{Name}^to
                guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "t") else { throw fail(directiveStart, "unknown directive %^") }
                letter = "^t" + String(UnicodeScalar(bytes[i + 1]))
                i += 2
            }
            let name = String(decoding: bytes[directiveStart..<i], as: UTF8.self)
            template.literal(literal)
            literal = []
            var field = TextField(kind: .ignored, name: name, column: columns[directiveStart])
            switch letter {
            case "a", "h": field.kind = .clientAddress
            case "A", "B", "b", "f", "H", "k", "l", "L", "p", "P", "R", "u", "v", "V", "X", "I", "O", "S", "^ti", "^to":
                break
            case "C", "e", "n":
                guard let arg = argument, !arg.isEmpty else { throw fail(directiveStart, "\(name) needs a name: %{NAME}\(letter)") }
                if ["client_id", "api_key_id", "consumer_id"].contains(arg.lowercased()) { field.kind = .clientID }
            case "i", "o":
                guard let arg = argument, !arg.isEmpty else {
                    throw fail(directiveStart, "\(name) needs a header name: %{Header-Name}\(letter)")
                }
                field.kind = headerKind(arg.lowercased(), response: letter == "o")
            case "D": field.kind = .duration; field.durationUnit = .microseconds
            case "T":
                field.kind = .duration
                switch (argument ?? "s").lowercased() {
                case "s": field.durationUnit = .seconds
                case "ms": field.durationUnit = .milliseconds
                case "us": field.durationUnit = .microseconds
                default: throw fail(directiveStart, "%{\(argument!)}T: the unit must be s, ms or us")
                }
            case "m": field.kind = .method
            case "U":
                field.kind = .path
                field.startByte = UInt8(ascii: "/")
                // %U%q is the target with its query string.
                if i + 1 < bytes.count, bytes[i] == UInt8(ascii: "%"), bytes[i + 1] == UInt8(ascii: "q") {
                    field.kind = .target
                    field.name = "%U%q"
                    i += 2
                }
            case "q": field.startByte = UInt8(ascii: "?")
            case "r": field.kind = .request
            case "s":
                field.kind = .status
                field.priority = final ? 1 : 0
            case "t":
                guard var arg = argument else {
                    // [10/Oct/2000:13:55:36 -0700], brackets included.
                    template.literal([UInt8(ascii: "[")])
                    template.field(TextField(kind: .timeCLF, name: name, column: columns[directiveStart]))
                    literal = [UInt8(ascii: "]")]
                    continue
                }
                for prefix in ["begin:", "end:"] where arg.hasPrefix(prefix) { arg.removeFirst(prefix.count) }
                switch arg {
                case "sec": field.kind = .timeEpoch; field.epochUnit = .seconds
                case "msec": field.kind = .timeEpoch; field.epochUnit = .milliseconds
                case "usec": field.kind = .timeEpoch; field.epochUnit = .microseconds
                case "msec_frac", "usec_frac": break
                default:
                    do {
                        _ = try StrftimeTimestampParser(pattern: arg)
                    } catch let e as StrftimeTimestampParser.UnsupportedConversion {
                        throw fail(directiveStart, "in \(name): \(e.reason)")
                    }
                    field.kind = .timeStrftime
                    field.strftime = arg
                }
            case "M":
                throw fail(directiveStart, "%M (the error-log message) is not an access-log directive")
            default:
                throw fail(directiveStart, "unknown directive \(name)")
            }
            if conditional && field.kind == .status { field.kind = .ignored }
            template.field(field)
        }
        template.literal(literal)
        return try template.compile(name: "log-format (apache)")
    }

    static func headerKind(_ header: String, response: Bool) -> TextFieldKind {
        switch (header, response) {
        case ("x-error-code", true): return .errorCode
        case ("retry-after", true): return .retryAfter
        case ("idempotency-key", false): return .idempotencyKey
        case (let h, false) where ["x-client-id", "x-api-key-id", "x-consumer-id", "x-consumer-username",
                                   "x-api-client-id", "x-client-name"].contains(h):
            return .clientID
        default: return .ignored
        }
    }

    /// The format text (the first quoted argument of a `LogFormat`/`CustomLog` directive,
    /// or the whole string) and the 1-based column of each of its bytes.
    static func body(of format: String) -> ([UInt8], [Int]) {
        let src = Array(format.utf8)
        var i = 0
        while i < src.count && (src[i] == 0x20 || src[i] == 0x09) { i += 1 }
        for directive in ["LogFormat", "CustomLog"] {
            let d = Array(directive.utf8)
            guard src.count > i + d.count, Array(src[i..<(i + d.count)]) == d, src[i + d.count] == 0x20 else { continue }
            i += d.count
            if directive == "CustomLog" {  // CustomLog path "format"
                while i < src.count && src[i] == 0x20 { i += 1 }
                while i < src.count && src[i] != 0x20 { i += 1 }
            }
            while i < src.count && src[i] == 0x20 { i += 1 }
            guard i < src.count, src[i] == UInt8(ascii: "\"") else { break }
            var bytes: [UInt8] = [], columns: [Int] = []
            i += 1
            while i < src.count && src[i] != UInt8(ascii: "\"") {
                if src[i] == UInt8(ascii: "\\") && i + 1 < src.count {
                    bytes += [src[i], src[i + 1]]; columns += [i + 1, i + 2]; i += 2
                    continue
                }
                bytes.append(src[i]); columns.append(i + 1); i += 1
            }
            return (bytes, columns)
        }
        // A bare format someone quoted whole ("%h %l …").
        var s = 0, e = src.count
        if e - s >= 2, src[s] == UInt8(ascii: "\""), src[e - 1] == UInt8(ascii: "\"") { s += 1; e -= 1 }
        return (Array(src[s..<e]), Array((s + 1)...(max(e, s + 1))).prefix(e - s).map { $0 })
    }
}
