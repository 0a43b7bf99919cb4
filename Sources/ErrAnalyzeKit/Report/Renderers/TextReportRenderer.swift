/// `report --format text`: what a person reads in a terminal, at most 100 columns wide,
/// most urgent first: totals and their change, then what is failing and where.
public struct TextReportRenderer {
    public var maxWidth: Int
    /// ANSI colour; the CLI turns it on only for a terminal without `NO_COLOR`.
    public var colour: Bool

    public init(maxWidth: Int = 100, colour: Bool = false) {
        self.maxWidth = maxWidth
        self.colour = colour
    }

    private var palette: Palette { Palette(enabled: colour) }

    public func render(_ report: Report) -> String {
        var out: [String] = header(report)
        let t = report.totals
        if t.requests == 0 {
            out.append("")
            out.append(report.filter.isEmpty ? "No requests in this window." : "No requests match the filters in this window.")
            if let comparison = report.comparison, comparison.totals.requests > 0 {
                out.append("The previous window had \(HumanNumber.count(comparison.totals.requests)) requests.")
            }
            if report.malformed.total > 0 { out.append(contentsOf: malformed(report)) }
            out.append(contentsOf: thresholds(report))
            return out.joined(separator: "\n") + "\n"
        }
        out.append("")
        out.append(contentsOf: summary(report))

        // When it started comes first; then what fails, where, and for whom.
        if !report.timeline.isEmpty { out.append(contentsOf: timeline(report)) }
        section(&out, "categories", report) { table in table }
        if !report.codes.isEmpty {
            section(&out, "codes", report) { $0.dropping(["advice"]) }
            out.append(contentsOf: advice(report))
        } else if t.errors > 0 && report.filter.codes.isEmpty {
            out.append("")
            out.append(contentsOf: wrap("No error codes were logged. Log the X-Error-Code response header "
                                        + "($sent_http_x_error_code in nginx, %{X-Error-Code}o in Apache) to see them.",
                                        width: maxWidth, firstPrefix: "", prefix: ""))
        }
        section(&out, "routes", report) { $0 }
        section(&out, "routes_by_rate", report) { $0 }
        out.append(contentsOf: latency(report))
        // One host is named in the summary instead (`Host  web-1`).
        if report.hostsSeen > 1 { section(&out, "hosts", report) { $0 } }
        if report.clientsAvailable {
            section(&out, "clients", report) { $0 }
            section(&out, "clients_rate_limited", report) { $0 }
        }
        section(&out, "unknown_codes", report) { $0 }
        section(&out, "status_drift", report) { $0 }
        if let contract = report.contract { out.append(""); out.append(contentsOf: ReportFormat.contractLines(contract)) }
        // Routes are what a reader looks for: the documented list goes (Markdown and HTML keep it).
        section(&out, "undocumented_responses", report) { $0.dropping(["documented"]) }
        section(&out, "undocumented_routes", report) { $0 }
        section(&out, "statuses", report) { $0 }
        if report.malformed.total > 0 { out.append(contentsOf: malformed(report)) }
        out.append(contentsOf: thresholds(report))
        return out.joined(separator: "\n") + "\n"
    }

    private func header(_ report: Report) -> [String] {
        var lines = [palette.apply(.bold, "erranalyze report · " + ReportFormat.windowText(report))]
        if let comparison = report.comparison, let since = comparison.window.since, let until = comparison.window.until {
            lines.append("Compared with the previous \(ReportFormat.duration(until - since)): "
                         + ReportFormat.comparisonWindowText(comparison, zone: report.timeZone))
        }
        if !report.filter.isEmpty {
            let clients = report.clientsAvailable ? "" : " (no client sections: clients are counted per hour only)"
            lines.append(contentsOf: wrap("Filters: " + ReportFormat.printable(report.filter.summary) + clients,
                                          width: maxWidth, firstPrefix: "", prefix: "  "))
        }
        return lines
    }

