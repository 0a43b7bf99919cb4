import Foundation
import Testing
@testable import ErrAnalyzeKit

/// Three hosts: web-1 has the sample API day, web-2 an upstream failing and some malformed
/// lines, batch-1 a quiet import with one error that carries no code.
func fleetHosts() -> [(host: String, requests: [TestRequest], malformed: Int)] {
    let h9 = reportDay + 9 * 3600, h15 = reportDay + 15 * 3600, before = reportDay - 10 * 3600
    var web2: [TestRequest] = []
    web2 += repeated(40, start: h9) { TestRequest(time: $0, method: "GET", path: "/v1/users/\($0 % 89)", status: 200, client: "key_d") }
    web2 += repeated(12, start: h15) { TestRequest(time: $0, method: "GET", path: "/v1/users/\($0 % 89)", status: 503, code: "UPSTREAM_DOWN", client: "key_d") }
    web2 += repeated(3, start: h15) { TestRequest(time: $0, method: "GET", path: "/v1/orders", status: 429, code: "RATE_LIMITED", client: "key_e") }
    web2 += repeated(6, start: before) { TestRequest(time: $0, method: "GET", path: "/v1/orders", status: 503, code: "UPSTREAM_DOWN", client: "key_d") }
    var batch: [TestRequest] = []
    batch += repeated(30, start: h9) { TestRequest(time: $0, method: "POST", path: "/v1/import", status: 201, client: "key_f") }
    batch += [TestRequest(time: h15, method: "POST", path: "/v1/import", status: 500, client: "key_f")]
    return [("web-1", sampleAPIRequests(), 0), ("web-2", web2, 2), ("batch-1", batch, 1)]
}

func fleetReport(_ options: ReportOptions = ReportOptions(window: reportDayWindow, compare: true)) throws -> Report {
    try ReportBuilder(store: FleetReportStore(fleetHosts()), classifier: Classifier()).build(options)
}

/// One host's requests in a database of its own: what the fleet report must say of it.
func singleHostReport(_ host: String, _ options: ReportOptions = ReportOptions(window: reportDayWindow, compare: true)) throws -> Report {
    let data = fleetHosts().first { $0.host == host }!
    return try ReportBuilder(store: FleetReportStore([data]), classifier: Classifier()).build(options)
}

