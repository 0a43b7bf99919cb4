import Foundation

/// The latency sections of the HTML page: p50, p95 and p99 over time as one inline SVG line
/// chart, then the tables (percentiles by outcome, slowest routes, slow requests).
extension HTMLReportRenderer {
    func latencySection(_ report: Report) -> String {
        let l = report.latency
        guard l.available else {
            guard let note = l.note else { return "" }
            return "<section id=\"latency\">\n<h2>Latency</h2>\n<p class=\"note\">"
                + Self.escape(note.prefix(1).uppercased() + note.dropFirst()) + ".</p>\n</section>\n"
        }
        var h = tableSection("latency", report)
        h += "<p class=\"sub\">" + Self.escape(ReportTables.apdexLine(l)) + ".</p>\n"
        if let note = l.note { h += "<p class=\"note\">" + Self.escape(note) + ".</p>\n" }
        h += percentileChart(l.timeline, zone: report.timeZone)
        h += tableSection("latency_routes", report)
        h += tableSection("slow_routes", report)
        return h
    }

    /// p50, p95 and p99 per hour as three lines on a shared axis (hours without timed
    /// requests break the lines).
    func percentileChart(_ hours: [Report.Latency.Hour], zone: TimeZone) -> String {
        guard hours.count > 1 else { return "" }
        let width = 960.0, height = 160.0, left = 64.0, bottom = 22.0, top = 10.0
        let plotWidth = width - left - 8, plotHeight = height - bottom - top
        let first = hours[0].start, last = hours[hours.count - 1].start
        let span = Double(max(3600, last - first))
        let peak = Double(max(1, hours.map(\.p99).max() ?? 1))
        func x(_ start: Int64) -> Double { left + plotWidth * Double(start - first) / span }
        func y(_ micros: Int64) -> Double { top + plotHeight - plotHeight * Double(micros) / peak }
        var s = "<figure><figcaption>p50, p95 and p99 per hour</figcaption>\n"
        s += "<svg class=\"chart\" viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" role=\"img\" aria-label=\"Latency percentiles per hour, p99 peak "
            + Self.escape(DurationText.human(Int64(peak))) + "\">\n"
        s += "<line class=\"axis\" x1=\"\(Self.n(left))\" y1=\"\(Self.n(top + plotHeight))\" x2=\"\(Self.n(width - 8))\" y2=\"\(Self.n(top + plotHeight))\"/>\n"
        s += "<line class=\"grid\" x1=\"\(Self.n(left))\" y1=\"\(Self.n(top))\" x2=\"\(Self.n(width - 8))\" y2=\"\(Self.n(top))\"/>\n"
        s += "<text class=\"tick\" x=\"\(Self.n(left - 6))\" y=\"\(Self.n(top + 4))\" text-anchor=\"end\">" + Self.escape(DurationText.human(Int64(peak))) + "</text>\n"
        s += "<text class=\"tick\" x=\"\(Self.n(left - 6))\" y=\"\(Self.n(top + plotHeight))\" text-anchor=\"end\">0</text>\n"
        for (name, value) in [("p50", \Report.Latency.Hour.p50), ("p95", \Report.Latency.Hour.p95), ("p99", \Report.Latency.Hour.p99)] {
            // One polyline per run of consecutive hours.
            var runs: [[Report.Latency.Hour]] = []
            for hour in hours {
                if let previous = runs.last?.last, hour.start == previous.start + 3600 { runs[runs.count - 1].append(hour) } else { runs.append([hour]) }
            }
            for run in runs {
                let points = run.map { Self.n(x($0.start)) + "," + Self.n(y($0[keyPath: value])) }.joined(separator: " ")
                s += "<polyline class=\"\(name)\" points=\"\(points)\"><title>\(name)</title></polyline>\n"
            }
        }
        s += "<text class=\"tick\" x=\"\(Self.n(left))\" y=\"\(Self.n(height - 6))\" text-anchor=\"start\">\(Self.escape(ReportFormat.time(first, in: zone)))</text>\n"
        s += "<text class=\"tick\" x=\"\(Self.n(width - 8))\" y=\"\(Self.n(height - 6))\" text-anchor=\"end\">\(Self.escape(ReportFormat.time(last + 3600, in: zone)))</text>\n"
        return s + "</svg>\n<ul class=\"legend\"><li><span class=\"swatch c2\"></span>p50</li><li><span class=\"swatch c4\"></span>p95</li>"
            + "<li><span class=\"swatch c5\"></span>p99</li></ul>\n</figure>\n"
    }
}
