import Foundation
import Testing
@testable import ErrAnalyzeKit
@testable import ErrAnalyzeSQLite

/// Client rows in the database: at most `maxClientsPerHour` per hour, `(other)` among them,
/// every hour's sum exact, folded names never stored; and the ranking of top clients.
@Suite struct ClientCapTests {
    static func line(_ client: String, hour: Int, status: Int = 404) -> String {
        #"\#(client) - - [17/May/2015:\#(hour):05:03 +0000] "GET /x HTTP/1.1" \#(status) 1"#
    }

    static func rows(_ store: SQLiteStore, hour: Int) throws -> [String: ClientCounts] {
        var rows: [String: ClientCounts] = [:]
        try store.connection.prepare("""
            SELECT c.value, e.errors, e.rate_limited FROM client_errors e JOIN clients c ON c.id = e.client_id WHERE e.hour = ?
            """).bind([Int64(1_431_820_800 / 3600 + hour)]).forEachRow {
            rows[$0.string(0)] = ClientCounts(errors: $0.int(1), rateLimited: $0.int(2))
        }
        return rows
    }

    static func count(_ store: SQLiteStore, _ sql: String) throws -> Int64 {
        try store.connection.prepare(sql).firstRow { $0.int(0) } ?? -1
    }

    @Test func atMostTheCapPerHourWithExactTotalsAndNoFoldedNames() throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        store.maxClientsPerHour = 10
        var lines: [String] = []
        for k in 0..<5 { for _ in 0..<(5 + k) { lines.append(Self.line("heavy-\(k)", hour: 10, status: k == 0 ? 429 : 500)) } }
        for k in 0..<30 { lines.append(Self.line("10.0.0.\(k)", hour: 10)) }
        for k in 0..<20 { lines.append(Self.line("10.0.1.\(k)", hour: 11)) }
        lines.append(Self.line("10.0.9.9", hour: 11, status: 200))  // not an error: no client row
        let id = try store.commit(checkpoint(parseCombined(lines), bytes: 100, head: "x"))

        let ten = try Self.rows(store, hour: 10), eleven = try Self.rows(store, hour: 11)
        #expect(ten.count == 10 && eleven.count == 10)
        #expect(ten.values.reduce(0) { $0 + $1.errors } == 65 && eleven.values.reduce(0) { $0 + $1.errors } == 20)
        for k in 0..<5 { #expect(ten["heavy-\(k)"] == ClientCounts(errors: Int64(5 + k), rateLimited: k == 0 ? 5 : 0), "heaviest kept exactly") }
        let other = ten[SQLiteStore.otherClient] ?? ClientCounts()
        #expect(other.errors == 65 - 35 - 4, "the 26 lightest folded: \(other)")
        #expect(try Self.count(store, "SELECT count(*) FROM clients") == 9 + 9 + 1, "folded names are not stored")

        // A later step: a client the hour names is added to; a newcomer to a full hour folds.
        let more = [Self.line("heavy-0", hour: 10, status: 429), Self.line("late", hour: 10), Self.line("late", hour: 10)]
        try store.commit(checkpoint(parseCombined(more), entry: id, expected: 100, bytes: 200, head: "x"))
        let after = try Self.rows(store, hour: 10)
        #expect(after.count == 10)
        #expect(after["heavy-0"] == ClientCounts(errors: 6, rateLimited: 6))
        #expect(after["late"] == nil && after[SQLiteStore.otherClient]?.errors == 26 + 2)
        #expect(after.values.reduce(0) { $0 + $1.errors } == 68)
    }

    @Test func aScanOfAFullStepStaysWithinTheCap() throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        // Past the in-memory capacity and the hour's cap at once.
        var aggregate = TrafficAggregate(maxClients: 300)
        var parser = NCSALogParser()
        var record = RequestRecord()
        for i in 0..<5000 {
            var text = Self.line(i % 7 == 0 ? "heavy-\(i % 3)" : "10.1.\(i / 256).\(i % 256)", hour: 12)
            text.withUTF8 { if parser.parse(UnsafeRawBufferPointer($0), into: &record) == .request { aggregate.add(record) } }
        }
        store.maxClientsPerHour = 50
        try store.commit(checkpoint(aggregate, bytes: 1, head: "y"))
        let rows = try Self.rows(store, hour: 12)
        #expect(rows.count == 50)
        #expect(rows.values.reduce(0) { $0 + $1.errors } == 5000)
        for k in 0..<3 { #expect(rows["heavy-\(k)"]?.errors == Int64((0..<5000).filter { $0 % 7 == 0 && $0 % 3 == k }.count)) }
    }

