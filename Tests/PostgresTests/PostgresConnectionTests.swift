import ErrAnalyzePostgres
import XCTest

/// Queries, typed values, and connection failures each classified, with the password masked.
final class PostgresConnectionTests: XCTestCase {
    func testParametersAndRowsRoundTrip() throws {
        let db = try ScratchDatabase(for: self)
        let connection = try db.connect()
        XCTAssertTrue(connection.isConnected)
        XCTAssertGreaterThanOrEqual(connection.serverVersion, 150000)
        let bytes: [UInt8] = [0, 1, 0x5C, 0x78, 0xFF]
        for binary in [false, true] {
            let row = try connection.query(
                "SELECT $1::bigint, $2::integer, $3::text, $4::bytea, $5::boolean, $6::text, (-7)::smallint, 'ünï\tcode'::text",
                [.int64(-9_000_000_000), .int32(-5), .text("a'b\"c"), .bytes(bytes), .bool(true), .null],
                binaryResults: binary).first!
            XCTAssertEqual(row.int64(0), -9_000_000_000)
            XCTAssertEqual(row.int64(1), -5)
            XCTAssertEqual(row.string(2), "a'b\"c")
            XCTAssertEqual(row.bytes(3), bytes)
            XCTAssertTrue(row.bool(4))
            XCTAssertTrue(row.isNull(5))
            XCTAssertNil(row.optionalString(5))
            XCTAssertEqual(row.int64(6), -7)
            XCTAssertEqual(row.string(7), "ünï\tcode")
        }
        try connection.execute("CREATE TABLE t (k integer PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a'), (2, 'b')")
        XCTAssertEqual(try connection.query("UPDATE t SET v = 'c' WHERE k >= $1", [1]).affectedRows, 2)
    }

    func testCopyInTextAndBinary() throws {
        let db = try ScratchDatabase(for: self)
        let connection = try db.connect()
        try connection.execute("CREATE TABLE t (k bigint, v text)")
        let text = try connection.copyIn("COPY t FROM STDIN", format: .text) { writer in
            try writer.appendTextRow(["1", "tab\there"])
            try writer.appendTextRow(["2", nil])
            try writer.appendTextRow(["3", "back\\slash\nnewline"])
        }
        XCTAssertEqual(text, 3)
        let binary = try connection.copyIn("COPY t FROM STDIN WITH (FORMAT binary)", format: .binary) { writer in
            for k in 4...100_000 as ClosedRange<Int64> {
                try writer.beginRow(fields: 2)
                writer.append(k)
                writer.append("v\(k)")
            }
        }
        XCTAssertEqual(binary, 99_997)
        let row = try connection.query("SELECT count(*), sum(k), count(v) FROM t").first!
        XCTAssertEqual(row.int64(0), 100_000)
        XCTAssertEqual(row.int64(1), 100_000 * 100_001 / 2)
        XCTAssertEqual(row.int64(2), 99_999)
        XCTAssertEqual(try connection.query("SELECT v FROM t WHERE k = 3").first?.string(0), "back\\slash\nnewline")
        XCTAssertEqual(try connection.query("SELECT v FROM t WHERE k = 1").first?.string(0), "tab\there")
    }

    func testSQLErrorIsClassifiedAndConnectionStaysUsable() throws {
        let db = try ScratchDatabase(for: self)
        let connection = try db.connect()
        XCTAssertThrowsError(try connection.execute("SELECT * FROM no_such_table")) { error in
            let failure = postgresError(error)
            XCTAssertEqual(failure.kind, .other)
            XCTAssertEqual(failure.sqlState, "42P01")
            XCTAssertTrue(failure.description.contains("no_such_table"), failure.description)
            XCTAssertFalse(failure.description.contains("\n"))
        }
        XCTAssertEqual(try connection.query("SELECT 1").first?.int(0), 1)
    }

