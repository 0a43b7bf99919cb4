/// The latency sections as tables (text, Markdown, HTML, CSV): people see durations with
/// their unit (`12.3 ms`), machines (CSV) whole microseconds in `_us` columns.
extension ReportTables {
    static func latencyTable(_ section: String, of report: Report, for audience: Audience) -> ReportTable? {
        let person = audience == .person
        let l = report.latency
        func duration(_ micros: Int64?) -> ReportTable.Cell {
            guard let micros else { return .empty }
            return person ? .text(DurationText.human(micros)) : .count(micros)
        }
        let kind: ReportTable.Kind = person ? .text : .count
        let unit = person ? "" : "_us"
        let statsColumns: [(String, String, ReportTable.Kind)] = [
            ("count", "Timed", .count), ("p50" + unit, "p50", kind), ("p90" + unit, "p90", kind), ("p95" + unit, "p95", kind),
            ("p99" + unit, "p99", kind), ("max" + unit, "Max bucket", kind), ("mean" + unit, "Mean", kind),
        ]
        func stats(_ s: Report.Latency.Stats) -> [ReportTable.Cell] {
            [.count(s.count), duration(s.p50), duration(s.p90), duration(s.p95), duration(s.p99),
             s.maxBucket.map { duration($0) } ?? (person ? .text("> 2.8 h") : .empty), duration(s.mean)]
        }
        switch section {
        case "latency":
            let bound = "percentiles within \(HumanNumber.percent(LatencyBuckets.relativeErrorBound)) of exact"
            var t = ReportTable(id: section, title: "Latency", columns: [("outcome", "Requests", .text)] + statsColumns,
                                note: l.available ? bound : l.note)
            guard l.available else { return t }
            t.rows.append([.text("all")] + stats(l.overall))
            for o in l.outcomes { t.rows.append([.text(o.outcome)] + stats(o.stats)) }
            return t

        case "latency_routes":
            var t = ReportTable(id: section, title: "Slowest routes by p95",
                                columns: [("method", "Method", .text), ("route", "Route", .text)] + statsColumns
                                    + [("p95_2xx_3xx" + unit, "p95 2xx/3xx", kind), ("p95_4xx" + unit, "p95 4xx", kind),
                                       ("p95_5xx" + unit, "p95 5xx", kind)],
                                note: "routes with at least \(HumanNumber.count(report.minRequests)) timed requests")
            t.rows = l.routes.map { r in
                let p95 = { (o: String) -> ReportTable.Cell in duration(r.outcomes.first { $0.outcome == o }?.stats.p95) }
                return [.text(r.method.isEmpty && person ? "-" : r.method), .text(r.route)] + stats(r.stats)
                    + [p95("2xx/3xx"), p95("4xx"), p95("5xx")]
            }
            return t

        case "slow_routes":
            var t = ReportTable(id: section, title: "Slow requests (over \(DurationText.human(l.slowThreshold)))",
                                columns: [("method", "Method", .text), ("route", "Route", .text), ("slow", "Slow", .count),
                                          ("requests", "Timed", .count), ("share", "Share", .ratio)],
                                note: l.available ? "\(HumanNumber.count(l.slow)) of \(HumanNumber.count(l.overall.count)) timed requests, "
                                    + HumanNumber.percent(l.slowShare) + (l.slowExact ? "" : "; the threshold is not a bucket bound, so approximate")
                                    : nil)
            t.rows = l.slowRoutes.map { [.text($0.method.isEmpty && person ? "-" : $0.method), .text($0.route), .count($0.slow),
                                         .count($0.requests), .ratio($0.share)] }
            return t

        case "latency_timeline":
            var t = ReportTable(id: section, title: "Latency by hour",
                                columns: [("start", "Hour", .time), ("count", "Timed", .count), ("p50" + unit, "p50", kind),
                                          ("p95" + unit, "p95", kind), ("p99" + unit, "p99", kind)])
            t.rows = l.timeline.map { [.time($0.start), .count($0.count), duration($0.p50), duration($0.p95), duration($0.p99)] }
            return t

        default:
            return nil
        }
    }

    /// `Apdex 0.94 at T = 300 ms (satisfied ≤ 300 ms, tolerating ≤ 1.2 s)`, for people.
    public static func apdexLine(_ l: Report.Latency) -> String {
        let a = l.apdex
        return "Apdex " + JSONWriter.number((a.score * 100).rounded() / 100) + " at T = " + DurationText.human(a.threshold)
            + " (satisfied " + HumanNumber.count(a.satisfied) + " ≤ " + DurationText.human(a.threshold)
            + ", tolerating " + HumanNumber.count(a.tolerating) + " ≤ " + DurationText.human(a.threshold * 4)
            + ", frustrated " + HumanNumber.count(a.frustrated) + ")"
            + (a.exact ? "" : "; T or 4T is not a bucket bound, so approximate")
    }
}

extension ReportFormat {
    /// The timeline's p95 folded into cells as `fold` folds counts: each cell shows its
    /// slowest hour's p95 (hours without timed requests count as 0). Nil when no hour has one.
    public static func foldP95(_ points: [Report.TimelinePoint], hoursPerCell per: Int) -> [Int64]? {
        guard points.contains(where: { $0.p95 != nil }) else { return nil }
        var cells: [Int64] = []
        var i = 0
        while i < points.count {
            cells.append(points[i..<min(i + per, points.count)].map { $0.p95 ?? 0 }.max() ?? 0)
            i += max(1, per)
        }
        return cells
    }
}

extension ReportTables {
    /// The timeline with each hour's p95, when some hour has timed requests.
    static func withP95(_ table: ReportTable, _ report: Report, for audience: Audience) -> ReportTable {
        guard report.timeline.contains(where: { $0.p95 != nil }) else { return table }
        let person = audience == .person
        var t = table
        t.columns.append(ReportTable.Column(id: person ? "p95" : "p95_us", title: "p95", kind: person ? .text : .count))
        for (index, point) in report.timeline.enumerated() {
            t.rows[index].append(point.p95.map { person ? .text(DurationText.human($0)) : .count($0) } ?? .empty)
        }
        return t
    }
}
