import Foundation
import Testing
@testable import ErrAnalyzeKit

@Suite struct ThresholdParsingTests {
    @Test(arguments: [
        ("error_rate>2%", Threshold.Metric.errorRate, Threshold.Operator.greater, 0.02),
        ("error_rate > 0.02", .errorRate, .greater, 0.02),
        ("server_errors>100", .serverErrors, .greater, 100),
        ("5xx>=1_000", .serverErrors, .greaterOrEqual, 1000),
        ("code:PROVIDER_ERROR>50", .code("PROVIDER_ERROR"), .greater, 50),
        ("retriable_rate>1%", .retriableRate, .greater, 0.01),
        ("status:503>10", .status(TrafficFilter.StatusRange(503, 503)), .greater, 10),
        ("status:5xx>=1", .status(TrafficFilter.StatusRange(500, 599)), .greaterOrEqual, 1),
        ("requests<100", .requests, .less, 100),
        ("requests <= 0", .requests, .lessOrEqual, 0),
        ("category:rate_limit>5", .category("rate_limit"), .greater, 5),
        ("ERROR_RATE>0.5%", .errorRate, .greater, 0.005),
        ("unknown_codes>0", .unknownCodes, .greater, 0),
    ])
    func parses(_ text: String, _ metric: Threshold.Metric, _ op: Threshold.Operator, _ limit: Double) throws {
        let t = try Threshold.parse(text)
        #expect(t.metric == metric)
        #expect(t.op == op)
        #expect(abs(t.limit - limit) < 1e-12)
        #expect(t.text == text)
    }

    @Test(arguments: [
        ("error_rate", "no comparison"),
        ("error_rate=2%", "no comparison"),
        (">2%", "no metric"),
        ("error_rate>", "no value"),
        ("eror_rate>2%", "unknown metric 'eror_rate'"),
        ("server_errors>5%", "is a count, not a rate"),
        ("error_rate>2", "a rate above 1"),
        ("error_rate>abc", "is not a rate"),
        ("errors>1.5", "is not a count"),
        ("errors>-1", "is not a count"),
        ("code:>5", "needs a value"),
        ("status:5x>5", "is not a status"),
        ("503>5", "did you mean status:503"),
        ("errors>5>6", "more than one comparison"),
        ("error_rate>200%", "between 0% and 100%"),
        ("route:/x>5", "unknown metric"),
    ])
    func rejectsWithAMessageSayingWhatIsWrong(_ text: String, _ fragment: String) {
        do {
            _ = try Threshold.parse(text)
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(error.description.contains(fragment), "\(error.description)")
            #expect(error.description.hasPrefix("--fail-if '\(text)'"))
        }
    }

    @Test func measuresAndCrosses() throws {
        var report = Report(window: Report.Window())
        report.totals.requests = 1000
        report.totals.errors = 30
        report.totals.serverErrors = 12
        report.totals.retriable = 8
        report.byStatus = [Report.StatusCount(status: 200, count: 970), Report.StatusCount(status: 503, count: 10),
                           Report.StatusCount(status: 502, count: 2), Report.StatusCount(status: 404, count: 18)]
        report.codes = [Report.CodeCount(code: "PROVIDER_ERROR", status: 502, count: 2, share: 0, category: "server", retriable: 2, fatal: 0,
                                         known: true, meaning: "", advice: "", catalogue: ""),
                        Report.CodeCount(code: "PROVIDER_ERROR", status: 503, count: 4, share: 0, category: "server", retriable: 4, fatal: 0,
                                         known: true, meaning: "", advice: "", catalogue: "")]
        func check(_ text: String) throws -> ThresholdResult { try Threshold.parse(text).evaluate(report) }
        #expect(try check("error_rate>2%").crossed)
        #expect(try !check("error_rate>3%").crossed, "3% is not above 3%")
        #expect(try check("error_rate>=3%").crossed)
        #expect(try check("code:provider_error>5").value == 6, "every status of the code, any case")
        #expect(try check("status:5xx>11").crossed)
        #expect(try check("status:503>10").crossed == false)
        #expect(try check("requests<1001").crossed)
        #expect(try check("retriable_rate>0.5%").crossed)
        #expect(try check("error_rate>2%").message == "error_rate>2% (error_rate is 3.00%)")
        #expect(try check("server_errors>10").message == "server_errors>10 (server_errors is 12)")
    }
}

@Suite struct ReportFilterTests {
    @Test func parsesRepeatedAndCommaSeparatedValues() throws {
        let f = try ReportFilters.parse(routes: ["/a", "/b/*"], codes: ["X,Y", "X"], statuses: ["503, 4xx", "500-504"], methods: ["get,Post"])
        #expect(f.routes == ["/a", "/b/*"])
        #expect(f.codes == ["X", "Y"])
        #expect(f.statuses == [TrafficFilter.StatusRange(503, 503), TrafficFilter.StatusRange(400, 499), TrafficFilter.StatusRange(500, 504)])
        #expect(f.methods == ["GET", "POST"])
        #expect(f.summary == "status 503, 4xx, 500-504 · code X, Y · method GET, POST · route /a, /b/*")
    }

    @Test(arguments: ["6xx", "99", "abc", "504-500", "5xxx", "1000"])
    func rejectsBadStatuses(_ text: String) {
        #expect(throws: ReportFilters.ParseError.self) { try ReportFilters.parse(statuses: [text]) }
    }

    @Test func routePatterns() {
        func matches(_ pattern: String, _ route: String) -> Bool { TrafficFilter(routes: [pattern]).matches(route: route) }
        #expect(matches("/v1/users/{id}", "/v1/users/{id}"))
        #expect(matches("/v1/users/42", "/v1/users/{id}"))
        #expect(matches("/v1/users/42?x=1", "/v1/users/{id}"))
        #expect(!matches("/v1/users", "/v1/users/{id}"))
        #expect(matches("/v1/*", "/v1/users/{id}"))
        #expect(matches("*/export", "/v1/reports/{id}/export"))
        #expect(matches("/v1/*/export", "/v1/reports/{id}/export"))
        #expect(!matches("/v1/*/export", "/v1/reports/{id}/exports"))
        #expect(matches("*", "/anything"))
        #expect(!matches("/a*a", "/a"))
    }

    @Test func codesAndMethodsIgnoreCaseAndCodelessResponsesNeverMatchACode() {
        let f = TrafficFilter(codes: ["not_found"], methods: ["get"])
        #expect(f.matches(code: "NOT_FOUND"))
        #expect(!f.matches(code: nil))
        #expect(f.matches(method: "GET"))
        #expect(!f.matches(method: "POST"))
        #expect(TrafficFilter().matches(code: nil))
    }
}
