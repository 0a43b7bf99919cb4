import Foundation
import Testing
import TestSupport
@testable import ErrAnalyzeKit
@testable import ErrAnalyzeSQLite

/// A database path in a fresh folder, removed when the test process exits.
func temporaryDatabase() -> String {
    // The store makes the folder; only its removal is arranged here.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("erranalyze-\(UUID().uuidString)")
    ScratchFolders.removeAtExit(folder.path)
    return folder.appendingPathComponent("db.sqlite").path
}

func checkpoint(_ aggregate: TrafficAggregate, entry: Int64? = nil, expected: Int64 = 0, bytes: Int64, head: String) -> IngestCheckpoint {
    IngestCheckpoint(entryID: entry, expectedBytesRead: expected, path: "access.log", format: "combined", compressed: false,
                     fingerprint: ContentFingerprint(of: Array(head.utf8)), bytesRead: bytes, aggregate: aggregate, now: 1000)
}

@Suite struct StoreTests {
    @Test func commitsAggregatesAndFindsTheFileAgainByContent() throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let head = sampleLines.joined(separator: "\n")
        let id = try store.commit(checkpoint(parseCombined(sampleLines), bytes: 500, head: head))
        // The same first bytes, with more after them: the same file.
        let found = try store.findLedgerEntry(head: Array((head + "\nmore").utf8))
        #expect(found?.id == id)
        #expect(found?.bytesRead == 500)
        #expect(found?.requests == 4)
        #expect(found?.malformed == 1)
        #expect(try store.findLedgerEntry(head: Array("something else entirely".utf8)) == nil)

        let groups = try store.trafficGroups(in: .all)
        #expect(groups.reduce(0) { $0 + $1.counts.requests } == 4)
        #expect(Set(groups.map(\.route)) == ["/v1/contacts/{id}", "/v1/contacts", "/v1/contacts/{uuid}"])
        let malformed = try store.malformedSummary(in: .all)
        #expect(malformed.total == 1)
        #expect(malformed.samples.first?.line == 4)
    }

    @Test func additiveAcrossCommits() throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let head = "first bytes"
        let id = try store.commit(checkpoint(parseCombined(sampleLines), bytes: 100, head: head))
        try store.commit(checkpoint(parseCombined(sampleLines), entry: id, expected: 100, bytes: 200, head: head))
        let groups = try store.trafficGroups(in: .all)
        #expect(groups.reduce(0) { $0 + $1.counts.requests } == 8)
        #expect(try store.ledgerEntries().first?.lines == 10)
        #expect(try store.malformedSummary(in: .all).samples.map(\.line) == [4, 9])
    }

    @Test func aStaleReadPositionIsRefused() throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let id = try store.commit(checkpoint(parseCombined(sampleLines), bytes: 100, head: "x"))
        #expect(throws: StoreConflict.self) {
            try store.commit(checkpoint(parseCombined(sampleLines), entry: id, expected: 0, bytes: 200, head: "x"))
        }
        #expect(throws: StoreConflict.self) {
            try store.commit(checkpoint(parseCombined(sampleLines), entry: nil, expected: 0, bytes: 100, head: "x"))
        }
        #expect(try store.trafficGroups(in: .all).reduce(0) { $0 + $1.counts.requests } == 4, "nothing of the refused commits landed")
    }

    @Test func aFileThatIsNotADatabaseIsNamed() throws {
        let path = temporaryDatabase()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(String(repeating: "not sqlite ", count: 200).utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteStore(path: path)
            Issue.record("opened a non-database")
        } catch {
            #expect("\(error)".contains(path))
            #expect("\(error)".contains("not"))
        }
    }

    @Test func windowsSelectWholeHours() throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        try store.commit(checkpoint(parseCombined(sampleLines), bytes: 100, head: "x"))
        // 2015-05-17: 09:05 UTC (POST), 10:05 and 10:15 (404s), 12:05 (503).
        let hour10 = Int32(1_431_856_800 / 3600)
        let only10 = try store.trafficGroups(in: HourWindow(first: hour10, last: hour10))
        #expect(only10.map(\.status) == [404])
        #expect(only10.first?.counts.requests == 2)
    }
}

@Suite struct RouteCapTests {
    func aggregate(paths: [String], hour: String = "10") -> TrafficAggregate {
        parseCombined(paths.map { #"1.1.1.1 - - [17/May/2015:\#(hour):05:03 +0000] "GET \#($0) HTTP/1.1" 404 1"# })
    }

    @Test func anHourKeepsItsBusiestRoutesAndFoldsTheRestIntoOther() throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        store.maxRoutesPerHour = 3
        // /busy three times, /steady twice, then eight one-off scanner paths.
        let paths = ["/busy", "/busy", "/busy", "/steady", "/steady"] + (0..<8).map { "/scan-\($0)" }
        let id = try store.commit(checkpoint(aggregate(paths: paths), bytes: 100, head: "a"))
        var groups = try store.trafficGroups(in: .all)
        #expect(groups.reduce(0) { $0 + $1.counts.requests } == 13, "nothing is lost, only renamed")
        #expect(Set(groups.map(\.route)).count <= 4)
        #expect(groups.first { $0.route == "/busy" }?.counts.requests == 3)
        #expect(groups.first { $0.route == "/steady" }?.counts.requests == 2)
        #expect(groups.first { $0.route == TrafficAggregate.otherRoute } != nil)

        // A later commit: known routes keep their names, new ones fold, another hour has room.
        try store.commit(checkpoint(aggregate(paths: ["/busy", "/new-a", "/new-b"]), entry: id, expected: 100, bytes: 200, head: "a"))
        try store.commit(checkpoint(aggregate(paths: ["/fresh"], hour: "11"), entry: id, expected: 200, bytes: 300, head: "a"))
        groups = try store.trafficGroups(in: .all)
        #expect(groups.reduce(0) { $0 + $1.counts.requests } == 17)
        #expect(groups.first { $0.route == "/busy" }?.counts.requests == 4)
        #expect(!groups.contains { $0.route == "/new-a" || $0.route == "/new-b" })
        #expect(groups.contains { $0.route == "/fresh" })
    }
}
