/// The one plain-text table of erranalyze (report sections, `status`, `catalogue list`…):
/// columns two spaces apart, left- or right-aligned, no trailing spaces, never wider than
/// `maxWidth`: the widest left-aligned column (a meaning, a route) is truncated with `…` to
/// fit. Styles are applied after padding, so escape codes never upset the alignment.
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
    public var styles: [[TextStyle?]] = []
    public var indent = 2
    public var showHeader = true

    public init(_ columns: [Column]) {
        self.columns = columns
    }

    /// A table titled by `header` (drawn unstyled), with the columns at `rightAligned` (by
    /// index) right-aligned and every line preceded by `indent` spaces.
    public init(header: [String], rightAligned: Set<Int> = [], indent: Int = 0) {
        self.columns = header.enumerated().map { Column($1, rightAligned.contains($0) ? .right : .left) }
        self.indent = indent
    }

    /// The columns a cell takes in a terminal, counted as grapheme clusters (`String.count`):
    /// what every table has always measured, so that output stays as it was. A wide
    /// character (CJK, most emoji) takes two columns and misaligns its row by one.
    static func width(_ cell: String) -> Int {
        cell.count
    }

    public mutating func add(_ row: [String], styles: [TextStyle?] = []) {
        rows.append(row)
        self.styles.append(styles)
    }

    /// The table's lines joined by newlines, without a final one; `maxWidth: .max` never truncates.
    public func render(maxWidth: Int = 100, palette: Palette = Palette(enabled: false)) -> String {
        var widths = columns.map { showHeader ? Self.width($0.title) : 0 }
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], Self.width(cell)) }
        }
        // Shrink the widest left-aligned columns, one character at a time, until the table fits.
        let shrinkable = columns.indices.filter { columns[$0].alignment == .left }
        while indent + widths.reduce(0, +) + 2 * (widths.count - 1) > maxWidth {
            guard let widest = shrinkable.filter({ widths[$0] > max(8, showHeader ? Self.width(columns[$0].title) : 0) })
                .max(by: { widths[$0] < widths[$1] }) else { break }
            widths[widest] -= 1
        }
        var lines: [String] = []
        func line(_ cells: [String], styles: [TextStyle?], header: Bool) -> String {
            var parts: [String] = []
            for (i, column) in columns.enumerated() {
                var cell = i < cells.count ? cells[i] : ""
                if Self.width(cell) > widths[i] { cell = String(cell.prefix(max(0, widths[i] - 1))) + "…" }
                let padding = String(repeating: " ", count: max(0, widths[i] - Self.width(cell)))
                let styled = palette.apply(header ? .bold : (i < styles.count ? styles[i] : nil), cell)
                let isLast = i == columns.count - 1
                parts.append(column.alignment == .right ? padding + styled : (isLast ? styled : styled + padding))
            }
            var text = String(repeating: " ", count: indent) + parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        if showHeader { lines.append(line(columns.map(\.title), styles: [], header: true)) }
        for (index, row) in rows.enumerated() { lines.append(line(row, styles: styles[index], header: false)) }
        return lines.joined(separator: "\n")
    }
}

/// Number formatting for people: thousands separators and percentages.
public enum HumanNumber {
    public static func count(_ n: Int64) -> String {
        let digits = String(n.magnitude)
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
