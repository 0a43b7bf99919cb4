import Foundation
import Testing
@testable import ErrAnalyzeKit

/// Issue 11, items 15, 18 and 19, stage by stage: the range of times, CSV formula guards, and
/// the window a report says it counted. (Item 17, `--tz -05:00`, is argument parsing: see
/// Tests/EndToEndTests/ReportHardeningTests.swift.)
@Suite struct TimeRangeTests {
    let utc = TimeExpression(now: 1_763_640_000, timeZone: TimeZone(identifier: "UTC")!) // 2025-11-20T12:00:00Z

    @Test(arguments: ["100000000d", "99999999999999999d", "9999999999999w", "@-1", "@253402300800", "1969-12-31",
                      "1969-12-31T23:59:59Z", "0001-01-01", "9999-12-31T23:00:00-05:00"])
    func timesOutsideTheRangeAreRefused(_ text: String) {
        #expect(throws: TimeExpression.OutOfRange.self) { try utc.instant(text) }
    }

    @Test func theEdgesAreInside() throws {
        #expect(try utc.instant("@0") == 0)
        #expect(try utc.instant("1970-01-01") == 0)
        #expect(try utc.instant("9999-12-31T23:59:59Z") == 253_402_300_799)
        #expect(try utc.instant("20000d") == 1_763_640_000 - 20_000 * 86_400)
    }

    @Test func daysOutsideTheRangeAreRefused() throws {
        #expect(throws: TimeExpression.OutOfRange.self) { try utc.day("1969-12-31") }
        // Its first hour in +01:00 is still 1969 in UTC.
        let paris = TimeExpression(now: 1_763_640_000, timeZone: TimeExpression.timeZone(named: "+01:00")!)
        #expect(throws: TimeExpression.OutOfRange.self) { try paris.day("1970-01-01") }
        let last = try utc.day("9999-12-31")
        #expect(last.end == 253_402_300_800)
    }

    @Test func theMessageNamesTheTimeAndTheRange() {
        #expect(TimeExpression.OutOfRange(text: "100000000d").description
                == "the time '100000000d' is outside 1970-01-01 to 9999-12-31 (UTC)")
    }

    @Test func fiveDigitYearsPrintWhole() {
        // The exclusive end of the last day, as text and Markdown headers show it.
        #expect(TimeFormatting.dateAndMinute(253_402_300_800) == "10000-01-01 00:00")
        #expect(TimeFormatting.dateAndMinute(253_402_300_800 - 36_000, offsetSeconds: 50_400) == "10000-01-01 04:00")
        #expect(ReportFormat.time(253_402_300_800, in: TimeZone(identifier: "UTC")!) == "10000-01-01 00:00")
        #expect(TimeFormatting.short(1_761_991_200) == "2025-11-01 10:00")
        #expect(TimeFormatting.iso8601(253_402_300_800) == "10000-01-01T00:00:00Z")
    }
}

@Suite struct CSVFormulaGuardTests {
    @Test func cellsASpreadsheetWouldRunGetAQuote() {
        for text in ["=1+2", "+BAD", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "=HYPERLINK(\"http://x\",\"y\")"] {
            #expect(CSVReportRenderer.guardingFormula(text) == "'" + text, "\(text.debugDescription)")
        }
        for text in ["/v1/users/{id}", "NOT-=FOUND", "key=1", "", " =1", "'quoted", "ÉCHEC"] {
            #expect(CSVReportRenderer.guardingFormula(text) == text, "\(text.debugDescription)")
        }
    }

    func report() throws -> Report {
        var requests = sampleAPIRequests()
        requests += repeated(3, start: reportDay + 12 * 3600) {
            TestRequest(time: $0, method: "GET", path: "=1+2", status: 400, code: "-EVIL", client: "@attacker")
        }
        return try buildReport(requests, ReportOptions(window: reportDayWindow))
    }

    @Test func onlyLoggedTextIsGuardedAndRawKeepsItAsLogged() throws {
        let report = try report()
        let routes = try CSVReportRenderer(section: "routes").render(report)
        #expect(routes.contains("\r\nGET,'=1+2,3,3,1\r\n"), "\(routes)")
        let codes = try CSVReportRenderer(section: "codes").render(report)
        #expect(codes.contains("\r\n'-EVIL,400,3,"), "\(codes)")
        let clients = try CSVReportRenderer(section: "clients").render(report)
        #expect(clients.contains("\r\n'@attacker,3,0\r\n"), "\(clients)")
        let raw = try CSVReportRenderer(section: "routes", guardsFormulas: false).render(report)
        #expect(raw.contains("\r\nGET,=1+2,3,3,1\r\n"), "\(raw)")
        #expect(try CSVReportRenderer(section: "clients", guardsFormulas: false).render(report).contains("\r\n@attacker,3,0\r\n"))
    }

    @Test func numbersTimesAndRatesAreNeverGuarded() {
        let renderer = CSVReportRenderer()
        #expect(renderer.value(.count(-5)) == "-5")
        #expect(renderer.value(.ratio(-0.25)) == "-0.25")
        #expect(renderer.value(.change(now: -3, before: -1)) == "-3")
        #expect(renderer.value(.time(0)) == "1970-01-01T00:00:00Z")
        #expect(renderer.value(.text("-5")) == "'-5")
    }
}

@Suite struct CountedWindowTests {
    @Test func theReportShowsTheWholeHoursItCounted() throws {
        // 2026-11-20 in +05:30 is 2026-11-19T18:30Z to 2026-11-20T18:30Z; hours make it 18:00Z to 19:00Z.
        let kolkata = TimeExpression(now: reportDay, timeZone: TimeZone(identifier: "Asia/Kolkata")!)
        let day = try kolkata.day("2026-11-20")
        #expect(day.start == reportDay - 19_800)
        let asked = Report.Window(since: day.start, until: day.end)
        let requests = [reportDay - 21_000, reportDay - 20_000, reportDay - 19_000, reportDay + 66_000, reportDay + 67_000, reportDay + 68_400]
            .map { TestRequest(time: $0, method: "GET", path: "/v1/a", status: 200) }
        let report = try buildReport(requests, ReportOptions(window: asked))
        #expect(report.window == Report.Window(since: reportDay - 21_600, until: reportDay + 68_400))
        // Exactly the requests inside the window shown are counted.
        let shown = requests.filter { $0.time >= report.window.since! && $0.time < report.window.until! }.count
        #expect(report.totals.requests == Int64(shown))
        #expect(shown == 5)
        #expect(report.timeline.count == 25)
    }

    @Test func openEndsStayOpenAndWholeHoursStayAsAsked() {
        #expect(ReportBuilder.window(of: ReportBuilder.hours(of: Report.Window())) == Report.Window())
        #expect(ReportBuilder.window(of: ReportBuilder.hours(of: Report.Window(since: 5400))) == Report.Window(since: 3600))
        #expect(ReportBuilder.window(of: ReportBuilder.hours(of: Report.Window(until: 5400))) == Report.Window(until: 7200))
        #expect(ReportBuilder.window(of: ReportBuilder.hours(of: reportDayWindow)) == reportDayWindow)
    }
}
