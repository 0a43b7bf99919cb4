import Foundation
import Testing

/// Exactly once on PostgreSQL under failure, through the built binary: `kill -9` of an ingest
/// (between commits, inside a commit, at random moments), the server restarted while a commit
/// waits, two runs of one host at once, and a server that is down. After each, one more run
/// must leave totals equal to an independent count of the same bytes (a clean SQLite run).
///
/// The tests that stop or restart a server use a throwaway server of their own
/// (`Scripts/pg-server` with its own ERRANALYZE_PG_STATE), never the shared test server, so
/// that other suites running at the same time are not disturbed.
@Suite(.serialized) struct FleetFailureTests {
    static let smallCheckpoints = ["ERRANALYZE_CHECKPOINT_BYTES": "65536"]

    // MARK: kill -9

    @Test func killedAtChosenCommitsThenResumed() throws {
        guard let server = try FleetTests.ScratchServerDatabase() else { return }
        defer { server.drop() }
        let h = try Harness()
        let all = try IngestCrashTests.makeFiles(h)
        var generator = SeededGenerator(seed: 7)
        var killed = 0
        for round in 0..<10 {
            // Inside the commit: after its writes, before COMMIT; or just after a COMMIT.
            let kind = round % 2 == 0 ? "in-commit" : "after-commit"
            var env = Self.smallCheckpoints
            env["ERRANALYZE_DEBUG_KILL"] = "\(kind):\(Int.random(in: 1...12, using: &generator))"
            let process = try h.start(["ingest", "--db", server.uri, "--quiet", h.path("big.log"), h.path("big.log.1.gz")], environment: env)
            process.wait()
            if process.wasKilled { killed += 1 }
        }
        #expect(killed >= 8, "the kill points fire: \(killed) of 10 runs were killed")
        try h.ingest(["big.log", "big.log.1.gz"], ["--db", server.uri], environment: Self.smallCheckpoints)
        try expectCleanTotals(h, server.uri, of: all)
    }

    @Test func killedAtRandomMomentsThenResumed() throws {
        guard let server = try FleetTests.ScratchServerDatabase() else { return }
        defer { server.drop() }
        let h = try Harness()
        let all = try IngestCrashTests.makeFiles(h)
        var generator = SeededGenerator(seed: 13)
        var killed = 0
        for _ in 0..<8 {
            let process = try h.start(["ingest", "--db", server.uri, "--quiet", h.path("big.log"), h.path("big.log.1.gz")],
                                      environment: Self.smallCheckpoints)
            usleep(UInt32.random(in: 50_000...400_000, using: &generator))
            process.kill9()
            process.wait()
            if process.wasKilled { killed += 1 }
        }
        #expect(killed > 0, "at least one run was killed before it finished")
        try h.ingest(["big.log", "big.log.1.gz"], ["--db", server.uri], environment: Self.smallCheckpoints)
        try expectCleanTotals(h, server.uri, of: all)
    }

    // MARK: Two runs of one host at once

    /// Two runs of the same host on the same files at the same moment (cron overlapping a run
    /// by hand): both succeed, and every line is counted once.
    @Test func twoRunsOfOneHostAtOnceCountEachLineOnce() throws {
        guard let server = try FleetTests.ScratchServerDatabase() else { return }
        defer { server.drop() }
        let h = try Harness()
        let all = try IngestCrashTests.makeFiles(h)
        let arguments = ["ingest", "--db", server.uri, "--host", "web-1", "--quiet", h.path("big.log"), h.path("big.log.1.gz")]
        let runs = try (0..<2).map { _ in try h.start(arguments, environment: Self.smallCheckpoints) }
        for run in runs {
            let result = run.wait()
            #expect(result.status == 0, "\(result.stderr)")
        }
        try expectCleanTotals(h, server.uri, of: all)
    }

    // MARK: The server restarted, the server down

    /// The server restarts (`pg_ctl restart -m fast`) while a commit is in flight: the commit
    /// is held on the host's row by another session, so the restart lands inside it every time.
    /// The run that lost its server ends with one line naming the server, password masked; the
    /// next run counts exactly what is left.
    @Test func serverRestartedDuringACommitLosesNothing() throws {
        guard let server = try ThrowawayServer() else { return }
        defer { server.stop() }
        let h = try Harness()
        let all = try IngestCrashTests.makeFiles(h)
        // A first run of the host (the small file): the schema and the host's row exist.
        try ingestFirstRun(h, server.uri)
        // Another session holds the host's row: the next commit of web-1 waits inside its transaction.
        let holder = try server.psqlInBackground("BEGIN; SELECT 1 FROM hosts WHERE name = 'web-1' FOR UPDATE; SELECT pg_sleep(120)")
        defer { holder.kill9(); holder.wait() }
        #expect(server.waitUntil("SELECT count(*) > 0 FROM pg_stat_activity WHERE wait_event = 'PgSleep'"), "the holder has the row")
        let ingest = try h.start(["ingest", "--db", server.uri, "--host", "web-1", "--quiet", h.path("big.log")],
                                 environment: Self.smallCheckpoints)
        #expect(server.waitUntil("SELECT count(*) > 0 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND backend_type = 'client backend'"),
                "the ingest's commit waits on the host's row")
        try h.shell("ERRANALYZE_PG_STATE='\(server.state)' '\(Harness.packageRoot.path)/Scripts/pg-server' restart >/dev/null")
        let lost = ingest.wait()
        // The store opens the connection again once after losing it in a commit; the server is
        // then shutting down or starting, so the run ends. (If this process was descheduled for
        // the whole restart, the retry may find the server back and the run simply finishes.)
        if lost.status != 0 {
            #expect(lost.status == 1)
            server.expectOneMaskedLine(lost.stderr)
        }
        try h.ingest(["big.log", "big.log.1.gz"], ["--db", server.uri, "--host", "web-1"], environment: Self.smallCheckpoints)
        try expectCleanTotals(h, server.uri, of: Corpus.text(8000..<10_000) + all)
    }

    /// A server that is down: the run ends at once with one line naming the server (password
    /// masked) and exit status 1, having counted nothing; the logs on disk are the buffer, and
    /// the first run after the server is back counts everything.
    @Test func serverDownThenBackCountsEverything() throws {
        guard let server = try ThrowawayServer() else { return }
        defer { server.stop() }
        let h = try Harness()
        let all = try IngestCrashTests.makeFiles(h)
        try ingestFirstRun(h, server.uri)
        try server.control("halt")
        let down = try h.run(["ingest", "--db", server.uri, "--host", "web-1", h.path("big.log")], environment: Self.smallCheckpoints)
        #expect(down.status == 1)
        server.expectOneMaskedLine(down.stderr)
        #expect(down.stderr.contains("unreachable"), "\(down.stderr)")
        let report = try h.run(["report", "--db", server.uri])
        #expect(report.status == 1)
        server.expectOneMaskedLine(report.stderr)
        try server.control("start")
        try h.ingest(["big.log", "big.log.1.gz"], ["--db", server.uri, "--host", "web-1"])
        try expectCleanTotals(h, server.uri, of: Corpus.text(8000..<10_000) + all)
    }
}