    func testWrongPasswordSaysAuthenticationFailedWithoutThePassword() throws {
        let db = try ScratchDatabase(for: self)
        let role = try db.makeRole(password: "Right-Pass-1")
        XCTAssertNoThrow(try PostgresConnection(try TestServer.uri(user: role, password: "Right-Pass-1", database: db.name)))
        let uri = try TestServer.uri(user: role, password: "Wrong-Pass-2", database: db.name)
        XCTAssertThrowsError(try PostgresConnection(uri)) { error in
            let failure = postgresError(error)
            XCTAssertEqual(failure.kind, .authenticationFailed, failure.description)
            XCTAssertFalse(failure.description.contains("Wrong-Pass-2"), failure.description)
            XCTAssertTrue(failure.description.hasPrefix("postgresql://\(role):****@/\(db.name)?host="), failure.description)
            XCTAssertTrue(failure.description.contains("password authentication failed"), failure.description)
        }
    }

    func testNoSuchDatabase() throws {
        let uri = try TestServer.uri(user: "erranalyze", database: "no_such_db_here")
        XCTAssertThrowsError(try PostgresConnection(uri)) { error in
            let failure = postgresError(error)
            XCTAssertEqual(failure.kind, .noSuchDatabase, failure.description)
            XCTAssertTrue(failure.description.contains("no_such_db_here"), failure.description)
        }
    }

    func testNothingListeningIsUnreachable() throws {
        let (host, _) = try TestServer.endpoint()
        // The server's socket folder, a port with no socket; and TCP loopback, port 1.
        for uri in ["postgresql://erranalyze:Pw-991@/postgres?host=\(host)&port=1",
                    "postgresql://erranalyze:Pw-991@127.0.0.1:1/postgres"] {
            XCTAssertThrowsError(try PostgresConnection(uri)) { error in
                let failure = postgresError(error)
                XCTAssertEqual(failure.kind, .unreachable, failure.description)
                XCTAssertFalse(failure.description.contains("Pw-991"), failure.description)
                XCTAssertTrue(failure.description.contains("****"), failure.description)
            }
        }
    }

    func testHostThatDoesNotResolveIsUnreachable() throws {
        _ = try TestServer.uri()
        XCTAssertThrowsError(try PostgresConnection("postgresql://ingest:Pw-77@fleet-db.invalid/erranalyze", connectTimeout: 3)) { error in
            let failure = postgresError(error)
            XCTAssertEqual(failure.kind, .unreachable, failure.description)
            // The port libpq would have used is shown too.
            XCTAssertEqual(failure.server, "postgresql://ingest:****@fleet-db.invalid:5432/erranalyze")
            XCTAssertTrue(failure.description.contains("fleet-db.invalid"), failure.description)
            XCTAssertFalse(failure.description.contains("Pw-77"), failure.description)
        }
    }

    func testMalformedStringNeverEchoesThePassword() throws {
        _ = try TestServer.uri()
        // libpq echoes a bad percent-encoded token, the password here, in its error.
        for bad in ["host=h user=u password=Pa55-word dbname", "postgresql://u:Pa55-word@h/db?nonsense=1",
                    "postgresql://u:Pa55-word%zz@h/db", "postgresql://u:Pa55-word@h:notaport/db"] {
            XCTAssertThrowsError(try PostgresConnection(bad)) { error in
                XCTAssertFalse("\(error)".contains("Pa55-word"), "\(error)")
            }
        }
    }

    func testLostConnectionIsUnreachable() throws {
        let db = try ScratchDatabase(for: self)
        let connection = try db.connect()
        try db.admin.query("SELECT pg_terminate_backend($1)", [.int32(connection.backendPID)])
        XCTAssertThrowsError(try connection.query("SELECT 1")) { error in
            XCTAssertEqual((postgresError(error)).kind, .unreachable, "\(error)")
        }
        XCTAssertFalse(connection.isConnected)
    }
}
