import Foundation
import Testing
@testable import ErrAnalyzeKit

/// A report with values every renderer must escape, and a comparison.
func trickyReport() throws -> Report {
    var requests = sampleAPIRequests()
    requests += repeated(3, start: reportDay + 12 * 3600) {
        TestRequest(time: $0, method: "GET", path: "/v1/<script>alert(1)</script>", status: 400, code: "bad\"code,with|pipes\\and\nnewline",
                    client: "key \"quoted\"")
    }
    let thresholds = try ["errors>5", "requests<10"].map { try Threshold.parse($0) }
    return try buildReport(requests, ReportOptions(window: reportDayWindow, compare: true, thresholds: thresholds))
}

@Suite struct CSVRendererTests {
    @Test func quotesFieldsAsRFC4180Says() {
        #expect(CSVReportRenderer.quote("plain") == "plain")
        #expect(CSVReportRenderer.quote("a,b") == "\"a,b\"")
        #expect(CSVReportRenderer.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVReportRenderer.quote("two\nlines") == "\"two\nlines\"")
        #expect(CSVReportRenderer.quote("cr\r\nlf") == "\"cr\r\nlf\"")
        #expect(CSVReportRenderer.quote("") == "")
    }

    @Test func everySectionRendersWithAHeaderAndCRLF() throws {
        let report = try trickyReport()
        for section in ReportTables.sectionNames {
            let csv = try CSVReportRenderer(section: section).render(report)
            #expect(csv.hasSuffix("\r\n"), "\(section)")
            let header = csv.components(separatedBy: "\r\n")[0]
            #expect(!header.isEmpty && !header.contains(" "), "\(section): \(header)")
        }
        #expect(throws: CSVReportRenderer.UnknownSection.self) { try CSVReportRenderer(section: "nope").render(report) }
    }

    @Test func codesHoldEveryCodeWithRawValues() throws {
        let report = try trickyReport()
        let csv = try CSVReportRenderer().render(report)
        let records = parseCSV(csv)
        #expect(records[0] == ["code", "status", "count", "share", "category", "retriable", "fatal", "known", "meaning", "advice",
                               "catalogue", "previous_count"])
        #expect(records.count == report.codes.count + 1)
        let tricky = try #require(records.first { $0[0].hasPrefix("bad") })
        #expect(tricky[0] == "bad\"code,with|pipes\\and\nnewline", "the field survives a round trip")
        #expect(tricky[2] == "3")
        #expect(records.first { $0[0] == "NOT_FOUND" }?[11] == "2", "the previous day's count")
        #expect(records.first { $0[0] == "NOT_FOUND" }?[3] == JSONWriter.number(10.0 / 27.0), "shares are fractions")
    }

    /// A minimal RFC 4180 reader, to check the writer independently.
    func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var field = "", record: [String] = []
        var quoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { record.append(field); field = "" }
            else if c == "\r" && chars.first == "\n" { chars.removeFirst(); record.append(field); records.append(record); field = ""; record = [] }
            else { field.unicodeScalars.append(c) }
        }
        return records
    }
}

@Suite struct PrometheusRendererTests {
    @Test func exposesFamiliesWithHelpTypeAndEscapedLabels() throws {
        let report = try trickyReport()
        let text = PrometheusReportRenderer().render(report)
        #expect(text.contains("# HELP erranalyze_requests_total "))
        #expect(text.contains("# TYPE erranalyze_requests_total gauge"), "a window's sums are gauges")
        #expect(text.contains("erranalyze_requests_total 97\n"))
        #expect(text.contains(#"code="bad\"code,with|pipes\\and\nnewline""#))
        #expect(text.contains(#"erranalyze_threshold_crossed{expression="errors>5"} 1"#))
        #expect(text.contains(#"erranalyze_threshold_crossed{expression="requests<10"} 0"#))
        // Every line is a comment or `name{labels} value`, and every family is declared once before its samples.
        var declared = Set<String>()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let name = String(line.split(separator: " ")[2])
                #expect(declared.insert(name).inserted, "\(name) declared twice")
            } else if !line.hasPrefix("# HELP ") {
                let name = String(line.prefix { $0 != "{" && $0 != " " })
                #expect(declared.contains(name), "\(name) has no TYPE")
                #expect(Double(line.split(separator: " ").last!) != nil, "\(line)")
            }
        }
        let errorSamples = text.split(separator: "\n").filter { $0.hasPrefix("erranalyze_errors_total{") }
        let sum = errorSamples.compactMap { Int64($0.split(separator: " ").last!) }.reduce(0, +)
        #expect(sum == report.totals.errors)
    }

    @Test func allDataSumsAreCounters() throws {
        let report = try buildReport(sampleAPIRequests())
        #expect(PrometheusReportRenderer().render(report).contains("# TYPE erranalyze_requests_total counter"))
    }

    @Test func escaping() {
        #expect(PrometheusReportRenderer.escapeLabel("a\\b\"c\nd") == "a\\\\b\\\"c\\nd")
        #expect(PrometheusReportRenderer.escapeHelp("a\\b\nc\"") == "a\\\\b\\nc\"")
    }
}

