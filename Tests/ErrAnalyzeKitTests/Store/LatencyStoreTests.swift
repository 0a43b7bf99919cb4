import Foundation
import Testing
import TestSupport
@testable import ErrAnalyzeKit
@testable import ErrAnalyzeSQLite

/// The SQLite store's latency rows (migration 6): written with each step, capped like the
/// traffic rows, rolled up by day, pruned, and read back summed.
@Suite struct LatencyStoreTests {
    func timed(_ n: Int, start: Int64, path: String, status: Int = 200, micros: (Int) -> Int64) -> [TestRequest] {
        (0..<n).map { TestRequest(time: start + Int64($0) * 10, method: "GET", path: path, status: status, durationMicros: micros($0)) }
    }

    func histogramTotal(_ groups: [LatencyGroup]) -> Int64 { groups.reduce(0) { $0 + $1.requests } }

    @Test func onlyNonEmptyBucketsAreStoredAndTheyAddUpAcrossSteps() throws {
        let store = try SQLiteStore(path: temporaryDatabase(), host: "web-1")
        #expect(try store.schemaVersion() == SQLiteMigrations.currentVersion)
        #expect(try store.latencyLayoutVersion() == LatencyBuckets.layoutVersion)
        let first = timed(100, start: reportDay, path: "/a") { _ in 20_000 }          // one bucket
        let second = timed(50, start: reportDay + 1800, path: "/a") { _ in 20_000 }
        try store.commit(checkpoint(aggregate(first), bytes: 10, head: "one"))
        try store.commit(checkpoint(aggregate(second), bytes: 10, head: "two"))
        // One stored traffic row for the key, its one non-empty bucket packed in its `latency`.
        var rows: [(Int64, Int64)] = []
        var storedRows = 0
        try store.connection.prepare("SELECT latency FROM traffic WHERE latency IS NOT NULL").forEachRow { row in
            storedRows += 1
            for pair in PackedLatencyBuckets.pairs(row.blob(0)) { rows.append((Int64(pair.bucket), pair.count)) }
        }
        #expect(storedRows == 1)
        #expect(rows.count == 1)
        #expect(rows.first?.1 == 150)
        #expect(Int(rows.first!.0) == LatencyBuckets.bucket(ofMicros: 20_000))
        let groups = try store.latencyGroups(in: .all, matching: TrafficFilter())
        #expect(groups == [LatencyGroup(route: "/a", method: "GET", status: 200, bucket: LatencyBuckets.bucket(ofMicros: 20_000), requests: 150)])
    }

    @Test func wholeDaysComeFromTheDailyRowsAndGiveTheSameSumsAsTheHours() throws {
        let store = try SQLiteStore(path: temporaryDatabase(), host: "web-1")
        var rng = SeededGenerator(seed: 7)
        let requests = (0..<3).flatMap { day in
            timed(300, start: reportDay + Int64(day) * 86_400 + 4_000, path: ["/v1/alpha", "/v1/beta", "/v1/gamma"][day], status: day == 1 ? 503 : 200) { _ in
                Int64.random(in: 0...900_000, using: &rng)
            }
        }
        try store.commit(checkpoint(aggregate(requests), bytes: 10, head: "days"))
        let firstHour = Int32(reportDay / 3600)
        let window = HourWindow(first: firstHour, last: firstHour + 72 - 1)
        #expect(DailyRollup.plan(window).days != nil)
        let viaDays = try store.latencyGroups(in: window, matching: TrafficFilter())
        let viaHours = try store.latencyGroups(in: HourWindow(first: firstHour + 1, last: firstHour + 71), matching: TrafficFilter())
        #expect(viaDays == viaHours)  // every request is after the first hour
        #expect(histogramTotal(viaDays) == 900)
        let only5xx = try store.latencyGroups(in: window, matching: TrafficFilter(statuses: [.init(500, 599)]))
        #expect(histogramTotal(only5xx) == 300)
        let hourly = try store.hourlyLatency(in: window, matching: TrafficFilter())
        #expect(hourly.reduce(0) { $0 + $1.requests } == 900)
        let hourlyRoute = try store.hourlyLatency(in: window, matching: TrafficFilter(routes: ["/v1/gamma"]))
        #expect(hourlyRoute.reduce(0) { $0 + $1.requests } == 300)
    }

