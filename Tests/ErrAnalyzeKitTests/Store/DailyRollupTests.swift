import Foundation
import Testing
@testable import ErrAnalyzeKit
@testable import ErrAnalyzeSQLite

/// Whole days read from `traffic_daily` give what summing their hours gives, for any window,
/// after any prune, and in a database made before the daily table existed.
@Suite struct DailyRollupTests {
    // MARK: Planning a window

    @Test func aWindowSplitsIntoWholeDaysAndTheHoursAtItsEnds() {
        // 2026-11-10 05:00 to 2026-11-20 17:00 UTC.
        let first: Int32 = 20_402 * 24 + 5, last: Int32 = 20_412 * 24 + 17
        let plan = DailyRollup.plan(HourWindow(first: first, last: last))
        #expect(plan.days == 20_403...20_411)
        #expect(plan.hourRanges == [HourWindow(first: first, last: 20_403 * 24 - 1), HourWindow(first: 20_412 * 24, last: last)])
        // Aligned on midnight at both ends: days only.
        #expect(DailyRollup.plan(HourWindow(first: 20_402 * 24, last: 20_404 * 24 - 1)) == .init(days: 20_402...20_403, hourRanges: []))
        // Less than a whole day, or a day cut in two: hours only.
        let short = HourWindow(first: 20_402 * 24 + 1, last: 20_403 * 24 + 22)
        #expect(DailyRollup.plan(short) == .init(days: nil, hourRanges: [short]))
        // Open ends read every day on that side.
        let open = DailyRollup.plan(HourWindow(first: nil, last: 20_402 * 24 + 3))
        #expect(open.days == Int64.min...20_401)
        #expect(open.hourRanges == [HourWindow(first: 20_402 * 24, last: 20_402 * 24 + 3)])
        #expect(DailyRollup.plan(.all) == .init(days: Int64.min...Int64.max, hourRanges: []))
    }

    @Test func daysBefore1970RoundDown() {
        #expect(DailyRollup.day(ofHour: 0) == 0)
        #expect(DailyRollup.day(ofHour: 23) == 0)
        #expect(DailyRollup.day(ofHour: -1) == -1)
        #expect(DailyRollup.day(ofHour: -24) == -1)
        #expect(DailyRollup.day(ofHour: -25) == -2)
    }

    // MARK: Against the hours

    /// Random traffic over twelve days, committed in several steps.
    static func randomStore(seed: UInt64) throws -> SQLiteStore {
        var random = TestRandom(seed: seed)
        let store = try SQLiteStore(path: temporaryDatabase())
        let months = ["Nov"]
        var bytes: Int64 = 0
        var entry: Int64?
        for _ in 0..<5 {
            var lines: [String] = []
            for _ in 0..<Int.random(in: 200...600, using: &random) {
                let day = Int.random(in: 1...12, using: &random), hour = Int.random(in: 0...23, using: &random)
                let status = [200, 200, 201, 304, 400, 404, 429, 500, 503].randomElement(using: &random)!
                let path = ["/v1/users/\(Int.random(in: 1...50, using: &random))", "/v1/orders", "/health", "/v2/items/abc"].randomElement(using: &random)!
                let method = ["GET", "POST", "DELETE"].randomElement(using: &random)!
                lines.append("10.0.0.\(Int.random(in: 1...20, using: &random)) - - [\(String(format: "%02d", day))/\(months[0])/2026:\(String(format: "%02d", hour)):13:00 +0000] \"\(method) \(path) HTTP/1.1\" \(status) 12 \"-\" \"t\"")
            }
            let expected = bytes
            bytes += 1000
            entry = try store.commit(checkpoint(parseCombined(lines), entry: entry, expected: expected, bytes: bytes, head: "random \(seed)"))
        }
        return store
    }

    /// What summing the hourly rows of a window gives (the definition the daily table must match).
    static func fromHours(_ store: SQLiteStore, _ window: HourWindow) throws -> [String] {
        var rows: [String] = []
        try store.connection.prepare("""
            SELECT r.value, m.value, t.status, coalesce(c.value, '-'), t.flags, sum(t.requests), sum(t.timed_requests), sum(t.duration_us)
            FROM traffic t JOIN routes r ON r.id = t.route_id JOIN methods m ON m.id = t.method_id LEFT JOIN codes c ON c.id = t.code_id
            WHERE t.hour >= ? AND t.hour <= ? GROUP BY 1, 2, 3, 4, 5
            """).bind([Int64(window.first ?? .min), Int64(window.last ?? .max)]).forEachRow { row in
                rows.append("\(row.string(0)) \(row.string(1)) \(row.int(2)) \(row.string(3)) \(row.int(4)) \(row.int(5)) \(row.int(6)) \(row.int(7))")
            }
        return rows.sorted()
    }

