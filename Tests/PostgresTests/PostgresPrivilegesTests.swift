import ErrAnalyzePostgres
import Testing

/// The GRANT statements of docs/fleet.md are enough for an ingest role to do its work and for
/// a report role to read, and no more.
@Suite(TestServer.required) struct PostgresPrivilegesTests {
    @Test func ingestAndReportRolesDoTheirWorkAndNoMore() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let owner = try db.connect()
        try PostgresMigrations.migrate(owner)
        let ingestRole = try db.makeRole(password: "Ingest-Pw-1")
        let reportRole = try db.makeRole(password: "Report-Pw-1")
        // PUBLIC may connect to a new database by default: take that away so the grants count.
        try owner.execute("REVOKE ALL ON DATABASE \(db.name) FROM PUBLIC")
        for statement in PostgresPrivileges.ingestGrants(role: ingestRole, database: db.name)
            + PostgresPrivileges.reportGrants(role: reportRole, database: db.name) {
            try owner.execute(statement)
        }

        let ingest = try PostgresConnection(try TestServer.uri(user: ingestRole, password: "Ingest-Pw-1", database: db.name))
        try PostgresMigrations.migrate(ingest)  // current already: only reads
        let host = try #require(try ingest.internedIDs(table: "hosts", column: "name", values: ["web-1"])["web-1"])
        let route = try #require(try ingest.internedIDs(table: "routes", values: ["/v1/pay"])["/v1/pay"])
        let method = try #require(try ingest.internedIDs(table: "methods", values: ["POST"])["POST"])
        #expect(try PostgresPartitions.ensure(hours: [490_000], on: ingest) == 5)  // the five hourly tables
        var traffic = AdditiveRows(.traffic)
        traffic.append(490_000, host, route, method, 503, 0, 0, 7, 7, 700)
        var daily = AdditiveRows(.trafficDaily)
        daily.append(490_000 / 24, host, route, method, 503, 0, 0, 7, 7, 700)
        try ingest.transaction { connection in
            try connection.addSums(traffic)
            try connection.addSums(traffic)
            try connection.addSums(daily)
            try connection.query("""
                INSERT INTO files (host_id, fingerprint, fingerprint_length, path, format, compressed, bytes_read, lines,
                                   requests, malformed, first_ingested, last_ingested)
                VALUES ($1, $2, 4, '/var/log/x', 'combined', 0, 10, 1, 1, 0, 0, 0) RETURNING id
                """, [.int64(host), .bytes([1, 2, 3, 4])])
            try connection.query("UPDATE files SET bytes_read = 20 WHERE host_id = $1", [.int64(host)])
            try connection.query("UPDATE hosts SET last_commit = 1 WHERE id = $1", [.int64(host)])
        }
        #expect(failure { try ingest.execute("DROP TABLE traffic_daily") }?.kind == .permissionDenied)
        #expect(failure { try PostgresPartitions.dropWhollyBefore(hour: 1_000_000, on: ingest) }?.kind == .permissionDenied)

        let report = try PostgresConnection(try TestServer.uri(user: reportRole, password: "Report-Pw-1", database: db.name))
        let row = try #require(try report.query("SELECT host, route, method, status, code, requests, duration_us FROM hourly_traffic").first)
        #expect([row.string(0), row.string(1), row.string(2), row.string(3)] == ["web-1", "/v1/pay", "POST", "503"])
        #expect(row.optionalString(4) == nil)
        #expect(row.int64(5) == 14)
        #expect(try report.query("SELECT sum(requests) FROM daily_traffic").first?.int64(0) == 7)
        #expect(try report.query("SELECT bytes_read FROM files").first?.int64(0) == 20)
        #expect(failure { try report.query("UPDATE traffic SET requests = 0") }?.kind == .permissionDenied)
        #expect(failure { try PostgresPartitions.ensure(hours: [500_000], on: report) }?.kind == .permissionDenied)
    }
}
