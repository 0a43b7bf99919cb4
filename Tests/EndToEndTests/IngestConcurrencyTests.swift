import Foundation
import Testing

/// Overlapping cron runs on one database: both finish (the second waits for the first and says
/// so), the totals are exact, and `report` works while an ingest runs.
@Suite struct IngestConcurrencyTests {
    static func makeFiles(_ h: Harness) throws -> (names: [String], all: Data) {
        let a = Corpus.text(0..<6000), b = Corpus.text(6000..<10_000)
        try h.write("access.log", a)
        try h.write("access.log.1", b)
        try h.shell("cd '\(h.directory.path)' && gzip access.log.1")
        try h.age("access.log")
        return (["access.log", "access.log.1.gz"], a + b)
    }

    @Test func twoIngestsStartedTogetherCountEverythingOnce() throws {
        var expected: [String: Any]?
        for round in 0..<6 {
            let h = try Harness()
            let (names, all) = try Self.makeFiles(h)
            if expected == nil { expected = try Harness.cleanTotals(of: all) }
            // Overlapping file lists, in different orders, with small checkpoints.
            let env = ["ERRANALYZE_CHECKPOINT_BYTES": "32768"]
            let first = try h.start(["ingest"] + names.map(h.path), environment: env)
            let second = try h.start(["ingest"] + names.reversed().map(h.path), environment: env)
            let r1 = first.wait(), r2 = second.wait()
            #expect(r1.status == 0 && r2.status == 0, "round \(round): \(r1.stderr) \(r2.stderr)")
            let got = try h.totals()
            #expect(sameTotals(got, expected!), "round \(round): \(describeDifference(got, expected!))")
        }
    }

    @Test func aSecondIngestWaitsForTheFirstAndSaysWhom() throws {
        let h = try Harness()
        let (names, all) = try Self.makeFiles(h)
        // This test process plays the first ingest: it holds the lock, on the database file.
        let lockFD = open(h.db, O_RDWR | O_CREAT, 0o600)
        #expect(lockFD >= 0)
        defer { close(lockFD) }
        #expect(flock(lockFD, LOCK_EX) == 0)

        let waiting = try h.start(["ingest"] + names.map(h.path))
        #expect(waiting.waitForStderr(containing: "waiting for another ingest (pid \(getpid())) to finish"), "\(waiting.stderrSoFar)")
        #expect(waiting.process.isRunning, "it waits rather than giving up")

        // --no-wait gives up at once, with status 75 and the holder's pid.
        let impatient = try h.run(["ingest", "--no-wait"] + names.map(h.path))
        #expect(impatient.status == 75)
        #expect(impatient.stderr.contains("pid \(getpid())"), "\(impatient.stderr)")
        #expect(impatient.stderr.contains("--no-wait"), "\(impatient.stderr)")
        let prune = try h.run(["prune", "--older-than", "1d", "--no-wait"])
        #expect(prune.status == 75 || prune.status == 1, "\(prune.stderr)")

        flock(lockFD, LOCK_UN)
        let result = waiting.wait()
        #expect(result.status == 0, "\(result.stderr)")
        let expected = try Harness.cleanTotals(of: all)
        let got = try h.totals()
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }

    /// The ingest reads a pipe this test feeds: it cannot finish before the test closes the
    /// pipe, so the reports below are certain to run in the middle of it.
    @Test func reportAndStatusWorkWhileAnIngestRuns() throws {
        let h = try Harness()
        try h.write("small.log", Corpus.text(5000..<5010))
        try h.ingest(["small.log"])
        let input = Pipe()
        let ingest = try h.start(["ingest", "--quiet", "-"], environment: ["ERRANALYZE_CHECKPOINT_BYTES": "16384"], stdin: input)
        let writer = DispatchQueue(label: "feed")
        writer.async { input.fileHandleForWriting.write(Corpus.text(0..<5000)) }
        // Wait (without a clock) until the ingest has committed a checkpoint.
        var middle = 10
        var failures: [String] = []
        while middle == 10 && ingest.process.isRunning {
            let report = try h.run(["report", "--format", "json"])
            if report.status != 0 { failures.append(report.stderr); break }
            let object = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any] ?? [:]
            middle = object.int("totals.requests") ?? -1
        }
        let status = try h.run(["status", "--format", "json"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(failures.isEmpty, "\(failures)")
        #expect(middle > 10 && middle <= 5010, "a report in the middle of the ingest sees what was committed: \(middle)")
        writer.sync {}
        input.fileHandleForWriting.write(Corpus.text(5010..<10_000))
        try input.fileHandleForWriting.close()
        let result = ingest.wait()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try h.jsonReport().int("totals.requests") == 10_000)
    }

    @Test func reportsDuringALongIngestNeverGoBack() throws {
        let h = try Harness()
        var data = Data()
        for _ in 0..<6 { data.append(Corpus.text(0..<10_000)) }
        try h.write("big.log", data)
        try h.age("big.log")
        try h.write("small.log", Corpus.text(5000..<5010))
        try h.ingest(["small.log"])
        let ingest = try h.start(["ingest", "--quiet", h.path("big.log")], environment: ["ERRANALYZE_CHECKPOINT_BYTES": "16384"])
        var seen: [Int] = []
        var failures: [String] = []
        while ingest.process.isRunning || seen.isEmpty {
            let report = try h.run(["report", "--format", "json"])
            if report.status != 0 { failures.append(report.stderr); break }
            let object = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any] ?? [:]
            seen.append(object.int("totals.requests") ?? -1)
        }
        let result = ingest.wait()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(failures.isEmpty, "\(failures)")
        let final = try h.jsonReport().int("totals.requests") ?? -1
        #expect(final == 60_010)
        #expect(seen == seen.sorted(), "each report saw a committed state, never going back: \(seen)")
        #expect(seen.allSatisfy { $0 >= 10 && $0 <= final }, "\(seen)")
    }
}
