import ErrAnalyzePostgres
import Testing

/// Queries, typed values, and connection failures each classified, with the password masked.
@Suite(TestServer.required) struct PostgresConnectionTests {
    @Test func parametersAndRowsRoundTrip() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let connection = try db.connect()
        #expect(connection.isConnected)
        #expect(connection.serverVersion >= 150000)
        let bytes: [UInt8] = [0, 1, 0x5C, 0x78, 0xFF]
        for binary in [false, true] {
            let row = try #require(try connection.query(
                "SELECT $1::bigint, $2::integer, $3::text, $4::bytea, $5::boolean, $6::text, (-7)::smallint, 'ünï\tcode'::text",
                [.int64(-9_000_000_000), .int32(-5), .text("a'b\"c"), .bytes(bytes), .bool(true), .null],
                binaryResults: binary).first)
            #expect(row.int64(0) == -9_000_000_000)
            #expect(row.int64(1) == -5)
            #expect(row.string(2) == "a'b\"c")
            #expect(row.bytes(3) == bytes)
            #expect(row.bool(4))
            #expect(row.isNull(5))
            #expect(row.optionalString(5) == nil)
            #expect(row.int64(6) == -7)
            #expect(row.string(7) == "ünï\tcode")
        }
        try connection.execute("CREATE TABLE t (k integer PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a'), (2, 'b')")
        #expect(try connection.query("UPDATE t SET v = 'c' WHERE k >= $1", [1]).affectedRows == 2)
    }

    @Test func copyInTextAndBinary() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let connection = try db.connect()
        try connection.execute("CREATE TABLE t (k bigint, v text)")
        let text = try connection.copyIn("COPY t FROM STDIN", format: .text) { writer in
            try writer.appendTextRow(["1", "tab\there"])
            try writer.appendTextRow(["2", nil])
            try writer.appendTextRow(["3", "back\\slash\nnewline"])
        }
        #expect(text == 3)
        let binary = try connection.copyIn("COPY t FROM STDIN WITH (FORMAT binary)", format: .binary) { writer in
            for k in 4...100_000 as ClosedRange<Int64> {
                try writer.beginRow(fields: 2)
                writer.append(k)
                writer.append("v\(k)")
            }
        }
        #expect(binary == 99_997)
        let row = try #require(try connection.query("SELECT count(*), sum(k), count(v) FROM t").first)
        #expect(row.int64(0) == 100_000)
        #expect(row.int64(1) == 100_000 * 100_001 / 2)
        #expect(row.int64(2) == 99_999)
        #expect(try connection.query("SELECT v FROM t WHERE k = 3").first?.string(0) == "back\\slash\nnewline")
        #expect(try connection.query("SELECT v FROM t WHERE k = 1").first?.string(0) == "tab\there")
    }

    @Test func sqlErrorIsClassifiedAndConnectionStaysUsable() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let connection = try db.connect()
        let error = failure { try connection.execute("SELECT * FROM no_such_table") }
        #expect(error?.kind == .other)
        #expect(error?.sqlState == "42P01")
        #expect(error?.description.contains("no_such_table") == true, "\(String(describing: error))")
        #expect(error?.description.contains("\n") == false)
        #expect(try connection.query("SELECT 1").first?.int(0) == 1)
    }

    @Test func wrongPasswordSaysAuthenticationFailedWithoutThePassword() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let role = try db.makeRole(password: "Right-Pass-1")
        _ = try PostgresConnection(try TestServer.uri(user: role, password: "Right-Pass-1", database: db.name))
        let uri = try TestServer.uri(user: role, password: "Wrong-Pass-2", database: db.name)
        let error = try #require(failure { try PostgresConnection(uri) })
        #expect(error.kind == .authenticationFailed, "\(error)")
        #expect(!error.description.contains("Wrong-Pass-2"), "\(error)")
        #expect(error.description.hasPrefix("postgresql://\(role):****@/\(db.name)?host="), "\(error)")
        #expect(error.description.contains("password authentication failed"), "\(error)")
    }

    @Test func noSuchDatabase() throws {
        let uri = try TestServer.uri(user: "erranalyze", database: "no_such_db_here")
        let error = try #require(failure { try PostgresConnection(uri) })
        #expect(error.kind == .noSuchDatabase, "\(error)")
        #expect(error.description.contains("no_such_db_here"), "\(error)")
    }

    @Test func nothingListeningIsUnreachable() throws {
        let (host, _) = try TestServer.endpoint()
        // The server's socket folder, a port with no socket; and TCP loopback, port 1.
        for uri in ["postgresql://erranalyze:Pw-991@/postgres?host=\(host)&port=1",
                    "postgresql://erranalyze:Pw-991@127.0.0.1:1/postgres"] {
            let error = try #require(failure { try PostgresConnection(uri) })
            #expect(error.kind == .unreachable, "\(error)")
            #expect(!error.description.contains("Pw-991"), "\(error)")
            #expect(error.description.contains("****"), "\(error)")
        }
    }

    @Test func hostThatDoesNotResolveIsUnreachable() throws {
        let error = try #require(failure { try PostgresConnection("postgresql://ingest:Pw-77@fleet-db.invalid/erranalyze", connectTimeout: 3) })
        #expect(error.kind == .unreachable, "\(error)")
        // The port libpq would have used is shown too.
        #expect(error.server == "postgresql://ingest:****@fleet-db.invalid:5432/erranalyze")
        #expect(error.description.contains("fleet-db.invalid"), "\(error)")
        #expect(!error.description.contains("Pw-77"), "\(error)")
    }

    @Test func malformedStringNeverEchoesThePassword() throws {
        // libpq echoes a bad percent-encoded token, the password here, in its error.
        for bad in ["host=h user=u password=Pa55-word dbname", "postgresql://u:Pa55-word@h/db?nonsense=1",
                    "postgresql://u:Pa55-word%zz@h/db", "postgresql://u:Pa55-word@h:notaport/db"] {
            let error = try #require(failure { try PostgresConnection(bad) })
            #expect(!"\(error)".contains("Pa55-word"), "\(error)")
        }
    }

    @Test func lostConnectionIsUnreachable() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let connection = try db.connect()
        try db.admin.query("SELECT pg_terminate_backend($1)", [.int32(connection.backendPID)])
        let error = failure { try connection.query("SELECT 1") }
        #expect(error?.kind == .unreachable, "\(String(describing: error))")
        #expect(!connection.isConnected)
        try connection.reconnect()
        #expect(connection.isConnected)
        #expect(try connection.query("SELECT 2").first?.int(0) == 2)
    }
}
