import ErrAnalyzeKit
@testable import ErrAnalyzePostgres
import ErrAnalyzeSQLite
import Foundation
import Testing

/// `erranalyze copy`'s two halves: an SQLite database's hosts exported (`HostHistorySource`)
/// and imported into a PostgreSQL fleet database (`importHistory`). The fleet's report then
/// equals the SQLite report byte for byte, a second copy changes nothing, and the next ingest
/// into the fleet continues where SQLite stopped.
@Suite(TestServer.required, .serialized) struct CopyTests {
    typealias S = StoreComparison

    /// Copies every host of `sqlite` into `db`; the outcomes by host.
    @discardableResult
    static func copy(_ sqlite: SQLiteStore, into db: ScratchDatabase, flushRows: Int = PostgresStore.importFlushRows) throws
        -> [String: Result<HostHistory.Outcome, Error>] {
        let target = try PostgresStore(ConnectionString(try db.uri)!, host: nil, mode: .copy)
        var outcomes: [String: Result<HostHistory.Outcome, Error>] = [:]
        try sqlite.snapshot {
            for host in try sqlite.historyHosts() {
                outcomes[host.name] = Result { try target.importHistory(of: host, from: sqlite, flushRows: flushRows) }
            }
        }
        return outcomes
    }

    static func reader(_ db: ScratchDatabase) throws -> PostgresStore {
        try PostgresStore(ConnectionString(try db.uri)!, host: nil, mode: .read)
    }

    /// Rows of every table copy writes, for "nothing changed".
    static func tableCounts(_ db: ScratchDatabase) throws -> [Int64] {
        let connection = try db.connect()
        return try ["hosts", "files", "malformed", "malformed_samples", "traffic", "traffic_daily", "traffic_monthly",
                    "status_hourly", "client_errors", "routes", "clients"].map {
            try connection.query("SELECT count(*) FROM \($0)").first!.int64(0)
        }
    }

    /// A file whose requests span two months (January 27 → February 6, 2027) with client errors,
    /// so that monthly rows and a month boundary are copied.
    static func twoMonths(in folder: String) throws -> String {
        let start: Int64 = 1_801_094_400  // 2027-01-27 00:00 UTC
        var lines: [String] = []
        for i in 0..<600 {
            let time = start + Int64(i) * 1_500  // 25 minutes apart: about ten days
            lines.append(S.line(client: "10.0.\(i % 7).\(i % 13)", time: time, path: "/v1/\(S.word(i % 9))",
                                status: [200, 200, 404, 429, 500, 503][i % 6]))
        }
        lines.insert("this line is not a request", at: 17)
        let path = folder + "/two-months.log"
        try S.write(lines, to: path)
        return path
    }

    @Test func theCopiedHistoryGivesTheSameReportAndASecondCopyChangesNothing() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let folder = try S.temporaryFolder()
        // Two hosts in one SQLite database; web-2 with small caps, so that `(other)` route
        // and client rows exist and must come across as they are.
        let web1 = try S.sqlite(in: folder, host: "web-1")
        S.ingest([S.corpus, S.sample("nginx/access.log"), S.sample("nginx/access.log.2.gz"), S.sample("api/app.jsonl")], into: web1)
        let web2 = try S.sqlite(in: folder, host: "web-2")
        web2.maxRoutesPerHour = 3
        web2.maxClientsPerHour = 4
        S.ingest([S.sample("nginx/access.log.1"), S.sample("nginx/legacy-combined.log.gz"), try Self.twoMonths(in: folder)], into: web2)
        let sqlite = try SQLiteStore(path: folder + "/erranalyze.sqlite", readOnly: true)

