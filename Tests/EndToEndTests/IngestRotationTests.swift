import Foundation
import Testing

/// Incremental ingest and log rotation, run against the built binary: whatever happens to the
/// files between runs, the totals equal one clean run over every line written.
@Suite struct IngestRotationTests {
    @Test func growingFileIsReadFromWhereTheLastRunStopped() throws {
        let h = try Harness()
        try h.write("access.log", Corpus.text(0..<1000))
        var result = try h.ingest(["access.log"])
        #expect(result.stdout.contains("1,000 lines"))
        try h.append("access.log", Corpus.text(1000..<1200))
        result = try h.ingest(["access.log"])
        #expect(result.stdout.contains("resumed at byte"), "\(result.stdout)")
        #expect(result.stdout.contains("200 lines"), "\(result.stdout)")
        result = try h.ingest(["access.log"])
        #expect(result.stdout.contains("already counted"))
        let expected = try Harness.cleanTotals(of: Corpus.text(0..<1200))
        let got = try h.totals()
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }

    @Test func halfWrittenLastLineWaitsWhileTheFileIsLiveAndCountsOnceWhenQuiet() throws {
        let h = try Harness()
        let line = Corpus.lines[500]
        let half = line.count / 2
        try h.write("access.log", Corpus.text(0..<500) + line.prefix(half))
        var result = try h.ingest(["access.log"])
        #expect(result.stdout.contains("500 lines"), "\(result.stdout)")
        #expect(result.stdout.contains("incomplete last line waits"), "\(result.stdout)")
        // The writer finishes the line: it is counted once, whole.
        try h.append("access.log", line.suffix(from: line.startIndex + half) + Corpus.text(501..<600) + Corpus.lines[600].prefix(10))
        result = try h.ingest(["access.log"])
        #expect(result.stdout.contains("100 lines"), "\(result.stdout)")
        // Quiet for longer than five minutes: the unterminated tail is a line of its own.
        try h.age("access.log")
        result = try h.ingest(["access.log"])
        #expect(result.stdout.contains("1 lines"), "\(result.stdout)")
        // The writer comes back and completes it after all: the rest of that line was
        // already counted and is dropped, the lines after it count.
        try h.append("access.log", Corpus.lines[600].suffix(from: Corpus.lines[600].startIndex + 10) + Corpus.text(601..<700))
        result = try h.ingest(["access.log"])
        #expect(result.stdout.contains("99 lines"), "\(result.stdout)")
        let status = try h.run(["status", "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let totals = json?["totals"] as? [String: Any]
        #expect((totals?["lines"] as? NSNumber)?.intValue == 700, "every line counted exactly once: \(status.stdout)")
    }

    /// logrotate with `delaycompress`: access.log → access.log.1 → access.log.2.gz, with lines
    /// written between the last run and each rotation, and a half-written line completed
    /// before the rotation.
    @Test func logrotateWithDelaycompress() throws {
        let h = try Harness()
        var written = Data()
        func append(_ data: Data) throws { try h.append("access.log", data); written.append(data) }
        func rotate() throws {
            // access.log.1 → access.log.2.gz (compressed), access.log → access.log.1, new access.log.
            if FileManager.default.fileExists(atPath: h.path("access.log.2.gz")) {
                try h.shell("cd '\(h.directory.path)' && for n in 5 4 3 2; do [ -f access.log.$n.gz ] && mv access.log.$n.gz access.log.$((n+1)).gz; done; true")
            }
            if FileManager.default.fileExists(atPath: h.path("access.log.1")) {
                try h.shell("cd '\(h.directory.path)' && mv access.log.1 access.log.2 && gzip access.log.2")
            }
            try h.shell("cd '\(h.directory.path)' && mv access.log access.log.1 && : > access.log")
        }
        func ingestAll() throws { try h.ingest(try h.glob("access.log")) }

        try append(Corpus.text(0..<1000))
        try ingestAll()
        let line = Corpus.lines[1500]
        try append(Corpus.text(1000..<1500) + line.prefix(40))
        try ingestAll()
        try append(line.suffix(from: line.startIndex + 40) + Corpus.text(1501..<1600))  // after the last run, before rotation
        try rotate()
        try append(Corpus.text(1600..<2000))
        try ingestAll()
        try append(Corpus.text(2000..<2300))
        try rotate()  // access.log.1 becomes access.log.2.gz: compressed after it was read
        try append(Corpus.text(2300..<2400))
        try ingestAll()
        try append(Corpus.text(2400..<2500))
        try rotate()
        try rotate()  // twice without a run in between: nothing read yet of the middle one
        try append(Corpus.text(2500..<2600))
        let last = try h.ingest(try h.glob("access.log"))
        #expect(try h.glob("access.log").contains("access.log.4.gz"))
        #expect(last.stdout.contains("already counted"))
        let again = try h.ingest(try h.glob("access.log"))
        #expect(!again.stdout.contains("resumed") || again.stdout.contains("0 lines"), "\(again.stdout)")

        let expected = try Harness.cleanTotals(of: written)
        let got = try h.totals()
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }

    /// logrotate with `copytruncate`: the file is copied to .1 and truncated in place; its
    /// new content (shorter, or already longer than the old read position) counts from its start.
    @Test func copytruncate() throws {
        let h = try Harness()
        var written = Data()
        try h.write("app.log", Corpus.text(0..<800)); written.append(Corpus.text(0..<800))
        try h.ingest(["app.log"])
        // Lines written after the run, then copy and truncate, then new lines.
        try h.append("app.log", Corpus.text(800..<900)); written.append(Corpus.text(800..<900))
        try h.shell("cd '\(h.directory.path)' && cp app.log app.log.1 && : > app.log")
        try h.append("app.log", Corpus.text(900..<1000)); written.append(Corpus.text(900..<1000))
        var result = try h.ingest(["app.log", "app.log.1"])
        #expect(result.stdout.contains("app.log: combined: 100 lines"), "\(result.stdout)")
        #expect(result.stdout.contains("app.log.1: combined: resumed"), "\(result.stdout)")

        // Truncated again, and by the time we look the new content is already longer than
        // the old read position: its first bytes differ, so it is a new file.
        try h.shell("cd '\(h.directory.path)' && mv app.log.1 app.log.2 && cp app.log app.log.1 && : > app.log")
        try h.append("app.log", Corpus.text(1000..<3000)); written.append(Corpus.text(1000..<3000))
        result = try h.ingest(["app.log", "app.log.1", "app.log.2"])
        #expect(result.stdout.contains("app.log: combined: 2,000 lines"), "\(result.stdout)")

        let expected = try Harness.cleanTotals(of: written)
        let got = try h.totals()
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }

    /// Right after a rotation, the new file may hold half a first line: it waits, it is not
    /// an unknown format.
    @Test func newFileWithOnlyHalfAFirstLineWaits() throws {
        let h = try Harness()
        try h.write("access.log", Corpus.lines[0].prefix(20))
        let result = try h.ingest(["access.log"])
        #expect(result.stdout.contains("only an incomplete first line so far"), "\(result.stdout)")
        try h.append("access.log", Corpus.lines[0].suffix(from: Corpus.lines[0].startIndex + 20) + Corpus.text(1..<10))
        #expect(try h.ingest(["access.log"]).stdout.contains("10 lines"))
    }

    @Test func fileReplacedByANewOneUnderTheSameName() throws {
        let h = try Harness()
        try h.write("access.log", Corpus.text(0..<500))
        try h.ingest(["access.log"])
        try h.shell("cd '\(h.directory.path)' && rm access.log")
        try h.write("access.log", Corpus.text(3000..<3400))
        let result = try h.ingest(["access.log"])
        #expect(result.stdout.contains("400 lines"), "\(result.stdout)")
        let expected = try Harness.cleanTotals(of: Corpus.text(0..<500) + Corpus.text(3000..<3400))
        let got = try h.totals()
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }

    /// Two files whose first 1024 bytes are the same (a shared header, or logs that start with
    /// the same lines): the bytes just before the read position tell them apart.
    @Test func filesWithTheSameFirstKilobyteAreDifferentFiles() throws {
        let h = try Harness()
        let shared = Corpus.text(0..<6)  // about 1.3 kB
        #expect(shared.count > 1024)
        let a = shared + Corpus.text(100..<300)
        let b = shared + Corpus.text(300..<700)  // longer than a: passes a's read position
        let c = shared + Corpus.text(700..<750)  // shorter than a
        try h.write("a.log", a)
        try h.write("b.log", b)
        try h.write("c.log", c)
        try h.ingest(["a.log"])
        let result = try h.ingest(["b.log", "c.log"])
        #expect(result.stdout.contains("b.log: combined: starts like a file counted before"), "\(result.stdout)")
        #expect(result.stdout.contains("406 lines"), "\(result.stdout)")
        #expect(result.stdout.contains("56 lines"), "\(result.stdout)")
        // Each is still recognised as itself afterwards, under any name, compressed too.
        try h.shell("cd '\(h.directory.path)' && gzip -k a.log && cp b.log b.log.1")
        let again = try h.ingest(["a.log", "a.log.gz", "b.log.1", "c.log"])
        #expect(again.stdout.components(separatedBy: "already counted").count - 1 == 4, "\(again.stdout)")
        let expected = try Harness.cleanTotals(of: a + b + c)
        let got = try h.totals()
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }

    /// A file smaller than the fingerprint's 1024 bytes is recognised again once it has grown.
    @Test func smallFileThatGrowsPastTheFingerprintLength() throws {
        let h = try Harness()
        try h.write("tiny.log", Corpus.text(0..<1))
        #expect(Corpus.text(0..<1).count < 1024)
        try h.ingest(["tiny.log"])
        try h.append("tiny.log", Corpus.text(1..<3))
        try h.ingest(["tiny.log"])
        try h.append("tiny.log", Corpus.text(3..<50))
        let result = try h.ingest(["tiny.log"])
        #expect(result.stdout.contains("resumed"), "\(result.stdout)")
        try h.shell("cd '\(h.directory.path)' && gzip -c tiny.log > tiny.log.1.gz")
        #expect(try h.ingest(["tiny.log.1.gz"]).stdout.contains("already counted"))
        let expected = try Harness.cleanTotals(of: Corpus.text(0..<50))
        let got = try h.totals()
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }

    /// A file read partly, then rotated and compressed before the next run: the compressed
    /// copy is read from where the plain one stopped.
    @Test func fileCompressedAfterItWasPartlyRead() throws {
        let h = try Harness()
        try h.write("access.log", Corpus.text(0..<2000))
        try h.ingest(["access.log"])
        try h.append("access.log", Corpus.text(2000..<2500))
        try h.shell("cd '\(h.directory.path)' && mv access.log access.log.1 && gzip access.log.1")
        let result = try h.ingest(["access.log.1.gz"])
        #expect(result.stdout.contains("gzip, combined: resumed"), "\(result.stdout)")
        #expect(result.stdout.contains("500 lines"), "\(result.stdout)")
        let expected = try Harness.cleanTotals(of: Corpus.text(0..<2500))
        let got = try h.totals()
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }

    @Test func standardInputResumesLikeAFile() throws {
        let h = try Harness()
        try h.write("access.log", Corpus.text(0..<300))
        try h.ingest(["access.log"])
        // The same content and more, piped: only the new lines count.
        let result = try h.run(["ingest", "-"], stdin: Corpus.text(0..<400))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("100 lines"), "\(result.stdout)")
        let expected = try Harness.cleanTotals(of: Corpus.text(0..<400))
        let got = try h.totals()
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }
}
