import ErrAnalyzePostgres
import XCTest

/// First use creates the schema; again changes nothing; a newer schema and another program's
/// database are refused; two hosts migrating at once apply it once.
final class PostgresMigrationTests: XCTestCase {
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

    func testFirstUseCreatesTheSchemaAndAgainChangesNothing() throws {
        let db = try ScratchDatabase(for: self)
        let connection = try db.connect()
        XCTAssertEqual(try PostgresMigrations.state(of: connection), .empty)
        try PostgresMigrations.migrate(connection)
        XCTAssertEqual(try PostgresMigrations.state(of: connection), .erranalyze(version: PostgresMigrations.currentVersion))
        let first = try catalogue(connection)
        for name in ["p traffic", "p client_errors", "p status_hourly", "r traffic_daily", "r hosts", "r files", "r routes",
                     "r malformed", "r malformed_samples", "r prunes", "v hourly_traffic", "v daily_traffic"] {
            XCTAssertTrue(first.contains { $0.hasPrefix(name + " ") }, "missing \(name)")
        }
        XCTAssertTrue(first.contains("application=erranalyze"))
        XCTAssertTrue(first.contains("schema_version=\(PostgresMigrations.currentVersion)"))
        XCTAssertTrue(first.contains("erranalyze_ensure_partitions"))

        try PostgresMigrations.migrate(connection)
        try PostgresMigrations.migrate(try db.connect())
        XCTAssertEqual(try catalogue(connection), first)
    }

    func testNewerSchemaIsRefused() throws {
        let db = try ScratchDatabase(for: self)
        let connection = try db.connect()
        try PostgresMigrations.migrate(connection)
        let newer = PostgresMigrations.currentVersion + 1
        try connection.execute("UPDATE erranalyze_meta SET value = '\(newer)' WHERE key = 'schema_version'")
        let second = try db.connect()
        XCTAssertThrowsError(try PostgresMigrations.migrate(second)) { error in
            let failure = postgresError(error)
            XCTAssertEqual(failure.kind, .newerSchema)
            XCTAssertTrue(failure.description.contains("schema \(newer)"), failure.description)
            XCTAssertTrue(failure.description.hasPrefix("postgresql://erranalyze@/\(db.name)"), failure.description)
        }
        XCTAssertEqual(try connection.query("SELECT value FROM erranalyze_meta WHERE key = 'schema_version'").first?.string(0), "\(newer)")
    }

    func testAnotherProgramsDatabaseIsRefusedAndUntouched() throws {
        let db = try ScratchDatabase(for: self)
        let connection = try db.connect()
        try connection.execute("CREATE TABLE invoices (id integer PRIMARY KEY, total numeric)")
        XCTAssertThrowsError(try PostgresMigrations.migrate(connection)) { error in
            let failure = postgresError(error)
            XCTAssertEqual(failure.kind, .notErrAnalyzeDatabase)
            XCTAssertTrue(failure.description.contains("invoices"), failure.description)
        }
        XCTAssertEqual(try connection.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").first?.int(0), 1)

        // A marker of another application is refused too.
        let other = try ScratchDatabase(for: self)
        let otherConnection = try other.connect()
        try otherConnection.execute("CREATE TABLE erranalyze_meta (key text PRIMARY KEY, value text); INSERT INTO erranalyze_meta VALUES ('application', 'lookalike')")
        XCTAssertThrowsError(try PostgresMigrations.migrate(otherConnection)) { error in
            XCTAssertEqual((postgresError(error)).kind, .notErrAnalyzeDatabase)
        }
    }

    func testTwoHostsMigratingAtOnceApplyItOnce() throws {
        let db = try ScratchDatabase(for: self)
        let uri = try db.uri
        let failures = Failures()
        let threads = (0..<4).map { _ in
            Thread {
                do { try PostgresMigrations.migrate(try PostgresConnection(uri)) } catch { failures.add(error) }
            }
        }
        try runAll(threads)
        XCTAssertEqual(failures.all.map { "\($0)" }, [])
        XCTAssertEqual(try PostgresMigrations.state(of: try db.connect()), .erranalyze(version: PostgresMigrations.currentVersion))
    }
}

/// Errors collected from threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Error] = []
    func add(_ error: Error) { lock.lock(); errors.append(error); lock.unlock() }
    var all: [Error] { lock.lock(); defer { lock.unlock() }; return errors }
}

/// Starts the threads and waits for all of them (a minute at most).
func runAll(_ threads: [Thread], file: StaticString = #filePath, line: UInt = #line) throws {
    threads.forEach { $0.start() }
    try waitAll(threads, file: file, line: line)
}

/// Waits for started threads to finish (a minute at most).
func waitAll(_ threads: [Thread], file: StaticString = #filePath, line: UInt = #line) throws {
    let deadline = Date().addingTimeInterval(60)
    while threads.contains(where: { !$0.isFinished }) {
        guard Date() < deadline else { return XCTFail("threads still running after 60 s", file: file, line: line) }
        usleep(5_000)
    }
}
