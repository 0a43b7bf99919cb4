import Foundation

/// Wording and number formats shared by the renderers for people (text, Markdown, HTML), so
/// that the same report reads the same everywhere.
public enum ReportFormat {
    /// `2026-11-20 10:00` in `zone`.
    public static func time(_ seconds: Int64, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return TimeFormatting.dateAndMinute(seconds, offsetSeconds: offset)
    }

    /// `UTC`, `Europe/Paris`, `+05:30`.
    public static func zoneName(_ zone: TimeZone) -> String {
        let id = zone.identifier
        if id == "UTC" || id == "GMT" || id == "Etc/UTC" || id == "Z" { return "UTC" }
        if id.hasPrefix("GMT") && id.count > 3 {
            let seconds = zone.secondsFromGMT()
            let a = abs(seconds)
            return "\(seconds < 0 ? "-" : "+")\(TimeFormatting.pad(a / 3600)):\(TimeFormatting.pad(a / 60 % 60))"
        }
        return id
    }

    /// `2026-11-20 00:00 → 2026-11-21 00:00 UTC`, or the data's extent for an open window.
    public static func windowText(_ report: Report) -> String {
        let zone = report.timeZone
        let since = report.window.since.map { time($0, in: zone) } ?? report.timeline.first.map { time($0.start, in: zone) }
        let until = report.window.until.map { time($0, in: zone) } ?? report.timeline.last.map { time($0.start + 3600, in: zone) }
        let range = [since, until].compactMap { $0 }.joined(separator: " → ")
        if range.isEmpty { return "no data" }
        let scope = report.window.since == nil && report.window.until == nil ? " (all data)" : ""
        return range + " " + zoneName(zone) + scope
    }

    /// `previous 2026-11-19 00:00 → 2026-11-20 00:00`.
    public static func comparisonWindowText(_ comparison: Report.Comparison, zone: TimeZone) -> String {
        let since = comparison.window.since.map { time($0, in: zone) } ?? "?"
        let until = comparison.window.until.map { time($0, in: zone) } ?? "?"
        return "\(since) → \(until)"
    }

    /// A window's length for people: `24h`, `7d`, `90m`.
    public static func duration(_ seconds: Int64) -> String {
        if seconds <= 2 * 86_400 && seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        return "\(seconds / 60)m"
    }

    /// The change of a count: `+25%`, `-10%`, `±0%`, `new` (nothing before), `—` (nothing either time).
    public static func change(_ now: Int64, _ before: Int64) -> String {
        if before == 0 { return now == 0 ? "—" : "new" }
        let ratio = Double(now - before) / Double(before)
        if now == before { return "±0%" }
        let percent = ratio * 100
        let magnitude = abs(percent)
        let text = magnitude >= 10 ? String(Int64(magnitude.rounded())) : oneDecimal(magnitude)
        return (percent < 0 ? "-" : "+") + text + "%"
    }

    /// The change of a rate in percentage points: `+0.40 pts`.
    public static func pointsChange(_ now: Double, _ before: Double) -> String {
        let points = (now - before) * 100
        let hundredths = Int64((abs(points) * 100).rounded())
        if hundredths == 0 { return "±0.00 pts" }
        let fraction = hundredths % 100
        return (points < 0 ? "-" : "+") + "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) pts"
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int64((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// `yes` (every error retriable), `no`, or `some` (it depends on the request).
    public static func retry(retriable: Int64, fatal: Int64) -> String {
        retriable == 0 ? "no" : (fatal == 0 ? "yes" : "some")
    }

    /// What a code's meaning column says.
    public static func meaning(_ code: Report.CodeCount) -> String {
        code.known ? code.meaning : (code.meaning.isEmpty ? "(unknown code)" : "(unknown code) " + code.meaning)
    }

    /// Logged values (codes, routes, clients) made safe to print: line breaks and tabs become
    /// spaces and other control characters (an escape sequence could drive the terminal) `?`.
    public static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\r" || scalar == "\t" { out.append(" ") }
            else if isControl(scalar) { out.append("?") }
            else { out.append(scalar) }
        }
        return String(out)
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0)
    }

    /// Sparkline bars, one per value, scaled to the largest; a blank for zero.
    public static func sparkline(_ values: [Int64]) -> String {
        let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let top = values.max() ?? 0
        return String(values.map { value -> Character in
            if value <= 0 || top == 0 { return " " }
            return bars[min(7, Int((Double(value) / Double(top)) * 7.999))]
        })
    }

    /// Hourly points folded into at most `cells` buckets; the hours per bucket.
    public static func fold(_ points: [Report.TimelinePoint], cells: Int) -> (requests: [Int64], errors: [Int64], hoursPerCell: Int) {
        let per = max(1, (points.count + cells - 1) / cells)
        var requests: [Int64] = [], errors: [Int64] = []
        var i = 0
        while i < points.count {
            let chunk = points[i..<min(i + per, points.count)]
            requests.append(chunk.reduce(0) { $0 + $1.requests })
            errors.append(chunk.reduce(0) { $0 + $1.errors })
            i += per
        }
        return (requests, errors, per)
    }

    /// The one-line summary of the retries a missing Idempotency-Key costs, or nil when none.
    public static func idempotencyNote(_ report: Report) -> String? {
        let w = report.retriableWithoutIdempotencyKey
        guard w.errors > 0 else { return nil }
        var text = "\(HumanNumber.count(w.errors)) retriable errors (\(HumanNumber.percent(w.share)) of all retriable ones) were on "
            + "non-idempotent requests (POST, PATCH…) sent without an Idempotency-Key"
        if w.notRetriable > 0 { text += "; \(HumanNumber.count(w.notRetriable)) of them could not be retried for want of one" }
        return text
    }
}
