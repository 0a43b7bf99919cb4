import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `Scripts/daily-summary`, the cron job, run as cron would run it (no terminal).
@Suite struct ReportDailySummaryTests {
    static let script = Harness.packageRoot.appendingPathComponent("Scripts/daily-summary").path

    /// Runs the script with the built binary, in the harness's folder.
    func summary(_ h: Harness, _ arguments: [String], environment: [String: String] = [:]) throws -> Harness.Result {
        var env = ["ERRANALYZE": Harness.binary.path]
        for (k, v) in environment { env[k] = v }
        let exports = env.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        return try h.run(shell: "cd '\(h.directory.path)' && env \(exports) '\(Self.script)' \(quoted) </dev/null")
    }

    func standard(_ h: Harness) -> [String] {
        // The corpus is from 2015: keep it (the default prunes data older than 90 days).
        ["--db", h.db, "--reports", h.path("reports"), "--day", "2015-05-19", "--tz", "UTC", "--prune-older-than", ""]
    }

    @Test func writesDatedMarkdownJSONAndHTMLForTheDay() throws {
        let h = try Harness()
        let result = try summary(h, standard(h) + [CorpusTests.apacheLogs])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "quiet for cron: \(result.stdout)\(result.stderr)")
        let reports = h.path("reports")
        let md = try String(contentsOfFile: reports + "/2015-05-19.md", encoding: .utf8)
        #expect(md.hasPrefix("# erranalyze report: 2015-05-19 00:00 → 2015-05-20 00:00 UTC"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reports + "/2015-05-19.json"))) as! [String: Any]
        #expect((json["window"] as? [String: Any])?["since"] as? String == "2015-05-19T00:00:00Z")
        #expect(json["comparison"] is [String: Any], "the daily JSON compares with the day before")
        let html = try String(contentsOfFile: reports + "/2015-05-19.html", encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: reports + "/latest.html") == "2015-05-19.html")

        // Again: nothing is counted twice.
        let again = try summary(h, standard(h) + [CorpusTests.apacheLogs])
        #expect(again.status == 0)
        let json2 = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reports + "/2015-05-19.json"))) as! [String: Any]
        #expect(json2.int("totals.requests") == json.int("totals.requests"))
        #expect((json.int("totals.requests") ?? 0) > 0)
    }

    @Test func aCrossedThresholdExitsWith3AfterWritingTheReports() throws {
        let h = try Harness()
        let result = try summary(h, standard(h) + ["--fail-if", "error_rate>1%", CorpusTests.apacheLogs],
                                 environment: ["ERRANALYZE_FAIL_IF": "requests<10; server_errors > 1000"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("threshold crossed: error_rate>1%"))
        #expect(!result.stderr.contains("requests<10"))
        #expect(FileManager.default.fileExists(atPath: h.path("reports/2015-05-19.html")))
        let fromEnvironment = try summary(h, standard(h), environment: ["ERRANALYZE_FAIL_IF": "requests>=1;errors<0"])
        #expect(fromEnvironment.status == 3)
        #expect(fromEnvironment.stderr.contains("threshold crossed: requests>=1"))
        let malformed = try summary(h, standard(h), environment: ["ERRANALYZE_FAIL_IF": "requests>>1"])
        #expect(malformed.status == 1, "a report that cannot be made is a failure")
        #expect(malformed.stderr.contains("--fail-if 'requests>>1'"))
    }

    @Test func aSecondRunGivesWayToTheOneHoldingTheLock() throws {
        let h = try Harness()
        try FileManager.default.createDirectory(atPath: h.path("reports"), withIntermediateDirectories: true)
        let lock = h.path("reports/.daily-summary.lock")
        let fd = open(lock, O_CREAT | O_RDWR, 0o644)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX) == 0)
        let blocked = try summary(h, standard(h) + [CorpusTests.apacheLogs])
        #expect(blocked.status == 75)
        #expect(blocked.stderr.contains("another run holds"))
        #expect(!FileManager.default.fileExists(atPath: h.path("reports/2015-05-19.md")), "it did nothing")
        #expect(flock(fd, LOCK_UN) == 0)
        #expect(try summary(h, standard(h) + [CorpusTests.apacheLogs]).status == 0)
    }

    @Test func aLogThatFailsStillLeavesTheReportsAndExits1() throws {
        let h = try Harness()
        let result = try summary(h, standard(h) + [CorpusTests.apacheLogs, h.path("missing.log")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("missing.log"))
        #expect(FileManager.default.fileExists(atPath: h.path("reports/2015-05-19.json")))
    }

    @Test func prunesWhenTheBinaryCanAndNotesWhenItCannot() throws {
        let h = try Harness()
        let verbose = try summary(h, standard(h) + ["-v", CorpusTests.apacheLogs])
        #expect(verbose.status == 0)
        #expect(verbose.stdout.contains("wrote ") && verbose.stdout.contains("2015-05-19.md"))
        // A stand-in erranalyze that has `prune` and records how it was called.
        let fake = h.path("fake-erranalyze")
        let calls = h.path("calls.txt")
        try """
        #!/bin/sh
        echo "$*" >> '\(calls)'
        case "$1" in
          --help) echo "SUBCOMMANDS:"; echo "  prune                   Delete old aggregates." ;;
          report) while [ $# -gt 0 ]; do [ "$1" = --output ] && : > "$2"; shift; done ;;
        esac
        exit 0
        """.write(toFile: fake, atomically: true, encoding: .utf8)
        try h.shell("chmod +x '\(fake)'")
        let pruned = try summary(h, standard(h) + ["--no-ingest", "--prune-older-than", "30d"], environment: ["ERRANALYZE": fake])
        #expect(pruned.status == 0, "\(pruned.stderr)")
        let log = try String(contentsOfFile: calls, encoding: .utf8)
        #expect(log.contains("prune --quiet --older-than 30d"))
        #expect(!log.contains("ingest"), "--no-ingest")
        #expect(log.contains("report --day 2015-05-19 --tz UTC --format markdown"))
    }

    @Test func usageErrorsExitWith2() throws {
        let h = try Harness()
        #expect(try summary(h, ["--bogus"]).status == 2)
        #expect(try summary(h, ["--day", "last week"]).status == 2)
        #expect(try summary(h, ["--reports"]).status == 2)
        #expect(try summary(h, ["--help"]).stdout.contains("daily summary"))
    }
}
