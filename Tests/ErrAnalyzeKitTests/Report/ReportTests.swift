import Foundation
import Testing
@testable import ErrAnalyzeKit
@testable import ErrAnalyzeSQLite

@Suite struct ReportTests {
    @Test func totalsAddUpAndEveryErrorIsRetriableOrFatal() throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        try store.commit(checkpoint(parseCombined(sampleLines), bytes: 100, head: "x"))
        let report = try ReportBuilder(store: store, classifier: Classifier()).build(ReportOptions())
        #expect(report.totals.requests == 4)
        #expect(report.totals.errors == 3)
        #expect(report.totals.clientErrors == 2)
        #expect(report.totals.serverErrors == 1)
        #expect(report.totals.retriable + report.totals.fatal == report.totals.errors)
        #expect(report.totals.malformedLines == 1)
        #expect(report.byStatus.map(\.status) == [404, 201, 503])
        #expect(report.routes.first?.route == "/v1/contacts/{id}")
        #expect(report.timeline.count == 4, "09:00 to 12:00 inclusive, the empty 11:00 kept")
        #expect(report.timeline.map(\.errors) == [0, 2, 0, 1])
    }

    @Test func jsonHasTheSchemaFieldsInOrder() throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        try store.commit(checkpoint(parseCombined(sampleLines), bytes: 100, head: "x"))
        let report = try ReportBuilder(store: store, classifier: Classifier()).build(ReportOptions())
        let json = JSONReportRenderer().render(report)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        for key in ["schema", "window", "totals", "by_status", "by_category", "codes", "routes", "unknown_codes", "status_drift", "timeline"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(json.hasPrefix("{\n  \"schema\": \"erranalyze.report/v1\""))
        let totals = object["totals"] as! [String: Any]
        #expect((totals["error_rate"] as! NSNumber).doubleValue == 0.75)
    }

    @Test func textFitsInOneHundredColumns() throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        var lines = sampleLines
        lines.append(#"1.1.1.1 - - [17/May/2015:10:05:03 +0000] "GET /a/very/long/route/that/goes/on/and/on/and/on/forever/and/ever/and/then/some/more/still HTTP/1.1" 404 10"#)
        try store.commit(checkpoint(parseCombined(lines), bytes: 100, head: "x"))
        let text = TextReportRenderer().render(try ReportBuilder(store: store, classifier: Classifier()).build(ReportOptions()))
        for line in text.split(separator: "\n") { #expect(line.count <= 100, "too wide: \(line)") }
        #expect(text.contains("Routes with the most errors"))
    }
}

@Suite struct TimeExpressionTests {
    let utc = TimeExpression(now: 1_763_640_000, timeZone: TimeZone(identifier: "UTC")!) // 2025-11-20T12:00:00Z

    @Test func relativeTimes() throws {
        #expect(try utc.instant("90m") == 1_763_640_000 - 5400)
        #expect(try utc.instant("24h") == 1_763_640_000 - 86_400)
        #expect(try utc.instant("7d") == 1_763_640_000 - 7 * 86_400)
    }

    @Test func absoluteTimes() throws {
        #expect(try utc.instant("2025-11-01") == 1_761_955_200)
        #expect(try utc.instant("2025-11-01T10:00:00Z") == 1_761_991_200)
        #expect(try utc.instant("2025-11-01T12:00:00+02:00") == 1_761_991_200)
        #expect(try utc.instant("@1700000000") == 1_700_000_000)
        #expect(throws: TimeExpression.ParseError.self) { try utc.instant("last tuesday") }
    }

    @Test func daysFollowTheTimeZone() throws {
        let paris = TimeExpression(now: 1_763_640_000, timeZone: TimeExpression.timeZone(named: "Europe/Paris")!)
        let day = try paris.day("yesterday")
        #expect(day.start == 1_763_506_800) // 2025-11-18T23:00:00Z
        #expect(day.end - day.start == 86_400)
        // The day summer time ends has 25 hours.
        let autumn = try paris.day("2025-10-26")
        #expect(autumn.end - autumn.start == 90_000)
        #expect(TimeExpression.timeZone(named: "+05:30")?.secondsFromGMT() == 19_800)
    }

    @Test func isoFormattingRoundTrips() {
        #expect(TimeFormatting.iso8601(1_761_991_200) == "2025-11-01T10:00:00Z")
        #expect(TimeFormatting.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(JSONWriter.number(0.0220) == "0.022")
        #expect(JSONWriter.number(1) == "1")
    }
}