@Suite struct MarkdownAndHTMLRendererTests {
    @Test func markdownEscapesTableCells() throws {
        let md = MarkdownReportRenderer().render(try trickyReport())
        #expect(md.hasPrefix("# erranalyze report: 2026-11-20 00:00 → 2026-11-21 00:00 UTC\n"))
        #expect(md.contains("| Requests | 97 |"))
        // The route templater percent-encodes the angle brackets; the route stays a code span.
        #expect(md.contains("`/v1/%3Cscript%3Ealert(1)%3C/script%3E`"), "a route stays inside a code span")
        // Every row of a table has its header's number of cells (pipes in values are escaped).
        var columns: Int?
        for line in md.components(separatedBy: "\n") {
            guard line.hasPrefix("|") else { columns = nil; continue }
            let cells = line.replacingOccurrences(of: "\\|", with: "").split(separator: "|", omittingEmptySubsequences: false).count
            if let columns { #expect(cells == columns, "\(line)") } else { columns = cells }
        }
        #expect(md.contains("`bad\"code,with\\|pipes\\and newline`"))
        #expect(MarkdownReportRenderer.escape("client_error") == "client_error")
        #expect(MarkdownReportRenderer.escape("_x_ *y* [z](u) <b>") == "\\_x\\_ \\*y\\* \\[z\\](u) \\<b\\>")
    }

    @Test func htmlIsSelfContainedAndEscaped() throws {
        let html = HTMLReportRenderer().render(try trickyReport())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.hasSuffix("</html>\n"))
        #expect(!html.contains("<script"), "no script, and the route's <script> is escaped")
        #expect(html.contains("/v1/%3Cscript%3Ealert(1)%3C/script%3E"))
        #expect(html.contains("bad&quot;code,with|pipes"))
        for forbidden in ["http://", "https://", "src=", "@import", "url("] {
            #expect(!html.contains(forbidden), "loads nothing from anywhere: found \(forbidden)")
        }
        #expect(html.contains("@media print"))
        #expect(html.contains("<svg"))
        #expect(html.contains("2 thresholds crossed") == false && html.contains("1 threshold crossed"))
        #expect(HTMLReportRenderer.escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(HTMLReportRenderer.n(12.5) == "12.5")
        #expect(HTMLReportRenderer.n(3) == "3")
        #expect(HTMLReportRenderer.n(-0.25) == "-0.25")
    }

    @Test func htmlTagsAreBalanced() throws {
        let html = HTMLReportRenderer().render(try trickyReport())
        var stack: [String] = []
        let voids: Set<String> = ["meta", "br"]
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            if tag.hasPrefix("!") { continue }
            let selfClosing = tag.hasSuffix("/")
            let name = String(tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber })
            if tag.hasPrefix("/") {
                #expect(stack.popLast() == name, "</\(name)> closes something else")
            } else if !selfClosing && !voids.contains(name) {
                stack.append(name)
            }
        }
        #expect(stack.isEmpty, "unclosed: \(stack)")
    }
}

@Suite struct TextRendererTests {
    func visibleWidth(_ line: Substring) -> Int {
        var count = 0
        var inEscape = false
        for ch in line {
            if ch == "\u{1B}" { inEscape = true; continue }
            if inEscape { if ch == "m" { inEscape = false }; continue }
            count += 1
        }
        return count
    }