        // Flushing every 500 rows: months and days arrive in several parts and still add up.
        let outcomes = try Self.copy(sqlite, into: db, flushRows: 500)
        guard case .copied(let files1, let requests1, let rows1)? = try outcomes["web-1"]?.get(),
              case .copied(let files2, _, _)? = try outcomes["web-2"]?.get() else {
            Issue.record("not copied: \(outcomes)")
            return
        }
        #expect(files1 == 4 && files2 == 3)
        #expect(requests1 == (try web1.ledgerEntries().map(\.requests).reduce(0, +)))
        #expect(rows1 > 0)
        let postgres = try Self.reader(db)
        try S.expectSameReport(sqlite, postgres)
        // The latency histograms came across too (app.jsonl and the nginx logs have durations).
        let copiedTimed = try ReportBuilder(store: postgres, classifier: Classifier()).build(ReportOptions()).latency.overall.count
        #expect(copiedTimed >= 3_000)
        #expect(copiedTimed == (try ReportBuilder(store: sqlite, classifier: Classifier()).build(ReportOptions()).latency.overall.count))
        try S.expectSameReport(sqlite, postgres, options: ReportOptions(top: 25, filter: TrafficFilter(hosts: ["web-2"])))
        // Whole days (daily rows) with hours at both ends; and the month boundary of web-2.
        try S.expectSameReport(sqlite, postgres, options: ReportOptions(window: Report.Window(since: 1_431_856_800, until: 1_432_130_400), top: 25))
        try S.expectSameReport(sqlite, postgres, options: ReportOptions(window: Report.Window(since: 1_801_094_400, until: 1_802_000_000), top: 25))
        // The ledger of each host, as ingest will read it.
        for (name, store) in [("web-1", web1), ("web-2", web2)] {
            let fleet = try PostgresStore(ConnectionString(try db.uri)!, host: name, mode: .write)
            let strip = { (entries: [LedgerEntry]) in entries.map { entry -> LedgerEntry in var e = entry; e.id = 0; return e } }
            #expect(strip(try fleet.ledgerEntries()) == strip(try store.ledgerEntries()), "\(name)")
        }
        let status = try postgres.status()
        #expect(status.hosts.map(\.name) == ["web-1", "web-2"])
        #expect(status.hosts.map(\.requests) == (try sqlite.status().hosts.map(\.requests)))
        #expect(status.hosts.map(\.lastIngest) == (try sqlite.status().hosts.map(\.lastIngest)))