    @Test func routesFoldedByThePerHourCapFoldTheirLatencyIdentically() throws {
        let store = try SQLiteStore(path: temporaryDatabase(), host: "web-1")
        store.maxRoutesPerHour = 2
        let requests = timed(30, start: reportDay, path: "/busy") { _ in 1_000 }
            + timed(20, start: reportDay, path: "/second") { _ in 2_000 }
            + timed(5, start: reportDay, path: "/quiet") { _ in 3_000 }
            + timed(4, start: reportDay, path: "/quieter") { _ in 4_000 }
        try store.commit(checkpoint(aggregate(requests), bytes: 10, head: "cap"))
        let traffic = Dictionary(grouping: try store.trafficGroups(in: .all), by: \.route).mapValues { $0.reduce(0) { $0 + $1.counts.timedRequests } }
        let latency = Dictionary(grouping: try store.latencyGroups(in: .all, matching: TrafficFilter()), by: \.route)
            .mapValues { $0.reduce(0) { $0 + $1.requests } }
        #expect(latency == traffic)
        #expect(latency[TrafficAggregate.otherRoute] == 9)
    }

    @Test func pruneRemovesTheLatencyRowsOfTheHoursItRemoves() throws {
        let store = try SQLiteStore(path: temporaryDatabase(), host: "web-1")
        let requests = timed(10, start: reportDay, path: "/old") { _ in 5_000 } + timed(10, start: reportDay + 86_400 + 7_200, path: "/new") { _ in 5_000 }
        try store.commit(checkpoint(aggregate(requests), bytes: 10, head: "prune"))
        _ = try store.prune(beforeHour: Int32((reportDay + 86_400 + 3_600) / 3600), now: reportDay + 90_000)
        #expect(try store.latencyGroups(in: .all, matching: TrafficFilter()).map(\.route) == ["/new"])
        #expect(try store.hourlyLatency(in: .all, matching: TrafficFilter()).reduce(0) { $0 + $1.requests } == 10)
        // The cut day is summed again from the hours that remain.
        let day = reportDay / 86_400 + 1
        let daily = try store.connection.prepare("SELECT sum(latency_total(buckets)) FROM latency_daily WHERE day = ?").bind([day]).firstRow { $0.int(0) }
        #expect(daily == 10)
    }

    /// A schema 5 database (durations summed, no histogram) is upgraded in place: old timed
    /// requests are said to be left out of the percentiles; new ones count.
    @Test func aSchema5DatabaseIsUpgradedAndItsOldTimedRequestsAreNamed() throws {
        let path = temporaryDatabase()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let legacy = try SQLiteConnection(path: path)
        for migration in SQLiteMigrations.all.prefix(5) { try legacy.execute(migration) }
        try legacy.execute("PRAGMA user_version = 5")
        let hour = reportDay / 3600
        try legacy.execute("""
            INSERT INTO hosts (id, name) VALUES (1, 'web-1');
            INSERT INTO routes (id, value) VALUES (1, '/a');
            INSERT INTO methods (id, value) VALUES (1, 'GET');
            INSERT INTO traffic VALUES (\(hour), 1, 1, 1, 200, 0, 0, 40, 40, 400000);
            INSERT INTO traffic_daily VALUES (\(hour / 24), 1, 1, 1, 200, 0, 0, 40, 40, 400000);
            INSERT INTO status_hourly VALUES (\(hour), 1, 200, 40);
            """)
        let store = try SQLiteStore(path: path, host: "web-1")
        #expect(try store.schemaVersion() == SQLiteMigrations.currentVersion)
        var report = try ReportBuilder(store: store, classifier: Classifier()).build(ReportOptions())
        #expect(!report.latency.available)
        #expect(report.latency.note?.contains("40 requests") == true, "\(report.latency.note ?? "nil") \(report.totals.requests)")
        try store.commit(checkpoint(aggregate(timed(10, start: reportDay + 7_200, path: "/a") { _ in 30_000 }), bytes: 10, head: "new"))
        report = try ReportBuilder(store: store, classifier: Classifier()).build(ReportOptions())
        #expect(report.latency.available)
        #expect(report.latency.overall.count == 10)
        #expect(report.latency.note?.contains("40 timed requests") == true)
    }