@Suite struct HostsReportTests {
    @Test func theHostsSectionAddsUpToTheTotals() throws {
        let report = try fleetReport()
        #expect(report.hostsSeen == 3)
        #expect(report.hosts.map(\.host) == ["web-1", "web-2", "batch-1"], "most errors first")
        func sum(_ value: (Report.HostCount) -> Int64) -> Int64 { report.hosts.reduce(0) { $0 + value($1) } }
        #expect(sum(\.requests) == report.totals.requests)
        #expect(sum(\.errors) == report.totals.errors)
        #expect(sum(\.clientErrors) == report.totals.clientErrors)
        #expect(sum(\.serverErrors) == report.totals.serverErrors)
        #expect(sum(\.retriable) == report.totals.retriable)
        #expect(sum(\.fatal) == report.totals.fatal)
        // Each host's row is what that host's own database says.
        for host in report.hosts {
            let alone = try singleHostReport(host.host).totals
            #expect([host.requests, host.errors, host.clientErrors, host.serverErrors, host.retriable, host.fatal]
                    == [alone.requests, alone.errors, alone.clientErrors, alone.serverErrors, alone.retriable, alone.fatal], "\(host.host)")
        }
        #expect(report.hosts[1].requests == 55 && report.hosts[1].errors == 15 && report.hosts[1].serverErrors == 12)
        #expect(report.hosts[1].errorRate == 15.0 / 55.0)
    }

    @Test func eachHostNamesItsTopCode() throws {
        let report = try fleetReport()
        let byHost = Dictionary(uniqueKeysWithValues: report.hosts.map { ($0.host, $0.topCode) })
        #expect(byHost["web-1"] == Report.HostCount.TopCode(code: "NOT_FOUND", status: 404, count: 10))
        #expect(byHost["web-2"] == Report.HostCount.TopCode(code: "UPSTREAM_DOWN", status: 503, count: 12))
        #expect(byHost["batch-1"] == .some(nil), "its only error carried no code")
    }

    @Test func hostsAreRankedByErrorsThenRequestsThenNameAndTopApplies() throws {
        let hosts: [(host: String, requests: [TestRequest], malformed: Int)] = ["c", "a", "b", "d"].enumerated().map { index, name in
            // b and a: one error each, 11 requests; c: one error, 21 requests; d: no error.
            let ok = name == "c" ? 20 : 10
            var requests = repeated(ok, start: reportDay) { TestRequest(time: $0, method: "GET", path: "/x", status: 200) }
            if name != "d" { requests.append(TestRequest(time: reportDay, method: "GET", path: "/x", status: 500)) }
            return (name, requests, 0)
        }
        let store = try FleetReportStore(hosts)
        let report = try ReportBuilder(store: store, classifier: Classifier()).build(ReportOptions(window: reportDayWindow))
        #expect(report.hosts.map(\.host) == ["c", "a", "b", "d"])
        let top2 = try ReportBuilder(store: store, classifier: Classifier()).build(ReportOptions(window: reportDayWindow, top: 2))
        #expect(top2.hosts.map(\.host) == ["c", "a"])
        #expect(top2.hostsSeen == 4)
        #expect(TextReportRenderer().render(top2).contains("Hosts (top 2 of 4)"))
    }

    @Test func aHostFilterRestrictsEverySectionToThatHost() throws {
        var options = ReportOptions(window: reportDayWindow, compare: true)
        options.filter.hosts = ["web-2"]
        let fleet = try fleetReport(options)
        let alone = try singleHostReport("web-2")
        #expect(fleet.totals == alone.totals)
        #expect(fleet.totals.requests == 55 && fleet.totals.malformedLines == 2)
        #expect(fleet.comparison == alone.comparison)
        #expect(fleet.comparison?.totals.requests == 6)
        #expect(fleet.timeline == alone.timeline)
        #expect(fleet.codes == alone.codes)
        #expect(fleet.byStatus == alone.byStatus)
        #expect(fleet.byCategory == alone.byCategory)
        #expect(fleet.errorSeries == alone.errorSeries)
        #expect(fleet.routes == alone.routes)
        #expect(fleet.routesByRate == alone.routesByRate)
        #expect(fleet.clientsAvailable, "a host filter alone keeps the client sections")
        #expect(fleet.clients == alone.clients)
        #expect(fleet.clients.map(\.client) == ["key_d", "key_e"])
        #expect(fleet.rateLimitedClients == alone.rateLimitedClients)
        #expect(fleet.malformed == alone.malformed)
        #expect(fleet.hosts == alone.hosts)
        #expect(fleet.hosts.map(\.host) == ["web-2"])
    }

    @Test func hostPatternsSelectSeveralHosts() throws {
        func report(_ hosts: [String], status: [TrafficFilter.StatusRange] = []) throws -> Report {
            var options = ReportOptions(window: reportDayWindow)
            options.filter.hosts = hosts
            options.filter.statuses = status
            return try fleetReport(options)
        }
        let web = try report(["web-*"])
        #expect(Set(web.hosts.map(\.host)) == ["web-1", "web-2"])
        #expect(web.totals.requests == 94 + 55)
        #expect(web.timeline.reduce(0) { $0 + $1.requests } == 94 + 55)
        #expect(web.totals.malformedLines == 2)
        #expect(Set(web.clients.map(\.client)) == ["key_a", "key_b", "key_c", "key_d", "key_e"])

        let ones = try report(["*-1"])
        #expect(Set(ones.hosts.map(\.host)) == ["web-1", "batch-1"])
        #expect(ones.totals.requests == 94 + 31)
        #expect(ones.totals.malformedLines == 1)

        let two = try report(["batch-1", "web-2"])
        #expect(two.totals.requests == 31 + 55)

        let none = try report(["web"])
        #expect(none.totals.requests == 0 && none.hosts.isEmpty && none.timeline.isEmpty)
        #expect(none.clients.isEmpty && none.rateLimitedClients.isEmpty && none.malformed.total == 0)
        #expect(TextReportRenderer().render(none).contains("No requests match the filters in this window."))

        let serverErrors = try report(["web-*"], status: [TrafficFilter.StatusRange(500, 599)])
        #expect(serverErrors.totals.requests == 10 + 12)
        #expect(!serverErrors.clientsAvailable, "clients cannot be narrowed by status")
        #expect(serverErrors.hosts.map(\.host) == ["web-2", "web-1"])
    }

    /// Until the stores record hosts, their traffic belongs to the host "": a host filter keeps it all or none.
    @Test func aDatabaseOfOneHostKeepsEverythingForThatHostAndNothingForAnother() throws {
        let db = try store(with: sampleAPIRequests(), host: "web-1")
        func report(_ hosts: [String]) throws -> Report {
            var options = ReportOptions(window: reportDayWindow)
            options.filter.hosts = hosts
            return try ReportBuilder(store: db, classifier: Classifier()).build(options)
        }
        let all = try report([])
        #expect(all.hosts.map(\.host) == ["web-1"] && all.hosts[0].requests == 94)
        #expect(try report(["web-1"]).clients == all.clients)
        #expect(try report(["web-*"]).timeline == all.timeline)
        let other = try report(["web-2"])
        #expect(other.totals.requests == 0 && other.timeline.isEmpty && other.clients.isEmpty && other.rateLimitedClients.isEmpty)
        #expect(TextReportRenderer().render(all).contains("  Host "), "one host: one line")
        #expect(CSVRendererTests().parseCSV(try CSVReportRenderer(section: "hosts").render(all))[1][0...1] == ["web-1", "94"])
    }

    @Test func filtersReadHostsAsWritten() throws {
        let filter = try ReportFilters.parse(methods: ["get"], hosts: ["web-*", "", "pod,with,commas", "web-*"])
        #expect(filter.hosts == ["web-*", "pod,with,commas"])
        #expect(filter.summary == "method GET · host web-*, pod,with,commas")
        #expect(!TrafficFilter(hosts: ["a"]).restrictsRequests)
        #expect(TrafficFilter(routes: ["/x"], hosts: ["a"]).restrictsRequests)
    }
}

