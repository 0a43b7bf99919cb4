import ErrAnalyzePostgres
import Foundation
import Testing

/// COPY + upsert in key order: counts add up exactly, also when two hosts commit the same
/// keys at the same moment; hourly partitions appear on demand and prune drops them.
@Suite(TestServer.required) struct AddSumsTests {
    private func migrated() throws -> (ScratchDatabase, PostgresConnection) {
        let db = try ScratchDatabase()
        let connection = try db.connect()
        try PostgresMigrations.migrate(connection)
        return (db, connection)
    }

    /// Rows for `hours` × `routes` keys of host 1, each with `requests` requests, in a
    /// scrambled order and with every key twice (half the requests each time).
    private static func trafficRows(hours: ClosedRange<Int64>, routes: Int64, requests: Int64) -> AdditiveRows {
        var rows = AdditiveRows(.traffic)
        var keys: [(Int64, Int64)] = []
        for hour in hours { for route in 1...routes { keys.append((hour, route)) } }
        keys.shuffle()
        for (hour, route) in keys + keys {
            rows.append(hour, 1, route, 1, 500, 0, 0, requests / 2, 1, 10)
        }
        return rows
    }

    @Test func sumsAddToWhatIsThere() throws {
        let (db, connection) = try migrated()
        defer { db.drop() }
        let hours: ClosedRange<Int64> = 490_000...490_047
        #expect(try PostgresPartitions.ensure(hours: hours.map { Int32($0) }, on: connection) == 5)  // one month, five tables
        let rows = Self.trafficRows(hours: hours, routes: 50, requests: 10)
        #expect(try connection.addSums(rows) == 48 * 50)
        #expect(try connection.addSums(rows) == 48 * 50)
        let totals = try #require(try connection.query("SELECT count(*), sum(requests), sum(timed_requests), sum(duration_us) FROM traffic").first)
        #expect(totals.int64(0) == 48 * 50)
        #expect(totals.int64(1) == 48 * 50 * 10 * 2)
        #expect(totals.int64(2) == 48 * 50 * 4)
        #expect(totals.int64(3) == 48 * 50 * 40)

        // Two batches in one transaction are each added once.
        var status = AdditiveRows(.statusHourly)
        status.append(490_000, 1, 200, 5)
        try connection.transaction { connection in
            try connection.addSums(status)
            try connection.addSums(status)
        }
        #expect(try connection.query("SELECT requests FROM status_hourly").first?.int64(0) == 10)
    }

    @Test func twoHostsUpsertingTheSameKeysAtOnceGiveTheExactSum() throws {
        let (db, connection) = try migrated()
        defer { db.drop() }
        let hours: ClosedRange<Int64> = 490_000...490_023
        try PostgresPartitions.ensure(hours: hours.map { Int32($0) }, on: connection)
        let uri = try db.uri
        let failures = Failures()
        let retried = Failures()
        let rounds = 10
        let threads = (0..<2).map { _ in
            Thread {
                do {
                    let mine = try PostgresConnection(uri)
                    for _ in 0..<rounds {
                        // Each thread's own random order: only the upsert's key order avoids deadlocks.
                        let rows = Self.trafficRows(hours: hours, routes: 40, requests: 2)
                        try mine.transaction { try $0.addSums(rows) }
                    }
                    if mine.retriedTransactions > 0 { retried.add(NSError(domain: "retried", code: mine.retriedTransactions)) }
                } catch { failures.add(error) }
            }
        }
        runAll(threads)
        #expect(failures.descriptions == [])
        // In key order, no deadlock to retry.
        #expect(retried.all.map { ($0 as NSError).code } == [])
        let totals = try #require(try connection.query("SELECT count(*), sum(requests) FROM traffic").first)
        #expect(totals.int64(0) == 24 * 40)
        #expect(totals.int64(1) == 2 * Int64(rounds) * 24 * 40 * 2)
    }

