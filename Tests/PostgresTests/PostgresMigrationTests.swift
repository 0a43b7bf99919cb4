import ErrAnalyzePostgres
import Foundation
import Testing

/// First use creates the schema; again changes nothing; a newer schema and another program's
/// database are refused; two hosts migrating at once apply it once.
@Suite(TestServer.required) struct PostgresMigrationTests {
    /// Every relation, column and function of the schema, and the meta rows: what "changes
    /// nothing" compares.
    private func catalogue(_ connection: PostgresConnection) throws -> [String] {
        let relations = try connection.query("""
            SELECT c.relkind::text || ' ' || c.relname || ' ' || coalesce(string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod), ',' ORDER BY a.attnum), '')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname = 'public' GROUP BY c.relkind, c.relname ORDER BY c.relname
            """).rows.map { $0.string(0) }
        let functions = try connection.query("""
            SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' ORDER BY 1
            """).rows.map { $0.string(0) }
        let meta = try connection.query("SELECT key || '=' || value FROM erranalyze_meta ORDER BY key").rows.map { $0.string(0) }
        return relations + functions + meta
    }

    @Test func firstUseCreatesTheSchemaAndAgainChangesNothing() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let connection = try db.connect()
        #expect(try PostgresMigrations.state(of: connection) == .empty)
        try PostgresMigrations.migrate(connection)
        #expect(try PostgresMigrations.state(of: connection) == .erranalyze(version: PostgresMigrations.currentVersion))
        let first = try catalogue(connection)
        for name in ["p traffic", "p client_errors", "p status_hourly", "r traffic_daily", "r hosts", "r files", "r routes",
                     "r malformed", "r malformed_samples", "r prunes", "v hourly_traffic", "v daily_traffic"] {
            #expect(first.contains { $0.hasPrefix(name + " ") }, "missing \(name)")
        }
        #expect(first.contains("application=erranalyze"))
        #expect(first.contains("schema_version=\(PostgresMigrations.currentVersion)"))
        #expect(first.contains("erranalyze_ensure_partitions"))

        try PostgresMigrations.migrate(connection)
        try PostgresMigrations.migrate(try db.connect())
        #expect(try catalogue(connection) == first)
    }

    @Test func newerSchemaIsRefused() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let connection = try db.connect()
        try PostgresMigrations.migrate(connection)
        let newer = PostgresMigrations.currentVersion + 1
        try connection.execute("UPDATE erranalyze_meta SET value = '\(newer)' WHERE key = 'schema_version'")
        let second = try db.connect()
        let error = try #require(failure { try PostgresMigrations.migrate(second) })
        #expect(error.kind == .newerSchema)
        #expect(error.description.contains("schema \(newer)"), "\(error)")
        #expect(error.description.hasPrefix("postgresql://erranalyze@/\(db.name)"), "\(error)")
        #expect(try connection.query("SELECT value FROM erranalyze_meta WHERE key = 'schema_version'").first?.string(0) == "\(newer)")
    }

    @Test func anotherProgramsDatabaseIsRefusedAndUntouched() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let connection = try db.connect()
        try connection.execute("CREATE TABLE invoices (id integer PRIMARY KEY, total numeric)")
        let error = try #require(failure { try PostgresMigrations.migrate(connection) })
        #expect(error.kind == .notErrAnalyzeDatabase)
        #expect(error.description.contains("invoices"), "\(error)")
        #expect(try connection.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").first?.int(0) == 1)

        // A marker of another application is refused too.
        let other = try ScratchDatabase()
        defer { other.drop() }
        let otherConnection = try other.connect()
        try otherConnection.execute("CREATE TABLE erranalyze_meta (key text PRIMARY KEY, value text); INSERT INTO erranalyze_meta VALUES ('application', 'lookalike')")
        #expect(failure { try PostgresMigrations.migrate(otherConnection) }?.kind == .notErrAnalyzeDatabase)
    }

    @Test func twoHostsMigratingAtOnceApplyItOnce() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let uri = try db.uri
        let failures = Failures()
        let threads = (0..<4).map { _ in
            Thread {
                do { try PostgresMigrations.migrate(try PostgresConnection(uri)) } catch { failures.add(error) }
            }
        }
        runAll(threads)
        #expect(failures.descriptions == [])
        #expect(try PostgresMigrations.state(of: try db.connect()) == .erranalyze(version: PostgresMigrations.currentVersion))
    }
}
