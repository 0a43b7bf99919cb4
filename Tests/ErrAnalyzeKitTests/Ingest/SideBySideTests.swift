import Foundation
import Testing
@testable import ErrAnalyzeKit

/// Inputs read side by side (one per worker) count exactly what one after another counts.
@Suite struct SideBySideTests {
    /// Six pieces of the corpus, plain and gzip; one named twice and one copied under
    /// another name; a large file read alone; a missing file.
    static func folder(_ bench: IngestBench) throws -> [String] {
        let lines = CorpusLines.all
        for k in 0..<6 {
            try bench.write("part.\(k)", lines[(k * 1500)..<((k + 1) * 1500)].flatMap { $0 })
        }
        try bench.write("big.log", lines[9000...].flatMap { $0 })
        try bench.shell("gzip part.1 part.3 part.5 && cp part.2 copy-of-part.2")
        return ["part.0", "part.1.gz", "part.2", "big.log", "part.3.gz", "missing.log", "part.4", "part.5.gz", "part.2", "copy-of-part.2"]
    }

    static func options(workers: Int) -> IngestOptions {
        var options = IngestOptions(workers: workers, checkpointBytes: 50_000, minimumBytesToSplit: 20_000)
        options.minimumBytesToReadAlone = 100_000  // big.log (about 220 kB) is read alone, split
        return options
    }

    @Test(arguments: [2, 3, 8])
    func sideBySideCountsWhatOneAfterAnotherCounts(workers: Int) throws {
        let sequential = try IngestBench()
        let names = try Self.folder(sequential)
        let one = sequential.ingest(names, quiet: true, options: Self.options(workers: 1))
        let parallel = try IngestBench()
        _ = try Self.folder(parallel)
        let many = parallel.ingest(names, quiet: true, options: Self.options(workers: workers))

        #expect(try StoreSignature(parallel.store) == StoreSignature(sequential.store))
        #expect(parallel.ledgerLines == 10_000, "every corpus line once, whatever read it")
        // Outcomes come in the order the inputs were named.
        #expect(many.count == names.count)
        for (outcome, name) in zip(many, names) {
            switch outcome {
            case .ingested(let report): #expect(report.path == parallel.path(name))
            case .failed(let path, _): #expect(path == parallel.path(name))
            }
        }
        #expect(many.filter(\.isFailure).count == 1 && one.filter(\.isFailure).count == 1, "only the missing file fails")
        // The content named three times is counted by exactly one of them.
        let counted = many.compactMap { outcome -> FileReport? in
            if case .ingested(let report) = outcome, report.path.hasSuffix("part.2") { return report }
            return nil
        }
        #expect(counted.map(\.lines).sorted() == [0, 0, 1500])
    }

    @Test func runningAgainCountsNothingNew() throws {
        let bench = try IngestBench()
        let names = try Self.folder(bench)
        bench.ingest(names, quiet: true, options: Self.options(workers: 3))
        let before = try StoreSignature(bench.store)
        let again = bench.ingest(names, quiet: true, options: Self.options(workers: 3))
        #expect(try StoreSignature(bench.store) == before)
        for case .ingested(let report) in again {
            #expect(report.lines == 0 && report.disposition == .upToDate, "\(report.path)")
        }
    }

    /// The same content under many names, read at once: the commits race for one ledger
    /// entry and the losers read again from where the winner stopped.
    @Test func manyNamesForOneContentCountItOnce() throws {
        let bench = try IngestBench()
        try bench.write("a.log", CorpusLines.all[0..<4000].flatMap { $0 })
        var names = ["a.log"]
        for k in 1..<12 {
            try bench.shell("cp a.log copy\(k).log")
            names.append("copy\(k).log")
        }
        let outcomes = bench.ingest(names, quiet: true, options: IngestOptions(workers: 4, checkpointBytes: 20_000))
        #expect(outcomes.filter(\.isFailure).isEmpty)
        #expect(bench.ledgerLines == 4000)
        let single = try IngestBench()
        try single.write("a.log", CorpusLines.all[0..<4000].flatMap { $0 })
        single.ingest(["a.log"], quiet: true)
        #expect(try StoreSignature(bench.store) == StoreSignature(single.store))
    }

    /// A full database stops the inputs not yet started; lifting the limit and running
    /// again counts everything once.
    @Test func aFullDatabaseStopsTheRestAndLosesNothing() throws {
        let bench = try IngestBench()
        let names = try Self.folder(bench)
        let pages = try bench.store.connection.prepare("PRAGMA page_count").firstRow { Int($0.int(0)) } ?? 0
        try bench.store.connection.limitPages(pages + 3)
        let outcomes = bench.ingest(names, quiet: true, options: Self.options(workers: 3))
        let failures = outcomes.compactMap { outcome -> String? in
            if case .failed(_, let error) = outcome, !error.contains("missing.log") { return error }
            return nil
        }
        #expect(failures.allSatisfy { $0.contains("database or its disk is full") }, "\(failures)")
        #expect(failures.contains { $0.contains("not read") }, "inputs after the full one are not read: \(failures)")

        try bench.store.connection.limitPages(1 << 30)
        bench.ingest(names, quiet: true, options: Self.options(workers: 3))
        let clean = try IngestBench()
        _ = try Self.folder(clean)
        clean.ingest(names, quiet: true, options: Self.options(workers: 1))
        #expect(try StoreSignature(bench.store) == StoreSignature(clean.store))
    }
}
