import Foundation

/// `report --format html`: one self-contained page (inline CSS and SVG charts, no script,
/// nothing fetched from the network) that reads well in a browser, in a mail attachment and
/// on paper (`@media print`), in light and dark mode. Its Content-Security-Policy forbids
/// every load and every script, so even a logged value that slipped past escaping could
/// neither run nor reach the network (and `Scripts/check-html` sees any attempt).
public struct HTMLReportRenderer {
    public init() {}

    public func render(_ report: Report) -> String {
        var h = ""
        let title = "erranalyze report · " + ReportFormat.windowText(report)
        h += """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
        <meta name="color-scheme" content="light dark">
        <meta name="generator" content="erranalyze (\(Report.schema))">
        <title>\(Self.escape(title))</title>
        <style>
        \(Self.css)
        </style>
        </head>
        <body>
        <header>
        <h1>API error report</h1>
        <p class="window">\(Self.escape(ReportFormat.windowText(report)))</p>

        """
        if let comparison = report.comparison, let since = comparison.window.since, let until = comparison.window.until {
            h += "<p class=\"sub\">Compared with the previous \(ReportFormat.duration(until - since)): "
                + Self.escape(ReportFormat.comparisonWindowText(comparison, zone: report.timeZone)) + "</p>\n"
        }
        if !report.filter.isEmpty { h += "<p class=\"sub\">Filters: " + Self.escape(report.filter.summary) + "</p>\n" }
        h += "</header>\n<main>\n"

        let crossed = report.thresholds.filter(\.crossed)
        if !crossed.isEmpty {
            h += "<section class=\"alert\" role=\"alert\"><h2>\(crossed.count) threshold\(crossed.count == 1 ? "" : "s") crossed</h2><ul>\n"
            for r in crossed { h += "<li><code>\(Self.escape(r.threshold.text))</code>: \(Self.escape(r.measured))</li>\n" }
            h += "</ul></section>\n"
        }

        let t = report.totals
        if t.requests == 0 {
            h += "<section><p class=\"empty\">"
                + (report.filter.isEmpty ? "No requests in this window." : "No requests match the filters in this window.")
                + "</p></section>\n"
        } else {
            h += cards(report)
            if let note = ReportFormat.idempotencyNote(report) { h += "<p class=\"note\">⚠ \(Self.escape(note)).</p>\n" }
            h += timelineSection(report)
            h += breakdownSection(report)
            for id in ["codes", "routes", "routes_by_rate", "hosts"] { h += tableSection(id, report) }
            h += latencySection(report)
            if report.clientsAvailable {
                h += tableSection("clients", report)
                h += tableSection("clients_rate_limited", report)
            }
            h += tableSection("unknown_codes", report)
            h += tableSection("status_drift", report)
            if let contract = report.contract {
                h += "<p class=\"note\">" + ReportFormat.contractLines(contract).filter { !$0.isEmpty }.map(Self.escape).joined(separator: " ") + "</p>\n"
            }
            h += tableSection("undocumented_responses", report)
            h += tableSection("undocumented_routes", report)
            h += tableSection("statuses", report)
        }
        if report.malformed.total > 0 { h += malformedSection(report) }
        h += tableSection("thresholds", report)
        h += "</main>\n<footer>Made by erranalyze from additive hourly aggregates; times in "
            + Self.escape(ReportFormat.zoneName(report.timeZone)) + ".</footer>\n</body>\n</html>\n"
        return h
    }

    // MARK: Sections

