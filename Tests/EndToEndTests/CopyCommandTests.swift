import Foundation
import Testing

/// `erranalyze copy --from SQLITE --to URI` through the built binary, against the test server
/// (ERRANALYZE_TEST_PG; a loud skip without it, a failure in CI): the fleet's report equals
/// the SQLite one byte for byte, a second copy changes nothing, the host's next ingest into
/// the fleet continues where SQLite stopped; usage and server errors.
@Suite(.serialized) struct CopyCommandTests {
    typealias Server = FleetTests.ScratchServerDatabase

    static let api = Harness.sampleLogs.appendingPathComponent("api/app.jsonl").path
    static let nginx = Harness.sampleLogs.appendingPathComponent("nginx/access.log").path
    static let rotated = Harness.sampleLogs.appendingPathComponent("nginx/access.log.2.gz").path

    @Test func aMachinesHistoryMovesIntoTheFleetAndItsNextIngestContinues() throws {
        guard let server = try Server() else { return }
        defer { server.drop() }
        let h = try Harness()
        let lines = try String(contentsOfFile: CorpusTests.apacheLogs, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        let log = h.path("access.log")
        try (lines.prefix(4_000).joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        let sqlite = h.path("machine.sqlite")
        #expect(try h.run(["ingest", "--db", sqlite, "--host", "web-1", log, Self.api, Self.rotated]).status == 0)
        #expect(try h.run(["ingest", "--db", sqlite, "--host", "web-2", Self.nginx]).status == 0)

        let copy = try h.run(["copy", "--from", sqlite, "--to", server.uri])
        #expect(copy.status == 0, "\(copy.stderr)")
        let said = copy.stdout.split(separator: "\n").map(String.init)
        #expect(said.count == 2 && said[0].hasPrefix("host web-1: 3 files, ") && said[0].hasSuffix(" hourly rows copied")
                && said[1].hasPrefix("host web-2: 1 file, "), "\(copy.stdout)")
        let sqliteReport = try h.run(["report", "--db", sqlite, "--format", "json", "--top", "25"])
        let fleetReport = try h.run(["report", "--db", server.uri, "--format", "json", "--top", "25"])
        #expect(sqliteReport.status == 0 && fleetReport.status == 0)
        #expect(fleetReport.stdout == sqliteReport.stdout)
        // Twice: already copied, exit 0, not a byte of the report changed.
        let again = try h.run(["copy", "--from", sqlite, "--to", server.uri])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.components(separatedBy: "already copied").count - 1 == 2, "\(again.stdout)")
        #expect(try h.run(["report", "--db", server.uri, "--format", "json", "--top", "25"]).stdout == sqliteReport.stdout)

        // The machine now ingests into the fleet: the old files are already counted, the grown
        // log resumes; the totals equal an independent count of the whole files.
        try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        let next = try h.run(["ingest", "--db", server.uri, "--host", "web-1", log, Self.api, Self.rotated])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stdout.components(separatedBy: "already counted").count - 1 == 2, "\(next.stdout)")
        let independent = h.path("independent.sqlite")
        #expect(try h.run(["ingest", "--db", independent, "--host", "web-1", log, Self.api, Self.rotated]).status == 0)
        #expect(try h.run(["ingest", "--db", independent, "--host", "web-2", Self.nginx]).status == 0)
        #expect(try h.run(["report", "--db", server.uri, "--format", "json", "--top", "25"]).stdout
                == (try h.run(["report", "--db", independent, "--format", "json", "--top", "25"]).stdout))
        let rest = h.path("rest.sqlite")
        #expect(try h.run(["ingest", "--db", rest, Self.api, Self.rotated]).status == 0)
        let restRequests = try #require(try h.jsonReport(db: rest).int("totals.requests"))
        #expect(try h.jsonReport(["--host", "web-1"], db: server.uri).int("totals.requests") == lines.count + restRequests)

        // Now web-1 has history of its own in the fleet: a copy refuses it, one line, status 1.
        let refused = try h.run(["copy", "--from", sqlite, "--to", server.uri, "--host", "web-1"])
        #expect(refused.status == 1 && refused.stderr.contains("host web-1: not copied"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
    }

    @Test func theWrongDirectionIsAUsageErrorAndABadServerOneLineWithoutThePassword() throws {
        let h = try Harness()
        let sqlite = h.path("machine.sqlite")
        #expect(try h.run(["ingest", "--db", sqlite, "--host", "web-1", Self.api]).status == 0)
        let fromServer = try h.run(["copy", "--from", "postgresql://bob:Sup3rSecret@db.example/fleet", "--to", "postgresql://db.example/other"])
        #expect(fromServer.status == 2 && fromServer.stderr.contains("cannot be the source"), "\(fromServer.stderr)")
        #expect(fromServer.stderr.contains("****") && !fromServer.stderr.contains("Sup3rSecret"))
        let toFile = try h.run(["copy", "--from", sqlite, "--to", h.path("other.sqlite")])
        #expect(toFile.status == 2 && toFile.stderr.contains("not supported"), "\(toFile.stderr)")
        #expect(!FileManager.default.fileExists(atPath: h.path("other.sqlite")))
        #expect(try h.run(["copy", "--to", "postgresql://db.example/x"]).status == 2)

        let unreachable = try h.run(["copy", "--from", sqlite, "--to", "postgresql://bob:Sup3rSecret@127.0.0.1:1/x"])
        #expect(unreachable.status == 1 && unreachable.stderr.contains("****"), "\(unreachable.stderr)")
        #expect(unreachable.stderr.split(separator: "\n").count == 1, "\(unreachable.stderr)")
        #expect(!(unreachable.stdout + unreachable.stderr).contains("Sup3rSecret"))
        let missing = try h.run(["copy", "--from", h.path("nothing.sqlite"), "--to", "postgresql://bob:Sup3rSecret@127.0.0.1:1/x"])
        #expect(missing.status == 1 && missing.stderr.contains("no database here"), "\(missing.stderr)")
    }
}