        // Again: both hosts already copied, not a row changed.
        let before = try S.reportJSON(postgres), counts = try Self.tableCounts(db)
        let again = try Self.copy(sqlite, into: db)
        #expect(try again["web-1"]?.get() == .alreadyCopied(files: 4))
        #expect(try again["web-2"]?.get() == .alreadyCopied(files: 3))
        #expect(try S.reportJSON(postgres) == before)
        #expect(try Self.tableCounts(db) == counts)
    }

    @Test func theNextIngestIntoTheFleetContinuesWhereSQLiteStopped() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let folder = try S.temporaryFolder()
        let all = try String(contentsOfFile: S.corpus, encoding: .utf8).split(separator: "\n").map(String.init)
        let log = folder + "/access.log"
        try S.write(Array(all.prefix(3_000)), to: log)
        let others = [S.sample("nginx/access.log"), S.sample("nginx/access.log.2.gz"), S.sample("api/app.jsonl")]
        let sqlite = try S.sqlite(in: folder)
        S.ingest(others + [log], into: sqlite)
        try Self.copy(sqlite, into: db)

        // The log grows; the host now ingests into the fleet.
        try S.write(all, to: log)
        let fleet = try S.postgres(db)
        let reports = S.ingest(others + [log], into: fleet)
        #expect(reports.prefix(3).allSatisfy { $0.disposition == .upToDate && $0.requests == 0 }, "\(reports.map(\.disposition))")
        let grown = try #require(reports.last)
        #expect(grown.disposition == .resumed(fromByte: Int64(all.prefix(3_000).map { $0.utf8.count + 1 }.reduce(0, +))))
        #expect(grown.requests == Int64(all.count - 3_000))

        // The independent count: the same files, whole, into a fresh SQLite database.
        let fresh = try S.sqlite(in: folder, name: "fresh.sqlite")
        S.ingest(others + [log], into: fresh)
        try S.expectSameReport(fresh, try Self.reader(db))
        let totalRequests = try fleet.ledgerEntries().map(\.requests).reduce(0, +)
        #expect(totalRequests == (try fresh.ledgerEntries().map(\.requests).reduce(0, +)))
        #expect(try fleet.ledgerEntries().first { $0.path == log }?.requests == Int64(all.count))

        // Copying now would add the old history to the host's newer one: refused, nothing written.
        let counts = try Self.tableCounts(db)
        let refused = try Self.copy(sqlite, into: db)
        guard case .failure(let error)? = refused["web-1"] else {
            Issue.record("a copy into a host with newer history was not refused: \(refused)")
            return
        }
        #expect(error is HostHistory.Refused && "\(error)".contains("host web-1: not copied"), "\(error)")
        #expect(try Self.tableCounts(db) == counts)
    }

    @Test func aHostThatIngestedIntoTheFleetOnItsOwnIsRefusedAndTheOthersAreCopied() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let folder = try S.temporaryFolder()
        let web1 = try S.sqlite(in: folder, host: "web-1")
        S.ingest([S.sample("nginx/access.log")], into: web1)
        let web2 = try S.sqlite(in: folder, host: "web-2")
        S.ingest([S.sample("api/app.jsonl")], into: web2)
        // web-1 has already ingested another file straight into the fleet.
        S.ingest([S.sample("nginx/access.log.1")], into: try S.postgres(db, host: "web-1"))
        let before = try S.reportJSON(try Self.reader(db), options: ReportOptions(top: 25, filter: TrafficFilter(hosts: ["web-1"])))

        let outcomes = try Self.copy(web1, into: db)
        #expect(throws: HostHistory.Refused.self) { try outcomes["web-1"]?.get() }
        #expect(try outcomes["web-2"]?.get() == .copied(files: 1, requests: try web2.ledgerEntries()[0].requests,
                                                      hourlyRows: try Self.hourlyRows(of: "web-2", in: db)))
        // web-1 in the fleet is as it was; web-2 equals its SQLite self.
        let postgres = try Self.reader(db)
        #expect(try S.reportJSON(postgres, options: ReportOptions(top: 25, filter: TrafficFilter(hosts: ["web-1"]))) == before)
        let onlyWeb2 = ReportOptions(top: 25, filter: TrafficFilter(hosts: ["web-2"]))
        #expect(try S.reportJSON(postgres, options: onlyWeb2) == (try S.reportJSON(web2, options: onlyWeb2)))
    }

    /// A source that fails after handing over some days, as a disk error or a killed copy would.
    final class FailingSource: HostHistorySource {
        struct Broken: Error {}
        let store: SQLiteStore
        var daysLeft: Int
        init(_ store: SQLiteStore, failingAfter days: Int) { self.store = store; daysLeft = days }
        func snapshot<T>(_ body: () throws -> T) throws -> T { try store.snapshot(body) }
        func historyHosts() throws -> [HostHistory.Host] { try store.historyHosts() }
        func historyFiles(host: String) throws -> [HostHistory.File] { try store.historyFiles(host: host) }
        func historyDays(host: String) throws -> [Int64] { try store.historyDays(host: host) }
        func historyDay(_ day: Int64, host: String) throws -> HostHistory.Day {
            guard daysLeft > 0 else { throw Broken() }
            daysLeft -= 1
            return try store.historyDay(day, host: host)
        }
    }

    @Test func aCopyThatFailsHalfwayLeavesNothingAndTheNextOneCopiesAll() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let folder = try S.temporaryFolder()
        let sqlite = try S.sqlite(in: folder)
        S.ingest([S.corpus, try Self.twoMonths(in: folder)], into: sqlite)
        #expect(try sqlite.historyDays(host: "web-1").count > 6)
        let target = try PostgresStore(ConnectionString(try db.uri)!, host: nil, mode: .copy)
        let counts = try Self.tableCounts(db)
        // Rows of the first days already sent (flushing every 50 rows) when the source fails.
        let failing = FailingSource(sqlite, failingAfter: 5)
        #expect(throws: FailingSource.Broken.self) {
            try failing.snapshot { try target.importHistory(of: try failing.historyHosts()[0], from: failing, flushRows: 50) }
        }
        #expect(try Self.tableCounts(db) == counts, "a failed copy left rows behind")
        try Self.copy(sqlite, into: db)
        try S.expectSameReport(sqlite, try Self.reader(db))
    }

    static func hourlyRows(of host: String, in db: ScratchDatabase) throws -> Int64 {
        try db.connect().query("SELECT count(*) FROM traffic t JOIN hosts h ON h.id = t.host_id WHERE h.name = $1", [.text(host)])
            .first!.int64(0)
    }
}