    private func cards(_ report: Report) -> String {
        let t = report.totals
        let before = report.comparison?.totals
        func card(_ label: String, _ value: String, change: String?, worse: Bool?, accent: String = "") -> String {
            var html = "<div class=\"card\(accent.isEmpty ? "" : " " + accent)\"><div class=\"label\">\(label)</div><div class=\"value\">\(value)</div>"
            if let change {
                let cls = worse == nil ? "same" : (worse! ? "worse" : "better")
                html += "<div class=\"change \(cls)\">\(Self.escape(change)) vs previous</div>"
            }
            return html + "</div>\n"
        }
        func countChange(_ now: Int64, _ previous: Int64?, worseWhenUp: Bool = true) -> (String?, Bool?) {
            guard let previous else { return (nil, nil) }
            let text = ReportFormat.change(now, previous)
            if now == previous { return (text, nil) }
            return (text, worseWhenUp ? now > previous : nil)
        }
        var h = "<section class=\"cards\" aria-label=\"Totals\">\n"
        var c = countChange(t.requests, before?.requests, worseWhenUp: false)
        h += card("Requests", HumanNumber.count(t.requests), change: c.0, worse: c.1)
        c = countChange(t.errors, before?.errors)
        h += card("Errors", HumanNumber.count(t.errors), change: c.0, worse: c.1, accent: t.errors > 0 ? "bad" : "")
        if let before {
            let worse: Bool? = t.errorRate == before.errorRate ? nil : t.errorRate > before.errorRate
            h += card("Error rate", HumanNumber.percent(t.errorRate), change: ReportFormat.pointsChange(t.errorRate, before.errorRate),
                      worse: worse, accent: t.errors > 0 ? "bad" : "")
        } else {
            h += card("Error rate", HumanNumber.percent(t.errorRate), change: nil, worse: nil, accent: t.errors > 0 ? "bad" : "")
        }
        c = countChange(t.clientErrors, before?.clientErrors)
        h += card("4xx", HumanNumber.count(t.clientErrors), change: c.0, worse: c.1)
        c = countChange(t.serverErrors, before?.serverErrors)
        h += card("5xx", HumanNumber.count(t.serverErrors), change: c.0, worse: c.1, accent: t.serverErrors > 0 ? "bad" : "")
        c = countChange(t.retriable, before?.retriable)
        h += card("Retriable", HumanNumber.count(t.retriable), change: c.0, worse: c.1)
        c = countChange(t.fatal, before?.fatal)
        h += card("Fatal", HumanNumber.count(t.fatal), change: c.0, worse: c.1)
        h += card("Malformed lines", HumanNumber.count(t.malformedLines), change: nil, worse: nil)
        return h + "</section>\n"
    }

    private func timelineSection(_ report: Report) -> String {
        guard !report.timeline.isEmpty else { return "" }
        let folded = ReportFormat.fold(report.timeline, cells: 240)
        let zone = report.timeZone
        let bucket = folded.hoursPerCell == 1 ? "hour" : "\(folded.hoursPerCell) hours"
        let starts = stride(from: 0, to: report.timeline.count, by: folded.hoursPerCell).map { report.timeline[$0].start }
        var h = "<section id=\"timeline\">\n<h2>Timeline</h2>\n<p class=\"sub\">One bar per \(bucket), \(Self.escape(ReportFormat.zoneName(zone))).</p>\n"
        h += barChart(label: "Requests", values: folded.requests, starts: starts, hours: folded.hoursPerCell, zone: zone, cls: "req")
        h += barChart(label: "Errors", values: folded.errors, starts: starts, hours: folded.hoursPerCell, zone: zone, cls: "err")
        return h + "</section>\n"
    }

