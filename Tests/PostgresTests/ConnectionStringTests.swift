import ErrAnalyzePostgres
import Testing

/// Telling a PostgreSQL server from a file path, and the display form with the password masked.
@Suite struct ConnectionStringTests {
    @Test func urisAndConninfoArePostgresAndPathsAreNot() {
        for postgres in ["postgresql://u@h/db", "postgres://h", "POSTGRESQL://h/db", "host=/tmp dbname=x", "service=fleet",
                         "dbname = x user=y"] {
            #expect(ConnectionString.isPostgres(postgres), "\(postgres)")
            guard case .postgres = DatabaseLocation(postgres) else { Issue.record("\(postgres)"); continue }
        }
        for path in ["erranalyze.sqlite", "/var/lib/erranalyze/db.sqlite", "./a=b.sqlite", "postgresql.sqlite", "mode=x/y.db"] {
            #expect(!ConnectionString.isPostgres(path), "\(path)")
            #expect(DatabaseLocation(path) == .sqlite(path: path))
        }
    }

    @Test func uriPasswordIsMaskedInTheDisplayForm() {
        let uri = ConnectionString("postgresql://ingest:s3cr%40t@db.example.com:5433/fleet?sslmode=require")!
        #expect(uri.password == "s3cr@t")
        #expect(uri.display == "postgresql://ingest:****@db.example.com:5433/fleet")
        #expect(DatabaseLocation(uri.raw).description == uri.display)
        #expect(uri.masking("failed for \(uri.raw) and s3cr@t", environment: [:])
                == "failed for postgresql://ingest:****@db.example.com:5433/fleet?sslmode=require and ****")
    }

    @Test func passwordInQueryAndConninfoIsMasked() {
        let query = ConnectionString("postgres://ingest@h/db?password=hunter22&sslmode=verify-full")!
        #expect(query.display == "postgresql://ingest:****@h/db")
        #expect(!query.masking(query.raw, environment: [:]).contains("hunter22"))

        let conninfo = ConnectionString("host=db.internal port=6432 user=ingest password='it\\'s quoted' dbname=fleet")!
        #expect(conninfo.options["host"] == "db.internal")
        #expect(conninfo.password == "it's quoted")
        #expect(conninfo.display == "postgresql://ingest:****@db.internal:6432/fleet")
        let plain = ConnectionString("host=h user=u password=abc123 dbname=d")!
        #expect(plain.masking("missing \"=\" after \"abc123\"", environment: [:]) == "missing \"=\" after \"****\"")
    }

    @Test func environmentPasswordIsMaskedToo() {
        let uri = ConnectionString("postgresql://u@h/db")!
        #expect(uri.display == "postgresql://u@h/db")
        #expect(uri.masking("echo Xyzzy-42", environment: ["PGPASSWORD": "Xyzzy-42"]) == "echo ****")
    }

    @Test func socketFolderAndIPv6Display() {
        #expect(ConnectionString("postgresql://erranalyze@/postgres?host=/tmp/pg.X&port=5432")!.display
                == "postgresql://erranalyze@/postgres?host=/tmp/pg.X&port=5432")
        #expect(ConnectionString("postgresql://u:p@[::1]:5432/d")!.display == "postgresql://u:****@[::1]:5432/d")
        #expect(ConnectionString("postgresql://h1:5432,h2:5433/d")!.display == "postgresql://h1,h2:5432,5433/d")
    }
}
