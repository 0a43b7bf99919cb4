import CSQLite
import Foundation
import Testing
@testable import ErrAnalyzeKit
@testable import ErrAnalyzeSQLite

/// The ledger beyond the first bytes: anchors, several files with the same start, the
/// optimistic check for new files, migrations, prune and status, a full database, the lock.
@Suite struct LedgerTests {
    func step(_ aggregate: TrafficAggregate, entry: Int64? = nil, expected: Int64 = 0, bytes: Int64, head: String,
              anchor: String? = nil, known: Int64? = nil, midLine: Bool = false) -> IngestCheckpoint {
        IngestCheckpoint(entryID: entry, expectedBytesRead: expected, path: "access.log", format: "combined", compressed: false,
                         fingerprint: ContentFingerprint(of: Array(head.utf8)), bytesRead: bytes, aggregate: aggregate, now: 1000,
                         anchor: anchor.map { ContentFingerprint(of: Array($0.utf8)) }, endsMidLine: midLine,
                         head: Array(head.utf8), lastKnownFileID: known)
    }

    @Test func anchorsAndEveryCandidateWithTheSameStart() throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let a = try store.commit(step(parseCombined(sampleLines), bytes: 100, head: "same start", anchor: "end of a", known: 0))
        let lookup = try store.ledgerLookup(head: Array("same start".utf8))
        #expect(lookup.candidates.map(\.id) == [a])
        #expect(lookup.candidates.first?.anchor == ContentFingerprint(of: Array("end of a".utf8)))
        #expect(lookup.lastFileID == a)
        // Another file with the same first bytes, recorded after the lookup above saw a.
        let b = try store.commit(step(parseCombined(sampleLines), bytes: 300, head: "same start", anchor: "end of b",
                                      known: lookup.lastFileID, midLine: true))
        let both = try store.ledgerLookup(head: Array("same start and more".utf8))
        #expect(Set(both.candidates.map(\.id)) == [a, b])
        #expect(both.candidates.first { $0.id == b }?.endsMidLine == true)
        #expect(try store.ledgerLookup(head: Array("other".utf8)).candidates.isEmpty)
    }

    /// Two processes recording the same new file at once: the second is refused, whatever
    /// length of first bytes each had seen.
    @Test func aNewFileRecordedMeanwhileIsAConflict() throws {
        let path = temporaryDatabase()
        let first = try SQLiteStore(path: path), second = try SQLiteStore(path: path)
        let seen = try second.ledgerLookup(head: Array("abcdef".utf8)).lastFileID
        // The first process recorded the file when it had 3 bytes.
        try first.commit(step(parseCombined(sampleLines), bytes: 3, head: "abc", known: 0))
        #expect(throws: StoreConflict.self) {
            try second.commit(step(parseCombined(sampleLines), bytes: 6, head: "abcdef", known: seen))
        }
        // A file that only shares nothing with it is not a conflict.
        try second.commit(step(parseCombined(sampleLines), bytes: 6, head: "xyzxyz", known: seen))
        #expect(try first.trafficGroups(in: .all).reduce(0) { $0 + $1.counts.requests } == 8)
    }

    /// A rolled-back commit must not leave ids of names that do not exist in the cache.
    @Test func namesAddedInARolledBackCommitAreRecordedAgain() throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let id = try store.commit(step(parseCombined(sampleLines), bytes: 100, head: "x"))
        let fresh = [#"9.9.9.9 - - [17/May/2015:10:05:03 +0000] "GET /brand/new/route HTTP/1.1" 500 1 "-" "c""#]
        #expect(throws: StoreConflict.self) {
            try store.commit(step(parseCombined(fresh), entry: id, expected: 0, bytes: 200, head: "x"))
        }
        try store.commit(step(parseCombined(fresh), entry: id, expected: 100, bytes: 200, head: "x"))
        let routes = try store.trafficGroups(in: .all).map(\.route)
        #expect(routes.contains("/brand/new/route"), "\(routes)")
        #expect(!routes.contains("?"))
    }

    @Test func aDatabaseOfSchemaOneIsUpgradedInPlace() throws {
        let path = temporaryDatabase()
        try SQLiteStore.createParentDirectory(of: path)
        let old = try SQLiteConnection(path: path)
        try old.execute(SQLiteMigrations.all[0])
        try old.execute("PRAGMA user_version = 1")
        let head = Array("legacy first bytes".utf8)
        try old.prepare("""
            INSERT INTO files (fingerprint, fingerprint_length, path, format, compressed, bytes_read, lines, requests, malformed,
                               first_ingested, last_ingested) VALUES (?, ?, 'old.log', 'combined', 0, 500, 5, 5, 0, 1, 1)
            """).bind([ContentFingerprint(of: head).hash, head.count]).run()
        let store = try SQLiteStore(path: path)
        #expect(try store.schemaVersion() == SQLiteMigrations.currentVersion)
        let entry = try store.findLedgerEntry(head: head)
        #expect(entry?.bytesRead == 500)
        #expect(entry?.anchor == nil, "old entries have no anchor and are recognised by their first bytes")
        // A reader never upgrades: it says who will.
        try old.execute("PRAGMA user_version = 1")
        #expect { try SQLiteStore(path: path, readOnly: true) } throws: { "\($0)".contains("made by an older erranalyze (schema 1)") }
    }

    @Test func newerAndForeignDatabasesAreRefusedUntouched() throws {
        let newer = temporaryDatabase()
        try SQLiteStore.createParentDirectory(of: newer)
        try SQLiteConnection(path: newer).execute("PRAGMA user_version = 99")
        #expect { try SQLiteStore(path: newer) } throws: { "\($0)".contains("made by a newer erranalyze") }

        let foreign = temporaryDatabase()
        try SQLiteStore.createParentDirectory(of: foreign)
        try SQLiteConnection(path: foreign).execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
        #expect { try SQLiteStore(path: foreign) } throws: { "\($0)".contains("another program") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before)
    }

    @Test func pruneRemovesOldHoursKeepsTheLedgerAndStatusSaysSo() throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        try store.commit(step(parseCombined(sampleLines), bytes: 500, head: "x"))
        // 2015-05-17 09:05 (POST 201), 10:05 and 10:15 (404s), 12:05 (503).
        let hour10 = Int32(1_431_856_800 / 3600)
        let dry = try store.prune(beforeHour: hour10 + 1, now: 2000, dryRun: true)
        #expect(dry.requests == 3 && dry.dryRun)
        #expect(try store.trafficGroups(in: .all).reduce(0) { $0 + $1.counts.requests } == 4)

        let result = try store.prune(beforeHour: hour10 + 1, now: 2000)
        #expect(result.requests == 3)
        #expect(result.firstRemovedHour == hour10 - 1 && result.lastRemovedHour == hour10)
        #expect(result.filesKept == 1)
        #expect(result.filesWithDetailsRemoved == 0, "the file has a request after the cutoff")
        #expect(result.namesRemoved > 0)
        let left = try store.trafficGroups(in: .all)
        #expect(left.map(\.status) == [503])
        #expect(left.first?.route == "/v1/contacts/{uuid}", "names still used are kept")
        #expect(try store.findLedgerEntry(head: Array("x".utf8))?.bytesRead == 500)

        let status = try store.status()
        #expect(status.prunedBeforeHour == hour10 + 1 && status.lastPrune == 2000)
        #expect(status.firstHour == hour10 + 2 && status.lastHour == hour10 + 2)
        #expect(status.files.count == 1)
        #expect(status.malformed.first?.count == 1)
        #expect(status.malformed.first?.sample?.line == 4)

        // Everything: the file's malformed details go too, its ledger entry stays.
        let all = try store.prune(beforeHour: hour10 + 10, now: 3000)
        #expect(all.filesWithDetailsRemoved == 1)
        #expect(try store.status().malformed.isEmpty)
        #expect(try store.ledgerEntries().first?.malformed == 1, "the ledger's own count stays")
    }

    /// A database that cannot grow (max_page_count, as a full disk does) refuses the commit
    /// whole; what was committed before stays, and a later commit with room works.
    @Test func aFullDatabaseRefusesTheCommitWhole() throws {
        let path = temporaryDatabase()
        let store = try SQLiteStore(path: path)
        let id = try store.commit(step(parseCombined(sampleLines), bytes: 100, head: "x"))
        let pages = try store.connection.prepare("PRAGMA page_count").firstRow { Int($0.int(0)) } ?? 0
        try store.connection.limitPages(pages)
        // One new route, in 3,000 different hours: the name is written, then the rows do not fit.
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var many: [String] = []
        for i in 0..<3000 {
            let day = 1 + (i / 24) % 28, month = months[(i / (24 * 28)) % 12], hour = i % 24
            let stamp = "\(day < 10 ? "0" : "")\(day)/\(month)/2016:\(hour < 10 ? "0" : "")\(hour):05:03 +0000"
            many.append(#"1.1.1.1 - - [\#(stamp)] "GET /brand/new HTTP/1.1" 200 10 "-" "c""#)
        }
        do {
            try store.commit(step(parseCombined(many), entry: id, expected: 100, bytes: 900, head: "x"))
            Issue.record("the commit should not fit")
        } catch let error as StoreFailure {
            #expect(error.kind == .full, "\(error)")
        }
        #expect(try store.ledgerEntries().first?.bytesRead == 100)
        #expect(try store.trafficGroups(in: .all).reduce(0) { $0 + $1.counts.requests } == 4)
        try store.connection.limitPages(1 << 30)
        try store.commit(step(parseCombined(many), entry: id, expected: 100, bytes: 900, head: "x"))
        let groups = try store.trafficGroups(in: .all)
        #expect(groups.reduce(0) { $0 + $1.counts.requests } == 3004)
        #expect(groups.filter { $0.route == "/brand/new" }.reduce(0) { $0 + $1.counts.requests } == 3000,
                "names written by the failed commit were rolled back and are written again")
    }

    @Test func writerLockKeepsWritersApartAndNamesTheHolder() throws {
        let path = temporaryDatabase()
        let first = try WriterLock(databasePath: path), second = try WriterLock(databasePath: path)
        #expect(try first.tryLock())
        #expect(try second.tryLock() == false)
        #expect(second.holderPID() == getpid())
        first.unlock()
        #expect(try second.tryLock())
        #expect(try first.tryLock() == false)
    }
}
