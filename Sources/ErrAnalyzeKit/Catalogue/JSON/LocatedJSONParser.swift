/// A strict RFC 8259 parser producing `LocatedJSON` trees.
///
/// Strict on purpose: a catalogue is edited by hand, and a trailing comma or a comment
/// accepted here would be rejected by other tools reading the same file.
struct LocatedJSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1
    private var depth = 0
    private static let maxDepth = 256

    static func parse(_ text: String) throws(JSONSyntaxError) -> LocatedJSON {
        var parser = LocatedJSONParser(bytes: Array(text.utf8))
        return try parser.parseDocument()
    }

    static func parse(bytes: [UInt8]) throws(JSONSyntaxError) -> LocatedJSON {
        var parser = LocatedJSONParser(bytes: bytes)
        return try parser.parseDocument()
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
        // A UTF-8 byte order mark is not JSON, but editors write it; skip it quietly.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    private var position: TextPosition { TextPosition(line: line, column: column) }

    private mutating func parseDocument() throws(JSONSyntaxError) -> LocatedJSON {
        skipWhitespace()
        if index >= bytes.count { throw fail("the file is empty; expected a JSON object") }
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count { throw fail("unexpected \(describeCurrent()) after the end of the JSON value") }
        return value
    }

    private func fail(_ message: String, at position: TextPosition? = nil) -> JSONSyntaxError {
        JSONSyntaxError(message: message, position: position ?? self.position)
    }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "end of file" }
        let b = bytes[index]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return hexByte(b)
    }

    private func hexByte(_ byte: UInt8) -> String {
        let hex = "0123456789ABCDEF"
        let hi = hex[hex.index(hex.startIndex, offsetBy: Int(byte >> 4))]
        let lo = hex[hex.index(hex.startIndex, offsetBy: Int(byte & 0xF))]
        return "byte 0x\(hi)\(lo)"
    }

    /// Advances one byte, keeping line and column (columns count scalars, so UTF-8
    /// continuation bytes do not advance them).
    private mutating func advance() {
        let b = bytes[index]
        index += 1
        if b == 0x0A {
            line += 1
            column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: advance()
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> LocatedJSON {
        let start = position
        guard index < bytes.count else { throw fail("unexpected end of file; expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return LocatedJSON(value: .string(try parseString()), position: start)
        case UInt8(ascii: "t"): try expectLiteral("true"); return LocatedJSON(value: .bool(true), position: start)
        case UInt8(ascii: "f"): try expectLiteral("false"); return LocatedJSON(value: .bool(false), position: start)
        case UInt8(ascii: "n"): try expectLiteral("null"); return LocatedJSON(value: .null, position: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "'"): throw fail("strings must use double quotes")
        default: throw fail("unexpected \(describeCurrent()); expected a value")
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws(JSONSyntaxError) {
        let start = position
        let expected = word.withUTF8Buffer { Array($0) }
        for b in expected {
            guard index < bytes.count, bytes[index] == b else {
                throw fail("invalid literal; expected '\(word)'", at: start)
            }
            advance()
        }
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maxDepth { throw fail("nesting deeper than \(Self.maxDepth) levels") }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> LocatedJSON {
        let start = position
        try enter()
        defer { depth -= 1 }
        advance() // {
        var members: [LocatedJSON.Member] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            advance()
            return LocatedJSON(value: .object(members), position: start)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file inside the object opened at \(start)") }
            if bytes[index] == UInt8(ascii: "}") { throw fail("trailing comma before '}'") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw fail("unexpected \(describeCurrent()); expected a member name in double quotes")
            }
            let keyPosition = position
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw fail("unexpected \(describeCurrent()); expected ':' after \"\(key)\"")
            }
            advance()
            skipWhitespace()
            let value = try parseValue()
            members.append(LocatedJSON.Member(key: key, keyPosition: keyPosition, value: value))
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file inside the object opened at \(start)") }
            if bytes[index] == UInt8(ascii: ",") { advance(); continue }
            if bytes[index] == UInt8(ascii: "}") { advance(); break }
            throw fail("unexpected \(describeCurrent()); expected ',' or '}' (is a comma missing?)")
        }
        return LocatedJSON(value: .object(members), position: start)
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> LocatedJSON {
        let start = position
        try enter()
        defer { depth -= 1 }
        advance() // [
        var elements: [LocatedJSON] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            advance()
            return LocatedJSON(value: .array(elements), position: start)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file inside the array opened at \(start)") }
            if bytes[index] == UInt8(ascii: "]") { throw fail("trailing comma before ']'") }
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file inside the array opened at \(start)") }
            if bytes[index] == UInt8(ascii: ",") { advance(); continue }
            if bytes[index] == UInt8(ascii: "]") { advance(); break }
            throw fail("unexpected \(describeCurrent()); expected ',' or ']' (is a comma missing?)")
        }
        return LocatedJSON(value: .array(elements), position: start)
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = position
        advance() // opening quote
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            if !run.isEmpty {
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                run.removeAll(keepingCapacity: true)
            }
        }
        while true {
            guard index < bytes.count else { throw fail("unterminated string: no closing quote before the end of the file", at: start) }
            let b = bytes[index]
            switch b {
            case UInt8(ascii: "\""):
                advance()
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                advance()
                guard index < bytes.count else { throw fail("unterminated string: no closing quote before the end of the file", at: start) }
                let escape = bytes[index]
                let escapePosition = position
                advance()
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    let unit = try parseHex4()
                    if (0xD800...0xDBFF).contains(unit) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw fail("lone UTF-16 high surrogate in \\u escape", at: escapePosition)
                        }
                        advance(); advance()
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw fail("invalid UTF-16 surrogate pair in \\u escape", at: escapePosition)
                        }
                        let scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                        scalars.append(Unicode.Scalar(scalar)!)
                    } else if let scalar = Unicode.Scalar(UInt32(unit)) {
                        scalars.append(scalar)
                    } else {
                        throw fail("lone UTF-16 low surrogate in \\u escape", at: escapePosition)
                    }
                default:
                    throw fail("invalid escape sequence in string", at: escapePosition)
                }
            case 0x00..<0x20:
                throw fail(b == 0x0A ? "unterminated string (a raw line break is not allowed inside a string)"
                                     : "control character inside a string; escape it")
            default:
                run.append(b)
                advance()
            }
        }
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw fail("unexpected end of file in \\u escape") }
            let b = bytes[index]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw fail("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt16(digit)
            advance()
        }
        return value
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> LocatedJSON {
        let start = position
        let from = index
        func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9") }
        if bytes[index] == UInt8(ascii: "-") { advance() }
        guard isDigit(index) else { throw fail("invalid number: a digit must follow '-'", at: start) }
        if bytes[index] == UInt8(ascii: "0") {
            advance()
            if isDigit(index) { throw fail("invalid number: leading zeros are not allowed", at: start) }
        } else {
            while isDigit(index) { advance() }
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            advance()
            guard isDigit(index) else { throw fail("invalid number: a digit must follow '.'", at: start) }
            while isDigit(index) { advance() }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            advance()
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { advance() }
            guard isDigit(index) else { throw fail("invalid number: a digit must follow the exponent", at: start) }
            while isDigit(index) { advance() }
        }
        let literal = String(decoding: bytes[from..<index], as: UTF8.self)
        return LocatedJSON(value: .number(Double(literal) ?? .nan, literal: literal), position: start)
    }
}
