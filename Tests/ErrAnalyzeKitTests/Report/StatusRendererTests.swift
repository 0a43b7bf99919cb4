import Foundation
import Testing
@testable import ErrAnalyzeKit

/// 2026-11-18T11:06:40Z: every "ago" and quiet host below is measured from it.
private let now: Int64 = 1_795_000_000

private func entry(_ path: String, format: String, compression: Compression? = nil, compressed: Bool = false, bytes: Int64,
                   lines: Int64, requests: Int64, malformed: Int64, first: Int64? = nil, last: Int64? = nil, ingested: Int64) -> LedgerEntry {
    LedgerEntry(id: 1, path: path, fingerprint: ContentFingerprint(of: Array(path.utf8)), format: format,
                compressed: compressed || compression != nil, bytesRead: bytes, lines: lines, requests: requests, malformed: malformed,
                firstTimestamp: first, lastTimestamp: last, firstIngested: ingested - 600, lastIngested: ingested, compression: compression)
}

/// A database two hosts wrote to (one quiet for two hours), with a compressed file whose
/// name holds a newline, a JSON file of nothing but binary lines, and malformed samples.
private func fleetStatus() -> StoreStatus {
    let sample = String(repeating: "abcdefghij", count: 8)
    return StoreStatus(
        path: "/var/lib/erranalyze/db.sqlite", schemaVersion: 7, sizeBytes: 1_234_567,
        files: [
            .init(entry: entry("/logs/access\nlog", format: "combined", compression: .gzip, bytes: 2_500_000, lines: 10_000,
                               requests: 9_997, malformed: 3, first: now - 86_400, last: now - 3600, ingested: now - 300),
                  malformedByReason: [.badTimestamp: 3]),
            .init(entry: entry("/logs/b.log", format: "json", compressed: true, bytes: 999, lines: 1200, requests: 0, malformed: 1200,
                               ingested: now - 7200),
                  malformedByReason: [.binaryData: 1200]),
        ],
        malformed: [
            .init(reason: .badTimestamp, count: 3, files: 1,
                  sample: .init(path: "/logs/x\u{1B}y", line: 7, reason: .badTimestamp, text: sample)),
            .init(reason: .binaryData, count: 1200, files: 2),
        ],
        firstHour: 498_563, lastHour: 498_610, lastIngest: now - 300, lastPrune: now - 86_400, prunedBeforeHour: 498_500,
        hosts: [
            .init(name: "web-1", files: 1, requests: 1234, lastIngest: now - 300),
            .init(name: "web-2", files: 12, requests: 1_234_567, lastIngest: now - 7200),
            // Files ingested before hosts were recorded: neither shown nor counted as a host.
            .init(name: "", files: 3, requests: 10, lastIngest: nil),
        ])
}

@Suite struct StatusTextRendererTests {
    @Test func fleetDatabaseShowsHostsFilesAndMalformedLines() {
        let text = StatusTextRenderer(now: now, machineHost: "this-machine").render(fleetStatus())
        let expected = """
        Database     /var/lib/erranalyze/db.sqlite (1.2 MB, schema 7)
        Last ingest  2026-11-18T11:01:40Z (5 min ago)
        Data         2026-11-16T11:00:00Z to 2026-11-18T10:59:59Z (hourly aggregates)
        Pruned       hours before 2026-11-13T20:00:00Z (on 2026-11-17T11:06:40Z)
        Hosts        2 hosts, 1 quiet (no commit for over an hour)
        HOST   FILES   REQUESTS  LAST COMMIT
        web-1      1      1,234  2026-11-18 11:01 (5 min ago)
        web-2     12  1,234,567  2026-11-18 09:06 (2 h ago)    quiet

        Files        2 files, 2.5 MB read, 11,200 lines, 9,997 requests, 1,203 malformed

        FILE                      FORMAT      READ   LINES  REQUESTS  MALFORMED  REQUESTS FROM     REQUESTS TO       LAST READ
        /logs/access\\nlog (gzip)  combined  2.5 MB  10,000     9,997          3  2026-11-17 11:06  2026-11-18 10:06  2026-11-18 11:01
        /logs/b.log (compressed)  json       999 B   1,200         0      1,200  -                 -                 2026-11-18 09:06

        Malformed lines by reason
          bad_timestamp      3  in 1 file   e.g. /logs/x\\x1by line 7: \(String(repeating: "abcdefghij", count: 6))
          binary_data    1,200  in 2 files

        """
        #expect(text == expected)
    }

