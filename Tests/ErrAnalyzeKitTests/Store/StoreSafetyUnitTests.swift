import Foundation
import Testing
@testable import ErrAnalyzeKit
@testable import ErrAnalyzeSQLite

/// The store's side of issue 11: one lock per database file, reports as one snapshot, readers
/// that write nothing, the default path, one-line errors.
@Suite struct StoreSafetyUnitTests {
    @Test func theWriterLockIsTheFilesWhateverItsName() throws {
        let path = temporaryDatabase()
        let first = try WriterLock(databasePath: path)
        let folder = (path as NSString).deletingLastPathComponent
        #expect(link(path, folder + "/hard.sqlite") == 0)
        #expect(symlink(path, folder + "/soft.sqlite") == 0)
        #expect(try first.tryLock())
        for name in ["hard.sqlite", "soft.sqlite"] {
            let other = try WriterLock(databasePath: folder + "/" + name)
            #expect(try other.tryLock() == false, "\(name) is the same database")
            #expect(other.holderPID() == getpid())
        }
        first.unlock()
        #expect(try WriterLock(databasePath: folder + "/hard.sqlite").tryLock())
    }

    @Test func aLockOnADatabaseNotYetMadeCreatesItPrivateThroughADanglingLink() throws {
        let path = temporaryDatabase()
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(symlink("real.sqlite", folder + "/link.sqlite") == 0)
        let lock = try WriterLock(databasePath: folder + "/link.sqlite")
        #expect(try lock.tryLock())
        var info = stat()
        #expect(stat(folder + "/real.sqlite", &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(try WriterLock(databasePath: folder + "/real.sqlite").tryLock() == false)
    }

    /// A store that lets another connection commit between two of the report's questions.
    final class CommittingBetweenQuestions: ReportStore {
        let store: SQLiteStore
        let commitOnce: () throws -> Void
        var committed = false
        init(_ store: SQLiteStore, commitOnce: @escaping () throws -> Void) {
            self.store = store
            self.commitOnce = commitOnce
        }
        func findLedgerEntry(head: [UInt8]) throws -> LedgerEntry? { try store.findLedgerEntry(head: head) }
        func commit(_ checkpoint: IngestCheckpoint) throws -> Int64 { try store.commit(checkpoint) }
        func ledgerEntries() throws -> [LedgerEntry] { try store.ledgerEntries() }
        func trafficGroups(in window: HourWindow) throws -> [TrafficGroup] {
            let groups = try store.trafficGroups(in: window)
            if !committed { committed = true; try commitOnce() }
            return groups
        }
        func hourlyStatusCounts(in window: HourWindow) throws -> [HourlyStatusCount] { try store.hourlyStatusCounts(in: window) }
        func clientErrors(in window: HourWindow, limit: Int) throws -> [ClientErrorTotal] { try store.clientErrors(in: window, limit: limit) }
        func malformedSummary(in window: HourWindow) throws -> MalformedSummary { try store.malformedSummary(in: window) }
        func dataHours() throws -> (first: Int32, last: Int32)? { try store.dataHours() }
        func hourlyStatusCounts(in window: HourWindow, matching filter: TrafficFilter) throws -> [HourlyStatusCount] {
            try store.hourlyStatusCounts(in: window, matching: filter)
        }
        func rateLimitedClients(in window: HourWindow, limit: Int, matching filter: TrafficFilter) throws -> [ClientErrorTotal] {
            try store.rateLimitedClients(in: window, limit: limit, matching: filter)
        }
        func clientErrors(in window: HourWindow, limit: Int, matching filter: TrafficFilter) throws -> [ClientErrorTotal] {
            try store.clientErrors(in: window, limit: limit, matching: filter)
        }
        func malformedSummary(in window: HourWindow, matching filter: TrafficFilter) throws -> MalformedSummary {
            try store.malformedSummary(in: window, matching: filter)
        }
        func snapshot<T>(_ body: () throws -> T) throws -> T { try store.snapshot(body) }
    }

