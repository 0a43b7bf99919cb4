/// Finds where each key of a TOML document is written, for messages about unknown keys and
/// wrong types (the TOML parser gives positions only for syntax errors).
///
/// The document has already parsed, so a light scan suffices: it follows table headers
/// (`[t]`, `[[t]]`, counting array tables), `key =` at the start of a line, and skips the
/// insides of strings, multi-line strings, arrays and inline tables.
struct ConfigKeyLocator {
    /// "database", "source[0]", "source[0].paths", "extra" → where the key (or header) starts.
    private(set) var positions: [String: TextPosition] = [:]

    init(text: String) {
        var arrayCounts: [String: Int] = [:]
        var table = ""            // the key path prefix of the current table
        var depth = 0             // open [ or { of a value spanning lines
        var multiline: String?    // the closing quotes of a multi-line string we are inside
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = Array(rawLine.utf8)
            var i = 0
            if let close = multiline {
                guard let end = Self.find(Array(close.utf8), in: line, from: 0) else { continue }
                multiline = nil
                i = end + close.utf8.count
                depth = Self.scanValue(line, from: i, depth: depth, multiline: &multiline)
                continue
            }
            while i < line.count, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
            guard i < line.count, line[i] != UInt8(ascii: "#") else { continue }
            if depth > 0 {
                depth = Self.scanValue(line, from: i, depth: depth, multiline: &multiline)
                continue
            }
            let column = i + 1
            if line[i] == UInt8(ascii: "[") {
                let isArray = i + 1 < line.count && line[i + 1] == UInt8(ascii: "[")
                let start = i + (isArray ? 2 : 1)
                guard let end = line[start...].firstIndex(of: UInt8(ascii: "]")) else { continue }
                let name = Self.normalizedKey(line[start..<end])
                if isArray {
                    let index = arrayCounts[name, default: 0]
                    arrayCounts[name] = index + 1
                    table = "\(name)[\(index)]"
                } else {
                    table = name
                }
                positions[table] = positions[table] ?? TextPosition(line: lineNumber, column: column)
                continue
            }
            guard let equals = Self.keyEnd(line, from: i) else { continue }
            let key = Self.normalizedKey(line[i..<equals])
            let path = table.isEmpty ? key : table + "." + key
            positions[path] = positions[path] ?? TextPosition(line: lineNumber, column: column)
            depth = Self.scanValue(line, from: equals + 1, depth: 0, multiline: &multiline)
        }
    }

    func position(of path: String) -> TextPosition? { positions[path] }

    /// The index of the `=` ending the key that starts at `start` (quoted keys may hold `=`).
    private static func keyEnd(_ line: [UInt8], from start: Int) -> Int? {
        var i = start
        var quote: UInt8?
        while i < line.count {
            let c = line[i]
            if let q = quote {
                if c == UInt8(ascii: "\\") && q == UInt8(ascii: "\"") { i += 2; continue }
                if c == q { quote = nil }
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                quote = c
            } else if c == UInt8(ascii: "=") {
                return i
            }
            i += 1
        }
        return nil
    }

    /// `a . "b"` → `a.b`: whitespace around dots dropped, quotes removed.
    private static func normalizedKey(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.split(separator: ".").map {
            var part = $0.trimmingCharacters(in: " \t")
            if part.count >= 2, let first = part.first, first == "\"" || first == "'", part.last == first {
                part = String(part.dropFirst().dropLast())
            }
            return part
        }.joined(separator: ".")
    }

    /// Follows a value to the end of its line: brackets opened and closed outside strings, and
    /// a multi-line string left open (its closing quotes are stored in `multiline`).
    private static func scanValue(_ line: [UInt8], from start: Int, depth: Int, multiline: inout String?) -> Int {
        var depth = depth
        var i = start
        while i < line.count {
            let c = line[i]
            if c == UInt8(ascii: "#") { break }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                let triple = [UInt8](repeating: c, count: 3)
                if i + 2 < line.count, Array(line[i..<(i + 3)]) == triple {
                    guard let end = find(triple, in: line, from: i + 3) else {
                        multiline = String(decoding: triple, as: UTF8.self)
                        return depth
                    }
                    i = end + 3
                    continue
                }
                i += 1
                while i < line.count, line[i] != c {
                    if c == UInt8(ascii: "\"") && line[i] == UInt8(ascii: "\\") { i += 1 }
                    i += 1
                }
                i += 1
                continue
            }
            if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") { depth += 1 }
            if c == UInt8(ascii: "]") || c == UInt8(ascii: "}") { depth = max(0, depth - 1) }
            i += 1
        }
        return depth
    }

    private static func find(_ needle: [UInt8], in line: [UInt8], from start: Int) -> Int? {
        guard needle.count <= line.count else { return nil }
        var i = start
        while i + needle.count <= line.count {
            if Array(line[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self[...]
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
