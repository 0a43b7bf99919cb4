/// The latency sections in Markdown: percentiles, Apdex, the slowest routes, slow requests;
/// or what the logs lack to give them.
extension MarkdownReportRenderer {
    func latency(_ out: inout [String], _ report: Report) {
        let l = report.latency
        guard l.available else {
            guard let note = l.note else { return }
            out.append("## Latency")
            out.append("")
            out.append("_" + Self.escape(note.prefix(1).uppercased() + note.dropFirst()) + "._")
            out.append("")
            return
        }
        section(&out, "latency", report)
        out.append(Self.escape(ReportTables.apdexLine(l)) + ".")
        out.append("")
        if let note = l.note {
            out.append("_" + Self.escape(note.prefix(1).uppercased() + note.dropFirst()) + "._")
            out.append("")
        }
        section(&out, "latency_routes", report)
        section(&out, "slow_routes", report)
    }
}