    /// Windows with whole months read the monthly rows, whole days the daily ones, the ends the
    /// hours: always the sums of the hours, before and after a prune that cuts a month.
    @Test func monthsDaysAndHoursGiveTheSumsOfTheHours() throws {
        let store = try SQLiteStore(path: temporaryDatabase(), host: "web-1")
        var rng = SeededGenerator(seed: 11)
        // 2026-09-20 to 2026-11-09: every 5 hours, across two month boundaries.
        let start: Int64 = 1_789_862_400
        var requests: [TestRequest] = []
        for i in 0..<240 {
            let time: Int64 = start + Int64(i) * 5 * 3600
            let micros = Int64.random(in: 0...3_000_000, using: &rng)
            let method = i % 2 == 0 ? "GET" : "POST", path = i % 2 == 0 ? "/a" : "/b"
            requests.append(TestRequest(time: time, method: method, path: path, status: i % 9 == 0 ? 503 : 200, durationMicros: micros))
        }
        try store.commit(checkpoint(aggregate(requests), bytes: 10, head: "months"))
        func fromHours(_ window: HourWindow) throws -> [LatencyGroup] {
            var sums: [String: Int64] = [:]
            try store.connection.prepare("""
                SELECT r.value, m.value, l.status, l.latency, l.hour FROM traffic l
                JOIN routes r ON r.id = l.route_id JOIN methods m ON m.id = l.method_id WHERE l.latency IS NOT NULL
                """).forEachRow { row in
                    let hour = Int32(row.int(4))
                    if let first = window.first, hour < first { return }
                    if let last = window.last, hour > last { return }
                    for pair in PackedLatencyBuckets.pairs(row.blob(3)) {
                        sums["\(row.string(0))|\(row.string(1))|\(row.int(2))|\(pair.bucket)", default: 0] += pair.count
                    }
                }
            return sums.map { key, n in
                let parts = key.split(separator: "|").map(String.init)
                return LatencyGroup(route: parts[0], method: parts[1], status: Int(parts[2])!, bucket: Int(parts[3])!, requests: n)
            }.sorted(by: LatencyGroup.inNameOrder)
        }
        let firstHour = Int32(start / 3600)
        let windows = [HourWindow.all, HourWindow(first: firstHour + 5, last: firstHour + 50 * 24),
                       HourWindow(first: firstHour + 11 * 24, last: firstHour + 42 * 24 - 1), HourWindow(first: firstHour + 30 * 24 + 7)]
        for window in windows {
            #expect(try store.latencyGroups(in: window, matching: TrafficFilter()) == fromHours(window), "\(window)")
        }
        #expect(try store.connection.prepare("SELECT count(*) FROM latency_monthly").firstRow { $0.int(0) } ?? 0 > 0)
        _ = try store.prune(beforeHour: firstHour + 20 * 24 + 3, now: start + 100 * 86_400)   // 10 October, 03:00
        for window in windows {
            #expect(try store.latencyGroups(in: window, matching: TrafficFilter()) == fromHours(window), "after prune \(window)")
        }
    }

    /// Per-hour rows are kept by outcome class: a filter on whole classes reads them, a filter
    /// on part of one (`--status 503`) the route rows; both count exactly what they select.
    @Test func perHourLatencyHonoursStatusFiltersWholeOrPartClass() throws {
        let store = try SQLiteStore(path: temporaryDatabase(), host: "web-1")
        var requests: [TestRequest] = []
        for (i, status) in [200, 201, 304, 404, 429, 500, 503, 503].enumerated() {
            requests += timed(10 + i, start: reportDay + Int64(i) * 600, path: "/p\(i % 3)", status: status) { Int64($0) * 7_000 }
        }
        try store.commit(checkpoint(aggregate(requests), bytes: 10, head: "outcomes"))
        func total(_ statuses: [TrafficFilter.StatusRange]) throws -> Int64 {
            try store.hourlyLatency(in: .all, matching: TrafficFilter(statuses: statuses)).reduce(0) { $0 + $1.requests }
        }
        func expected(_ keep: (Int) -> Bool) -> Int64 { Int64(requests.filter { keep($0.status) }.count) }
        #expect(LatencyOutcome.codes(selectedBy: TrafficFilter(statuses: [.init(500, 599)])) == [5])
        #expect(LatencyOutcome.codes(selectedBy: TrafficFilter(statuses: [.init(503, 503)])) == nil)
        #expect(try total([]) == expected { _ in true })
        #expect(try total([.init(500, 599)]) == expected { $0 >= 500 })
        #expect(try total([.init(400, 499), .init(500, 599)]) == expected { $0 >= 400 })
        #expect(try total([.init(503, 503)]) == expected { $0 == 503 })
        #expect(try total([.init(200, 299)]) == expected { $0 >= 200 && $0 < 300 })
    }