/// A PostgreSQL server of a test's own (`Scripts/pg-server` with its own state file), with a
/// database `fleet` and a superuser `fleet_owner` that logs in with a password, so that messages
/// can be checked for the mask. Gated like the shared server: without ERRANALYZE_TEST_PG the
/// test says loudly that it skipped; with CI=true it fails instead.
struct ThrowawayServer {
    static let password = "Fl33t-Secret"
    let state: String
    let admin: String
    let socket: String
    let uri: String

    init?() throws {
        guard let shared = try FleetTests.ScratchServerDatabase() else { return nil }   // says why it skips
        shared.drop()
        state = "/tmp/erranalyze-fleet-failure." + UUID().uuidString.prefix(8).lowercased()
        let h = try Harness()
        admin = try h.shell("ERRANALYZE_PG_STATE='\(state)' '\(Harness.packageRoot.path)/Scripts/pg-server' start")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        socket = admin.components(separatedBy: "host=").last?.components(separatedBy: "&").first ?? ""
        let port = admin.components(separatedBy: "port=").last ?? "5432"
        try h.shell("""
            psql -X -q '\(admin)' -c "CREATE ROLE fleet_owner LOGIN SUPERUSER PASSWORD '\(Self.password)' IN ROLE erranalyze_password_login" \
              -c 'CREATE DATABASE fleet OWNER fleet_owner'
            """)
        uri = "postgresql://fleet_owner:\(Self.password)@/fleet?host=\(socket)&port=\(port)"
    }

    /// `Scripts/pg-server COMMAND` for this server.
    func control(_ command: String) throws {
        try Harness().shell("ERRANALYZE_PG_STATE='\(state)' '\(Harness.packageRoot.path)/Scripts/pg-server' \(command) >/dev/null")
    }

    func stop() { try? control("stop") }

    /// `psql -c SQL` as the superuser on database `fleet`, left running.
    func psqlInBackground(_ sql: String) throws -> RunningProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-X", "-q", admin.replacingOccurrences(of: "@/postgres?", with: "@/fleet?"), "-c", sql]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return RunningProcess(process: process, stdout: out, stderr: err)
    }

    /// Polls until `query` (one boolean) answers true on database `fleet`; false after 30 s.
    func waitUntil(_ query: String) -> Bool {
        let fleet = admin.replacingOccurrences(of: "@/postgres?", with: "@/fleet?")
        for _ in 0..<600 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            process.arguments = ["-X", "-Atq", fleet, "-c", query]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return false }
            let answer = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            if answer.trimmingCharacters(in: .whitespacesAndNewlines) == "t" { return true }
            usleep(50_000)
        }
        return false
    }

    /// One line on standard error, naming this server (its socket folder and role) with the
    /// password as `****`, and never the password itself.
    func expectOneMaskedLine(_ stderr: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(stderr.split(separator: "\n").count == 1, "\(stderr)", sourceLocation: sourceLocation)
        #expect(stderr.contains("fleet_owner:****@") && stderr.contains(socket), "\(stderr)", sourceLocation: sourceLocation)
        #expect(!stderr.contains(Self.password), "\(stderr)", sourceLocation: sourceLocation)
    }
}

/// The database holds exactly what a clean count of `lines` gives.
private func expectCleanTotals(_ h: Harness, _ uri: String, of lines: Data, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let expected = try Harness.cleanTotals(of: lines)
    let got = try h.totals(db: uri)
    #expect(sameTotals(got, expected), "\(describeDifference(got, expected))", sourceLocation: sourceLocation)
}

/// A first run of host web-1 (corpus lines 8000..<10000): the schema and the host's row exist.
private func ingestFirstRun(_ h: Harness, _ uri: String) throws {
    try h.write("first.log", Corpus.text(8000..<10_000))
    try h.age("first.log")
    try h.ingest(["first.log"], ["--db", uri, "--host", "web-1"])
}
