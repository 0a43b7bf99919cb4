import Foundation
import Testing
@testable import ErrAnalyzeKit

@Suite struct ReportBuilderFeatureTests {
    @Test func totalsOfTheWindow() throws {
        let report = try buildReport(sampleAPIRequests(), ReportOptions(window: reportDayWindow))
        #expect(report.totals.requests == 94)
        #expect(report.totals.errors == 24)
        #expect(report.totals.clientErrors == 14)
        #expect(report.totals.serverErrors == 10)
        #expect(report.totals.retriable + report.totals.fatal == 24)
        #expect(report.comparison == nil, "comparison is off unless asked for")
    }

    @Test func retriableCountsFollowTheClassifierForEveryGroup() throws {
        let requests = sampleAPIRequests().filter { $0.time >= reportDay }
        let report = try buildReport(requests)
        let classifier = Classifier()
        var retriable: Int64 = 0
        var withoutKey: Int64 = 0, blocked: Int64 = 0
        for r in requests where r.status >= 400 {
            let input = ClassificationInput(status: r.status, code: r.code.isEmpty ? nil : r.code, method: r.method, idempotencyKeySent: r.idempotencyKey)
            let c = classifier.classify(input)
            if c.retriable { retriable += 1 }
            if !r.idempotencyKey && ["POST", "PATCH"].contains(r.method) {
                var keyed = input
                keyed.idempotencyKeySent = true
                if c.retriable || classifier.classify(keyed).retriable {
                    withoutKey += 1
                    if !c.retriable { blocked += 1 }
                }
            }
        }
        #expect(report.totals.retriable == retriable)
        #expect(report.retriableWithoutIdempotencyKey.errors == withoutKey)
        #expect(report.retriableWithoutIdempotencyKey.notRetriable == blocked)
        let expectedShare = Double(withoutKey) / Double(retriable + blocked)
        #expect(abs(report.retriableWithoutIdempotencyKey.share - expectedShare) < 1e-12)
        #expect(withoutKey == 5, "the five POSTs answered 503 without a key are the only candidates")
    }

    @Test func comparisonMeasuresThePreviousWindowOfEqualLength() throws {
        let report = try buildReport(sampleAPIRequests(), ReportOptions(window: reportDayWindow, compare: true))
        let comparison = try #require(report.comparison)
        #expect(comparison.window == Report.Window(since: reportDay - 86_400, until: reportDay))
        #expect(comparison.totals.requests == 32)
        #expect(comparison.totals.errors == 2)
        let notFound = try #require(report.codes.first { $0.code == "NOT_FOUND" })
        #expect(notFound.count == 10)
        #expect(notFound.previousCount == 2)
        #expect(report.codes.first { $0.code == "UPSTREAM_DOWN" }?.previousCount == 0)
        #expect(Report.Comparison.change(10, 2) == 4)
        #expect(Report.Comparison.change(1, 0) == nil)
    }

    @Test func previousHoursOfOpenAndPartialWindows() {
        // 10:00–11:59 → 08:00–09:59.
        #expect(ReportBuilder.previousHours(of: HourWindow(first: 100, last: 101), now: nil) == HourWindow(first: 98, last: 99))
        // --since only: the window runs to the current hour (100–103), so the one before is 96–99.
        #expect(ReportBuilder.previousHours(of: HourWindow(first: 100, last: nil), now: 103 * 3600 + 1200) == HourWindow(first: 96, last: 99))
        // No start: nothing to compare with.
        #expect(ReportBuilder.previousHours(of: HourWindow(first: nil, last: 5), now: 10) == nil)
        #expect(ReportBuilder.previousHours(of: .all, now: 100_000) == nil)
    }

    @Test func routesByRateHonourTheMinimumVolume() throws {
        let report = try buildReport(sampleAPIRequests(), ReportOptions(window: reportDayWindow, minRequests: 4))
        // DELETE /v1/tiny has 2 requests, both failing: too few to rank by rate.
        #expect(!report.routesByRate.contains { $0.route == "/v1/tiny" })
        #expect(report.routes.contains { $0.route == "/v1/tiny" }, "it still counts among routes by errors")
        #expect(report.routesByRate.map(\.route) == ["/v1/orders", "/v1/orders", "/v1/users/{id}"])
        #expect(report.routesByRate.first?.method == "GET", "GET /v1/orders: 4 of 4 fail")
        let rates = report.routesByRate.map(\.errorRate)
        #expect(rates == rates.sorted(by: >))
        let everything = try buildReport(sampleAPIRequests(), ReportOptions(window: reportDayWindow, minRequests: 0))
        // Equal rates (4/4 and 2/2): more errors first.
        #expect(everything.routesByRate.prefix(2).map { "\($0.method) \($0.route)" } == ["GET /v1/orders", "DELETE /v1/tiny"])
    }

