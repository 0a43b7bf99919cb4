import Foundation

/// The dashboard's screen as lines of styled text for a terminal of `width` × `height`
/// cells: the header, the totals, the sparklines, the tabs, the chosen panel and the key help.
/// Plain data (tested without a terminal); the terminal only draws it.
public struct LiveScreenLayout {
    public enum Style: Sendable, Equatable {
        case normal, title, heading, selected, dim, good, warning, alert
    }

    public struct Segment: Sendable, Equatable {
        public var text: String
        public var style: Style

        public init(text: String, style: Style) {
            self.text = text
            self.style = style
        }
    }

    public typealias Line = [Segment]

    /// Sparkline glyphs: eight block heights on a UTF-8 terminal, else ASCII.
    public static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    public static let asciiBlocks: [Character] = ["_", ".", "-", "~", "=", "+", "*", "#"]

    public static func lines(_ snapshot: LiveSnapshot, state: LiveScreenState, width: Int, height: Int, now: Int64,
                             source: String, unicode: Bool) -> [Line] {
        let width = max(20, width)
        var lines: [Line] = []
        let windows = LiveView.windows.map { $0 == state.windowMinutes ? "[\($0) min]" : "\($0)" }.joined(separator: " ")
        var title = "erranalyze top · window \(windows)"
        if state.paused { title += " · PAUSED" }
        title += " · \(source)"   // last: a long path is what gets cut
        let clock = LiveSummaryLine.clock(now) + " UTC"
        lines.append([Segment(text: pad(title, width - clock.count - 1) + " " + clock, style: .title)])
        let rate = String(format: "%.2f%%", snapshot.errorRate * 100)
        lines.append([
            Segment(text: "Requests \(group(snapshot.requests)) (\(String(format: "%.1f", snapshot.requestsPerSecond))/s)   ", style: .normal),
            Segment(text: "Errors \(group(snapshot.errors)) (\(String(format: "%.1f", snapshot.errorsPerSecond))/s)   ", style: snapshot.errors > 0 ? .warning : .normal),
            Segment(text: "Error rate \(rate)", style: snapshot.errorRate >= 0.05 ? .alert : snapshot.errors > 0 ? .warning : .good),
        ])
        if let p95 = snapshot.p95Micros { lines[lines.count - 1].append(Segment(text: "   p95 \(DurationText.human(p95))", style: .normal)) }
        let spark = sparkline(snapshot.sparkline, unicode: unicode)
        lines.append([Segment(text: "requests/min " + spark.requests, style: .normal)])
        lines.append([Segment(text: "errors/min   " + spark.errors, style: snapshot.errors > 0 ? .warning : .dim)])
        lines.append([Segment(text: "             last \(LiveView.sparklineMinutes) minutes, one cell per minute", style: .dim)])

        var tabs: Line = []
        for panel in LiveScreenState.Panel.allCases {
            let label = " \(panel.rawValue + 1) \(panel.title) "
            tabs.append(Segment(text: label, style: panel == state.panel ? .selected : .normal))
        }
        var status = "  sort: \(state.sort.rawValue)"
        if !state.filter.isEmpty { status += " · filter: \(state.filter.text)" }
        tabs.append(Segment(text: status, style: .dim))
        lines.append([])
        lines.append(tabs)

        let rows = max(0, height - lines.count - 3)
        lines.append(contentsOf: panel(snapshot, state: state, width: width, rows: rows))
        while lines.count < height - 1 { lines.append([]) }
        let help = state.editingFilter.map { "filter (route, code, status; Enter applies, Esc cancels): \($0)_" }
            ?? "q quit · p pause · Tab/1-4 panel · w window · s sort · / filter · Esc clear filter"
        lines.append([Segment(text: help, style: state.editingFilter == nil ? .dim : .selected)])
        return lines.prefix(height).map { clip($0, width) }
    }

