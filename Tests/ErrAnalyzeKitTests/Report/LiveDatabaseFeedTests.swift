import Foundation
import Testing
@testable import ErrAnalyzeKit
@testable import ErrAnalyzeSQLite

/// `top` with no files: the database's recent minutes read into the live view at each
/// refresh, what it says when there is nothing to show, and a database that appears later.
@Suite struct LiveDatabaseFeedTests {
    static let now: Int64 = 1_795_132_800 + 600   // 2026-11-20T00:10:00Z

    final class FakeStore: RecentMinutesStore {
        var minutes: [LiveMinute] = []
        var asked: [Int64] = []
        func recentMinutes(since firstMinute: Int64) throws -> [LiveMinute] {
            asked.append(firstMinute)
            return minutes.filter { $0.minute >= firstMinute }
        }
    }

    func minute(_ offset: Int64, host: String, status: Int16, count: Int64) -> LiveMinute {
        var m = LiveMinute(minute: LiveView.minute(of: Self.now) + offset)
        m.add(LiveMinute.Key(host: host, method: "GET", route: "/a", status: status, code: ""), requests: count)
        return m
    }

    @Test func eachRefreshReplacesTheViewWithTheStoresMinutes() {
        let store = FakeStore()
        store.minutes = [minute(0, host: "web-1", status: 200, count: 7), minute(-3, host: "web-2", status: 503, count: 2)]
        let feed = LiveDatabaseFeed(now: Self.now) { store }
        feed.refresh(now: Self.now)
        #expect(store.asked == [LiveView.minute(of: Self.now) - LiveView.keptMinutes + 1])
        #expect(feed.notice == nil)
        var five = feed.view.snapshot(windowMinutes: 5, now: Self.now)
        #expect(five.requests == 9 && five.errors == 2)
        #expect(five.hosts.map(\.host) == ["web-2", "web-1"])
        #expect(five.seconds == 4 * 60 + 1, "the view has seen the whole window: the database holds it")

        // The next refresh reads again: counts are replaced, never added twice.
        store.minutes = [minute(0, host: "web-1", status: 200, count: 8)]
        feed.refresh(now: Self.now)
        five = feed.view.snapshot(windowMinutes: 5, now: Self.now)
        #expect(five.requests == 8 && five.errors == 0)
    }

    @Test func noRecentMinutesAndAStoreThatCannotBeOpenedAreSaidAndTriedAgain() throws {
        var opens = 0
        var failing = true
        let store = FakeStore()
        let feed = LiveDatabaseFeed(now: Self.now) {
            opens += 1
            if failing { throw StoreError(message: "db.sqlite: no database here yet", code: 0) }
            return store
        }
        feed.refresh(now: Self.now)
        #expect(feed.notice == "db.sqlite: no database here yet")
        failing = false
        feed.refresh(now: Self.now)
        #expect(feed.notice == LiveDatabaseFeed.noRecentMinutes)
        store.minutes = [minute(0, host: "web-1", status: 200, count: 1)]
        feed.refresh(now: Self.now)
        #expect(feed.notice == nil)
        #expect(opens == 2, "opened again after a failure only")
    }

    @Test func aSQLiteDatabaseServesTheMinutesItsIngestCounted() throws {
        let path = temporaryDatabase()
        let writer = try SQLiteStore(path: path, host: "web-1")
        let now = Int64(Date().timeIntervalSince1970)
        var requests: [TestRequest] = []
        for i in 0..<120 { requests.append(TestRequest(time: now - Int64(i * 20), method: "GET", path: "/v1/items/\(i)", status: i % 4 == 0 ? 500 : 200)) }
        requests.append(TestRequest(time: now - 2 * 3600, method: "GET", path: "/old", status: 500))
        try writer.commit(checkpoint(aggregate(requests), bytes: 100, head: "recent"))
        let feed = LiveDatabaseFeed(now: now) { try SQLiteStore(path: path, readOnly: true) }
        feed.refresh(now: now)
        let fifteen = feed.view.snapshot(windowMinutes: 15, now: now)
        // 15 minutes: the lines of the last 14 minutes and the seconds of this one.
        let inWindow = requests.filter { LiveView.minute(of: $0.time) > LiveView.minute(of: now) - 15 }
        #expect(fifteen.requests == Int64(inWindow.count))
        #expect(fifteen.errors == Int64(inWindow.filter { $0.status >= 400 }.count))
        #expect(fifteen.routes.map(\.route) == ["/v1/items/{id}"])
        #expect(fifteen.hosts.map(\.host) == ["web-1"])
    }

    @Test func theWindowsP95ComesFromItsMinutesDurationsAndIsShownWithTheTotals() {
        let store = FakeStore()
        let fast = LatencyBuckets.bucket(ofMicros: 20_000), slow = LatencyBuckets.bucket(ofMicros: 900_000)
        var current = minute(0, host: "web-1", status: 200, count: 100)
        current.addLatency(bucket: fast, count: 90)
        current.addLatency(bucket: slow, count: 10)
        var older = minute(-10, host: "web-1", status: 200, count: 1000)
        older.addLatency(bucket: slow, count: 1000)   // outside a 5-minute window
        store.minutes = [older, current]
        let feed = LiveDatabaseFeed(now: Self.now) { store }
        feed.refresh(now: Self.now)
        let five = feed.view.snapshot(windowMinutes: 5, now: Self.now)
        #expect(five.p95Micros == LatencyBuckets.representative(of: slow), "the 95th of 100 is among the 10 slow ones")
        let fifteen = feed.view.snapshot(windowMinutes: 15, now: Self.now)
        #expect(fifteen.p95Micros == LatencyBuckets.representative(of: slow))
        store.minutes = [current.replacingLatency(bucket: slow, count: 4)]
        feed.refresh(now: Self.now)
        let mostlyFast = feed.view.snapshot(windowMinutes: 5, now: Self.now)
        #expect(mostlyFast.p95Micros == LatencyBuckets.representative(of: fast), "90 fast and 4 slow: the 90th of 94 is fast")
        #expect(feed.view.snapshot(windowMinutes: 5, now: Self.now, filter: LiveFilter("5xx")).p95Micros == nil,
                "durations are not kept per route or status: no p95 under a filter")

        let lines = LiveScreenLayout.lines(five, state: LiveScreenState(windowMinutes: 5, filter: ""), width: 120, height: 30,
                                           now: Self.now, source: "database db.sqlite", unicode: true)
        let totals = lines[1].map(\.text).joined()
        #expect(totals.contains("p95 " + DurationText.human(LatencyBuckets.representative(of: slow))), "\(totals)")
        store.minutes = [minute(0, host: "web-1", status: 200, count: 5)]
        feed.refresh(now: Self.now)
        let untimed = feed.view.snapshot(windowMinutes: 5, now: Self.now)
        #expect(untimed.p95Micros == nil)
        let plain = LiveScreenLayout.lines(untimed, state: LiveScreenState(windowMinutes: 5, filter: ""), width: 120, height: 30,
                                           now: Self.now, source: "database db.sqlite", unicode: true)
        #expect(!plain[1].map(\.text).joined().contains("p95"), "no durations logged: no p95")
    }
}

extension LiveMinute {
    /// A copy with `count` durations in `bucket` (the others as they were).
    func replacingLatency(bucket: Int, count: Int64) -> LiveMinute {
        var copy = LiveMinute(minute: minute)
        for (key, n) in requests { copy.add(key, requests: n) }
        for (b, n) in latency where b != bucket { copy.addLatency(bucket: b, count: n) }
        copy.addLatency(bucket: bucket, count: count)
        return copy
    }
}