    /// Totals, with the previous window's and the change beside them when comparing.
    private func summary(_ report: Report) -> [String] {
        let t = report.totals
        let before = report.comparison?.totals
        var columns = [TextTable.Column(""), TextTable.Column("NOW", .right)]
        if before != nil { columns += [TextTable.Column("PREVIOUS", .right), TextTable.Column("CHANGE", .right)] }
        var table = TextTable(columns)
        table.showHeader = before != nil
        func count(_ label: String, _ now: Int64, _ previous: Int64?, worseWhenUp: Bool = true, style: TextStyle? = nil) {
            var row = [label, HumanNumber.count(now)]
            var styles: [TextStyle?] = [nil, style]
            if let previous {
                let change = ReportFormat.change(now, previous)
                row += [HumanNumber.count(previous), change]
                styles += [nil, changeStyle(up: now > previous, down: now < previous, worseWhenUp: worseWhenUp)]
            }
            table.add(row, styles: styles)
        }
        count("Requests", t.requests, before?.requests, worseWhenUp: false)
        count("Errors", t.errors, before?.errors, style: t.errors > 0 ? .red : nil)
        var rateRow = ["Error rate", HumanNumber.percent(t.errorRate)]
        var rateStyles: [TextStyle?] = [nil, t.errors > 0 ? .red : nil]
        if let before {
            rateRow += [HumanNumber.percent(before.errorRate), ReportFormat.pointsChange(t.errorRate, before.errorRate)]
            // Styled only when the shown change is not ±0.00.
            let visible = abs(t.errorRate - before.errorRate) >= 0.000_05
            rateStyles += [nil, changeStyle(up: visible && t.errorRate > before.errorRate, down: visible && t.errorRate < before.errorRate,
                                            worseWhenUp: true)]
        }
        table.add(rateRow, styles: rateStyles)
        count("4xx", t.clientErrors, before?.clientErrors)
        count("5xx", t.serverErrors, before?.serverErrors, style: t.serverErrors > 0 ? .red : nil)
        count("Retriable", t.retriable, before?.retriable)
        count("Fatal", t.fatal, before?.fatal)
        // Malformed lines belong to files, not hours: a comparison would repeat the same files.
        count("Malformed lines", t.malformedLines, nil)
        var lines = [table.render(maxWidth: maxWidth, palette: palette)]

        let classes = report.byStatusClass.map { c in
            palette.apply(Palette.style(forStatus: c.statusClass), c.statusClass) + " " + HumanNumber.count(c.count)
                + " (" + HumanNumber.percent(ReportTables.share(c.count, t.requests)) + ")"
        }
        lines.append("  Status classes  " + classes.joined(separator: " · "))
        // A database that records no hosts holds one, unnamed: nothing to say.
        if report.hostsSeen == 1, let host = report.hosts.first, !host.host.isEmpty {
            lines.append("  Host            " + ReportFormat.printable(host.host))
        }
        if let note = ReportFormat.idempotencyNote(report) {
            lines.append(contentsOf: wrap(note + ".", width: maxWidth, firstPrefix: "  " + palette.apply(.yellow, "!") + " ", prefix: "    "))
        }
        return lines
    }

    private func changeStyle(up: Bool, down: Bool, worseWhenUp: Bool) -> TextStyle? {
        if up { return worseWhenUp ? .red : nil }
        if down { return worseWhenUp ? .green : .yellow }
        return nil
    }

    /// A section from its table: title, optional note, rows; nothing when empty.
    private func section(_ out: inout [String], _ id: String, _ report: Report, _ adjust: (ReportTable) -> ReportTable) {
        guard let source = ReportTables.table(id, of: report, for: .person), !source.isEmpty else { return }
        let table = adjust(source)
        out.append("")
        var title = palette.apply(.bold, table.title)
        if let note = table.note { title += " (" + note + ")" }
        out.append(title)
        var text = TextTable(table.columns.map { TextTable.Column($0.title.uppercased(), Self.alignment($0.kind)) })
        for row in table.rows {
            var cells: [String] = []
            var styles: [TextStyle?] = []
            for (index, cell) in row.enumerated() {
                let column = table.columns[index]
                cells.append(format(cell, report))
                styles.append(style(cell, column: column.id))
            }
            text.add(cells, styles: styles)
        }
        out.append(text.render(maxWidth: maxWidth, palette: palette))
    }

    static func alignment(_ kind: ReportTable.Kind) -> TextTable.Alignment {
        switch kind {
        case .count, .ratio, .change: return .right
        case .text, .time: return .left
        }
    }

    private func format(_ cell: ReportTable.Cell, _ report: Report) -> String {
        switch cell {
        case .text(let s): return ReportFormat.printable(s)
        case .count(let n): return HumanNumber.count(n)
        case .ratio(let r): return HumanNumber.percent(r)
        case .time(let t): return ReportFormat.time(t, in: report.timeZone)
        case .change(let now, let before): return ReportFormat.change(now, before)
        case .empty: return ""
        }
    }

    private func style(_ cell: ReportTable.Cell, column: String) -> TextStyle? {
        switch (cell, column) {
        case (.text(let s), "status"), (.text(let s), "class"): return Palette.style(forStatus: s)
        case (.change(let now, let before), _): return now > before ? .red : (now < before ? .green : nil)
        case (.text("CROSSED"), _): return .red
        default: return nil
        }
    }

