/// Writes JSON with keys in the order given (stable output for scripts and golden files)
/// and numbers formatted without locale or exponent surprises.
public struct JSONWriter {
    public private(set) var output = ""
    private var needsComma: [Bool] = [false]
    private let pretty: Bool
    private var depth = 0

    public init(pretty: Bool = true) {
        self.pretty = pretty
    }

    public enum Value {
        case string(String)
        case int(Int64)
        case double(Double)
        case bool(Bool)
        case null
    }

    private mutating func separator() {
        if needsComma[needsComma.count - 1] { output += "," }
        needsComma[needsComma.count - 1] = true
        if pretty && depth > 0 {
            output += "\n" + String(repeating: "  ", count: depth)
        }
    }

    private mutating func key(_ name: String?) {
        separator()
        if let name {
            output += Self.quote(name)
            output += pretty ? ": " : ":"
        }
    }

    public mutating func field(_ name: String?, _ value: Value) {
        key(name)
        switch value {
        case .string(let s): output += Self.quote(s)
        case .int(let i): output += String(i)
        case .double(let d): output += Self.number(d)
        case .bool(let b): output += b ? "true" : "false"
        case .null: output += "null"
        }
    }

    public mutating func object(_ name: String? = nil, _ body: (inout JSONWriter) -> Void) {
        open(name, "{")
        body(&self)
        close("}")
    }

    public mutating func array(_ name: String? = nil, _ body: (inout JSONWriter) -> Void) {
        open(name, "[")
        body(&self)
        close("]")
    }

    private mutating func open(_ name: String?, _ bracket: String) {
        key(name)
        output += bracket
        needsComma.append(false)
        depth += 1
    }

    private mutating func close(_ bracket: String) {
        let hadItems = needsComma.removeLast()
        depth -= 1
        if pretty && hadItems { output += "\n" + String(repeating: "  ", count: depth) }
        output += bracket
    }

    /// Rates and shares: up to six decimals, no exponent, trailing zeros trimmed.
    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        let scaled = (d * 1_000_000).rounded()
        if scaled == 0 { return "0" }
        let negative = scaled < 0
        let magnitude = Int64(abs(scaled))
        var text = String(magnitude / 1_000_000)
        var fraction = String(magnitude % 1_000_000)
        if fraction != "0" {
            fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return negative ? "-" + text : text
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
