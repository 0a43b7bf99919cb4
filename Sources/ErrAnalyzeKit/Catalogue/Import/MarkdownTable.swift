/// A pipe table found in a Markdown (or Markdown-ish) page.
struct MarkdownTable: Sendable {
    /// The header cells, cleaned.
    var header: [String]
    /// 1-based line of the header row.
    var headerLine: Int
    var rows: [Row]

    struct Row: Sendable {
        var cells: [String]
        var line: Int
    }
}

/// Finds pipe tables in text copied from documentation pages.
///
/// Such copies are rarely clean GFM: rows may lack the leading `|`, and a header row may be
/// glued to the sentence before it ("…CRM/PMS.| Code | HTTP |"). The delimiter row
/// (`|---|---|`) is the anchor: its cell count says how many columns the table has, and
/// the header is the last that many cells of the line above.
enum MarkdownTableScanner {
    static func tables(in text: String) -> [MarkdownTable] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        var tables: [MarkdownTable] = []
        var i = 1
        while i < lines.count {
            guard let columns = delimiterColumnCount(lines[i]), lines[i - 1].contains("|") else {
                i += 1
                continue
            }
            var header = splitCells(lines[i - 1])
            if header.count > columns { header = Array(header.suffix(columns)) }
            while header.count < columns { header.append("") }
            var table = MarkdownTable(header: header.map(cleanCell), headerLine: i, rows: [])
            var j = i + 1
            while j < lines.count {
                let line = lines[j]
                if CatalogueText.trimmed(line).isEmpty || !line.contains("|") { break }
                if delimiterColumnCount(line) != nil { j += 1; continue } // a group separator inside the body
                var cells = splitCells(line)
                if cells.count > columns {
                    // Unescaped pipes inside the last cell: keep its text whole.
                    let tail = cells[(columns - 1)...].joined(separator: "|")
                    cells = Array(cells.prefix(columns - 1)) + [tail]
                }
                while cells.count < columns { cells.append("") }
                table.rows.append(MarkdownTable.Row(cells: cells.map(cleanCell), line: j + 1))
                j += 1
            }
            tables.append(table)
            i = j
        }
        return tables
    }

    /// The number of columns if `line` is a delimiter row such as `|---|:--:|` or `--- | ---`.
    static func delimiterColumnCount(_ line: String) -> Int? {
        let trimmed = CatalogueText.trimmed(line)
        guard trimmed.contains("-"), trimmed.allSatisfy({ "|-: \t".contains($0) }) else { return nil }
        let cells = splitCells(trimmed)
        guard !cells.isEmpty, trimmed.contains("|") || cells.count == 1 else { return nil }
        for cell in cells {
            let c = CatalogueText.trimmed(cell)
            guard !c.isEmpty, c.contains("-") else { return nil }
        }
        // A lone `---` is a Markdown rule, not a table.
        return trimmed.contains("|") ? cells.count : nil
    }

    /// Splits a row on unescaped pipes, dropping the outer ones.
    static func splitCells(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var escaped = false
        for ch in line {
            if escaped {
                current.append(ch == "|" ? "|" : "\\")
                if ch != "|" { current.append(ch) }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "|" {
                cells.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        if escaped { current.append("\\") }
        cells.append(current)
        if let first = cells.first, CatalogueText.trimmed(first).isEmpty, cells.count > 1 { cells.removeFirst() }
        if let last = cells.last, CatalogueText.trimmed(last).isEmpty, cells.count > 1 { cells.removeLast() }
        return cells
    }

    /// Removes inline Markdown and HTML that carry no meaning in a catalogue.
    static func cleanCell(_ cell: String) -> String {
        var s = cell
        for tag in ["<code>", "</code>", "<b>", "</b>", "<strong>", "</strong>", "<em>", "</em>", "<i>", "</i>"] {
            s = s.replacingAll(tag, with: "")
        }
        for br in ["<br>", "<br/>", "<br />"] { s = s.replacingAll(br, with: " ") }
        s = s.replacingAll("**", with: "").replacingAll("__", with: "").replacingAll("`", with: "")
        // Collapse runs of whitespace (including non-breaking spaces from web pages).
        return s.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

private extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        out += rest
        return out
    }
}
