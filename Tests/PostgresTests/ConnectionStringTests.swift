import ErrAnalyzePostgres
import XCTest

/// Telling a PostgreSQL server from a file path, and the display form with the password masked.
final class ConnectionStringTests: XCTestCase {
    func testURIsAndConninfoArePostgresAndPathsAreNot() {
        for postgres in ["postgresql://u@h/db", "postgres://h", "POSTGRESQL://h/db", "host=/tmp dbname=x", "service=fleet",
                         "dbname = x user=y"] {
            XCTAssertTrue(ConnectionString.isPostgres(postgres), postgres)
            guard case .postgres = DatabaseLocation(postgres) else { return XCTFail(postgres) }
        }
        for path in ["erranalyze.sqlite", "/var/lib/erranalyze/db.sqlite", "./a=b.sqlite", "postgresql.sqlite", "mode=x/y.db"] {
            XCTAssertFalse(ConnectionString.isPostgres(path), path)
            XCTAssertEqual(DatabaseLocation(path), .sqlite(path: path))
        }
    }

    func testURIPasswordIsMaskedInTheDisplayForm() {
        let uri = ConnectionString("postgresql://ingest:s3cr%40t@db.example.com:5433/fleet?sslmode=require")!
        XCTAssertEqual(uri.password, "s3cr@t")
        XCTAssertEqual(uri.display, "postgresql://ingest:****@db.example.com:5433/fleet")
        XCTAssertEqual(DatabaseLocation(uri.raw).description, uri.display)
        XCTAssertEqual(uri.masking("failed for \(uri.raw) and s3cr@t", environment: [:]),
                       "failed for postgresql://ingest:****@db.example.com:5433/fleet?sslmode=require and ****")
    }

    func testPasswordInQueryAndConninfoIsMasked() {
        let query = ConnectionString("postgres://ingest@h/db?password=hunter22&sslmode=verify-full")!
        XCTAssertEqual(query.display, "postgresql://ingest:****@h/db")
        XCTAssertFalse(query.masking(query.raw, environment: [:]).contains("hunter22"))

        let conninfo = ConnectionString("host=db.internal port=6432 user=ingest password='it\\'s quoted' dbname=fleet")!
        XCTAssertEqual(conninfo.options["host"], "db.internal")
        XCTAssertEqual(conninfo.password, "it's quoted")
        XCTAssertEqual(conninfo.display, "postgresql://ingest:****@db.internal:6432/fleet")
        let plain = ConnectionString("host=h user=u password=abc123 dbname=d")!
        XCTAssertEqual(plain.masking("missing \"=\" after \"abc123\"", environment: [:]), "missing \"=\" after \"****\"")
    }

    func testEnvironmentPasswordIsMaskedToo() {
        let uri = ConnectionString("postgresql://u@h/db")!
        XCTAssertEqual(uri.display, "postgresql://u@h/db")
        XCTAssertEqual(uri.masking("echo Xyzzy-42", environment: ["PGPASSWORD": "Xyzzy-42"]), "echo ****")
    }

    func testSocketFolderAndIPv6Display() {
        XCTAssertEqual(ConnectionString("postgresql://erranalyze@/postgres?host=/tmp/pg.X&port=5432")!.display,
                       "postgresql://erranalyze@/postgres?host=/tmp/pg.X&port=5432")
        XCTAssertEqual(ConnectionString("postgresql://u:p@[::1]:5432/d")!.display, "postgresql://u:****@[::1]:5432/d")
        XCTAssertEqual(ConnectionString("postgresql://h1:5432,h2:5433/d")!.display, "postgresql://h1,h2:5432,5433/d")
    }
}
