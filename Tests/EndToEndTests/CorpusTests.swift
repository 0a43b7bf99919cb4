import Foundation
import Testing

/// The real Apache log in ../shared/corpus, whose status counts were counted independently.
@Suite struct CorpusTests {
    static let apacheLogs = Harness.corpus.appendingPathComponent("apache_logs").path
    static let expectedStatuses = [200: 9126, 304: 445, 404: 213, 301: 164, 206: 45, 500: 3, 416: 2, 403: 2]

    @Test func statusCountsMatchTheIndependentCount() throws {
        let h = try Harness()
        let ingest = try h.run(["ingest", Self.apacheLogs])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stdout.contains("combined"))
        let report = try h.jsonReport()
        #expect(report.statusCounts == Self.expectedStatuses)
        #expect(report.int("totals.requests") == 10_000)
        #expect(report.int("totals.errors") == 220)
        #expect(report.int("totals.client_errors") == 217)
        #expect(report.int("totals.server_errors") == 3)
        #expect(report.int("totals.malformed_lines") == 0)
        #expect(report["schema"] as? String == "erranalyze.report/v1")
        let retriable = report.int("totals.retriable") ?? -1, fatal = report.int("totals.fatal") ?? -1
        #expect(retriable + fatal == 220, "every error is exactly one of retriable or fatal")
    }

    @Test func gzipAndTwoMemberGzipGiveTheSameReport() throws {
        let plain = try Harness()
        try plain.run(["ingest", Self.apacheLogs])
        let expected = try plain.jsonReport()

        let single = try Harness()
        let gz = try single.gzip(Self.apacheLogs, to: "apache.log.gz")
        // The name says nothing: gzip is recognised by its magic bytes.
        let disguised = single.path("apache-disguised.txt")
        try single.shell("cp '\(gz)' '\(disguised)'")
        let result = try single.run(["ingest", disguised])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(NSDictionary(dictionary: try single.jsonReport()) == NSDictionary(dictionary: expected))

        let multi = try Harness()
        let twoMembers = multi.path("two-members.gz")
        try multi.shell("head -n 4000 '\(Self.apacheLogs)' | gzip -c > '\(twoMembers)'; tail -n +4001 '\(Self.apacheLogs)' | gzip -c >> '\(twoMembers)'")
        #expect(try multi.run(["ingest", twoMembers]).status == 0)
        #expect(NSDictionary(dictionary: try multi.jsonReport()) == NSDictionary(dictionary: expected))
    }

    @Test func ingestingTwiceChangesNothing() throws {
        let h = try Harness()
        try h.run(["ingest", Self.apacheLogs])
        let first = try h.jsonReport()
        let again = try h.run(["ingest", Self.apacheLogs])
        #expect(again.status == 0)
        #expect(again.stdout.contains("already counted"))
        // The same content under another name, and compressed, is still the same file.
        let copy = try h.gzip(Self.apacheLogs, to: "apache_logs.1.gz")
        #expect(try h.run(["ingest", copy]).status == 0)
        #expect(NSDictionary(dictionary: try h.jsonReport()) == NSDictionary(dictionary: first))
    }

    @Test func standardInputGivesTheSameAsTheFile() throws {
        let file = try Harness()
        try file.run(["ingest", Self.apacheLogs])
        let piped = try Harness()
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.apacheLogs))
        let result = try piped.run(["ingest", "-"], stdin: data)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(NSDictionary(dictionary: try piped.jsonReport()) == NSDictionary(dictionary: try file.jsonReport()))
    }

    @Test func singleThreadAndParallelAgree() throws {
        let one = try Harness()
        try one.run(["ingest", "--workers", "1", Self.apacheLogs])
        let many = try Harness()
        // Force splitting the 2.4 MB file into chunks by making it larger than the split threshold.
        let big = many.path("big.log")
        try many.shell("for i in 1 2 3 4; do cat '\(Self.apacheLogs)'; done > '\(big)'")
        try many.run(["ingest", "--workers", "3", big])
        let report = try many.jsonReport()
        #expect(report.int("totals.requests") == 40_000)
        #expect(report.statusCounts == Self.expectedStatuses.mapValues { $0 * 4 })
        _ = try one.jsonReport()
    }

    @Test func manyFilesAtOnceGiveWhatOneAfterAnotherGives() throws {
        // Six pieces of the corpus, plain and gzip, and one of them named twice: read side
        // by side (three workers) they count exactly what one worker counts, each line once.
        func split(_ h: Harness) throws -> [String] {
            try h.shell("""
                cd '\(h.path(""))' && split -l 1700 -d '\(Self.apacheLogs)' part. && \
                gzip part.01 part.03 part.05
                """)
            return ["part.00", "part.01.gz", "part.02", "part.03.gz", "part.04", "part.05.gz", "part.02"].map { h.path($0) }
        }
        let one = try Harness()
        let sequential = try one.run(["ingest", "--workers", "1"] + split(one))
        #expect(sequential.status == 0, "\(sequential.stderr)")
        let many = try Harness()
        let concurrent = try many.run(["ingest", "--workers", "3"] + split(many))
        #expect(concurrent.status == 0, "\(concurrent.stderr)")
        #expect(concurrent.stdout.components(separatedBy: "already counted").count == 2, "the repeated file counts once: \(concurrent.stdout)")
        // One line per input, in the order they were named.
        let named = concurrent.stdout.split(separator: "\n").filter { $0.contains("part.") }.map { $0.split(separator: ":")[0] }
        #expect(named.map { String($0.split(separator: "/").last!) } == ["part.00", "part.01.gz", "part.02", "part.03.gz", "part.04", "part.05.gz", "part.02"])
        let report = try many.jsonReport()
        #expect(report.int("totals.requests") == 10_000)
        #expect(report.statusCounts == Self.expectedStatuses)
        #expect(NSDictionary(dictionary: report) == NSDictionary(dictionary: try one.jsonReport()))
    }

    @Test func namedPipesAmongSeveralInputsLoseNothing() throws {
        // `<(…)` gives pipes (/dev/fd/N): deciding how to read several inputs must not read
        // from them, or their first bytes (a gzip stream's magic) are gone.
        let h = try Harness()
        try h.shell("""
            cd '\(h.path(""))' && head -n 4000 '\(Self.apacheLogs)' > a.log && sed -n '4001,7000p' '\(Self.apacheLogs)' > b.log && \
            tail -n 3000 '\(Self.apacheLogs)' > c.log && touch -d '1 hour ago' c.log
            """)
        let script = "exec \"$0\" ingest --workers 2 <(cat a.log) <(gzip -c b.log) c.log"
        let result = try h.run(["/bin/bash", "-c", "cd '\(h.path(""))' && " + script, Harness.binary.path], viaShell: true)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try h.jsonReport()
        #expect(report.int("totals.requests") == 10_000)
        #expect(report.statusCounts == Self.expectedStatuses)
    }
}