    /// Schema 4 folds the hours an older erranalyze filled past the cap, drops the names no
    /// row uses any more, and redacts the samples it stored.
    @Test func migrationFoldsOverfullHoursAndRedactsSamples() throws {
        let path = temporaryDatabase()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let legacy = try SQLiteConnection(path: path)
        for migration in SQLiteMigrations.all.prefix(3) { try legacy.execute(migration) }
        try legacy.execute("PRAGMA user_version = 3")
        let cap = SQLiteStore.defaultMaxClientsPerHour
        var values: [String] = []
        var clientRows: [String] = []
        for k in 0..<(cap + 500) {
            values.append("(\(k + 1), 'c\(k)')")
            clientRows.append("(100, \(k + 1), \(k % 7 + 1), \(k % 2))")
        }
        for k in 0..<5 {
            values.append("(\(cap + 600 + k), 'd\(k)')")
            clientRows.append("(101, \(cap + 600 + k), 3, 1)")
        }
        values.append("(\(cap + 700), 'unused')")
        try legacy.execute("INSERT INTO clients (id, value) VALUES \(values.joined(separator: ","));")
        try legacy.execute("INSERT INTO client_errors (hour, client_id, errors, rate_limited) VALUES \(clientRows.joined(separator: ","));")
        try legacy.execute("""
            INSERT INTO files (id, fingerprint, fingerprint_length, path, format, compressed, bytes_read, lines, requests, malformed, first_ingested, last_ingested)
                VALUES (1, x'00', 1, 'a.log', 'combined', 0, 1, 1, 0, 1, 0, 0);
            INSERT INTO malformed_samples (file_id, line, reason, text) VALUES (1, 1, 1, 'oops ?api_key=sk_live_51HqLyjWDarjtT1zdp7dcXyz12');
            """)
        let before = try legacy.prepare("SELECT hour, sum(errors), sum(rate_limited) FROM client_errors GROUP BY hour ORDER BY hour")
        var sums: [String] = []
        try before.forEachRow { sums.append("\($0.int(0)) \($0.int(1)) \($0.int(2))") }

        let store = try SQLiteStore(path: path)
        #expect(try store.schemaVersion() == SQLiteMigrations.currentVersion)
        var after: [String] = []
        try store.connection.prepare("SELECT hour, sum(errors), sum(rate_limited) FROM client_errors GROUP BY hour ORDER BY hour")
            .forEachRow { after.append("\($0.int(0)) \($0.int(1)) \($0.int(2))") }
        #expect(after == sums, "every hour's sum is unchanged")
        #expect(try Self.count(store, "SELECT count(*) FROM client_errors WHERE hour = 100") == Int64(cap))
        #expect(try Self.count(store, "SELECT count(*) FROM client_errors WHERE hour = 101") == 5, "an hour under the cap is untouched")
        let lightestNamed = try Self.count(store, """
            SELECT min(errors) FROM client_errors WHERE hour = 100 AND client_id <> (SELECT id FROM clients WHERE value = '(other)')
            """)
        // Errors k % 7 + 1: 856 clients have 4 or more, 214 have 3; 999 are named.
        #expect(lightestNamed == 3, "the heaviest are the ones named")
        #expect(try Self.count(store, "SELECT count(*) FROM client_errors WHERE hour = 100 AND errors >= 4") == 856 + 1, "… all of the heaviest (and (other))")
        #expect(try Self.count(store, "SELECT count(*) FROM clients") == Int64(cap - 1 + 5 + 1), "folded and unused names are gone")
        let text = try store.connection.prepare("SELECT text FROM malformed_samples").firstRow { $0.string(0) }
        #expect(text == "oops ?api_key=[redacted]")
    }

    /// The ranking reads fewer names than `ORDER BY … LIMIT` over a join, and must give the
    /// same list, ties included.
    @Test(arguments: [(3, 10), (200, 10), (200, 150), (5, 1)])
    func topClientsAreThoseOfTheSQLRanking(distinct: Int, limit: Int) throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        var lines: [String] = []
        var generator = TallySeededGenerator(seed: UInt64(distinct * 31 + limit))
        for k in 0..<distinct {
            // Mostly one error each: a wide tie at the bottom of the list.
            let errors = generator.next() % 4 == 0 ? Int(generator.next() % 5) + 2 : 1
            for e in 0..<errors { lines.append(Self.line("client-\(String(generator.next() % 100_000, radix: 36))-\(k)", hour: 10 + e % 2, status: e % 2 == 0 ? 429 : 503)) }
        }
        try store.commit(checkpoint(parseCombined(lines), bytes: 1, head: "z"))
        func viaSQL(_ measure: String) throws -> [String] {
            var result: [String] = []
            try store.connection.prepare("""
                SELECT c.value, sum(e.errors), sum(e.rate_limited) FROM client_errors e JOIN clients c ON c.id = e.client_id
                GROUP BY c.id HAVING \(measure == "rate_limited" ? "sum(e.rate_limited) > 0" : "1")
                ORDER BY sum(e.\(measure)) DESC, c.value LIMIT ?
                """).bind([limit]).forEachRow { result.append("\($0.string(0)) \($0.int(1)) \($0.int(2))") }
            return result
        }
        #expect(try store.clientErrors(in: .all, limit: limit).map { "\($0.client) \($0.errors) \($0.rateLimited)" } == viaSQL("errors"))
        #expect(try store.rateLimitedClients(in: .all, limit: limit).map { "\($0.client) \($0.errors) \($0.rateLimited)" } == viaSQL("rate_limited"))
    }
}