    /// Every latency row and histogram a store holds, by names, for comparing two databases.
    func latencyContents(_ store: SQLiteStore) throws -> [String] {
        var lines: [String] = []
        for (query, columns) in [
            ("SELECT t.hour, r.value, m.value, t.status, t.code_id, t.flags, hex(t.latency) FROM traffic t JOIN routes r ON r.id = t.route_id JOIN methods m ON m.id = t.method_id", 7),
            ("SELECT t.day, r.value, m.value, t.status, hex(t.buckets) FROM latency_daily t JOIN routes r ON r.id = t.route_id JOIN methods m ON m.id = t.method_id", 5),
            ("SELECT t.month, r.value, m.value, t.status, hex(t.buckets) FROM latency_monthly t JOIN routes r ON r.id = t.route_id JOIN methods m ON m.id = t.method_id", 5),
            ("SELECT hour, outcome, hex(buckets) FROM latency_hourly", 3),
        ] as [(String, Int32)] {
            try store.connection.prepare(query).forEachRow { row in
                lines.append((0..<columns).map { row.string($0) }.joined(separator: "|"))
            }
        }
        return lines.sorted()
    }

    @Test("a commit that sums its latency on a second thread stores what one thread stores")
    func aSecondThreadStoresTheSameRows() throws {
        var rng = SeededGenerator(seed: 17)
        // Two months, three days at each end, routes × statuses, random durations.
        let starts = [reportDay - 3 * 86_400, reportDay + 27 * 86_400]
        let requests = (0..<6_000).map { i in
            TestRequest(time: starts[i % 2] + Int64.random(in: 0..<(3 * 86_400), using: &rng), method: i % 7 == 0 ? "POST" : "GET",
                        path: "/v1/r\(i % 13)", status: [200, 201, 404, 429, 503][i % 5],
                        durationMicros: i % 11 == 0 ? -1 : Int64.random(in: 0...5_000_000, using: &rng))
        }
        var contents: [[String]] = []
        for threads in [1, 2] {
            let store = try SQLiteStore(path: temporaryDatabase(), host: "web-1")
            var step = checkpoint(aggregate(requests), bytes: 10, head: "threads")
            step.threads = threads
            try store.commit(step)
            contents.append(try latencyContents(store))
        }
        #expect(contents[0] == contents[1])
        #expect(contents[0].count > 100)
    }

    @Test("traffic rows sorted on packed keys come in the order of their six fields, and ids too large to pack are sorted field by field")
    func packedKeySortIsTheFieldOrder() {
        var rng = SeededGenerator(seed: 29)
        for large in [false, true] {
            var rows: [SQLiteStore.TrafficRow] = (0..<5_000).map { _ in
                SQLiteStore.TrafficRow(hour: 490_000 + Int64.random(in: 0..<200, using: &rng), route: Int64.random(in: 1...40, using: &rng),
                                       method: Int64.random(in: 1...4, using: &rng), status: [200, 404, 503][Int.random(in: 0..<3, using: &rng)],
                                       code: Int64.random(in: 0...5, using: &rng), flags: Int64.random(in: 0...3, using: &rng),
                                       counts: TrafficCounts(requests: Int64.random(in: 1...9, using: &rng)))
            }
            if large { rows[17].route = 1 << 40; rows[99].hour = -5 }
            var expected = rows
            expected.sort(by: SQLiteStore.TrafficRow.inKeyOrder)
            SQLiteStore.TrafficRow.sortInKeyOrder(&rows)
            let key = { (r: SQLiteStore.TrafficRow) in [r.hour, r.route, r.method, r.status, r.code, r.flags, r.counts.requests] }
            // Equal keys may come in either order; the requests tell duplicates apart.
            #expect(rows.map(key).sorted { $0.lexicographicallyPrecedes($1) } == expected.map(key).sorted { $0.lexicographicallyPrecedes($1) })
            #expect(zip(rows, rows.dropFirst()).allSatisfy { !SQLiteStore.TrafficRow.inKeyOrder($1, $0) }, "large ids: \(large)")
        }
    }

    @Test("rollup rows put in time order keep their order within a time, over a short span or a long one")
    func rollupRowsSortStablyByTime() {
        for span in [Int64(40), 1 << 22] {
            var rng = SeededGenerator(seed: UInt64(span))
            let rows = (0..<2_000).map { i in
                LatencyPackedRow(time: Int64.random(in: 0...span, using: &rng) - span / 2, route: Int64(i), method: 0, status: 0, bytes: i..<i)
            }
            let sorted = LatencyPackedRow.stablySortedByTime(rows)
            #expect(sorted.map(\.time) == rows.map(\.time).sorted())
            #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $0.time < $1.time || ($0.time == $1.time && $0.route < $1.route) })
        }
    }
}
