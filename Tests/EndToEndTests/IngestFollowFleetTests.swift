import Foundation
import Testing

/// `ingest --follow` into a fleet's PostgreSQL database: no file lock there, commits of one
/// host take turns on the server. A follower killed and restarted, through a rotation, with a
/// cron ingest of the same files beside it: the totals equal one clean run.
@Suite struct IngestFollowFleetTests {
    @Test func followingIntoPostgreSQLCountsEachLineOnce() throws {
        guard let server = try FleetTests.ScratchServerDatabase() else { return }
        defer { server.drop() }
        let h = try Harness()
        var written = Data()
        func append(_ name: String, _ range: Range<Int>) throws {
            try h.append(name, Corpus.text(range)); written.append(Corpus.text(range))
        }
        let arguments = ["ingest", "--follow", "--commit-every", "200ms", "--quiet", "--db", server.uri, h.path("access.log") + "*"]
        let environment = ["ERRANALYZE_CHECKPOINT_BYTES": "16384"]
        try append("access.log", 0..<1500)
        var follower = try h.start(arguments, environment: environment)
        usleep(400_000)
        try append("access.log", 1500..<2500)
        follower.kill9()
        follower.wait()
        try h.shell("cd '\(h.directory.path)' && mv access.log access.log.1")
        try append("access.log.1", 2500..<2600)
        try append("access.log", 2600..<3000)
        let cron = try h.start(["ingest", "--quiet", "--db", server.uri] + (try h.glob("access.log").map(h.path)), environment: environment)
        follower = try h.start(arguments, environment: environment)
        #expect(cron.wait().status == 0)
        let expected = try Harness.cleanTotals(of: written)
        let deadline = Date(timeIntervalSinceNow: 60)
        var got = try h.totals(db: server.uri)
        while !sameTotals(got, expected) && Date() < deadline { usleep(200_000); got = try h.totals(db: server.uri) }
        kill(follower.process.processIdentifier, SIGTERM)
        let result = follower.wait()
        #expect(result.status == 0, "\(result.stderr)")
        got = try h.totals(db: server.uri)
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }
}