@Suite struct HostsRendererTests {
    @Test func textShowsATableForSeveralHostsAndOneLineForOne() throws {
        let text = TextReportRenderer().render(try fleetReport())
        #expect(text.contains("\nHosts\n"))
        let row = try #require(text.components(separatedBy: "\n").first { $0.hasPrefix("  web-2 ") })
        #expect(row.contains("55") && row.contains("15") && row.contains("27.27%") && row.contains("UPSTREAM_DOWN (503): 12"), "\(row)")

        var options = ReportOptions(window: reportDayWindow)
        options.filter.hosts = ["web-2"]
        let one = TextReportRenderer().render(try fleetReport(options))
        #expect(one.contains("  Host            web-2\n"))
        #expect(!one.contains("\nHosts\n"))
        #expect(one.contains("Filters: host web-2\n"), "a host filter keeps the client sections, so says nothing of them")
    }

    @Test func jsonListsEveryHostWithItsCounts() throws {
        var options = ReportOptions(window: reportDayWindow)
        options.filter.hosts = ["*"]
        let json = JSONReportRenderer().render(try fleetReport(options))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let filters = try #require(object["filters"] as? [String: Any])
        #expect(filters["hosts"] as? [String] == ["*"])
        let hosts = try #require(object["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["host"] as? String } == ["web-1", "web-2", "batch-1"])
        let web2 = hosts[1]
        #expect(web2["requests"] as? Int == 55 && web2["errors"] as? Int == 15)
        #expect(web2["client_errors"] as? Int == 3 && web2["server_errors"] as? Int == 12)
        #expect(web2["retriable"] as? Int != nil && web2["fatal"] as? Int != nil)
        #expect((web2["error_rate"] as? Double).map { abs($0 - 15.0 / 55.0) < 1e-6 } == true, "rates have six decimals")
        let top = try #require(web2["top_code"] as? [String: Any])
        #expect(top["code"] as? String == "UPSTREAM_DOWN" && top["status"] as? Int == 503 && top["count"] as? Int == 12)
        #expect(hosts[2]["top_code"] is NSNull)

        let empty = JSONReportRenderer().render(try buildReport([]))
        let emptyObject = try #require(try JSONSerialization.jsonObject(with: Data(empty.utf8)) as? [String: Any])
        #expect((emptyObject["hosts"] as? [Any])?.isEmpty == true, "the key is always there")
    }

