/// A plain-text table with aligned columns that never grows wider than `maxWidth`: the
/// widest left-aligned column (a meaning, a route) is truncated with `…` to fit.
public struct TextTable {
    public enum Alignment { case left, right }

    public struct Column {
        public var title: String
        public var alignment: Alignment
        public init(_ title: String, _ alignment: Alignment = .left) {
            self.title = title
            self.alignment = alignment
        }
    }

    public var columns: [Column]
    public var rows: [[String]] = []
    public var indent = 2

    public init(_ columns: [Column]) {
        self.columns = columns
    }

    public mutating func add(_ row: [String]) {
        rows.append(row)
    }

    public func render(maxWidth: Int = 100) -> String {
        var widths = columns.map { $0.title.count }
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        let total = indent + widths.reduce(0, +) + 2 * (widths.count - 1)
        if total > maxWidth, let widest = columns.indices.filter({ columns[$0].alignment == .left }).max(by: { widths[$0] < widths[$1] }) {
            widths[widest] = max(columns[widest].title.count, widths[widest] - (total - maxWidth), 8)
        }
        var lines: [String] = []
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, column) in columns.enumerated() {
                var cell = i < cells.count ? cells[i] : ""
                if cell.count > widths[i] { cell = String(cell.prefix(widths[i] - 1)) + "…" }
                let padding = String(repeating: " ", count: widths[i] - cell.count)
                let isLast = i == columns.count - 1
                parts.append(column.alignment == .right ? padding + cell : (isLast ? cell : cell + padding))
            }
            return String(repeating: " ", count: indent) + parts.joined(separator: "  ")
        }
        lines.append(line(columns.map(\.title)))
        for row in rows { lines.append(line(row)) }
        return lines.joined(separator: "\n")
    }
}

/// Number formatting for people: thousands separators and percentages.
public enum HumanNumber {
    public static func count(_ n: Int64) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// `2.20%`, `0.01%`, `<0.01%`.
    public static func percent(_ ratio: Double) -> String {
        let p = ratio * 100
        if p > 0 && p < 0.01 { return "<0.01%" }
        let hundredths = Int64((p * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)%"
    }
}