    @Test func fitsInOneHundredColumnsWithAndWithoutColour() throws {
        let report = try trickyReport()
        for colour in [false, true] {
            let text = TextReportRenderer(colour: colour).render(report)
            for line in text.split(separator: "\n") { #expect(visibleWidth(line) <= 100, "too wide: \(line)") }
            #expect(text.contains("bad\"code,with|pipes\\and newline"), "a line break in a logged value stays on its row")
            #expect(text.contains("\u{1B}[") == colour, "colour only when asked for")
        }
    }

    @Test func showsTheComparisonAndThresholds() throws {
        let text = TextReportRenderer().render(try trickyReport())
        #expect(text.contains("Compared with the previous 24h: 2026-11-19 00:00 → 2026-11-20 00:00"))
        #expect(text.contains("PREVIOUS"))
        #expect(text.contains("Thresholds: 1 of 2 crossed"))
        #expect(text.contains("✗ crossed  errors>5 (errors is 27)"))
        #expect(text.contains("Routes with the highest error rate"))
        #expect(text.contains("Clients with the most 429s"))
    }

    @Test func showsTimesInTheReportZone() throws {
        var options = ReportOptions(window: reportDayWindow)
        options.timeZone = TimeZone(identifier: "Asia/Kolkata")!
        let text = TextReportRenderer().render(try buildReport(sampleAPIRequests(), options))
        #expect(text.hasPrefix("erranalyze report · 2026-11-20 05:30 → 2026-11-21 05:30 Asia/Kolkata\n"))
        #expect(ReportFormat.zoneName(TimeExpression.timeZone(named: "+02:00")!) == "+02:00")
    }

    @Test func emptyWindowSaysSo() throws {
        let report = try buildReport(sampleAPIRequests(), ReportOptions(window: Report.Window(since: 0, until: 3600)))
        #expect(TextReportRenderer().render(report).contains("No requests in this window."))
        let filtered = try buildReport(sampleAPIRequests(), ReportOptions(window: reportDayWindow, filter: TrafficFilter(codes: ["NOPE"])))
        #expect(TextReportRenderer().render(filtered).contains("No requests match the filters"))
    }

    @Test func humanFormats() {
        #expect(ReportFormat.change(150, 100) == "+50%")
        #expect(ReportFormat.change(95, 100) == "-5.0%")
        #expect(ReportFormat.change(100, 100) == "±0%")
        #expect(ReportFormat.change(5, 0) == "new")
        #expect(ReportFormat.change(0, 0) == "—")
        #expect(ReportFormat.pointsChange(0.0341, 0.0220) == "+1.21 pts")
        #expect(ReportFormat.pointsChange(0.01, 0.02) == "-1.00 pts")
        #expect(ReportFormat.duration(86_400) == "24h")
        #expect(ReportFormat.duration(7 * 86_400) == "7d")
        #expect(ReportFormat.duration(5400) == "90m")
        #expect(ReportFormat.sparkline([0, 1, 8]) == " ▁█")
    }

    @Test func tableShrinksTheWidestTextColumnToFit() {
        var table = TextTable([.init("A"), .init("B"), .init("N", .right)])
        table.add([String(repeating: "a", count: 80), String(repeating: "b", count: 60), "1"])
        let lines = table.render(maxWidth: 100).split(separator: "\n")
        for line in lines { #expect(line.count <= 100) }
        #expect(lines[1].contains("…"))
    }
}

@Suite struct JSONAdditionsTests {
    @Test func newKeysAreThereAndOldOnesStay() throws {
        let json = JSONReportRenderer().render(try trickyReport())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        for key in ["schema", "window", "totals", "by_status", "by_category", "codes", "routes", "unknown_codes", "status_drift",
                    "timeline", "by_status_class", "clients", "malformed", "catalogues",
                    "filters", "parameters", "comparison", "retriable_without_idempotency_key", "routes_by_rate",
                    "clients_rate_limited", "clients_available", "thresholds"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        let comparison = try #require(object["comparison"] as? [String: Any])
        let change = try #require(comparison["change"] as? [String: Any])
        #expect(change["requests"] is NSNumber)
        #expect((comparison["totals"] as? [String: Any])?["requests"] as? Int == 32)
        let codes = try #require(object["codes"] as? [[String: Any]])
        #expect(codes.allSatisfy { $0["previous_count"] is NSNumber })
        let thresholds = try #require(object["thresholds"] as? [[String: Any]])
        #expect(thresholds.first?["crossed"] as? Bool == true)
        #expect((object["totals"] as? [String: Any])?["retriable_rate"] != nil)
    }

    @Test func comparisonIsNullWithoutOne() throws {
        let json = JSONReportRenderer().render(try buildReport(sampleAPIRequests()))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["comparison"] is NSNull)
        #expect(json.contains("\"previous_count\": null"))
    }
}
