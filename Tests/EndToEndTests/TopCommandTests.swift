import Foundation
import Testing

/// `erranalyze top` with its output not a terminal: one summary line per interval, whose
/// request counts add up to the lines appended after it started, through a rotation.
@Suite struct TopCommandTests {
    /// The requests column of the summary lines so far, summed.
    static func summedRequests(_ output: String) -> Int {
        output.split(separator: "\n").dropFirst().reduce(0) { sum, line in
            let fields = line.split(separator: " ")
            return sum + (fields.count > 1 ? Int(fields[1]) ?? 0 : 0)
        }
    }

    static func waitUntil(_ condition: () -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: 60)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return false
    }

    @Test func summaryLinesCountWhatIsAppendedThroughARotation() throws {
        let h = try Harness()
        try h.write("access.log", Corpus.text(0..<3000))   // before top starts: not shown
        let top = try h.start(["top", "--interval", "200ms", h.path("access.log") + "*"])
        #expect(Self.waitUntil { top.stdoutSoFar.split(separator: "\n").count >= 2 }, "top prints lines: \(top.stderrSoFar)")
        var appended = 0
        try h.append("access.log", Corpus.text(3000..<3400)); appended += 400
        usleep(300_000)
        try h.append("access.log", Corpus.text(3400..<3500)); appended += 100
        // rename then create, with lines still written to the renamed file
        try h.shell("cd '\(h.directory.path)' && mv access.log access.log.1")
        try h.append("access.log.1", Corpus.text(3500..<3550)); appended += 50
        try h.append("access.log", Corpus.text(3550..<3800)); appended += 250
        let caughtUp = Self.waitUntil { Self.summedRequests(top.stdoutSoFar) >= appended }
        usleep(600_000)   // a few more intervals: nothing more may be counted
        kill(top.process.processIdentifier, SIGTERM)
        let result = top.wait()
        #expect(caughtUp, "\(result.stdout)\n\(result.stderr)")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.summedRequests(result.stdout) == appended, "\(result.stdout)")
        #expect(result.stdout.hasPrefix("time"), "a header first: \(result.stdout.prefix(200))")
        #expect(!FileManager.default.fileExists(atPath: h.db), "nothing written without --ingest")
    }

    @Test func standardInputIsCountedAndEndsTheRun() throws {
        let h = try Harness()
        let result = try h.run(["top", "--interval", "100ms", "-"], stdin: Corpus.text(0..<700))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.summedRequests(result.stdout) == 700, "\(result.stdout)")
    }

    @Test func withIngestItAlsoCommits() throws {
        let h = try Harness()
        try h.write("access.log", Corpus.text(0..<1000))
        let top = try h.start(["top", "--ingest", "--interval", "200ms", h.path("access.log")])
        #expect(Self.waitUntil { top.stdoutSoFar.split(separator: "\n").count >= 2 })
        try h.append("access.log", Corpus.text(1000..<1200))
        let caughtUp = Self.waitUntil { Self.summedRequests(top.stdoutSoFar) >= 200 }
        kill(top.process.processIdentifier, SIGINT)
        let result = top.wait()
        #expect(caughtUp && result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(Self.summedRequests(result.stdout) == 200, "the catch-up is committed, not shown: \(result.stdout)")
        let expected = try Harness.cleanTotals(of: Corpus.text(0..<1200))
        let got = try h.totals()
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }

    @Test func usageErrors() throws {
        let h = try Harness()
        let window = try h.run(["top", "--window", "7", h.path("a.log")])
        #expect(window.status == 2 && window.stderr.contains("--window"), "\(window.stderr)")
        let none = try h.run(["top", "--ingest"])
        #expect(none.status == 2, "--ingest with no files: \(none.stderr)")
    }
}