    @Test func aReportIsOneSnapshotWhateverIsCommittedMeanwhile() throws {
        let path = temporaryDatabase()
        let writer = try SQLiteStore(path: path)
        try writer.commit(checkpoint(parseCombined(sampleLines), bytes: 500, head: "first"))
        let reader = try SQLiteStore(path: path, readOnly: true)
        let store = CommittingBetweenQuestions(reader) {
            try writer.commit(checkpoint(parseCombined(sampleLines), bytes: 500, head: "second file"))
        }
        let report = try ReportBuilder(store: store, classifier: Classifier(catalogues: [])).build(ReportOptions())
        #expect(store.committed)
        #expect(report.totals.requests == 4)
        #expect(report.timeline.reduce(0) { $0 + $1.requests } == 4, "the timeline counts the same commits as the totals")
        #expect(report.clients.reduce(0) { $0 + $1.errors } == report.totals.errors)
        #expect(try ReportBuilder(store: reader, classifier: Classifier(catalogues: [])).build(ReportOptions()).totals.requests == 8)
    }

    @Test func readTransactionsNestInsideOneSnapshot() throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        try store.snapshot {
            #expect(!store.connection.isAutocommit)
            _ = try store.trafficGroups(in: .all)
            _ = try store.status()
            #expect(!store.connection.isAutocommit, "still the same transaction")
        }
        #expect(store.connection.isAutocommit)
    }

    @Test func readersOfEmptyForeignOrOlderDatabasesRefuseAndWriteNothing() throws {
        let empty = temporaryDatabase()
        try SQLiteStore.createParentDirectory(of: empty)
        _ = FileManager.default.createFile(atPath: empty, contents: nil)
        #expect { try SQLiteStore(path: empty, readOnly: true) } throws: { "\($0)" == "\(empty): no data yet: run `erranalyze ingest` first" }
        #expect(try Data(contentsOf: URL(fileURLWithPath: empty)).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: empty + "-wal"))

        let missing = temporaryDatabase()
        #expect { try SQLiteStore(path: missing, readOnly: true) } throws: { "\($0)".contains("no database here yet") }
        #expect(!FileManager.default.fileExists(atPath: (missing as NSString).deletingLastPathComponent))
    }

    @Test func theDefaultPathNeedsAnAbsoluteHome() throws {
        #expect(try SQLiteStore.defaultPath(environment: ["HOME": "/home/a"]) == "/home/a/.local/share/erranalyze/erranalyze.sqlite")
        #expect(try SQLiteStore.defaultPath(environment: ["HOME": "/home/a", "XDG_DATA_HOME": "/data"]) == "/data/erranalyze/erranalyze.sqlite")
        #expect(try SQLiteStore.defaultPath(environment: ["HOME": "/home/a", "XDG_DATA_HOME": "data"]) == "/home/a/.local/share/erranalyze/erranalyze.sqlite",
                "a relative XDG_DATA_HOME is ignored")
        #expect(try SQLiteStore.defaultPath(environment: ["ERRANALYZE_DB": "x.sqlite"]) == "x.sqlite")
        for environment in [[:], ["HOME": ""], ["HOME": "relative"], ["XDG_DATA_HOME": "data"]] {
            #expect { try SQLiteStore.defaultPath(environment: environment) } throws: { "\($0)".contains("pass --db PATH or set ERRANALYZE_DB") }
        }
    }

    @Test func errorsAreOneLineAndShowSQLOnlyWhenAsked() throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        do {
            _ = try store.connection.prepare("SELECT nothing\n  FROM nowhere")
            Issue.record("the statement should fail")
        } catch let error as StoreError {
            #expect(!"\(error)".contains("\n") && !"\(error)".contains("SELECT"), "\(error)")
            let verbose = error.description(showingStatement: true)
            #expect(verbose.hasSuffix("[SQL: SELECT nothing FROM nowhere]") && !verbose.contains("\n"), "\(verbose)")
        }
    }
}