    @Test func aDatabaseOnlyThisMachineWroteNamesItOnOneLine() {
        var status = fleetStatus()
        status.hosts = [.init(name: "web-1", files: 1, requests: 1234, lastIngest: now - 300)]
        let here = StatusTextRenderer(now: now, machineHost: "web-1").render(status)
        #expect(here.contains("\nHost         web-1\nFiles "))
        #expect(!here.contains("HOST"))
        // Written by another machine (copied here, or shared): the table says who and when.
        let elsewhere = StatusTextRenderer(now: now, machineHost: "this-machine").render(status)
        #expect(elsewhere.contains("""
        Hosts        1 host
        HOST   FILES  REQUESTS  LAST COMMIT
        web-1      1     1,234  2026-11-18 11:01 (5 min ago)

        Files
        """))
    }

    @Test func hostNamesAreEscaped() {
        var status = fleetStatus()
        status.hosts = [.init(name: "evil\u{1B}]0;title\u{7}", files: 1, requests: 1, lastIngest: nil)]
        let text = StatusTextRenderer(now: now, machineHost: "this-machine").render(status)
        #expect(text.contains("\nevil\\x1b]0;title\\x07      1         1  never        quiet\n"))
        #expect(!text.contains("\u{1B}") && !text.contains("\u{7}"))
    }

    @Test func anEmptyLedgerStopsAfterTheTotals() {
        let status = StoreStatus(path: "db.sqlite", schemaVersion: 7, sizeBytes: 4096, files: [], malformed: [])
        let text = StatusTextRenderer(now: now, machineHost: "m").render(status, integrity: [])
        #expect(text == """
        Database     db.sqlite (4.1 kB, schema 7)
        Last ingest  never
        Data         none
        Files        0 files, 0 B read, 0 lines, 0 requests, 0 malformed

        Integrity    ok (every page and index checked)

        """)
    }

    @Test func integrityProblemsAreListedOneALine() {
        let text = StatusTextRenderer(now: now, machineHost: "m").render(fleetStatus(), integrity: ["row 3 missing from index i_traffic", "page 9 never used"])
        #expect(text.hasSuffix("  binary_data    1,200  in 2 files\n\nIntegrity    DAMAGED: 2 problems\n  row 3 missing from index i_traffic\n  page 9 never used\n"))
        #expect(StatusTextRenderer.integrity(["one"]) == "\nIntegrity    DAMAGED: 1 problem\n  one\n")
    }

    @Test func agoReadsInTheLargestWholeUnit() {
        #expect(StatusTextRenderer.ago(-1) == "in the future")
        #expect(StatusTextRenderer.ago(119) == "119 s ago")
        #expect(StatusTextRenderer.ago(120) == "2 min ago")
        #expect(StatusTextRenderer.ago(7199) == "119 min ago")
        #expect(StatusTextRenderer.ago(7200) == "2 h ago")
        #expect(StatusTextRenderer.ago(172_800) == "2 days ago")
    }
}

@Suite struct StatusJSONRendererTests {
    private func document(_ integrity: [String]? = nil) throws -> [String: Any] {
        let json = StatusJSONRenderer(now: now).render(fleetStatus(), integrity: integrity)
        #expect(json.hasSuffix("}\n"))
        return try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func schemaTotalsAndEscapedNames() throws {
        let doc = try document()
        #expect(doc["schema"] as? String == "erranalyze.status/v1")
        #expect(doc["integrity"] == nil)
        let totals = try #require(doc["totals"] as? [String: Any])
        #expect(totals["files"] as? Int == 2)
        #expect(totals["lines"] as? Int == 11_200)
        #expect(totals["malformed"] as? Int == 1203)
        let files = try #require(doc["files"] as? [[String: Any]])
        #expect(files.map { $0["path"] as? String } == ["/logs/access\\nlog", "/logs/b.log"])
        // A file compressed before the kind was recorded was gzip: the only kind there was.
        #expect(files.map { $0["compression"] as? String } == ["gzip", "gzip"])
        #expect(files[0]["malformed_by_reason"] as? [String: Int] == ["bad_timestamp": 3])
        #expect(files[1]["first_request"] == nil)
        let malformed = try #require(doc["malformed"] as? [[String: Any]])
        let sample = try #require(malformed[0]["sample"] as? [String: Any])
        #expect(sample["path"] as? String == "/logs/x\\x1by")
        #expect(malformed[1]["sample"] == nil)
        let prune = try #require(doc["last_prune"] as? [String: Any])
        #expect(prune["before"] as? String == "2026-11-13T20:00:00Z")
    }

    @Test func hostsAreQuietAfterAnHourWithoutACommit() throws {
        let hosts = try #require(try document()["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["name"] as? String } == ["web-1", "web-2", ""])
        #expect(hosts.map { $0["quiet"] as? Bool } == [false, true, true])
        #expect(hosts[0]["last_commit"] as? String == "2026-11-18T11:01:40Z")
    }

    @Test func integrityIsPresentOnlyWhenChecked() throws {
        let damaged = try #require(try document(["page 9 never used"])["integrity"] as? [String: Any])
        #expect(damaged["ok"] as? Bool == false)
        #expect(damaged["problems"] as? [String] == ["page 9 never used"])
        let ok = try #require(try document([])["integrity"] as? [String: Any])
        #expect(ok["ok"] as? Bool == true)
    }
}

@Suite struct TextTableTests {
    @Test func rightAlignedColumnsIndentAndNoTrailingSpaces() {
        var table = TextTable(header: ["NAME", "COUNT", "NOTE"], rightAligned: [1], indent: 2)
        table.add(["a", "1,234", ""])
        table.add(["longer name", "5", "x"])
        #expect(table.render(maxWidth: .max) == """
          NAME         COUNT  NOTE
          a            1,234
          longer name      5  x
        """)
    }

    @Test func unlimitedWidthNeverTruncates() {
        var table = TextTable(header: ["K", "V"])
        let long = String(repeating: "v", count: 300)
        table.add(["k", long])
        #expect(table.render(maxWidth: .max).hasSuffix("k  " + long))
        #expect(table.render().hasSuffix("…"))
    }

    @Test func widthCountsGraphemeClustersAsBefore() {
        // "é" written as e + combining acute is one column, as a terminal shows it.
        var table = TextTable(header: ["A", "B"])
        table.add(["e\u{301}", "x"])
        table.add(["ab", "y"])
        #expect(table.render(maxWidth: .max) == "A   B\ne\u{301}   x\nab  y")
    }
}