    @Test func missingPartitionIsAnErrorAndPruneDropsWholeMonths() throws {
        let (db, connection) = try migrated()
        defer { db.drop() }
        var rows = AdditiveRows(.traffic)
        rows.append(490_000, 1, 1, 1, 200, 0, 0, 1, 0, 0)
        #expect(failure { try connection.addSums(rows) } != nil)  // no partition yet

        // 2025-11-30 23:00, 2025-12-01 00:00 and 2026-01-15 12:00 UTC: three months.
        let hours: [Int32] = [490_151, 490_152, 491_244]
        #expect(try PostgresPartitions.ensure(hours: hours, on: connection) == 15)  // three months × five tables
        #expect(try PostgresPartitions.ensure(hours: hours, on: connection) == 0)
        // Never inside a transaction: it would hold the parents' lock to that transaction's end.
        try connection.execute("BEGIN")
        #expect(failure { try PostgresPartitions.ensure(hours: [500_000], on: connection) } != nil)
        try connection.execute("ROLLBACK")
        let traffic = try PostgresPartitions.list(on: connection).filter { $0.parent == "traffic" }
        #expect(traffic.map(\.name) == ["traffic_2025_11", "traffic_2025_12", "traffic_2026_01"])
        #expect(traffic[1].firstHour == 490_152)
        #expect(traffic[0].endHour == 490_152)
        var some = AdditiveRows(.traffic)
        for hour in hours { some.append(Int64(hour), 1, 1, 1, 200, 0, 0, 3, 0, 0) }
        try connection.addSums(some)
        #expect(try connection.query("SELECT tableoid::regclass::text, requests FROM traffic ORDER BY hour").rows.map { $0.string(0) }
                == ["traffic_2025_11", "traffic_2025_12", "traffic_2026_01"])

        // Before 2026-01-01: the two whole months go, January stays.
        let dropped = try PostgresPartitions.dropWhollyBefore(hour: 490_896, on: connection)
        #expect(dropped.sorted() == ["client_errors_2025_11", "client_errors_2025_12", "latency_2025_11", "latency_2025_12",
                                     "latency_hourly_2025_11", "latency_hourly_2025_12", "status_hourly_2025_11",
                                     "status_hourly_2025_12", "traffic_2025_11", "traffic_2025_12"])
        #expect(try connection.query("SELECT hour, requests FROM traffic").rows.map { $0.int64(0) } == [491_244])
        #expect(try connection.query("SELECT count(*) FROM pg_class WHERE relname LIKE 'traffic_2025%'").first?.int(0) == 0)
    }

    @Test func hostsCreatingTheSamePartitionsAtOnceMakeEachOnce() throws {
        let (db, _) = try migrated()
        defer { db.drop() }
        let uri = try db.uri
        let failures = Failures()
        let created = Failures()
        // Four hosts, the same three months (2025-11, 2025-12, 2026-01), at the same moment.
        let threads = (0..<4).map { _ in
            Thread {
                do {
                    let connection = try PostgresConnection(uri)
                    let count = try PostgresPartitions.ensure(hours: [490_151, 490_152, 491_244], on: connection)
                    created.add(NSError(domain: "created", code: count))
                } catch { failures.add(error) }
            }
        }
        runAll(threads)
        #expect(failures.descriptions == [])
        #expect(created.all.map { ($0 as NSError).code }.reduce(0, +) == 15)
        let connection = try db.connect()
        #expect(try PostgresPartitions.list(on: connection).count == 15)
        #expect(try connection.query("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relkind = 'r'").first?.int(0) == 15)
    }

    @Test func internedIDsAreStableAndSharedByHosts() throws {
        let (db, connection) = try migrated()
        defer { db.drop() }
        let first = try connection.internedIDs(table: "routes", values: ["/b", "/a", "/quote\"back\\slash", "/nul\0byte", "/a"])
        #expect(Set(first.keys) == ["/a", "/b", "/quote\"back\\slash", "/nul\0byte"])
        let other = try db.connect()
        let second = try other.internedIDs(table: "routes", values: ["/c", "/a", "/nul\0byte"])
        #expect(second["/a"] == first["/a"])
        #expect(second["/nul\0byte"] == first["/nul\0byte"])
        #expect(try connection.query("SELECT count(*) FROM routes").first?.int(0) == 5)
        let hosts = try connection.internedIDs(table: "hosts", column: "name", values: ["web-1", "web-2"])
        #expect(hosts.count == 2)
        let quoted = try #require(first["/quote\"back\\slash"])
        #expect(try connection.query("SELECT value FROM routes WHERE id = $1", [.int64(quoted)]).first?.string(0) == "/quote\"back\\slash")
    }
}
