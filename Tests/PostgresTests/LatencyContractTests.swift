import ErrAnalyzeKit
import ErrAnalyzePostgres
import ErrAnalyzeSQLite
import Foundation
import Testing

/// Latency histograms through both stores: the same files give the same `latency` JSON byte
/// for byte, whatever the window (whole days from the daily rows, hours at the ends), the
/// filters (host, route pattern, method, status), the per-hour route cap and a prune.
@Suite(TestServer.required, .serialized) struct LatencyContractTests {
    typealias S = StoreComparison

    /// `SampleLogs/api/app.jsonl` logs `response.duration_ms` for all its 3,000 requests.
    static let api = S.sample("api/app.jsonl")

    func latencyJSON(_ store: ReportStore, _ options: ReportOptions) throws -> String {
        let report = try ReportBuilder(store: store, classifier: Classifier()).build(options)
        var w = JSONWriter(pretty: true)
        w.object { w in JSONReportRenderer.latency(report.latency, &w) }
        return w.output
    }

    @Test func bothStoresGiveTheSameLatencyForEveryWindowAndFilter() throws {
        let folder = try S.temporaryFolder()
        let scratch = try ScratchDatabase()
        defer { scratch.drop(); try? FileManager.default.removeItem(atPath: folder) }
        let sqlite = try S.sqlite(in: folder, host: "web-1"), postgres = try S.postgres(scratch, host: "web-1")
        let sqlite2 = try S.sqlite(in: folder, host: "web-2"), postgres2 = try S.postgres(scratch, host: "web-2")
        S.ingest([Self.api], into: sqlite)
        S.ingest([Self.api], into: postgres)
        S.ingest([Self.api, S.sample("formats/alb.log")], into: sqlite2)
        S.ingest([Self.api, S.sample("formats/alb.log")], into: postgres2)

        // 2026-11-16 23:00 to 2026-11-17 23:00 UTC holds the file's day; a window that starts
        // mid-day reads hours at the start, whole days from the daily rows.
        let day: Int64 = 1_795_305_600   // 2026-11-17T00:00:00Z
        var cases: [(String, ReportOptions)] = []
        cases.append(("all", ReportOptions(top: 25)))
        cases.append(("whole days and hours", ReportOptions(window: Report.Window(since: day - 5 * 3600, until: day + 2 * 86_400), top: 25)))
        cases.append(("hours only", ReportOptions(window: Report.Window(since: day + 3 * 3600, until: day + 9 * 3600), top: 25)))
        var filtered = ReportOptions(top: 25)
        filtered.filter = TrafficFilter(routes: ["/v1/*"], statuses: [.init(500, 599)])
        cases.append(("route pattern and 5xx", filtered))
        var methods = ReportOptions(window: Report.Window(since: day, until: day + 86_400), top: 25)
        methods.filter = TrafficFilter(methods: ["POST"], hosts: ["web-2"])
        cases.append(("POST on web-2", methods))
        var thresholds = ReportOptions(top: 25)
        thresholds.slowMicros = 250_000
        thresholds.apdexMicros = 100_000
        cases.append(("other thresholds", thresholds))

        for (name, options) in cases {
            let expected = try latencyJSON(sqlite, options), actual = try latencyJSON(postgres, options)
            #expect(actual == expected, "\(name): \(S.firstDifference(expected, actual))")
        }
        let all = try ReportBuilder(store: postgres, classifier: Classifier()).build(ReportOptions(top: 25))
        #expect(all.latency.available)
        // Every timed request once (the ALB sample has one line whose times are -1: untimed).
        let timed = try postgres.trafficGroups(in: .all).reduce(Int64(0)) { $0 + $1.counts.timedRequests }
        #expect(timed >= 6_000)
        #expect(all.latency.overall.count == timed)
        #expect(all.timeline.contains { $0.p95 != nil })
        try S.expectSameReport(sqlite, postgres)

        // A prune that cuts the day in two: the same again.
        _ = try sqlite.prune(beforeHour: Int32((day + 12 * 3600) / 3600), now: S.now)
        _ = try postgres.prune(beforeHour: Int32((day + 12 * 3600) / 3600), now: S.now)
        for (name, options) in cases {
            let expected = try latencyJSON(sqlite, options), actual = try latencyJSON(postgres, options)
            #expect(actual == expected, "after prune, \(name): \(S.firstDifference(expected, actual))")
        }
    }

    @Test func routesFoldedByThePerHourCapFoldTheirLatencyIdenticallyInBothStores() throws {
        let folder = try S.temporaryFolder()
        let scratch = try ScratchDatabase()
        defer { scratch.drop(); try? FileManager.default.removeItem(atPath: folder) }
        let sqlite = try S.sqlite(in: folder), postgres = try S.postgres(scratch)
        sqlite.maxRoutesPerHour = 3
        postgres.maxRoutesPerHour = 3
        S.ingest([Self.api], into: sqlite)
        S.ingest([Self.api], into: postgres)
        let options = ReportOptions(top: 50, minRequests: 1)
        let expected = try latencyJSON(sqlite, options), actual = try latencyJSON(postgres, options)
        #expect(actual == expected, "\(S.firstDifference(expected, actual))")
        let report = try ReportBuilder(store: sqlite, classifier: Classifier()).build(options)
        #expect(report.latency.routeHistograms.contains { $0.route == TrafficAggregate.otherRoute })
        #expect(report.latency.overall.count == 3_000)
    }
}
