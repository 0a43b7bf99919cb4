/// `report --format csv`: one section as one table (RFC 4180: a header row, CRLF line ends,
/// fields quoted when they hold a comma, a quote or a line break). Values are raw, for
/// spreadsheets and scripts: counts as integers, rates as fractions, times as UTC ISO 8601.
public struct CSVReportRenderer {
    /// A name from `ReportTables.sectionNames`.
    public var section: String

    public init(section: String = "codes") {
        self.section = section
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
            out += Self.line(row.map(Self.value))
        }
        return out
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
