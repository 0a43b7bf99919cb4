/// A JSON value to write, with object members in a chosen order.
///
/// Catalogue files are meant to be read and edited by people, so members come out in a
/// meaningful order (code before meaning) rather than sorted, and short arrays and
/// objects stay on one line (`"statuses": [400, 401]`).
public indirect enum OrderedJSON: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([OrderedJSON])
    case object([Member])

    public struct Member: Hashable, Sendable {
        public var key: String
        public var value: OrderedJSON

        public init(_ key: String, _ value: OrderedJSON) {
            self.key = key
            self.value = value
        }
    }

    /// Builds an object, dropping members whose value is nil.
    public static func object(_ members: [(String, OrderedJSON?)]) -> OrderedJSON {
        .object(members.compactMap { key, value in value.map { Member(key, $0) } })
    }

    /// The JSON text: pretty (two-space indent, short containers inline) or compact.
    public func rendered(pretty: Bool = true) -> String {
        var out = ""
        if pretty {
            writePretty(into: &out, indent: 0)
        } else {
            writeCompact(into: &out)
        }
        return out
    }

    /// Containers holding only scalars are written on one line when that line stays short.
    private static let inlineLimit = 100

    private var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    private func writePretty(into out: inout String, indent: Int) {
        switch self {
        case .array(let elements):
            if elements.isEmpty { out += "[]"; return }
            if elements.allSatisfy(\.isScalar) {
                let inline = rendered(pretty: false).replacingCommas()
                if inline.count + indent <= Self.inlineLimit {
                    out += inline
                    return
                }
            }
            out += "[\n"
            for (i, element) in elements.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                element.writePretty(into: &out, indent: indent + 2)
                out += i == elements.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            if members.allSatisfy(\.value.isScalar) {
                let inline = rendered(pretty: false).replacingCommas()
                if inline.count + indent <= Self.inlineLimit {
                    out += inline
                    return
                }
            }
            out += "{\n"
            for (i, member) in members.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                Self.writeString(member.key, into: &out)
                out += ": "
                member.value.writePretty(into: &out, indent: indent + 2)
                out += i == members.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        default:
            writeCompact(into: &out)
        }
    }

    private func writeCompact(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isFinite {
                out += d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
            } else {
                out += "null"
            }
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let elements):
            out += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { out += "," }
                element.writeCompact(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                Self.writeString(member.key, into: &out)
                out += ":"
                member.value.writeCompact(into: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

private extension String {
    /// Turns compact `{"a":1,"b":[1,2]}` into the inline pretty form `{"a": 1, "b": [1, 2]}`
    /// without touching commas and colons inside strings.
    func replacingCommas() -> String {
        var out = ""
        var inString = false
        var escaped = false
        for ch in self {
            out.append(ch)
            if inString {
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == "\"" { inString = false }
            } else if ch == "\"" {
                inString = true
            } else if ch == "," || ch == ":" {
                out.append(" ")
            }
        }
        return out
    }
}