    /// A bar per time bucket, with the largest value and the first, middle and last times on the axes.
    private func barChart(label: String, values: [Int64], starts: [Int64], hours: Int, zone: TimeZone, cls: String) -> String {
        let width = 960.0, height = 120.0, left = 56.0, bottom = 22.0, top = 8.0
        let plotWidth = width - left - 8, plotHeight = height - bottom - top
        let peak = max(1, values.max() ?? 0)
        let slot = plotWidth / Double(max(1, values.count))
        let gap = slot > 4 ? 1.0 : 0
        var s = "<figure><figcaption>\(label) per \(hours == 1 ? "hour" : "\(hours) hours")</figcaption>\n"
        s += "<svg class=\"chart\" viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" role=\"img\" aria-label=\"\(label) per time bucket, peak \(HumanNumber.count(values.max() ?? 0))\">\n"
        s += "<line class=\"axis\" x1=\"\(Self.n(left))\" y1=\"\(Self.n(top + plotHeight))\" x2=\"\(Self.n(width - 8))\" y2=\"\(Self.n(top + plotHeight))\"/>\n"
        s += "<line class=\"grid\" x1=\"\(Self.n(left))\" y1=\"\(Self.n(top))\" x2=\"\(Self.n(width - 8))\" y2=\"\(Self.n(top))\"/>\n"
        s += "<text class=\"tick\" x=\"\(Self.n(left - 6))\" y=\"\(Self.n(top + 4))\" text-anchor=\"end\">\(HumanNumber.count(values.max() ?? 0))</text>\n"
        s += "<text class=\"tick\" x=\"\(Self.n(left - 6))\" y=\"\(Self.n(top + plotHeight))\" text-anchor=\"end\">0</text>\n"
        for (i, value) in values.enumerated() where value > 0 {
            let barHeight = max(1, plotHeight * Double(value) / Double(peak))
            let x = left + Double(i) * slot
            let when = ReportFormat.time(starts[i], in: zone)
            s += "<rect class=\"\(cls)\" x=\"\(Self.n(x))\" y=\"\(Self.n(top + plotHeight - barHeight))\" width=\"\(Self.n(max(0.5, slot - gap)))\" height=\"\(Self.n(barHeight))\">"
                + "<title>\(when): \(HumanNumber.count(value))</title></rect>\n"
        }
        let ticks = values.count > 2 ? [0, values.count / 2, values.count - 1] : Array(values.indices)
        for (k, i) in ticks.enumerated() {
            let anchor = k == 0 ? "start" : (k == ticks.count - 1 && ticks.count > 1 ? "end" : "middle")
            let x = k == ticks.count - 1 && ticks.count > 1 ? left + Double(i + 1) * slot : left + Double(i) * slot
            let when = k == ticks.count - 1 && ticks.count > 1 ? starts[i] + Int64(hours) * 3600 : starts[i]
            s += "<text class=\"tick\" x=\"\(Self.n(x))\" y=\"\(Self.n(height - 6))\" text-anchor=\"\(anchor)\">\(ReportFormat.time(when, in: zone))</text>\n"
        }
        return s + "</svg>\n</figure>\n"
    }

    /// Status classes and retriable vs fatal as stacked bars, and categories.
    private func breakdownSection(_ report: Report) -> String {
        let t = report.totals
        var h = "<section class=\"split\">\n<div>\n<h2>Status classes</h2>\n"
        h += stackedBar(report.byStatusClass.map { ($0.statusClass, $0.count, "c" + String($0.statusClass.prefix(1))) }, total: t.requests,
                        label: "Responses by status class")
        h += "</div>\n<div>\n<h2>Retriable vs fatal errors</h2>\n"
        if t.errors > 0 {
            h += stackedBar([("retriable", t.retriable, "retriable"), ("fatal", t.fatal, "fatal")], total: t.errors, label: "Errors by retriability")
        } else {
            h += "<p class=\"empty\">No errors.</p>\n"
        }
        h += "</div>\n</section>\n"
        h += tableSection("categories", report)
        return h
    }

    private func stackedBar(_ parts: [(String, Int64, String)], total: Int64, label: String) -> String {
        guard total > 0 else { return "" }
        var s = "<svg class=\"stack\" viewBox=\"0 0 400 24\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"\(Self.escape(label))\">\n"
        var x = 0.0
        for (name, count, cls) in parts where count > 0 {
            let w = 400 * Double(count) / Double(total)
            s += "<rect class=\"\(cls)\" x=\"\(Self.n(x))\" y=\"0\" width=\"\(Self.n(w))\" height=\"24\"><title>\(Self.escape(name)): \(HumanNumber.count(count))</title></rect>\n"
            x += w
        }
        s += "</svg>\n<ul class=\"legend\">\n"
        for (name, count, cls) in parts {
            s += "<li><span class=\"swatch \(cls)\"></span>\(Self.escape(name)) <b>\(HumanNumber.count(count))</b> (\(HumanNumber.percent(Double(count) / Double(total))))</li>\n"
        }
        return s + "</ul>\n"
    }

