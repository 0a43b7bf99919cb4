import Foundation
import Testing
import TestSupport
@testable import ErrAnalyzeKit
@testable import ErrAnalyzeSQLite

/// The report's latency section: outcomes kept apart, routes ranked by p95, slow requests,
/// Apdex, the timeline's p95, thresholds, and what it says without durations.
@Suite struct LatencyReportTests {
    /// 200 fast successes on /fast, 100 slow successes on /slow, 50 fast 404s and 10 very slow 503s on /fast.
    func traffic() -> [TestRequest] {
        var out: [TestRequest] = []
        for i in 0..<200 { out.append(TestRequest(time: reportDay + Int64(i) * 10, method: "GET", path: "/fast", status: 200, durationMicros: 10_000 + Int64(i) * 100)) }
        for i in 0..<100 { out.append(TestRequest(time: reportDay + 3_600 + Int64(i) * 10, method: "POST", path: "/v1/payments/7", status: 201, durationMicros: 400_000 + Int64(i) * 10_000)) }
        for i in 0..<50 { out.append(TestRequest(time: reportDay + Int64(i), method: "GET", path: "/fast", status: 404, durationMicros: 1_000)) }
        for i in 0..<10 { out.append(TestRequest(time: reportDay + Int64(i), method: "GET", path: "/fast", status: 503, durationMicros: 30_000_000)) }
        return out
    }

    func exact(_ values: [Int64], _ q: Double) -> Int64 { LatencyHistogramTests.exactPercentile(values.sorted(), q) }

    func within(_ estimate: Int64, _ exact: Int64) -> Bool {
        abs(Double(estimate - exact)) / Double(exact) <= LatencyBuckets.relativeErrorBound
    }

