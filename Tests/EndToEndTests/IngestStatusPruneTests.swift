import Foundation
import Testing

/// `erranalyze status` (the ledger) and `erranalyze prune` (retention).
@Suite struct IngestStatusPruneTests {
    /// Two files: the corpus's first 6,000 lines with two malformed lines, and the rest gzip'ed.
    static func makeDatabase() throws -> Harness {
        let h = try Harness()
        var first = Corpus.text(0..<3000)
        first.append(Data("this is not a log line\n".utf8))
        first.append(Data("neither \0 is this\n".utf8))
        first.append(Corpus.text(3000..<6000))
        try h.write("access.log", first)
        try h.write("access.log.1", Corpus.text(6000..<10_000))
        try h.shell("cd '\(h.directory.path)' && gzip access.log.1")
        try h.age("access.log")
        try h.ingest(["access.log", "access.log.1.gz"])
        return h
    }

    @Test func statusShowsTheLedger() throws {
        let h = try Self.makeDatabase()
        let text = try h.run(["status"])
        #expect(text.status == 0, "\(text.stderr)")
        for expected in ["Database", h.db, "schema 7", "Last ingest", "Files        2 files", "10,002 lines", "10,000 requests", "2 malformed",
                         h.path("access.log"), "\(h.path("access.log.1.gz")) (gzip)", "combined", "2015-05-17 10:05", "2015-05-20 21:05",
                         "Malformed lines by reason", "binary_data", "e.g. \(h.path("access.log")) line 3002",
                         "Data         2015-05-17T10:00:00Z to 2015-05-20T21:59:59Z"] {
            #expect(text.stdout.contains(expected), "“\(expected)” in:\n\(text.stdout)")
        }

        let json = try h.run(["status", "--format", "json"])
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(object["schema"] as? String == "erranalyze.status/v1")
        #expect(object.int("totals.files") == 2)
        #expect(object.int("totals.lines") == 10_002)
        #expect(object.int("totals.requests") == 10_000)
        #expect(object.int("totals.malformed") == 2)
        // Listed in the order they were first counted: read side by side, either may be first.
        let files = object.array("files").sorted { ($0["path"] as? String ?? "") < ($1["path"] as? String ?? "") }
        #expect(files.map { $0["path"] as? String } == [h.path("access.log"), h.path("access.log.1.gz")])
        #expect((files.first?["first_request"] as? String)?.hasPrefix("2015-05-17T10:05:") == true)
        #expect((files.first?["malformed_by_reason"] as? [String: Any])?.count == 2)
        #expect(files.last?["compressed"] as? Bool == true)
        let plainSize = try FileManager.default.attributesOfItem(atPath: h.path("access.log"))[.size] as? Int ?? -1
        #expect(files.first?["bytes_read"] as? Int == plainSize)
        #expect(files.last?["bytes_read"] as? Int == Corpus.text(6000..<10_000).count, "a gzip file's content bytes")
        let malformed = object.array("malformed")
        let reasons = malformed.compactMap { $0["reason"] as? String }
        #expect(reasons.contains("binary_data") && reasons.count == 2, "\(reasons)")
        #expect(malformed.reduce(0) { $0 + (($1["count"] as? NSNumber)?.intValue ?? 0) } == 2)
        #expect(malformed.contains { ($0["sample"] as? [String: Any])?["line"] as? Int == 3002 })
        #expect(object["last_ingest"] is String)
    }

    @Test func statusOfAMissingOrEmptyDatabase() throws {
        let h = try Harness()
        let missing = try h.run(["status"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no database here yet"), "\(missing.stderr)")
        try h.write("empty.log", Data())
        try h.ingest(["empty.log"])
        let empty = try h.run(["status"])
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.stdout.contains("Files        0 files"), "\(empty.stdout)")
        #expect(empty.stdout.contains("Data         none"), "\(empty.stdout)")
    }

    @Test func pruneRemovesOldHoursAndKeepsTheLedger() throws {
        let h = try Self.makeDatabase()
        let before = try h.jsonReport()
        let all = before.int("totals.requests") ?? 0
        // From 2015-05-19 00:00 UTC on stays.
        let stays = try h.jsonReport(["--since", "2015-05-19T00:00:00Z"]).int("totals.requests") ?? -1
        #expect(stays > 0 && stays < all)

        let dry = try h.run(["prune", "--older-than", "2015-05-19", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("would remove"), "\(dry.stdout)")
        #expect(dry.stdout.contains("\(HumanCount(all - stays)) requests"), "\(dry.stdout)")
        #expect(try h.jsonReport().int("totals.requests") == all, "a dry run removes nothing")

        let prune = try h.run(["prune", "--older-than", "2015-05-19", "--vacuum"])
        #expect(prune.status == 0, "\(prune.stderr)")
        #expect(prune.stdout.contains("removed"), "\(prune.stdout)")
        #expect(prune.stdout.contains("before 2015-05-19T00:00:00Z"), "\(prune.stdout)")
        #expect(prune.stdout.contains("kept the ledger (2 files)"), "\(prune.stdout)")
        #expect(prune.stdout.contains("vacuumed"), "\(prune.stdout)")
        #expect(try h.jsonReport().int("totals.requests") == stays)

        // The pruned files are still recognised: nothing is counted again.
        let again = try h.ingest(["access.log", "access.log.1.gz"])
        #expect(again.stdout.components(separatedBy: "already counted").count - 1 == 2, "\(again.stdout)")
        #expect(try h.jsonReport().int("totals.requests") == stays)
        let status = try h.run(["status"])
        #expect(status.stdout.contains("Pruned       hours before 2015-05-19T00:00:00Z"), "\(status.stdout)")
        #expect(status.stdout.contains("Data         2015-05-19T00:00:00Z"), "\(status.stdout)")

        // An age: everything from 2015 is older than a day.
        let everything = try h.run(["prune", "--older-than", "1d"])
        #expect(everything.status == 0, "\(everything.stderr)")
        #expect(try h.jsonReport().int("totals.requests") == 0)
        let nothing = try h.run(["prune", "--older-than", "1d"])
        #expect(nothing.stdout.contains("no aggregates before"), "\(nothing.stdout)")
    }

    @Test func pruneUsageAndMissingDatabase() throws {
        let h = try Harness()
        let bad = try h.run(["prune", "--older-than", "soon"])
        #expect(bad.status != 0 && bad.status != 1, "a usage error: \(bad.status)")
        #expect(bad.stderr.contains("--older-than"), "\(bad.stderr)")
        let missing = try h.run(["prune", "--older-than", "90d"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no database here yet"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: h.db), "prune does not create a database")
    }
}

/// `1,234` as the CLI prints counts.
func HumanCount(_ n: Int) -> String {
    let digits = String(n)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
        out.append(c)
    }
    return out
}