    @Test func rateLimitedClientsAreRankedBy429s() throws {
        let report = try buildReport(sampleAPIRequests(), ReportOptions(window: reportDayWindow))
        #expect(report.rateLimitedClients.map(\.client) == ["key_c"])
        #expect(report.rateLimitedClients.first?.rateLimited == 4)
        #expect(report.clients.first?.client == "key_a")
        #expect(report.clientsAvailable)
    }

    @Test func filtersRestrictEverySectionAndTheTimeline() throws {
        let filter = try ReportFilters.parse(statuses: ["5xx"], methods: ["post"])
        let report = try buildReport(sampleAPIRequests(), ReportOptions(window: reportDayWindow, filter: filter))
        #expect(report.totals.requests == 8)
        #expect(report.totals.errors == 8)
        #expect(report.byStatus.map(\.status) == [503])
        #expect(report.codes.map(\.code) == ["UPSTREAM_DOWN"])
        #expect(report.routes.map(\.route) == ["/v1/orders"])
        #expect(report.timeline.reduce(0) { $0 + $1.requests } == 8, "the timeline is filtered too")
        #expect(report.timeline.reduce(0) { $0 + $1.errors } == 8)
        #expect(report.clients.isEmpty && report.rateLimitedClients.isEmpty && !report.clientsAvailable)
        #expect(report.filter == filter)
    }

    @Test func timelineAndTotalsAgreeUnderEveryFilter() throws {
        let requests = sampleAPIRequests()
        let db = try store(with: requests)
        let builder = ReportBuilder(store: db, classifier: Classifier())
        let filters: [TrafficFilter] = [
            try ReportFilters.parse(routes: ["/v1/users/*"]),
            try ReportFilters.parse(routes: ["/v1/users/42"]),
            try ReportFilters.parse(codes: ["not_found", "RATE_LIMITED"]),
            try ReportFilters.parse(statuses: ["400-499"]),
            try ReportFilters.parse(statuses: ["503"], methods: ["GET"]),
            try ReportFilters.parse(routes: ["/nothing/here"]),
        ]
        for filter in filters {
            let report = try builder.build(ReportOptions(window: reportDayWindow, filter: filter))
            #expect(report.timeline.reduce(0) { $0 + $1.requests } == report.totals.requests, "\(filter.summary)")
            #expect(report.timeline.reduce(0) { $0 + $1.errors } == report.totals.errors, "\(filter.summary)")
        }
        let users = try builder.build(ReportOptions(window: reportDayWindow, filter: filters[1]))
        #expect(users.totals.requests == 60, "a raw path is templated before matching")
        let codes = try builder.build(ReportOptions(window: reportDayWindow, filter: filters[2]))
        #expect(codes.totals.errors == 14, "codes match without regard to case")
        let none = try builder.build(ReportOptions(window: reportDayWindow, filter: filters[5]))
        #expect(none.totals.requests == 0 && none.timeline.isEmpty)
    }

    @Test func aClosedWindowShowsEveryHour() throws {
        let report = try buildReport(sampleAPIRequests(), ReportOptions(window: reportDayWindow))
        #expect(report.timeline.count == 24)
        #expect(report.timeline.first?.start == reportDay)
        #expect(report.timeline[10].requests == 60)
    }

    @Test func errorSeriesAddUpToTheErrors() throws {
        let report = try buildReport(sampleAPIRequests(), ReportOptions(window: reportDayWindow))
        #expect(report.errorSeries.reduce(0) { $0 + $1.count } == report.totals.errors)
        #expect(report.errorSeries.filter(\.retriable).reduce(0) { $0 + $1.count } == report.totals.retriable)
        #expect(report.errorSeries.contains { $0.code == "" && $0.status == 500 })
    }

    @Test func thresholdsAreEvaluatedIntoTheReport() throws {
        let thresholds = try ["errors>20", "requests<50", "code:upstream_down>=8", "status:5xx>100"].map { try Threshold.parse($0) }
        let report = try buildReport(sampleAPIRequests(), ReportOptions(window: reportDayWindow, thresholds: thresholds))
        #expect(report.thresholds.map(\.crossed) == [true, false, true, false])
        #expect(report.thresholds[0].value == 24)
        #expect(report.thresholds[3].value == 10)
    }
}