    static func statusesFromHours(_ store: SQLiteStore, _ window: HourWindow) throws -> [String] {
        var rows: [String] = []
        try store.connection.prepare("SELECT hour, status, sum(requests) FROM traffic WHERE hour >= ? AND hour <= ? GROUP BY 1, 2 ORDER BY 1, 2")
            .bind([Int64(window.first ?? .min), Int64(window.last ?? .max)]).forEachRow { rows.append("\($0.int(0)) \($0.int(1)) \($0.int(2))") }
        return rows
    }

    static func viaStore(_ store: SQLiteStore, _ window: HourWindow) throws -> [String] {
        try store.trafficGroups(in: window).map {
            "\($0.route) \($0.method) \($0.status) \($0.code ?? "-") \($0.flags) \($0.counts.requests) \($0.counts.timedRequests) \($0.counts.durationMicros)"
        }.sorted()
    }

    static func randomWindow(_ random: inout TestRandom) -> HourWindow {
        let base: Int32 = 20_392 * 24  // 2025-11-01 00:00 UTC, before the data
        let a = base + Int32.random(in: 0...(16 * 24), using: &random), b = base + Int32.random(in: 0...(16 * 24), using: &random)
        switch Int.random(in: 0..<5, using: &random) {
        case 0: return HourWindow(first: nil, last: max(a, b))
        case 1: return HourWindow(first: min(a, b), last: nil)
        case 2: return HourWindow(first: a - a % 24, last: (b - b % 24) + 23)
        default: return HourWindow(first: min(a, b), last: max(a, b))
        }
    }

    @Test(arguments: [1, 2, 3])
    func anyWindowGivesWhatItsHoursGive(seed: UInt64) throws {
        var random = TestRandom(seed: seed + 100)
        let store = try Self.randomStore(seed: seed)
        #expect(try Self.viaStore(store, .all) == Self.fromHours(store, .all))
        for _ in 0..<40 {
            let window = Self.randomWindow(&random)
            #expect(try Self.viaStore(store, window) == Self.fromHours(store, window), "seed \(seed), \(window)")
            let statuses = try store.hourlyStatusCounts(in: window).map { "\($0.hour) \($0.status) \($0.requests)" }
            #expect(statuses == (try Self.statusesFromHours(store, window)), "seed \(seed), \(window)")
        }
    }

    /// A prune at any hour, even one inside a day, leaves the daily table equal to what the
    /// remaining hours sum to.
    @Test(arguments: [4, 5, 6])
    func pruningAtAnyHourKeepsTheDaysExact(seed: UInt64) throws {
        var random = TestRandom(seed: seed + 100)
        let store = try Self.randomStore(seed: seed)
        let cut = Int32(20_392 * 24) + Int32.random(in: 0...(16 * 24), using: &random)
        _ = try store.prune(beforeHour: cut, now: 2_000_000_000)
        for _ in 0..<20 {
            let window = Self.randomWindow(&random)
            #expect(try Self.viaStore(store, window) == Self.fromHours(store, window), "seed \(seed), prune before \(cut), \(window)")
        }
        let daily = try store.connection.prepare("SELECT count(*) FROM traffic_daily WHERE day < ?").bind([Int64(cut / 24)]).firstRow { $0.int(0) }
        #expect(daily == 0, "no day before the cut's day is left")
    }

    /// A database made with schema 2 gets its daily table filled from the hours it holds.
    @Test func aSchema2DatabaseIsFilledFromItsHours() throws {
        let path = temporaryDatabase()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let legacy = try SQLiteConnection(path: path)
        for migration in SQLiteMigrations.all.prefix(2) { try legacy.execute(migration) }
        try legacy.execute("PRAGMA user_version = 2")
        try legacy.execute("""
            INSERT INTO routes (id, value) VALUES (1, '/a'), (2, '/b');
            INSERT INTO methods (id, value) VALUES (1, 'GET');
            INSERT INTO traffic VALUES (489600, 1, 1, 200, 0, 0, 5, 5, 500), (489601, 1, 1, 200, 0, 0, 7, 0, 0),
                                       (489623, 2, 1, 503, 0, 0, 1, 1, 90), (489624, 1, 1, 200, 0, 0, 2, 0, 0),
                                       (-1, 2, 1, 404, 0, 0, 3, 0, 0);
            """)
        let store = try SQLiteStore(path: path)
        #expect(try store.schemaVersion() == SQLiteMigrations.currentVersion)
        let days = try store.connection.prepare("SELECT day, route_id, status, requests FROM traffic_daily ORDER BY 1, 2")
        var rows: [String] = []
        try days.forEachRow { rows.append("\($0.int(0)) \($0.int(1)) \($0.int(2)) \($0.int(3))") }
        #expect(rows == ["-1 2 404 3", "20400 1 200 12", "20400 2 503 1", "20401 1 200 2"])
        for window in [HourWindow.all, HourWindow(first: 489600, last: 489623), HourWindow(first: 489601, last: 489624)] {
            #expect(try Self.viaStore(store, window) == Self.fromHours(store, window), "\(window)")
        }
    }
}
