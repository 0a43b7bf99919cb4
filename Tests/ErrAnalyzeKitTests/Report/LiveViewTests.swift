import Foundation
import Testing
@testable import ErrAnalyzeKit

/// The live view's model as plain data: minutes in, snapshots out.
@Suite struct LiveViewTests {
    static let t0: Int64 = 1_800_000_000 - 1_800_000_000 % 60   // a minute's start

    static func minute(_ offset: Int64, _ rows: [(String, Int16, String, Int64)], host: String = "web1",
                       clients: [String: Int64] = [:]) -> LiveMinute {
        var minute = LiveMinute(minute: t0 / 60 + offset)
        for (route, status, code, count) in rows {
            minute.add(LiveMinute.Key(host: host, method: "GET", route: route, status: status, code: code), requests: count)
        }
        for (client, count) in clients { minute.addRateLimited(client: client, count: count) }
        return minute
    }

    @Test func totalsAndRatesOverTheWindow() {
        let view = LiveView(startedAt: Self.t0 - 3600)
        view.add(Self.minute(0, [("/a", 200, "", 90), ("/a", 500, "BOOM", 10)]))
        view.add(Self.minute(-1, [("/a", 200, "", 1000)]))
        let now = Self.t0 + 29   // 30 s into the minute
        let one = view.snapshot(windowMinutes: 1, now: now)
        #expect(one.requests == 100 && one.errors == 10)
        #expect(one.seconds == 30)
        #expect(abs(one.requestsPerSecond - 100.0 / 30) < 1e-9)
        #expect(abs(one.errorRate - 0.1) < 1e-12)
        let five = view.snapshot(windowMinutes: 5, now: now)
        #expect(five.requests == 1100 && five.errors == 10)
        #expect(five.seconds == 4 * 60 + 30)
        #expect(five.sparkline.count == 15)
        #expect(five.sparkline.last == LiveSnapshot.SparkPoint(minute: Self.t0 / 60, requests: 100, errors: 10))
        #expect(five.sparkline[13].requests == 1000)
    }

