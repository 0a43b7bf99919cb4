import Foundation
import Testing

/// `copytruncate` while an ingest reads the file: the copy is made, then the file is
/// truncated under the running ingest (and the server writes new lines to it). The next run
/// over the copy and the new file must count every line exactly once, whenever the
/// truncation came: early, in the middle of the read, or after the run had finished. (The
/// moments are only likely ones on a loaded machine; what is asserted holds for any.)
@Suite struct IngestTruncationTests {
    /// About 19 MB: one step, split across the workers.
    static let original: Data = {
        var data = Data()
        for _ in 0..<8 { data.append(Corpus.text(0..<10_000)) }
        return data
    }()
    static let written = Corpus.text(9000..<9050)

    @Test(arguments: [(0.0, nil), (0.12, nil), (0.18, nil), (0.24, nil), (0.32, nil), (0.2, 1 << 20), (0.4, 1 << 20), (1.5, nil)] as [(Double, Int?)])
    func truncatedWhileBeingReadThenTheCopyAndTheNewFileCountExactly(after seconds: Double, checkpointBytes: Int?) throws {
        let h = try Harness()
        try h.write("v.log", Self.original)
        try h.shell("cp '\(h.path("v.log"))' '\(h.path("v.log.1"))'")
        var environment: [String: String] = [:]
        if let checkpointBytes { environment["ERRANALYZE_CHECKPOINT_BYTES"] = String(checkpointBytes) }
        let running = try h.start(["ingest", h.path("v.log")], environment: environment)
        usleep(useconds_t(seconds * 1_000_000))
        #expect(truncate(h.path("v.log"), 0) == 0)
        try h.append("v.log", Self.written)
        let first = running.wait()
        #expect(first.status == 0, "\(first.stderr)")
        if first.stderr.contains("changed while being read") {
            #expect(first.stderr.contains("warning: \(h.path("v.log")): changed while being read (truncated to"), "\(first.stderr)")
        }

        let second = try h.run(["ingest", h.path("v.log.1"), h.path("v.log")])
        #expect(second.status == 0, "\(second.stderr)")

        // Counted independently: every line of the copy and of the new file is a request.
        let lines = (Self.original + Self.written).filter { $0 == 0x0A }.count
        let report = try h.jsonReport()
        #expect(report.int("totals.requests") == lines, "after \(seconds) s: \(first.stdout)\(first.stderr)\(second.stdout)\(second.stderr)")
        #expect(report.int("totals.malformed_lines") == 0, "no line fragment counted")
    }
}