    @Test func markdownHTMLAndPrometheusShowHosts() throws {
        let report = try fleetReport()
        let md = MarkdownReportRenderer().render(report)
        #expect(md.contains("## Hosts\n"))
        #expect(md.contains("| web-2 | 55 | 15 | 27.27% | 3 | 12 | UPSTREAM_DOWN (503): 12 |"), "\(md)")
        let html = HTMLReportRenderer().render(report)
        #expect(html.contains("<section id=\"hosts\">"))
        #expect(html.contains("<td>batch-1</td>"))
        let prom = PrometheusReportRenderer().render(report)
        #expect(prom.contains("# TYPE erranalyze_host_requests gauge\n"))
        #expect(prom.contains("erranalyze_host_requests{host=\"web-2\"} 55\n"))
        #expect(prom.contains("erranalyze_host_errors{host=\"web-1\"} 24\n"))
        #expect(prom.contains("erranalyze_host_server_errors{host=\"batch-1\"} 1\n"))
    }

    @Test func csvHasAHostsSectionWithRawValues() throws {
        let report = try fleetReport()
        let records = CSVRendererTests().parseCSV(try CSVReportRenderer(section: "hosts").render(report))
        #expect(records[0] == ["host", "requests", "errors", "client_errors", "server_errors", "error_rate", "retriable", "fatal",
                               "top_code", "top_code_status", "top_code_count"])
        #expect(records.count == 4)
        #expect(Array(records[2][0...4]) == ["web-2", "55", "15", "3", "12"])
        #expect(records[2][5] == JSONWriter.number(15.0 / 55.0))
        #expect(Array(records[2][8...10]) == ["UPSTREAM_DOWN", "503", "12"])
        #expect(Array(records[3][8...10]) == ["", "", ""], "no code, no top code")
    }

    @Test func hostNamesAreEscapedLikeOtherLoggedValues() throws {
        let hosts: [(host: String, requests: [TestRequest], malformed: Int)] = ["=cmd|x", "<b>pod\"1\"</b>\n\u{1B}[31m"].map { name in
            (name, [TestRequest(time: reportDay, method: "GET", path: "/x", status: 500)], 0)
        }
        let report = try ReportBuilder(store: FleetReportStore(hosts), classifier: Classifier()).build(ReportOptions(window: reportDayWindow))
        let guarded = CSVRendererTests().parseCSV(try CSVReportRenderer(section: "hosts").render(report))
        #expect(guarded.map { $0[0] }.contains("'=cmd|x"), "a spreadsheet shows it as text")
        let raw = CSVRendererTests().parseCSV(try CSVReportRenderer(section: "hosts", guardsFormulas: false).render(report))
        #expect(raw.map { $0[0] }.contains("=cmd|x"))

        let prom = PrometheusReportRenderer().render(report)
        #expect(prom.contains(#"erranalyze_host_errors{host="<b>pod\"1\"</b>\n\#u{1B}[31m"} 1"#))
        let html = HTMLReportRenderer().render(report)
        #expect(html.contains("&lt;b&gt;pod&quot;1&quot;&lt;/b&gt;") && !html.contains("<b>pod"))
        let text = TextReportRenderer().render(report)
        #expect(!text.contains("\u{1B}") && text.contains("<b>pod\"1\"</b> ?[31m"))
        let md = MarkdownReportRenderer().render(report)
        #expect(md.contains("=cmd\\|x") && md.contains("\\<b\\>pod") && !md.contains("\u{1B}"))
        let json = JSONReportRenderer().render(report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set((object["hosts"] as? [[String: Any]] ?? []).compactMap { $0["host"] as? String }) == ["=cmd|x", "<b>pod\"1\"</b>\n\u{1B}[31m"])
    }
}
