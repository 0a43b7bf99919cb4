import Foundation
import Testing

/// TLS to the fleet database, as libpq does it for psql: a server of the test's own that
/// accepts TCP only over TLS (`ERRANALYZE_PG_TLS=1 Scripts/pg-server start`, a self-signed
/// certificate for localhost). `sslmode=verify-full` with the right root works; without TLS,
/// or with a root that does not sign the server's certificate, one line and exit status 1.
@Suite(.serialized) struct FleetTLSTests {
    @Test func verifiedTLSWorksAndAnythingLessIsRefusedInOneLine() throws {
        guard let shared = try FleetTests.ScratchServerDatabase() else { return }   // says why it skips
        shared.drop()
        let h = try Harness()
        let state = "/tmp/erranalyze-fleet-tls." + UUID().uuidString.prefix(8).lowercased()
        let port = try h.shell("python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let script = Harness.packageRoot.appendingPathComponent("Scripts/pg-server").path
        let socketURI = try h.shell("ERRANALYZE_PG_STATE='\(state)' ERRANALYZE_PG_TLS=1 ERRANALYZE_PG_PORT=\(port) '\(script)' start")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? h.shell("ERRANALYZE_PG_STATE='\(state)' '\(script)' stop") }
        let folder = try #require(socketURI.components(separatedBy: "host=").last?.components(separatedBy: "&").first)
        let log = Harness.sampleLogs.appendingPathComponent("api/app.jsonl").path

        let verified = "postgresql://erranalyze@localhost:\(port)/postgres?sslmode=verify-full&sslrootcert=\(folder)/server.crt"
        let ingest = try h.run(["ingest", "--db", verified, "--host", "web-1", log])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(try h.jsonReport(db: verified).int("totals.requests") == 3000)
        // The server saw TLS: its own view of this session.
        let ssl = try h.shell("psql '\(verified)' -XAtc 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'")
        #expect(ssl.trimmingCharacters(in: .whitespacesAndNewlines) == "t")

        let plain = "postgresql://erranalyze@127.0.0.1:\(port)/postgres?sslmode=disable"
        let refused = try h.run(["report", "--db", plain])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("no encryption") && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")

        // A root of another authority: the server's certificate does not verify against it.
        try h.shell("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout '\(h.path("other.key"))' "
                    + "-out '\(h.path("other.crt"))' 2>/dev/null")
        let wrongRoot = "postgresql://erranalyze@localhost:\(port)/postgres?sslmode=verify-full&sslrootcert=\(h.path("other.crt"))"
        let unverified = try h.run(["report", "--db", wrongRoot])
        #expect(unverified.status == 1)
        #expect(unverified.stderr.contains("certificate verify failed") && unverified.stderr.split(separator: "\n").count == 1,
                "\(unverified.stderr)")
    }
}
