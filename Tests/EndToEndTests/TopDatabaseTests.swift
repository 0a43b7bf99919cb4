import ErrAnalyzeKit
import Foundation
import Testing

/// `erranalyze top` with no files: the database's latest minutes, which ingest writes for the
/// lines of the last hour. The counts shown equal an independent count of the lines written,
/// through a crash inside a commit and a run again; with a PostgreSQL database, every host's.
@Suite struct TopDatabaseTests {
    struct Lines {
        var text = ""
        var requests = 0
        var errors = 0
        var serverErrors = 0
    }

    /// `count` combined-format lines stamped within the last `seconds` seconds (and `old`
    /// lines of yesterday, which must not show).
    static func lines(_ count: Int, seed: Int, within seconds: Int, old: Int = 0) -> Lines {
        let now = Int(Date().timeIntervalSince1970)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "dd/MMM/yyyy:HH:mm:ss"
        var result = Lines()
        for i in 0..<(count + old) {
            let k = i * 31 + seed
            let isOld = i >= count
            let time = isOld ? now - 86_400 - k % 3600 : now - k % seconds
            let status = [200, 200, 201, 404, 429, 500, 503, 302][k % 8]
            let stamp = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time)))
            result.text += "10.2.\(k % 5).\(k % 7) - - [\(stamp) +0000] \"GET /api/v2/things/\(k % 40) HTTP/1.1\" \(status) 99 \"-\" \"t\"\n"
            if !isOld {
                result.requests += 1
                if status >= 400 { result.errors += 1 }
                if status >= 500 { result.serverErrors += 1 }
            }
        }
        return result
    }

    /// The fields of the last summary line: time, requests, req/s, errors, err/s, err%, hosts, top code.
    static func lastLine(_ output: String) -> [Substring] {
        (output.split(separator: "\n").last ?? "").split(separator: " ")
    }

    @Test func theLineShowsTheDatabasesRecentRequestsAndErrorsOnceThroughACrashAndARunAgain() throws {
        let h = try Harness()
        let written = Self.lines(900, seed: 1, within: 600, old: 300)
        try h.write("access.log", Data(written.text.utf8))
        // Killed inside its second commit (small steps): that step is not counted, the next run does.
        let env = ["ERRANALYZE_CHECKPOINT_BYTES": "20000", "ERRANALYZE_DEBUG_KILL": "in-commit:2"]
        let crashed = try h.run(["ingest", "--quiet", "--workers", "1", h.path("access.log")], environment: env)
        #expect(crashed.status != 0, "the crash hook fired: \(crashed.stderr)")
        #expect(try h.run(["ingest", "--quiet", h.path("access.log")]).status == 0)
        #expect(try h.run(["ingest", "--quiet", h.path("access.log")]).status == 0, "a run again adds nothing")

        let result = try h.run(["top", "--count", "1", "--window", "15"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("time      requests"), "\(result.stdout)")
        let fields = Self.lastLine(result.stdout)
        #expect(fields.count >= 7, "\(result.stdout)")
        guard fields.count >= 7 else { return }
        #expect(Int(fields[1]) == written.requests, "\(result.stdout)")
        #expect(Int(fields[3]) == written.errors, "\(result.stdout)")
        #expect(Int(fields[6]) == 1, "one host: \(result.stdout)")
    }

    @Test func aMissingDatabaseOrOneWithoutRecentMinutesIsSaidNotAnError() throws {
        let h = try Harness()
        let missing = try h.run(["top", "--count", "1", "--db", h.path("nothing-yet.sqlite")])
        #expect(missing.status == 0, "\(missing.stderr)")
        #expect(missing.stdout.contains("no database here yet"), "\(missing.stdout)")
        #expect(!FileManager.default.fileExists(atPath: h.path("nothing-yet.sqlite")), "top never creates the database")

        try h.write("old.log", Data(Self.lines(0, seed: 2, within: 60, old: 50).text.utf8))
        #expect(try h.run(["ingest", "--quiet", h.path("old.log")]).status == 0)
        let quiet = try h.run(["top", "--count", "1"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stdout.contains("no requests in the database's last 30 minutes"), "\(quiet.stdout)")

        // A server that cannot be reached: said with its password hidden, and tried again.
        let unreachable = try h.run(["top", "--count", "1", "--db", "postgresql://ops:Secret-Pw-9@127.0.0.1:1/fleet"])
        #expect(unreachable.status == 0, "\(unreachable.stderr)")
        #expect(unreachable.stdout.contains("postgresql://ops:****@127.0.0.1:1/fleet"), "\(unreachable.stdout)")
        #expect(!(unreachable.stdout + unreachable.stderr).contains("Secret-Pw-9"), "the password is never printed")

        #expect(try h.run(["top", "--ingest"]).status == 2, "--ingest needs files")
        #expect(try h.run(["top", "--host", "web-1"]).status == 2, "--host names the files' host")
    }

    @Test func aFleetDatabaseShowsEveryHostsRequests() throws {
        guard let server = try FleetTests.ScratchServerDatabase() else { return }
        defer { server.drop() }
        let h = try Harness()
        let a = Self.lines(500, seed: 3, within: 400), b = Self.lines(300, seed: 4, within: 200, old: 40)
        try h.write("a.log", Data(a.text.utf8))
        try h.write("b.log", Data(b.text.utf8))
        #expect(try h.run(["ingest", "--quiet", "--db", server.uri, "--host", "api-a", h.path("a.log")]).status == 0)
        #expect(try h.run(["ingest", "--quiet", "--db", server.uri, "--host", "api-b", h.path("b.log")]).status == 0)
        let result = try h.run(["top", "--count", "1", "--window", "15", "--db", server.uri])
        #expect(result.status == 0, "\(result.stderr)")
        let fields = Self.lastLine(result.stdout)
        guard fields.count >= 7 else { Issue.record("\(result.stdout)"); return }
        #expect(Int(fields[1]) == a.requests + b.requests, "\(result.stdout)")
        #expect(Int(fields[3]) == a.errors + b.errors, "\(result.stdout)")
        #expect(Int(fields[6]) == 2, "both hosts: \(result.stdout)")
        // The filter applies to every host's rows: the 5xx of both.
        let fiveHundreds = try h.run(["top", "--count", "1", "--window", "15", "--filter", "5xx", "--db", server.uri])
        #expect(fiveHundreds.status == 0, "\(fiveHundreds.stderr)")
        #expect(Self.lastLine(fiveHundreds.stdout).dropFirst().first.flatMap { Int($0) } == a.serverErrors + b.serverErrors,
                "\(fiveHundreds.stdout)")

        // The dashboard: the fleet's totals, and both hosts in the hosts panel (key 3).
        guard TopDashboardTests.haveTmux else { return }
        let pane = try TopDashboardTests.Pane(TopDashboardTests.command("--db \"\(server.uri)\""))
        #expect(pane.waitFor { TopDashboardTests.shownRequests($0) == a.requests + b.requests }, "\(pane.screen)")
        try pane.send("3")
        #expect(pane.waitFor { $0.contains("api-a") && $0.contains("api-b") }, "\(pane.screen)")
        try pane.send("q")
        #expect(pane.waitFor { $0.contains("EXITED 0") }, "\(pane.screen)")
    }

    @Test func theDashboardShowsTheDatabaseAndUpdatesWhenAnIngestCommits() throws {
        try #require(TopDashboardTests.haveTmux, "tmux is installed by Scripts/lib/ensure-system-packages")
        let h = try Harness()
        let first = Self.lines(400, seed: 5, within: 300)
        try h.write("one.log", Data(first.text.utf8))
        #expect(try h.run(["ingest", "--quiet", h.path("one.log")]).status == 0)
        let pane = try TopDashboardTests.Pane(TopDashboardTests.command("--db \(h.db)"))
        #expect(pane.waitFor { TopDashboardTests.shownRequests($0) == first.requests }, "\(pane.screen)")
        #expect(pane.screen.contains("Errors \(first.errors) ("), "\(first.errors) errors: \(pane.screen)")
        #expect(pane.screen.contains("database"), "\(pane.screen)")

        let second = Self.lines(250, seed: 6, within: 120)
        try h.write("two.log", Data(second.text.utf8))
        #expect(try h.run(["ingest", "--quiet", h.path("two.log")]).status == 0)
        #expect(pane.waitFor { TopDashboardTests.shownRequests($0) == first.requests + second.requests }, "\(pane.screen)")
        #expect(!pane.screen.contains("p95"), "no durations logged yet: \(pane.screen)")

        // Then JSON lines with durations, 90 fast and 10 slow: the window's p95 is slow.
        let now = Int(Date().timeIntervalSince1970)
        let stamp = ISO8601DateFormatter()
        let timed = (0..<100).map { i in
            "{\"time\":\"\(stamp.string(from: Date(timeIntervalSince1970: TimeInterval(now - i))))\",\"method\":\"GET\",\"path\":\"/v3/t\",\"status\":200,\"duration_ms\":\(i < 10 ? 900 : 20)}"
        }
        try h.write("three.jsonl", Data((timed.joined(separator: "\n") + "\n").utf8))
        #expect(try h.run(["ingest", "--quiet", h.path("three.jsonl")]).status == 0)
        let p95 = "p95 " + DurationText.human(LatencyBuckets.representative(of: LatencyBuckets.bucket(ofMicros: 900_000)))
        #expect(pane.waitFor { TopDashboardTests.shownRequests($0) == first.requests + second.requests + 100 && $0.contains(p95) },
                "\(p95): \(pane.screen)")
        try pane.send("q")
        #expect(pane.waitFor { $0.contains("EXITED 0") && TopDashboardTests.sttyAnswered($0) }, "\(pane.screen)")
        #expect(pane.screen.split(separator: "\n").contains("echo"), "the terminal echoes again: \(pane.screen)")
    }
}
