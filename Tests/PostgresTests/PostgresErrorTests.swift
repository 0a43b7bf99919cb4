import ErrAnalyzePostgres
import Testing

/// SQLSTATEs and libpq's connection messages map to the neutral kinds the commands report.
@Suite struct PostgresErrorTests {
    @Test func sqlStates() {
        let expected: [String: PostgresError.Kind] = [
            "40001": .serialization, "40P01": .serialization, "53100": .full, "53300": .busy, "55P03": .busy,
            "57014": .busy, "57P03": .busy, "3D000": .noSuchDatabase, "42501": .permissionDenied,
            "57P01": .unreachable, "08006": .unreachable, "08001": .unreachable, "28P01": .authenticationFailed,
            "28000": .authenticationFailed, "23505": .other, "42P01": .other,
        ]
        for (state, kind) in expected { #expect(PostgresError.kind(sqlState: state) == kind, "\(state)") }
        #expect(PostgresError(kind: .serialization, server: "s", detail: "").isRetryable)
        #expect(!PostgresError(kind: .busy, server: "s", detail: "").isRetryable)
    }

    @Test func connectionMessages() {
        let expected: [(String, PostgresError.Kind)] = [
            ("connection to server at \"10.0.0.5\", port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?", .unreachable),
            ("could not translate host name \"db.invalid\" to address: Name or service not known", .unreachable),
            ("connection to server at \"10.0.0.5\", port 5432 failed: timeout expired", .unreachable),
            ("connection to server on socket \"/tmp/.s.PGSQL.1\" failed: No such file or directory", .unreachable),
            ("connection to server on socket \"/tmp/.s.PGSQL.5432\" failed: FATAL:  password authentication failed for user \"ingest\"", .authenticationFailed),
            ("connection to server at \"h\", port 5432 failed: fe_sendauth: no password supplied", .authenticationFailed),
            ("connection to server on socket \"/tmp/.s.PGSQL.5432\" failed: FATAL:  role \"nobody\" does not exist", .authenticationFailed),
            ("connection to server on socket \"/tmp/.s.PGSQL.5432\" failed: FATAL:  database \"nodb\" does not exist", .noSuchDatabase),
            ("connection to server at \"h\", port 5432 failed: FATAL:  permission denied for database \"erranalyze\"", .permissionDenied),
            ("connection to server at \"h\", port 5432 failed: FATAL:  sorry, too many clients already", .busy),
            ("connection to server at \"h\", port 5432 failed: FATAL:  the database system is starting up", .busy),
        ]
        for (message, kind) in expected { #expect(PostgresError.kind(connectionMessage: message) == kind, "\(message)") }
    }

    @Test func messageIsOneLineNamingTheServer() {
        let error = PostgresError(kind: .authenticationFailed, server: "postgresql://ingest:****@db:5432/erranalyze",
                                  detail: "password authentication failed for user \"ingest\"")
        #expect(error.description
                == "postgresql://ingest:****@db:5432/erranalyze: authentication failed (password authentication failed for user \"ingest\")")
    }
}
