import Foundation

/// `report --format markdown`: for chat and e-mail (GitHub-flavoured tables, which Slack,
/// Mattermost, GitLab and most mail clients that render Markdown understand).
public struct MarkdownReportRenderer {
    public init() {}

    public func render(_ report: Report) -> String {
        var out: [String] = []
        out.append("# erranalyze report: " + ReportFormat.windowText(report))
        out.append("")
        var context: [String] = []
        if let comparison = report.comparison, let since = comparison.window.since, let until = comparison.window.until {
            context.append("Compared with the previous \(ReportFormat.duration(until - since)): "
                           + ReportFormat.comparisonWindowText(comparison, zone: report.timeZone) + ".")
        }
        if !report.filter.isEmpty { context.append("Filters: " + Self.escape(report.filter.summary) + ".") }
        if !context.isEmpty {
            // Two trailing spaces: a line break inside one paragraph.
            out.append(context.joined(separator: "  \n"))
            out.append("")
        }

        let t = report.totals
        if t.requests == 0 {
            out.append(report.filter.isEmpty ? "No requests in this window." : "No requests match the filters in this window.")
            out.append("")
        } else {
            out.append(contentsOf: summary(report))
        }
        let crossed = report.thresholds.filter(\.crossed)
        if !crossed.isEmpty {
            out.append("> **\(crossed.count) threshold\(crossed.count == 1 ? "" : "s") crossed:** "
                       + crossed.map { Self.code($0.threshold.text) + " (" + Self.escape($0.measured) + ")" }.joined(separator: "; "))
            out.append("")
        }
        if t.requests > 0 {
            for id in ["status_classes", "categories", "codes", "routes", "routes_by_rate", "hosts"] { section(&out, id, report) }
            latency(&out, report)
            if report.clientsAvailable {
                section(&out, "clients", report)
                section(&out, "clients_rate_limited", report)
            }
            section(&out, "unknown_codes", report)
            section(&out, "status_drift", report)
            if let contract = report.contract { out.append(contentsOf: ReportFormat.contractLines(contract).map(Self.escape) + [""]) }
            section(&out, "undocumented_responses", report)
            section(&out, "undocumented_routes", report)
            timeline(&out, report)
        }
        if report.malformed.total > 0 { section(&out, "malformed", report) }
        section(&out, "thresholds", report)
        while out.last == "" { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }

    private func summary(_ report: Report) -> [String] {
        let t = report.totals
        var lines: [String] = []
        if let before = report.comparison?.totals {
            lines.append("| | Now | Previous | Change |")
            lines.append("|---|---:|---:|---:|")
            func row(_ label: String, _ now: Int64, _ previous: Int64) {
                lines.append("| \(label) | \(HumanNumber.count(now)) | \(HumanNumber.count(previous)) | \(ReportFormat.change(now, previous)) |")
            }
            row("Requests", t.requests, before.requests)
            row("**Errors**", t.errors, before.errors)
            lines.append("| **Error rate** | **\(HumanNumber.percent(t.errorRate))** | \(HumanNumber.percent(before.errorRate)) | "
                         + "\(ReportFormat.pointsChange(t.errorRate, before.errorRate)) |")
            row("4xx", t.clientErrors, before.clientErrors)
            row("5xx", t.serverErrors, before.serverErrors)
            row("Retriable", t.retriable, before.retriable)
            row("Fatal", t.fatal, before.fatal)
            lines.append("| Malformed lines | \(HumanNumber.count(t.malformedLines)) | | |")
        } else {
            lines.append("| | |")
            lines.append("|---|---:|")
            lines.append("| Requests | \(HumanNumber.count(t.requests)) |")
            lines.append("| **Errors** | \(HumanNumber.count(t.errors)) |")
            lines.append("| **Error rate** | **\(HumanNumber.percent(t.errorRate))** |")
            lines.append("| 4xx | \(HumanNumber.count(t.clientErrors)) |")
            lines.append("| 5xx | \(HumanNumber.count(t.serverErrors)) |")
            lines.append("| Retriable | \(HumanNumber.count(t.retriable)) |")
            lines.append("| Fatal | \(HumanNumber.count(t.fatal)) |")
            lines.append("| Malformed lines | \(HumanNumber.count(t.malformedLines)) |")
        }
        lines.append("")
        if let note = ReportFormat.idempotencyNote(report) {
            lines.append("⚠️ " + Self.escape(note) + ".")
            lines.append("")
        }
        return lines
    }

    func section(_ out: inout [String], _ id: String, _ report: Report) {
        guard let table = ReportTables.table(id, of: report, for: .person), !table.isEmpty else { return }
        out.append("## " + table.title)
        out.append("")
        if let note = table.note {
            out.append("_" + Self.escape(note.prefix(1).uppercased() + note.dropFirst()) + "._")
            out.append("")
        }
        out.append("| " + table.columns.map { Self.cell($0.title) }.joined(separator: " | ") + " |")
        out.append("|" + table.columns.map { Self.isNumeric($0.kind) ? "---:" : "---" }.joined(separator: "|") + "|")
        for row in table.rows {
            let cells = row.enumerated().map { index, cell -> String in
                let text = ReportFormat.printable(Self.format(cell, report))
                let column = table.columns[index].id
                // Codes and routes are identifiers: code spans keep `_` and `*` from turning into emphasis.
                if ["code", "route"].contains(column), !text.isEmpty, !text.contains("`") { return "`" + text.replacingOccurrences(of: "|", with: "\\|") + "`" }
                if case .text("CROSSED") = cell { return "**CROSSED**" }
                return Self.cell(text)
            }
            out.append("| " + cells.joined(separator: " | ") + " |")
        }
        out.append("")
    }

    private func timeline(_ out: inout [String], _ report: Report) {
        guard !report.timeline.isEmpty else { return }
        let folded = ReportFormat.fold(report.timeline, cells: 48)
        let zone = report.timeZone
        let bucket = folded.hoursPerCell == 1 ? "hour" : "\(folded.hoursPerCell) hours"
        out.append("## Timeline")
        out.append("")
        out.append("One cell per \(bucket), " + ReportFormat.time(report.timeline[0].start, in: zone) + " → "
                   + ReportFormat.time(report.timeline[report.timeline.count - 1].start + 3600, in: zone) + " " + ReportFormat.zoneName(zone) + ".")
        out.append("")
        out.append("```")
        out.append("requests " + ReportFormat.sparkline(folded.requests))
        out.append("errors   " + ReportFormat.sparkline(folded.errors))
        out.append("```")
        if let peak = folded.errors.max(), peak > 0, let index = folded.errors.firstIndex(of: peak) {
            out.append("")
            out.append("Peak: \(HumanNumber.count(peak)) errors in the \(bucket) from "
                       + ReportFormat.time(report.timeline[index * folded.hoursPerCell].start, in: zone) + ".")
        }
        out.append("")
    }

    static func isNumeric(_ kind: ReportTable.Kind) -> Bool {
        switch kind {
        case .count, .ratio, .change: return true
        case .text, .time: return false
        }
    }

    static func format(_ cell: ReportTable.Cell, _ report: Report) -> String {
        switch cell {
        case .text(let s): return s
        case .count(let n): return HumanNumber.count(n)
        case .ratio(let r): return HumanNumber.percent(r)
        case .time(let t): return ReportFormat.time(t, in: report.timeZone)
        case .change(let now, let before): return ReportFormat.change(now, before)
        case .empty: return ""
        }
    }

    /// A code span, for identifiers and expressions (longer fences when the text holds backticks).
    static func code(_ text: String) -> String {
        let flat = ReportFormat.printable(text)
        let fence = flat.contains("`") ? "``" : "`"
        let pad = flat.hasPrefix("`") || flat.hasSuffix("`") ? " " : ""
        return fence + pad + flat + pad + fence
    }

    /// A table cell: pipes escaped, line breaks flattened, Markdown punctuation escaped.
    static func cell(_ text: String) -> String {
        escape(text).replacingOccurrences(of: "|", with: "\\|")
    }

    /// Escapes the characters that would start emphasis, links, HTML or code.
    static func escape(_ text: String) -> String {
        var out = ""
        let chars = Array(text)
        for (i, ch) in chars.enumerated() {
            switch ch {
            case "\\", "`", "*", "[", "]", "<", ">", "#": out.append("\\"); out.append(ch)
            case "_":
                // Inside a word (`client_error`) an underscore never starts emphasis: leave it readable.
                let inWord = i > 0 && i + 1 < chars.count && (chars[i - 1].isLetter || chars[i - 1].isNumber)
                    && (chars[i + 1].isLetter || chars[i + 1].isNumber)
                if !inWord { out.append("\\") }
                out.append(ch)
            case "\n", "\r", "\r\n": out.append(" ")
            default: out.append(ch)
            }
        }
        return out
    }
}