    @Test func newCodesAndSpikesComeFirst() {
        let view = LiveView(startedAt: Self.t0 - 3600)
        // The window before (minute −1): STEADY 40, SPIKY 3.  This one: STEADY 41, SPIKY 30, FRESH 1.
        view.add(Self.minute(-1, [("/a", 500, "STEADY", 40), ("/b", 503, "SPIKY", 3)]))
        view.add(Self.minute(0, [("/a", 500, "STEADY", 41), ("/b", 503, "SPIKY", 30), ("/c", 400, "FRESH", 1)]))
        let snapshot = view.snapshot(windowMinutes: 1, now: Self.t0 + 59)
        #expect(snapshot.codes.map(\.code) == ["FRESH", "SPIKY", "STEADY"])
        #expect(snapshot.codes[0].change == .new)
        #expect(snapshot.codes[1].change == .spike(ratio: 10))
        #expect(snapshot.codes[2].previous == 40)
        if case .change(let fraction) = snapshot.codes[2].change { #expect(abs(fraction - 0.025) < 1e-9) } else { Issue.record("STEADY changed") }
    }

    @Test func aYoungViewDoesNotCallEverythingNew() {
        let view = LiveView(startedAt: Self.t0 + 10)
        view.add(Self.minute(0, [("/a", 500, "X", 5)]))
        let snapshot = view.snapshot(windowMinutes: 1, now: Self.t0 + 40)
        #expect(snapshot.codes.first?.change == .unknown)
        #expect(snapshot.codes.first?.previous == nil)
        #expect(snapshot.seconds == 31, "rates over the time the view has seen")
    }

    @Test func routesHostsAndClientsSortedAndFiltered() {
        let view = LiveView(startedAt: Self.t0 - 3600)
        view.add(Self.minute(0, [("/busy", 200, "", 1000), ("/busy", 500, "E", 10), ("/bad", 500, "E", 5), ("/bad", 200, "", 5)],
                             clients: ["10.0.0.1": 7, "10.0.0.2": 9]))
        view.add(Self.minute(0, [("/busy", 429, "RATE", 3)], host: "web2"))
        let now = Self.t0 + 59
        let byErrors = view.snapshot(windowMinutes: 1, now: now)
        #expect(byErrors.routes.map(\.route) == ["/busy", "/bad"])
        #expect(byErrors.hosts.map(\.host) == ["web1", "web2"])
        #expect(byErrors.rateLimitedClients.map(\.client) == ["10.0.0.2", "10.0.0.1"])
        let byRate = view.snapshot(windowMinutes: 1, now: now, sort: .errorRate)
        #expect(byRate.routes.map(\.route) == ["/bad", "/busy"])
        #expect(byRate.hosts.map(\.host) == ["web2", "web1"])
        let only5xx = view.snapshot(windowMinutes: 1, now: now, filter: LiveFilter("5xx"))
        #expect(only5xx.requests == 15 && only5xx.errors == 15)
        let onlyBad = view.snapshot(windowMinutes: 1, now: now, filter: LiveFilter("/bad"))
        #expect(onlyBad.requests == 10)
        let onlyCode = view.snapshot(windowMinutes: 1, now: now, filter: LiveFilter("RATE"))
        #expect(onlyCode.requests == 3 && onlyCode.hosts.map(\.host) == ["web2"])
        #expect(LiveSort.errors.next == .requests && LiveSort.errorRate.next == .errors)
    }

    @Test func memoryIsBounded() {
        let view = LiveView(startedAt: Self.t0)
        for offset in 0..<120 { view.add(Self.minute(Int64(offset), [("/a", 200, "", 1)])) }
        let snapshot = view.snapshot(windowMinutes: 15, now: Self.t0 + 119 * 60)
        #expect(snapshot.requests == 15)
        #expect(view.totalRequests == 120)
        var minute = LiveMinute(minute: 0)
        for n in 0..<(LiveMinute.maxRows + 10) {
            minute.add(LiveMinute.Key(host: "h", method: "GET", route: "/r\(n)", status: 200, code: ""), requests: 1)
        }
        #expect(minute.requests.count == LiveMinute.maxRows + 1)
        #expect(minute.requests.values.reduce(0, +) == Int64(LiveMinute.maxRows + 10))
    }

    @Test func anIngestStepIsCountedInTheMinuteItWasRead() throws {
        var aggregate = TrafficAggregate()
        let lines = [
            "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 \"-\" \"t\"",
            "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 429 5 \"-\" \"t\"",
            "5.6.7.8 - - [17/May/2015:10:05:03 +0000] \"POST /b HTTP/1.1\" 503 5 \"-\" \"t\"",
        ]
        var parser = FormatRegistry.preset(named: "combined")!.makeParser()
        var record = RequestRecord()
        for line in lines {
            let bytes = Array(line.utf8)
            let result = bytes.withUnsafeBytes { parser.parse($0, into: &record) }
            if case .request = result { aggregate.add(record) }
        }
        let view = LiveView(startedAt: Self.t0)
        view.add(aggregate, host: "web1", at: Self.t0 + 5)
        let snapshot = view.snapshot(windowMinutes: 1, now: Self.t0 + 10)
        #expect(snapshot.requests == 3 && snapshot.errors == 2)
        #expect(snapshot.rateLimitedClients == [LiveSnapshot.ClientRow(client: "1.2.3.4", rateLimited: 1)])
        #expect(Set(snapshot.routes.map { "\($0.method) \($0.route)" }) == ["GET /a", "POST /b"])
    }

    @Test func summaryLinesGiveEachIntervalsCounts() {
        let view = LiveView(startedAt: Self.t0)
        var summary = LiveSummaryLine(startedAt: Double(Self.t0))
        view.add(Self.minute(0, [("/a", 200, "", 90), ("/a", 502, "UPSTREAM", 10)]))
        let first = summary.line(view: view, time: Double(Self.t0 + 10))
        view.add(Self.minute(0, [("/a", 200, "", 20)]))
        let second = summary.line(view: view, time: Double(Self.t0 + 20))
        let firstFields = first.split(separator: " ")
        #expect(firstFields[1] == "100" && firstFields[2] == "10.0" && firstFields[3] == "10", "\(first)")
        #expect(first.hasSuffix("UPSTREAM 10"), "\(first)")
        let secondFields = second.split(separator: " ")
        #expect(secondFields[1] == "20" && secondFields[3] == "0", "\(second)")
        #expect(LiveSummaryLine.header.split(separator: " ").count == 8)
    }
}
