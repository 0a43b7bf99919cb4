/// `report --format csv`: one section as one table (RFC 4180: a header row, CRLF line ends,
/// fields quoted when they hold a comma, a quote or a line break). Values are raw, for
/// spreadsheets and scripts: counts as integers, rates as fractions, times as UTC ISO 8601.
public struct CSVReportRenderer {
    /// A name from `ReportTables.sectionNames`.
    public var section: String
    /// Whether text cells that a spreadsheet would run as a formula get a leading `'` (the default).
    public var guardsFormulas: Bool

    public init(section: String = "codes", guardsFormulas: Bool = true) {
        self.section = section
        self.guardsFormulas = guardsFormulas
    }

    public struct UnknownSection: Error, CustomStringConvertible {
        public var name: String
        public var description: String {
            "unknown section '\(name)'; known: " + ReportTables.sectionNames.joined(separator: ", ")
        }
    }

    public func render(_ report: Report) throws(UnknownSection) -> String {
        guard let table = ReportTables.table(section, of: report, for: .machine) else { throw UnknownSection(name: section) }
        var out = Self.line(table.columns.map(\.id))
        for row in table.rows {
            out += Self.line(row.map { value($0) })
        }
        return out
    }

    /// Text cells hold what came from a log, a catalogue or the command line (codes, routes,
    /// methods, clients, meanings, advice): those are guarded. Counts, rates and times are
    /// written by erranalyze and are never guarded, so `-5` or `0.25` stay numbers.
    func value(_ cell: ReportTable.Cell) -> String {
        if guardsFormulas, case .text(let s) = cell { return Self.guardingFormula(s) }
        return Self.value(cell)
    }

    static func value(_ cell: ReportTable.Cell) -> String {
        switch cell {
        case .text(let s): return s
        case .count(let n): return String(n)
        case .ratio(let r): return JSONWriter.number(r)
        case .time(let t): return TimeFormatting.iso8601(t)
        case .change(let now, _): return String(now)
        case .empty: return ""
        }
    }

    /// OWASP's advice against CSV injection: a cell that begins with `=`, `+`, `-`, `@`, a tab
    /// or a carriage return is read by Excel, LibreOffice and Google Sheets as a formula
    /// (`=HYPERLINK(…)` in a logged path runs when the file is opened); a leading `'` makes the
    /// spreadsheet show the text as it is.
    static func guardingFormula(_ text: String) -> String {
        guard let first = text.utf8.first, formulaStarts.contains(first) else { return text }
        return "'" + text
    }

    static let formulaStarts: Set<UInt8> = [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D]

    static func line(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\r\n"
    }

    /// RFC 4180 §2.6–2.7: quote a field holding a comma, quote, CR or LF; double its quotes.
    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return field }
        return "\"" + field.replacingQuotes() + "\""
    }
}

extension String {
    func replacingQuotes() -> String {
        var out = ""
        for ch in self {
            out.append(ch)
            if ch == "\"" { out.append("\"") }
        }
        return out
    }
}
