import Foundation
import Testing
@testable import ErrAnalyzeKit
@testable import ErrAnalyzeSQLite

/// `erranalyze copy`'s rule (`HostHistory.decide`) and the SQLite side of it: a host's
/// history read out day by day holds every request of its ledger, once.
@Suite struct HostHistoryTests {
    static func entry(_ byte: UInt8, bytesRead: Int64 = 100) -> LedgerEntry {
        LedgerEntry(id: Int64(byte), path: "/var/log/\(byte).log", fingerprint: ContentFingerprint(of: [byte, 1, 2]), format: "combined",
                    compressed: false, bytesRead: bytesRead, lines: 1, requests: 1, malformed: 0, firstIngested: 1, lastIngested: 1)
    }

    @Test func aHistoryGoesOnlyIntoAHostThatHasNothingYet() {
        let source = [Self.entry(1), Self.entry(2)]
        #expect(HostHistory.decide(source: source, target: [], targetHasTraffic: false) == .copy)
        // The same files at the same positions (ids and paths are the target's own): an earlier copy.
        var renamed = source
        renamed[0].id = 99
        renamed[0].path = "/elsewhere"
        #expect(HostHistory.decide(source: source, target: renamed.reversed(), targetHasTraffic: true) == .alreadyCopied)
        // One file has grown since (the host ingested into the fleet): refused.
        guard case .refuse(let why) = HostHistory.decide(source: source, target: [Self.entry(1), Self.entry(2, bytesRead: 500)],
                                                         targetHasTraffic: true) else {
            Issue.record("a host with newer history in the target was not refused")
            return
        }
        #expect(why.contains("1 of these 2 files"))
        // Other files only, or aggregates without a ledger: refused too.
        if case .refuse = HostHistory.decide(source: source, target: [Self.entry(3)], targetHasTraffic: true) {} else { Issue.record("other files") }
        if case .refuse = HostHistory.decide(source: source, target: [], targetHasTraffic: true) {} else { Issue.record("traffic only") }
    }

    @Test func theSQLiteExportHoldsEveryRequestOnceByName() throws {
        let path = temporaryDatabase()
        let store = try SQLiteStore(path: path, host: "web-1")  // makes the folder
        let log = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("access.log").path
        var lines: [String] = []
        // Three days, errors from a few clients, one line that is not a request.
        for i in 0..<300 {
            let day = 17 + i / 100, hour = (i / 5) % 24
            lines.append(#"10.0.0.\#(i % 4) - - [\#(day)/May/2015:\#(String(format: "%02d", hour)):05:03 +0000] "GET /v1/item\#(i % 3) HTTP/1.1" \#([200, 404, 500][i % 3]) 1"#)
        }
        lines.insert("garbage", at: 10)
        try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        _ = IngestEngine(store: store, options: IngestOptions(workers: 1, liveFileSeconds: 0), now: { 1_800_000_000 }).ingest(paths: [log])

        try store.snapshot {
            #expect(try store.historyHosts().map(\.name) == ["web-1"])
            let files = try store.historyFiles(host: "web-1")
            #expect(files.count == 1 && files[0].entry.requests == 300 && files[0].malformed.map(\.count) == [1])
            #expect(files[0].samples.map(\.text) == ["garbage"])
            let days = try store.historyDays(host: "web-1")
            #expect(days == [16_572, 16_573, 16_574])  // 2015-05-17 … 19
            var hourly: Int64 = 0, daily: Int64 = 0, statuses: Int64 = 0, errors: Int64 = 0
            for day in days {
                let rows = try store.historyDay(day, host: "web-1")
                #expect(rows.hourly.allSatisfy { $0.period / 24 == day && $0.route.hasPrefix("/v1/item") && $0.method == "GET" })
                hourly += rows.hourly.map(\.counts.requests).reduce(0, +)
                daily += rows.daily.map(\.counts.requests).reduce(0, +)
                statuses += rows.statuses.map(\.requests).reduce(0, +)
                errors += rows.clients.map(\.errors).reduce(0, +)
            }
            #expect(hourly == 300 && daily == 300 && statuses == 300 && errors == 200)
            #expect(try store.historyFiles(host: "web-2").isEmpty && store.historyDays(host: "web-2").isEmpty)
        }
    }
}