    static func panel(_ s: LiveSnapshot, state: LiveScreenState, width: Int, rows: Int) -> [Line] {
        var lines: [Line] = []
        let nameWidth = max(10, width - 44)
        switch state.panel {
        case .codes:
            lines.append([Segment(text: pad("CODE", nameWidth) + " STATUS     COUNT    BEFORE  CHANGE", style: .heading)])
            for row in s.codes.prefix(rows) {
                let name = row.code.isEmpty ? "(no code)" : row.code
                let before = row.previous.map { group($0) } ?? "?"
                let (change, style): (String, Style)
                switch row.change {
                case .new: (change, style) = ("NEW", .alert)
                case .spike(let ratio): (change, style) = (String(format: "×%.1f", ratio), .alert)
                case .change(let fraction): (change, style) = (String(format: "%+.0f%%", fraction * 100), .normal)
                case .unknown: (change, style) = ("", .normal)
                }
                lines.append([Segment(text: pad(name, nameWidth) + " " + left(String(row.status), 6) + " " + left(group(row.count), 9)
                                      + " " + left(before, 9) + "  " + change, style: style)])
            }
        case .routes:
            lines.append([Segment(text: pad("ROUTE", nameWidth) + "   REQUESTS    ERRORS  ERROR RATE", style: .heading)])
            for row in s.routes.prefix(rows) {
                lines.append([Segment(text: pad(row.method + " " + row.route, nameWidth) + " " + left(group(row.requests), 10) + " "
                                      + left(group(row.errors), 9) + " " + left(String(format: "%.2f%%", row.errorRate * 100), 11),
                                      style: row.errorRate >= 0.05 ? .warning : .normal)])
            }
        case .hosts:
            lines.append([Segment(text: pad("HOST", nameWidth) + "   REQUESTS    ERRORS  ERROR RATE", style: .heading)])
            for row in s.hosts.prefix(rows) {
                lines.append([Segment(text: pad(row.host, nameWidth) + " " + left(group(row.requests), 10) + " "
                                      + left(group(row.errors), 9) + " " + left(String(format: "%.2f%%", row.errorRate * 100), 11),
                                      style: row.errorRate >= 0.05 ? .warning : .normal)])
            }
        case .clients:
            lines.append([Segment(text: pad("CLIENT", nameWidth) + "        429", style: .heading)])
            for row in s.rateLimitedClients.prefix(rows) {
                lines.append([Segment(text: pad(row.client, nameWidth) + " " + left(group(row.rateLimited), 10), style: .normal)])
            }
        }
        if lines.count == 1 { lines.append([Segment(text: "(nothing in this window yet)", style: .dim)]) }
        return lines
    }

    /// Requests and errors per minute as block characters, each scaled to its own peak.
    static func sparkline(_ points: [LiveSnapshot.SparkPoint], unicode: Bool) -> (requests: String, errors: String) {
        let glyphs = unicode ? blocks : asciiBlocks
        func line(_ values: [Int64]) -> String {
            let peak = values.max() ?? 0
            return String(values.map { value -> Character in
                guard peak > 0, value > 0 else { return " " }
                return glyphs[min(glyphs.count - 1, Int((Double(value) / Double(peak)) * Double(glyphs.count - 1) + 0.5))]
            }) + "  peak \(group(peak))/min"
        }
        return (line(points.map(\.requests)), line(points.map(\.errors)))
    }

    /// 12,345
    static func group(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (index, c) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    static func pad(_ text: String, _ width: Int) -> String {
        let width = max(0, width)
        if text.count > width { return String(text.prefix(max(0, width - 1))) + "…" }
        return text + String(repeating: " ", count: width - text.count)
    }

    static func left(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    /// The line cut to `width` characters.
    static func clip(_ line: Line, _ width: Int) -> Line {
        var remaining = width
        var out: Line = []
        for segment in line where remaining > 0 {
            let text = segment.text.count > remaining ? String(segment.text.prefix(remaining)) : segment.text
            remaining -= text.count
            out.append(Segment(text: text, style: segment.style))
        }
        return out
    }
}
