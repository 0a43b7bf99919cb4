/// `report --format text`: what a person reads in a terminal; at most 100 columns.
public struct TextReportRenderer {
    public var maxWidth: Int

    public init(maxWidth: Int = 100) {
        self.maxWidth = maxWidth
    }

    public func render(_ report: Report) -> String {
        var out: [String] = []
        out.append(header(report))
        let t = report.totals
        if t.requests == 0 {
            out.append("\nNo requests in this window.")
            if report.malformed.total > 0 { out.append(malformed(report)) }
            return out.joined(separator: "\n") + "\n"
        }
        out.append("")
        out.append("  Requests  \(HumanNumber.count(t.requests))    Errors  \(HumanNumber.count(t.errors)) (\(HumanNumber.percent(t.errorRate)))"
                   + "    4xx  \(HumanNumber.count(t.clientErrors))    5xx  \(HumanNumber.count(t.serverErrors))")
        out.append("  Retriable \(HumanNumber.count(t.retriable))    Fatal  \(HumanNumber.count(t.fatal))"
                   + "    Malformed lines  \(HumanNumber.count(t.malformedLines))")
        out.append("  Classes   " + report.byStatusClass.map { "\($0.statusClass) \(HumanNumber.count($0.count))" }.joined(separator: " · "))

        out.append("\nStatuses")
        var statuses = TextTable([.init("STATUS"), .init("COUNT", .right), .init("SHARE", .right)])
        for s in report.byStatus {
            statuses.add(["\(s.status)", HumanNumber.count(s.count), HumanNumber.percent(Double(s.count) / Double(t.requests))])
        }
        out.append(statuses.render(maxWidth: maxWidth))

        if !report.byCategory.isEmpty {
            out.append("\nError categories")
            var table = TextTable([.init("CATEGORY"), .init("ERRORS", .right), .init("RETRIABLE", .right), .init("FATAL", .right)])
            for c in report.byCategory {
                table.add([c.category, HumanNumber.count(c.count), HumanNumber.count(c.retriable), HumanNumber.count(c.fatal)])
            }
            out.append(table.render(maxWidth: maxWidth))
        }

        if !report.codes.isEmpty {
            out.append("\nTop error codes")
            var table = TextTable([.init("CODE"), .init("STATUS", .right), .init("COUNT", .right), .init("SHARE", .right),
                                   .init("RETRY"), .init("MEANING")])
            for c in report.codes.prefix(max(10, report.routes.count)) {
                let retry = c.retriable == 0 ? "no" : (c.fatal == 0 ? "yes" : "some")
                let meaning = c.known ? c.meaning : "(not in the catalogue)"
                table.add([c.code, "\(c.status)", HumanNumber.count(c.count), HumanNumber.percent(c.share), retry, meaning])
            }
            out.append(table.render(maxWidth: maxWidth))
        }

        if !report.routes.isEmpty {
            out.append("\nRoutes with the most errors")
            var table = TextTable([.init("METHOD"), .init("ROUTE"), .init("REQUESTS", .right), .init("ERRORS", .right),
                                   .init("RATE", .right)])
            for r in report.routes {
                table.add([r.method.isEmpty ? "-" : r.method, r.route, HumanNumber.count(r.requests), HumanNumber.count(r.errors),
                           HumanNumber.percent(r.errorRate)])
            }
            out.append(table.render(maxWidth: maxWidth))
        }

        if !report.unknownCodes.isEmpty {
            out.append("\nCodes not in the catalogue")
            var table = TextTable([.init("CODE"), .init("STATUS", .right), .init("COUNT", .right)])
            for u in report.unknownCodes { table.add([u.code, "\(u.status)", HumanNumber.count(u.count)]) }
            out.append(table.render(maxWidth: maxWidth))
        }
        if !report.statusDrift.isEmpty {
            out.append("\nStatus drift (documented codes sent with another status)")
            var table = TextTable([.init("CODE"), .init("STATUS", .right), .init("DOCUMENTED"), .init("COUNT", .right)])
            for d in report.statusDrift {
                table.add([d.code, "\(d.status)", d.documentedStatuses.map(String.init).joined(separator: "/"), HumanNumber.count(d.count)])
            }
            out.append(table.render(maxWidth: maxWidth))
        }
        if !report.clients.isEmpty {
            out.append("\nClients with the most errors")
            var table = TextTable([.init("CLIENT"), .init("ERRORS", .right), .init("429s", .right)])
            for c in report.clients { table.add([c.client, HumanNumber.count(c.errors), HumanNumber.count(c.rateLimited)]) }
            out.append(table.render(maxWidth: maxWidth))
        }
        if !report.timeline.isEmpty {
            out.append(timeline(report.timeline))
        }
        if report.malformed.total > 0 { out.append(malformed(report)) }
        return out.joined(separator: "\n") + "\n"
    }

    private func header(_ report: Report) -> String {
        let since = report.window.since.map(TimeFormatting.short) ?? report.timeline.first.map { TimeFormatting.short($0.start) }
        let until = report.window.until.map(TimeFormatting.short) ?? report.timeline.last.map { TimeFormatting.short($0.start + 3600) }
        let range = [since, until].compactMap { $0 }.joined(separator: " → ")
        let scope = report.window.since == nil && report.window.until == nil ? " (all data)" : ""
        return "erranalyze report · \(range.isEmpty ? "no data" : range + " UTC")\(scope)"
    }

    /// Hourly errors as a sparkline, folded into at most 72 cells.
    private func timeline(_ points: [Report.TimelinePoint]) -> String {
        let cells = 72
        let per = max(1, (points.count + cells - 1) / cells)
        var errors: [Int64] = []
        var requests: [Int64] = []
        var i = 0
        while i < points.count {
            let chunk = points[i..<min(i + per, points.count)]
            errors.append(chunk.reduce(0) { $0 + $1.errors })
            requests.append(chunk.reduce(0) { $0 + $1.requests })
            i += per
        }
        let bucket = per == 1 ? "hour" : "\(per) hours"
        let peak = errors.max() ?? 0
        let peakIndex = errors.firstIndex(of: peak) ?? 0
        return "\nTimeline (one cell per \(bucket), UTC)\n"
            + "  requests " + Self.sparkline(requests) + "\n"
            + "  errors   " + Self.sparkline(errors) + "\n"
            + "  peak \(HumanNumber.count(peak)) errors at \(TimeFormatting.short(points[peakIndex * per].start))"
    }

    static func sparkline(_ values: [Int64]) -> String {
        let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let top = values.max() ?? 0
        return String(values.map { value -> Character in
            if value == 0 { return " " }
            if top == 0 { return bars[0] }
            return bars[min(7, Int((Double(value) / Double(top)) * 7.999))]
        })
    }

    private func malformed(_ report: Report) -> String {
        var lines = ["\nMalformed lines: \(HumanNumber.count(report.malformed.total))"]
        for (reason, count) in report.malformed.byReason.sorted(by: { $0.value > $1.value }) {
            lines.append("  \(HumanNumber.count(count))  \(reason.description)")
        }
        for s in report.malformed.samples.prefix(5) {
            let text = s.text.count > 60 ? String(s.text.prefix(59)) + "…" : s.text
            lines.append("  \(s.path):\(s.line): \(text)")
        }
        return lines.joined(separator: "\n")
    }
}