    @Test func outcomesAreKeptApartAndEachIsWithinTheBound() throws {
        let input = traffic()
        let report = try buildReport(input)
        let l = report.latency
        #expect(l.available)
        #expect(l.overall.count == 360)
        let all = input.map(\.durationMicros)
        for q in [0.5, 0.9, 0.95, 0.99] { #expect(within(l.histogram.percentile(q)!, exact(all, q))) }
        #expect(l.outcomes.map(\.outcome) == ["2xx/3xx", "4xx", "5xx"])
        let ok = input.filter { $0.status < 400 }.map(\.durationMicros)
        #expect(l.outcomes[0].stats.count == 300)
        #expect(within(l.outcomes[0].stats.p99, exact(ok, 0.99)))
        #expect(within(l.outcomes[1].stats.p50, 1_000))
        #expect(within(l.outcomes[2].stats.p50, 30_000_000))
        // Exact mean from the stored sums.
        #expect(l.overall.mean == (all.reduce(0, +) + 180) / 360)
    }

    @Test func routesAreRankedByP95AndSplitByOutcome() throws {
        let report = try buildReport(traffic())
        let routes = report.latency.routes
        #expect(routes.map(\.route) == ["/v1/payments/{id}", "/fast"])
        let payments = routes[0]
        #expect(payments.method == "POST")
        #expect(payments.outcomes.map(\.outcome) == ["2xx/3xx"])
        let fast = routes[1]
        #expect(fast.outcomes.map(\.outcome) == ["2xx/3xx", "4xx", "5xx"])
        #expect(fast.outcomes[0].stats.p95 < 40_000)   // errors do not distort the successes
        #expect(within(fast.outcomes[2].stats.p50, 30_000_000))
    }

    @Test func slowRequestsAndApdexCountExactlyAtTheirThresholds() throws {
        var options = ReportOptions()
        options.slowMicros = 1_000_000
        options.apdexMicros = 300_000
        let input = traffic()
        let l = try buildReport(input, options).latency
        let durations = input.map(\.durationMicros)
        #expect(l.slow == Int64(durations.filter { $0 > 1_000_000 }.count))
        #expect(l.slowExact)
        #expect(l.slowRoutes.first?.route == "/v1/payments/{id}")
        #expect(l.apdex.satisfied == Int64(durations.filter { $0 <= 300_000 }.count))
        #expect(l.apdex.tolerating == Int64(durations.filter { $0 > 300_000 && $0 <= 1_200_000 }.count))
        #expect(l.apdex.frustrated == Int64(durations.filter { $0 > 1_200_000 }.count))
        #expect(l.apdex.exact)
    }

    @Test func theTimelineCarriesEachHoursP95() throws {
        let report = try buildReport(traffic(), ReportOptions(window: Report.Window(since: reportDay, until: reportDay + 7_200)))
        #expect(report.timeline.count == 2)
        let firstHour = traffic().filter { $0.time < reportDay + 3_600 }.map(\.durationMicros)
        #expect(within(report.timeline[0].p95!, exact(firstHour, 0.95)))
        #expect(within(report.timeline[1].p95!, exact((0..<100).map { 400_000 + Int64($0) * 10_000 }, 0.95)))
    }

    @Test func latencyThresholdsParseAndMeasure() throws {
        let p99 = try Threshold.parse("p99>2s")
        let payments = try Threshold.parse("p95:/v1/payments/*>800ms")
        let apdex = try Threshold.parse("apdex<0.9")
        let slow = try Threshold.parse("slow_rate>1%")
        #expect(p99.limit == 2_000 && payments.limit == 800 && apdex.limit == 0.9 && slow.limit == 0.01)
        #expect(throws: Threshold.ParseError.self) { try Threshold.parse("p99>2") }
        var options = ReportOptions()
        options.thresholds = [p99, payments, apdex, slow, try Threshold.parse("p95:/fast*>1h")]
        let report = try buildReport(traffic(), options)
        #expect(report.thresholds.map(\.crossed) == [true, true, true, true, false])
        #expect(within(Int64(report.thresholds[1].value * 1_000), exact((0..<100).map { 400_000 + Int64($0) * 10_000 }, 0.95)))
        #expect(report.thresholds[0].measured.hasPrefix("p99 is "))
    }

    @Test func withoutDurationsTheSectionSaysWhichDirectiveWouldGiveThem() throws {
        let report = try buildReport(repeated(20, start: reportDay) { TestRequest(time: $0, method: "GET", path: "/x", status: 200) })
        #expect(!report.latency.available)
        #expect(report.latency.note?.contains("$request_time") == true)
        #expect(report.latency.note?.contains("%D") == true)
        let text = TextReportRenderer().render(report)
        #expect(text.contains("$request_time"))
        #expect(!text.contains("p95"))
        let json = JSONReportRenderer().render(report)
        #expect(json.contains("\"available\": false"))
    }

    @Test func everyFormatShowsTheSection() throws {
        let report = try buildReport(traffic())
        #expect(TextReportRenderer().render(report).contains("Apdex"))
        #expect(MarkdownReportRenderer().render(report).contains("## Slowest routes by p95"))
        let html = HTMLReportRenderer().render(report)
        #expect(html.contains("<polyline class=\"p95\""))
        let prom = PrometheusReportRenderer().render(report)
        #expect(prom.contains("erranalyze_request_duration_seconds_bucket{le=\"+Inf\"} 360"))
        #expect(prom.contains("erranalyze_request_duration_seconds_bucket{le=\"1\"} \(report.latency.overall.count - report.latency.slow)"))
        let csv = try CSVReportRenderer(section: "latency_routes").render(report)
        #expect(csv.hasPrefix("method,route,count,p50_us"))
        let json = try JSONSerialization.jsonObject(with: Data(JSONReportRenderer().render(report).utf8)) as! [String: Any]
        let latency = json["latency"] as! [String: Any]
        #expect(latency["unit"] as? String == "ms")
        #expect((latency["p50"] as? Double).map { $0 > 0 } == true)
    }
}
