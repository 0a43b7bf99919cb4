import Foundation
import Testing

/// `kill -9` at any moment, then ingest again: the totals equal one clean run. Small
/// checkpoints (ERRANALYZE_CHECKPOINT_BYTES) put many commits in each file; the process is
/// killed at chosen commits (ERRANALYZE_DEBUG_KILL, between two commits or inside one,
/// after its writes and before COMMIT) and at random moments.
@Suite(.serialized) struct IngestCrashTests {
    /// A plain file of 30,000 lines and a gzip file of 20,000 whose first lines differ.
    static func makeFiles(_ h: Harness) throws -> Data {
        var plain = Data()
        for _ in 0..<3 { plain.append(Corpus.text(0..<10_000)) }
        var rotated = Data()
        for _ in 0..<2 { rotated.append(Corpus.text(5000..<10_000)); rotated.append(Corpus.text(0..<5000)) }
        try h.write("big.log", plain)
        try h.write("big.log.1", rotated)
        try h.shell("cd '\(h.directory.path)' && gzip big.log.1")
        try h.age("big.log")
        return plain + rotated
    }

    static let smallCheckpoints = ["ERRANALYZE_CHECKPOINT_BYTES": "65536"]

    @Test func killedAtChosenCommitsThenResumed() throws {
        let h = try Harness()
        let all = try Self.makeFiles(h)
        var generator = SeededGenerator(seed: 5)
        var killed = 0
        for round in 0..<24 {
            let kind = round % 2 == 0 ? "after-commit" : "in-commit"
            let n = Int.random(in: 1...25, using: &generator)
            var env = Self.smallCheckpoints
            env["ERRANALYZE_DEBUG_KILL"] = "\(kind):\(n)"
            let process = try h.start(["ingest", "--quiet", h.path("big.log"), h.path("big.log.1.gz")], environment: env)
            process.wait()
            if process.wasKilled { killed += 1 }
        }
        #expect(killed >= 12, "the kill points fire: \(killed) of 24 runs were killed")
        try h.ingest(["big.log", "big.log.1.gz"], environment: Self.smallCheckpoints)
        let expected = try Harness.cleanTotals(of: all)
        let got = try h.totals()
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }

    @Test func killedAtRandomMomentsThenResumed() throws {
        let h = try Harness()
        let all = try Self.makeFiles(h)
        var generator = SeededGenerator(seed: 11)
        var killed = 0
        for _ in 0..<15 {
            let process = try h.start(["ingest", "--quiet", h.path("big.log"), h.path("big.log.1.gz")], environment: Self.smallCheckpoints)
            usleep(UInt32.random(in: 0...120_000, using: &generator))
            process.kill9()
            process.wait()
            if process.wasKilled { killed += 1 }
        }
        #expect(killed > 0, "at least one run was killed before it finished")
        try h.ingest(["big.log", "big.log.1.gz"], environment: Self.smallCheckpoints)
        let expected = try Harness.cleanTotals(of: all)
        let got = try h.totals()
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }

    /// Killed in the first commit of a new database, and in a run that splits a plain file
    /// across workers.
    @Test func killedInTheFirstCommitAndWhileSplittingAcrossWorkers() throws {
        let h = try Harness()
        var data = Data()
        for _ in 0..<4 { data.append(Corpus.text(0..<10_000)) }
        try h.write("split.log", data)
        try h.age("split.log")
        let first = try h.start(["ingest", "--quiet", h.path("split.log")], environment: ["ERRANALYZE_DEBUG_KILL": "in-commit:1"])
        first.wait()
        #expect(first.wasKilled)
        // A first segment of 9 MB, split between two workers (above the 8 MiB threshold).
        let env = ["ERRANALYZE_CHECKPOINT_BYTES": "9000000", "ERRANALYZE_DEBUG_KILL": "after-commit:1"]
        for _ in 0..<2 {
            let process = try h.start(["ingest", "--quiet", "--workers", "2", h.path("split.log")], environment: env)
            process.wait()
        }
        try h.ingest(["split.log"], ["--workers", "2"])
        let expected = try Harness.cleanTotals(of: data)
        let got = try h.totals()
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }
}