    /// What clients should do about the top codes, one line per distinct advice.
    private func advice(_ report: Report) -> [String] {
        var seen = Set<String>()
        var lines: [String] = []
        for code in report.codes.prefix(report.top) where !code.advice.isEmpty && seen.insert(code.advice).inserted {
            let codes = report.codes.prefix(report.top).filter { $0.advice == code.advice }.map { ReportFormat.printable($0.code) }
            var unique: [String] = []
            for c in codes where !unique.contains(c) { unique.append(c) }
            lines.append(contentsOf: wrap(unique.joined(separator: ", ") + ": " + ReportFormat.printable(code.advice), width: maxWidth,
                                          firstPrefix: "  → ", prefix: "    "))
        }
        return lines.isEmpty ? [] : [""] + [palette.apply(.bold, "What clients should do")] + lines
    }

    /// Hourly requests and errors as sparklines, folded into at most 72 cells.
    private func timeline(_ report: Report) -> [String] {
        let points = report.timeline
        let folded = ReportFormat.fold(points, cells: 72)
        let bucket = folded.hoursPerCell == 1 ? "hour" : "\(folded.hoursPerCell) hours"
        let peak = folded.errors.max() ?? 0
        let peakIndex = folded.errors.firstIndex(of: peak) ?? 0
        let zone = report.timeZone
        var lines = ["", palette.apply(.bold, "Timeline") + " (one cell per \(bucket), \(ReportFormat.zoneName(zone)))"]
        lines.append("  requests " + ReportFormat.sparkline(folded.requests))
        lines.append("  errors   " + palette.apply(.red, ReportFormat.sparkline(folded.errors)))
        if let p95 = ReportFormat.foldP95(points, hoursPerCell: folded.hoursPerCell) {
            lines.append("  p95      " + ReportFormat.sparkline(p95) + "  (slowest hour's p95 per cell, peak " + DurationText.human(p95.max() ?? 0) + ")")
        }
        var range = "  " + ReportFormat.time(points[0].start, in: zone) + " → " + ReportFormat.time(points[points.count - 1].start + 3600, in: zone)
        if peak > 0 {
            range += "; peak \(HumanNumber.count(peak)) errors in the \(bucket) from "
                + ReportFormat.time(points[peakIndex * folded.hoursPerCell].start, in: zone)
        }
        lines.append(range)
        return lines
    }

    /// Percentiles overall and by outcome, Apdex, the slowest routes and the slow requests;
    /// or what the logs lack to give them.
    private func latency(_ report: Report) -> [String] {
        var out: [String] = []
        guard report.latency.available else {
            guard let note = report.latency.note else { return [] }
            return [""] + wrap(palette.apply(.bold, "Latency") + ": " + note, width: maxWidth, firstPrefix: "", prefix: "  ")
        }
        section(&out, "latency", report) { $0 }
        out.append("  " + ReportTables.apdexLine(report.latency))
        if let note = report.latency.note { out.append(contentsOf: wrap(note, width: maxWidth, firstPrefix: "  ", prefix: "  ")) }
        section(&out, "latency_routes", report) { $0.dropping(["p90", "max", "mean"]) }
        section(&out, "slow_routes", report) { $0 }
        return out
    }

    private func malformed(_ report: Report) -> [String] {
        var lines = ["", palette.apply(.bold, "Malformed lines") + ": \(HumanNumber.count(report.malformed.total))"
                     + " (in the files that overlap this window)"]
        let reasons = report.malformed.byReason.sorted(by: { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) })
        var table = TextTable([TextTable.Column("", .right), TextTable.Column("")])
        table.showHeader = false
        for (reason, count) in reasons { table.add([HumanNumber.count(count), reason.description]) }
        if !reasons.isEmpty { lines.append(table.render(maxWidth: maxWidth, palette: palette)) }
        for s in report.malformed.samples.prefix(5) {
            var path = ReportFormat.printable(s.path)
            if path.count > 50 { path = "…" + path.suffix(49) }
            let prefix = "  \(path):\(s.line): "
            let room = maxWidth - prefix.count
            let sample = ReportFormat.printable(s.text)
            let text = sample.count > room ? String(sample.prefix(room - 1)) + "…" : sample
            lines.append(prefix + text)
        }
        return lines
    }

    private func thresholds(_ report: Report) -> [String] {
        guard !report.thresholds.isEmpty else { return [] }
        let crossed = report.thresholds.filter(\.crossed).count
        var lines = ["", palette.apply(.bold, "Thresholds") + ": " + (crossed == 0 ? "all \(report.thresholds.count) ok"
                                                                      : palette.apply(.red, "\(crossed) of \(report.thresholds.count) crossed"))]
        for result in report.thresholds {
            let mark = result.crossed ? palette.apply(.red, "✗ crossed") : palette.apply(.green, "✓ ok     ")
            lines.append("  \(mark)  \(result.message)")
        }
        return lines
    }
}
