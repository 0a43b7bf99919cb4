/// The configuration written back as TOML, for `erranalyze config show`: what applies, with a
/// database URI's password masked (`postgresql://user:****@host/db`).
extension Configuration {
    public func tomlText() -> String {
        var lines: [String] = ["# from \(file)"]
        if let database { lines.append("database = \(Self.quoted(Self.maskingPassword(database)))") }
        if let catalogues { lines.append("catalogues = \(Self.array(catalogues))") }
        if let openapi { lines.append("openapi = \(Self.quoted(openapi))") }
        for source in sources {
            lines.append("")
            lines.append("[[source]]")
            lines.append("name = \(Self.quoted(source.name))")
            lines.append("paths = \(Self.array(source.paths))")
            switch source.format {
            case .preset(let name): lines.append("format = \(Self.quoted(name))")
            case .logFormat(let text): lines.append("log_format = \(Self.quoted(text))")
            case .jsonFields(let text): lines.append("json_fields = \(Self.quoted(text))")
            case nil: lines.append("# format: detected per file")
            }
            if !source.routes.isEmpty { lines.append("routes = \(Self.array(source.routes))") }
            if let host = source.host { lines.append("host = \(Self.quoted(host))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `scheme://user:secret@host…` → `scheme://user:****@host…`; anything else unchanged.
    public static func maskingPassword(_ uri: String) -> String {
        guard let scheme = uri.range(of: "://") else { return uri }
        let rest = uri[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return uri }
        return String(uri[..<colon]) + ":****" + String(uri[at...])
    }

    /// A TOML basic string.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func array(_ items: [String]) -> String {
        "[" + items.map(quoted).joined(separator: ", ") + "]"
    }
}