    func tableSection(_ id: String, _ report: Report) -> String {
        guard let table = ReportTables.table(id, of: report, for: .person), !table.isEmpty else { return "" }
        var h = "<section id=\"\(id)\">\n<h2>\(Self.escape(table.title))</h2>\n"
        if let note = table.note { h += "<p class=\"sub\">\(Self.escape(note.prefix(1).uppercased() + note.dropFirst())).</p>\n" }
        // A bar beside the share or error rate shows the ranking at a glance.
        let barColumn = table.columnIndex("share") ?? table.columnIndex("error_rate")
        // Tables of a few short columns stay narrow so that numbers sit near their labels.
        let narrow = table.columns.count <= 4 && table.columns.allSatisfy { !["route", "meaning"].contains($0.id) }
        h += "<div class=\"scroll\"><table\(narrow ? " class=\"narrow\"" : "")>\n<thead><tr>"
        for (index, column) in table.columns.enumerated() {
            h += "<th\(Self.isNumeric(column.kind) ? " class=\"num\"" : "")>\(Self.escape(column.title))</th>"
            if index == barColumn { h += "<th class=\"barcol\" aria-hidden=\"true\"></th>" }
        }
        h += "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            h += "<tr>"
            for (index, cell) in row.enumerated() {
                let column = table.columns[index]
                let text = Self.escape(MarkdownReportRenderer.format(cell, report))
                var cls: [String] = []
                if Self.isNumeric(column.kind) { cls.append("num") }
                if column.id == "status" || column.id == "class", case .text(let s) = cell, let first = s.first, first == "4" || first == "5" {
                    cls.append("s\(first)")
                }
                if case .change(let now, let before) = cell { cls.append(now > before ? "worse" : (now < before ? "better" : "same")) }
                if case .text("CROSSED") = cell { cls.append("worse") }
                let attr = cls.isEmpty ? "" : " class=\"\(cls.joined(separator: " "))\""
                // Codes are short and read as one word; routes may be long and wrap anywhere.
                let content = column.id == "code" ? "<code class=\"word\">\(text)</code>"
                    : (["route", "expression"].contains(column.id) ? "<code>\(text)</code>" : text)
                h += "<td\(attr)>\(content)</td>"
                if index == barColumn, case .ratio(let r) = cell {
                    // A status's bar takes its class's colour (2xx green…); shares of errors are red.
                    var barClass = "err"
                    if case .text(let first)? = row.first, ["statuses", "status_classes"].contains(id), let digit = first.first {
                        barClass = "c\(digit)"
                    }
                    h += "<td class=\"barcol\"><svg viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\">"
                        + "<rect class=\"track\" width=\"100\" height=\"10\"/><rect class=\"\(barClass)\" width=\"\(Self.n(max(0, min(1, r)) * 100))\" height=\"10\"/></svg></td>"
                }
            }
            h += "</tr>\n"
        }
        return h + "</tbody>\n</table></div>\n</section>\n"
    }

    private func malformedSection(_ report: Report) -> String {
        var h = tableSection("malformed", report)
        guard !report.malformed.samples.isEmpty else { return h }
        h += "<section id=\"malformed_samples\">\n<h2>Malformed line samples</h2>\n<ul class=\"samples\">\n"
        for s in report.malformed.samples.prefix(10) {
            h += "<li><span class=\"where\">\(Self.escape(s.path)):\(s.line)</span> \(Self.escape(s.reason.description))<br><code>\(Self.escape(s.text))</code></li>\n"
        }
        return h + "</ul>\n</section>\n"
    }

    // MARK: Helpers

    static func isNumeric(_ kind: ReportTable.Kind) -> Bool { MarkdownReportRenderer.isNumeric(kind) }

    /// Coordinates with at most two decimals.
    static func n(_ value: Double) -> String {
        let hundredths = Int64((value * 100).rounded())
        let magnitude = hundredths.magnitude
        var text = String(magnitude / 100)
        let fraction = magnitude % 100
        if fraction != 0 { text += "." + (fraction < 10 ? "0\(fraction)" : (fraction % 10 == 0 ? "\(fraction / 10)" : "\(fraction)")) }
        return hundredths < 0 ? "-" + text : text
    }

    static func escape<S: StringProtocol>(_ text: S) -> String {
        var out = ""
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    static let css = """
    :root { --fg: #1d2330; --muted: #5d6677; --bg: #ffffff; --panel: #f5f7fa; --line: #d9dee7;
            --err: #c62828; --req: #5b7db1; --ok: #2e7d32; --warn: #b26a00; --track: #e6e9ef; }
    @media (prefers-color-scheme: dark) {
      :root { --fg: #e6e9ef; --muted: #a3abba; --bg: #161a21; --panel: #1f252e; --line: #343c48;
              --err: #ef6461; --req: #7f9fd3; --ok: #66bb6a; --warn: #ffb74d; --track: #2c333e; }
    }
    * { box-sizing: border-box; }
    body { margin: 0 auto; max-width: 1100px; padding: 24px; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
           color: var(--fg); background: var(--bg); }
    h1 { font-size: 1.6em; margin: 0 0 4px; }
    h2 { font-size: 1.15em; margin: 0 0 8px; }
    header { border-bottom: 2px solid var(--line); padding-bottom: 12px; margin-bottom: 16px; }
    .window { font-size: 1.1em; margin: 0; }
    .sub { color: var(--muted); margin: 2px 0 8px; }
    section { margin: 0 0 22px; }
    .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; }
    .card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
    .card .label { color: var(--muted); font-size: .85em; }
    .card .value { font-size: 1.5em; font-weight: 600; font-variant-numeric: tabular-nums; }
    .card.bad .value { color: var(--err); }
    .change { font-size: .85em; }
    .worse { color: var(--err); } .better { color: var(--ok); } .same { color: var(--muted); }
    .alert { border: 2px solid var(--err); border-radius: 8px; padding: 10px 14px; }
    .alert h2 { color: var(--err); }
    .note { background: var(--panel); border-left: 4px solid var(--warn); padding: 8px 12px; }
    figure { margin: 0 0 10px; }
    figcaption { color: var(--muted); font-size: .85em; }
    svg.chart { width: 100%; height: auto; display: block; }
    svg.stack { width: 100%; height: 24px; display: block; border-radius: 4px; }
    .split { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
    @media (max-width: 700px) { .split { grid-template-columns: 1fr; } }
    .axis, .grid { stroke: var(--line); stroke-width: 1; }
    .grid { stroke-dasharray: 3 3; }
    .tick { fill: var(--muted); font-size: 11px; }
    polyline.p50 { stroke: var(--ok); } polyline.p95 { stroke: var(--warn); } polyline.p99 { stroke: var(--err); }
    polyline.p50, polyline.p95, polyline.p99 { fill: none; stroke-width: 2; }
    rect.req { fill: var(--req); } rect.err { fill: var(--err); } rect.track { fill: var(--track); }
    .c1 { fill: #9e9e9e; background: #9e9e9e; } .c2 { fill: var(--ok); background: var(--ok); }
    .c3 { fill: var(--req); background: var(--req); } .c4 { fill: var(--warn); background: var(--warn); }
    .c5 { fill: var(--err); background: var(--err); }
    .retriable { fill: var(--req); background: var(--req); } .fatal { fill: var(--err); background: var(--err); }
    .legend { list-style: none; padding: 0; margin: 6px 0 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: .9em; }
    .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }
    .scroll { overflow-x: auto; }
    table { border-collapse: collapse; width: 100%; font-size: .92em; }
    table.narrow { width: auto; min-width: 50%; }
    th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
    th { color: var(--muted); font-weight: 600; }
    .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    td.s5 { color: var(--err); font-weight: 600; } td.s4 { color: var(--warn); font-weight: 600; }
    .barcol { width: 90px; padding-left: 0; }
    .barcol svg { width: 80px; height: 10px; display: block; margin-top: 5px; }
    code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .92em; overflow-wrap: anywhere; }
    code.word { white-space: nowrap; }
    .samples li { margin-bottom: 6px; } .where { color: var(--muted); }
    .empty { color: var(--muted); }
    footer { color: var(--muted); font-size: .85em; border-top: 1px solid var(--line); padding-top: 8px; margin-top: 24px; }
    @media print {
      :root { --fg: #000; --muted: #444; --bg: #fff; --panel: #fff; --line: #bbb; }
      body { max-width: none; padding: 0; font-size: 11pt; }
      * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      section, figure, tr { break-inside: avoid; }
      h2 { break-after: avoid; }
      .scroll { overflow: visible; }
      .card { border-color: #999; }
    }
    @page { margin: 1.5cm; }
    """
}
