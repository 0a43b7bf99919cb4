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
}
