import ErrAnalyzeKit
@testable import ErrAnalyzePostgres
import Foundation
import Testing

/// `PostgresStore` against SQLite's: the same files through `IngestEngine` give the same
/// report, byte for byte; the per-host ledger; hosts committing at once; caps; prune; status.
@Suite(TestServer.required, .serialized) struct PostgresStoreTests {
    typealias S = StoreComparison

    @Test func theReportOfRealLogsEqualsSQLitesAndAgainCountsNothing() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let folder = try S.temporaryFolder()
        let sqlite = try S.sqlite(in: folder), postgres = try S.postgres(db)
        let paths = [S.corpus, S.sample("nginx/access.log"), S.sample("nginx/access.log.1"), S.sample("nginx/access.log.2.gz"),
                     S.sample("nginx/legacy-combined.log.gz"), S.sample("api/app.jsonl")]
        let fromSQLite = S.ingest(paths, into: sqlite), fromPostgres = S.ingest(paths, into: postgres)
        #expect(fromPostgres.map(\.requests) == fromSQLite.map(\.requests))
        #expect(fromPostgres.map(\.requests).reduce(0, +) > 20_000)
        try S.expectSameReport(sqlite, postgres)
        // A window with whole days (daily rows) and hours at both ends (hourly rows), a filter, a comparison.
        let window = ReportOptions(window: Report.Window(since: 1_431_856_800, until: 1_432_130_400), top: 25)
        try S.expectSameReport(sqlite, postgres, options: window)
        try S.expectSameReport(sqlite, postgres, options: ReportOptions(top: 5, filter: TrafficFilter(statuses: [.init(400, 599)])))
        try S.expectSameReport(sqlite, postgres, options: ReportOptions(window: Report.Window(since: 1_431_900_000, until: 1_432_000_000),
                                                                        compare: true))

        let before = try S.reportJSON(postgres)
        let again = S.ingest(paths, into: postgres)
        #expect(again.allSatisfy { $0.disposition == .upToDate && $0.requests == 0 }, "\(again.map(\.disposition))")
        #expect(try S.reportJSON(postgres) == before)
        // A reader sees the same.
        let reader = try PostgresStore(ConnectionString(try db.uri)!, host: nil, mode: .read)
        #expect(try S.reportJSON(reader) == before)
    }

    @Test func aGrowingFileResumesWhereItStoppedLikeSQLite() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let folder = try S.temporaryFolder()
        let sqlite = try S.sqlite(in: folder), postgres = try S.postgres(db)
        let all = try String(contentsOfFile: S.corpus, encoding: .utf8).split(separator: "\n").map(String.init)
        let log = folder + "/access.log"
        try S.write(Array(all.prefix(3_000)), to: log)
        S.ingest([log], into: sqlite)
        #expect(S.ingest([log], into: postgres).first?.requests == 3_000)
        try S.write(all, to: log)
        S.ingest([log], into: sqlite)
        let second = try #require(S.ingest([log], into: postgres).first)
        #expect(second.disposition != .new)
        #expect(second.requests == Int64(all.count - 3_000))
        try S.expectSameReport(sqlite, postgres)
        #expect(try postgres.ledgerEntries().count == 1)
    }

    @Test func aCopyUnderAnotherNameCountsOnceButAnotherHostCountsItAgain() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let folder = try S.temporaryFolder()
        let copy = folder + "/renamed.log"
        try FileManager.default.copyItem(atPath: S.corpus, toPath: copy)
        let web1 = try S.postgres(db, host: "web-1")
        let first = S.ingest([S.corpus, copy], into: web1)
        #expect(first.map(\.requests) == [10_000, 0])
        #expect(try web1.ledgerEntries().count == 1)

        let web2 = try S.postgres(db, host: "web-2")
        #expect(try web2.ledgerLookup(head: Array(try Data(contentsOf: URL(fileURLWithPath: copy)).prefix(1024))).candidates.isEmpty)
        #expect(S.ingest([copy], into: web2).map(\.requests) == [10_000])
        #expect(try web2.ledgerEntries().map(\.path) == [copy])
        let groups = try web1.trafficGroups(in: .all)
        var byHost: [String: Int64] = [:]
        for group in groups { byHost[group.host, default: 0] += group.counts.requests }
        #expect(byHost == ["web-1": 10_000, "web-2": 10_000])
        #expect(try web1.hourlyStatusCounts(in: .all, matching: TrafficFilter(hosts: ["web-2"])).map(\.requests).reduce(0, +) == 10_000)
        #expect(try web1.hourlyStatusCounts(in: .all, matching: TrafficFilter(hosts: ["web-*"])).map(\.requests).reduce(0, +) == 20_000)
        #expect(try web1.hourlyStatusCounts(in: .all, matching: TrafficFilter(hosts: ["db-*"])).isEmpty)
        let sqliteClients = try web1.clientErrors(in: .all, limit: 5, matching: TrafficFilter(hosts: ["web-1"]))
        let both = try web1.clientErrors(in: .all, limit: 5, matching: TrafficFilter())
        #expect(both.map(\.errors) == sqliteClients.map { $0.errors * 2 })
    }

    @Test func threeHostsIngestingAtOnceAddUpExactly() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        _ = try S.postgres(db, host: "setup")  // the schema, once
        let failures = Failures()
        let uri = try db.uri
        let threads = (1...3).map { n in
            Thread {
                do {
                    let store = try PostgresStore(ConnectionString(uri)!, host: "host-\(n)", mode: .write)
                    let reports = S.ingest([S.corpus, S.sample("nginx/access.log")], into: store)
                    if reports.map(\.requests).reduce(0, +) == 0 { failures.add(StoreFailure(.other, "host-\(n) counted nothing")) }
                } catch {
                    failures.add(error)
                }
            }
        }
        runAll(threads)
        #expect(failures.descriptions == [])
        let folder = try S.temporaryFolder()
        let single = try S.sqlite(in: folder)
        S.ingest([S.corpus, S.sample("nginx/access.log")], into: single)
        let one = try single.trafficGroups(in: .all).map(\.counts.requests).reduce(0, +)
        let reader = try PostgresStore(ConnectionString(uri)!, host: nil, mode: .read)
        let groups = try reader.trafficGroups(in: .all)
        #expect(groups.map(\.counts.requests).reduce(0, +) == 3 * one)
        for n in 1...3 {
            #expect(groups.filter { $0.host == "host-\(n)" }.map(\.counts.requests).reduce(0, +) == one)
        }
        let timeline = try reader.hourlyStatusCounts(in: .all, matching: TrafficFilter()).map(\.requests).reduce(0, +)
        #expect(timeline == 3 * one)
    }

    /// A scan: many distinct routes and clients in one hour, in two runs (the second meets
    /// the names the first stored). Both stores keep the same rows.
    @Test func routeAndClientCapsFoldLikeSQLite() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let folder = try S.temporaryFolder()
        let sqlite = try S.sqlite(in: folder), postgres = try S.postgres(db)
        sqlite.maxRoutesPerHour = 30
        postgres.maxRoutesPerHour = 30
        sqlite.maxClientsPerHour = 10
        postgres.maxClientsPerHour = 10
        let hour: Int64 = 480_000 * 3600
        var lines: [String] = []
        for n in 0..<200 {
            for k in 0...(n % 7) {
                lines.append(S.line(client: "10.0.\(n % 40).\(k)", time: hour + Int64(n), path: "/r/\(S.word(n))", status: n % 3 == 0 ? 503 : 200))
            }
        }
        let log = folder + "/scan.log"
        try S.write(Array(lines.prefix(lines.count / 2)), to: log)
        S.ingest([log], into: sqlite)
        S.ingest([log], into: postgres)
        for n in 0..<60 {
            lines.append(S.line(client: "10.9.\(n).1", time: hour + 1800 + Int64(n), path: "/s/\(S.word(n))", status: 429))
        }
        try S.write(lines, to: log)
        S.ingest([log], into: sqlite)
        S.ingest([log], into: postgres)
        try S.expectSameReport(sqlite, postgres, options: ReportOptions(top: 100))
        let routes = try postgres.connection.query("SELECT count(DISTINCT route_id) FROM traffic").first?.int(0)
        #expect(routes == 31)  // 30 names and (other)
        let clients = try postgres.connection.query("SELECT count(*) FROM client_errors").first?.int(0)
        #expect(clients == 10)
        let total = try postgres.trafficGroups(in: .all).map(\.counts.requests).reduce(0, +)
        #expect(total == Int64(lines.count))
        #expect(try postgres.trafficGroups(in: .all).contains { $0.route == TrafficAggregate.otherRoute })
    }

    @Test func pruneDropsWholeMonthsAndLeavesWhatSQLiteLeaves() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let folder = try S.temporaryFolder()
        let sqlite = try S.sqlite(in: folder), postgres = try S.postgres(db)
        let january: Int64 = 1_704_067_200, february: Int64 = 1_706_745_600, march: Int64 = 1_709_251_200
        var lines: [String] = []
        for (month, start) in [(1, january), (2, february), (3, march)] {
            for n in 0..<300 {
                lines.append(S.line(client: "10.1.\(month).\(n % 20)", time: start + Int64(n) * 4_000, path: "/m\(month)/\(S.word(n % 9))",
                                    status: [200, 404, 503][n % 3]))
            }
        }
        let log = folder + "/months.log"
        try S.write(lines, to: log)
        S.ingest([log], into: sqlite)
        S.ingest([log], into: postgres)
        func partitions() throws -> Set<String> {
            Set(try postgres.connection.query("SELECT relname FROM pg_class WHERE relname ~ '^traffic_20' AND relkind = 'r'").rows.map { $0.string(0) })
        }
        #expect(try partitions() == ["traffic_2024_01", "traffic_2024_02", "traffic_2024_03"])

        let cut = Int32(february / 3600 + 9 * 24 + 5)  // 10 February, 05:00: a day and a month cut in two
        let dry = try postgres.prune(beforeHour: cut, now: S.now, dryRun: true)
        #expect(try partitions().count == 3)
        let expected = try sqlite.prune(beforeHour: cut, now: S.now)
        let pruned = try postgres.prune(beforeHour: cut, now: S.now)
        #expect(dry.trafficRows == pruned.trafficRows && dry.requests == pruned.requests)
        #expect([pruned.trafficRows, pruned.clientRows, pruned.requests, pruned.namesRemoved]
                == [expected.trafficRows, expected.clientRows, expected.requests, expected.namesRemoved])
        #expect([pruned.firstRemovedHour, pruned.lastRemovedHour] == [expected.firstRemovedHour, expected.lastRemovedHour])
        #expect(pruned.filesWithDetailsRemoved == expected.filesWithDetailsRemoved && pruned.filesKept == expected.filesKept)
        #expect(try partitions() == ["traffic_2024_02", "traffic_2024_03"])
        // January of the five hourly tables: traffic, client_errors, status_hourly, latency, latency_hourly.
        #expect(try postgres.connection.query("SELECT dropped_partitions FROM prunes").first?.int(0) == 5)
        try S.expectSameReport(sqlite, postgres)
        try S.expectSameReport(sqlite, postgres, options: ReportOptions(window: Report.Window(since: february, until: march + 86_400)))
        // Pruned files stay known: nothing is counted again.
        #expect(S.ingest([log], into: postgres).map(\.requests) == [0])
        #expect(try postgres.status().prunedBeforeHour == cut)
    }

    /// Prunes while three hosts ingest: every lock the two take is waited for or, in a
    /// deadlock, the loser retried; what is after the cut is exact, whatever the interleaving.
    @Test func pruningWhileHostsIngestLosesNothingAfterTheCut() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let folder = try S.temporaryFolder()
        let start: Int64 = 1_704_067_200  // 1 January 2024
        var lines: [String] = []
        for n in 0..<6_000 {
            lines.append(S.line(client: "10.2.\(n % 50).\(n % 7)", time: start + Int64(n) * 1_300, path: "/p/\(S.word(n % 40))",
                                status: [200, 201, 404, 429, 503][n % 5]))
        }
        let log = folder + "/quarter.log"
        try S.write(lines, to: log)
        let cut = Int32(start / 3600 + 40 * 24 + 7)  // 10 February, 07:00
        let owner = try S.postgres(db, host: "owner")
        let uri = try db.uri
        let failures = Failures()
        let threads = (1...3).map { n in
            Thread {
                do {
                    let store = try PostgresStore(ConnectionString(uri)!, host: "host-\(n)", mode: .write)
                    let engine = IngestEngine(store: store, options: IngestOptions(workers: 1, checkpointBytes: 16 << 10, liveFileSeconds: 0),
                                              now: { S.now })
                    for outcome in engine.ingest(paths: [log]) {
                        if case .failed(_, let error) = outcome { failures.add(StoreFailure(.other, error)) }
                    }
                } catch {
                    failures.add(error)
                }
            }
        }
        threads.forEach { $0.start() }
        var prunes = 0
        while threads.contains(where: { !$0.isFinished }) && prunes < 20 {
            _ = try owner.prune(beforeHour: cut, now: S.now)
            prunes += 1
        }
        waitAll(threads)
        #expect(failures.descriptions == [])
        #expect(prunes > 0)
        let single = try S.sqlite(in: folder)
        S.ingest([log], into: single)
        let after = HourWindow(first: cut)
        let expected = try single.hourlyStatusCounts(in: after).map(\.requests).reduce(0, +)
        #expect(expected > 0)
        #expect(try owner.hourlyStatusCounts(in: after, matching: TrafficFilter()).map(\.requests).reduce(0, +) == 3 * expected)
        #expect(try owner.trafficGroups(in: after).map(\.counts.requests).reduce(0, +) == 3 * expected)
        let clients = try owner.clientErrors(in: after, limit: 1_000, matching: TrafficFilter()).map(\.errors).reduce(0, +)
        #expect(clients == 3 * (try single.clientErrors(in: after, limit: 1_000).map(\.errors).reduce(0, +)))
        for n in 1...3 {
            let rateLimited = try owner.rateLimitedClients(in: after, limit: 1_000, matching: TrafficFilter(hosts: ["host-\(n)"]))
            #expect(rateLimited == (try single.rateLimitedClients(in: after, limit: 1_000)))
        }
    }

    /// The host filter of the report's questions: each host's answers are what its own
    /// SQLite database gives.
    @Test func aHostFilterAnswersLikeThatHostsOwnSQLiteDatabase() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let folder = try S.temporaryFolder()
        let files = ["api": [S.sample("api/app.jsonl")], "web": [S.sample("nginx/access.log"), S.sample("nginx/access.log.1")]]
        let fleet = try S.postgres(db, host: "setup")
        for (host, paths) in files {
            S.ingest(paths, into: try S.postgres(db, host: host))
            let own = try S.sqlite(in: folder, name: host + ".sqlite")
            S.ingest(paths, into: own)
            let only = TrafficFilter(hosts: [host])
            #expect(try fleet.malformedSummary(in: .all, matching: only) == own.malformedSummary(in: .all))
            #expect(try fleet.clientErrors(in: .all, limit: 10, matching: only) == own.clientErrors(in: .all, limit: 10))
            #expect(try fleet.rateLimitedClients(in: .all, limit: 10, matching: only) == own.rateLimitedClients(in: .all, limit: 10))
            #expect(try fleet.hourlyStatusCounts(in: .all, matching: only) == own.hourlyStatusCounts(in: .all))
            let fiveHundreds = TrafficFilter(statuses: [.init(500, 599)], hosts: [host])
            #expect(try fleet.hourlyStatusCounts(in: .all, matching: fiveHundreds)
                    == own.hourlyStatusCounts(in: .all, matching: TrafficFilter(statuses: [.init(500, 599)])))
        }
        #expect(try fleet.malformedSummary(in: .all, matching: TrafficFilter(hosts: ["api"])).total == 3)
        #expect(try fleet.malformedSummary(in: .all, matching: TrafficFilter(hosts: ["nobody"])).total == 0)
        #expect(try fleet.malformedSummary(in: .all, matching: TrafficFilter()).total
                == fleet.malformedSummary(in: .all, matching: TrafficFilter(hosts: ["api", "web"])).total)
    }

    @Test func statusListsEveryHostWithItsFilesAndLastCommit() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let folder = try S.temporaryFolder()
        let sqlite = try S.sqlite(in: folder)
        let a = try S.postgres(db, host: "b-host"), b = try S.postgres(db, host: "a-host")
        _ = try S.postgres(db, host: "quiet")
        S.ingest([S.sample("nginx/access.log"), S.sample("api/app.jsonl")], into: a)
        S.ingest([S.corpus], into: b)
        S.ingest([S.sample("nginx/access.log"), S.sample("api/app.jsonl"), S.corpus], into: sqlite)
        let status = try a.status()
        #expect(status.hosts.map(\.name) == ["a-host", "b-host", "quiet"])
        #expect(status.hosts.map(\.files) == [1, 2, 0])
        #expect(status.hosts.map(\.lastIngest) == [S.now, S.now, nil])
        #expect(status.hosts[0].requests == 10_000)
        #expect(status.files.count == 3)
        #expect(status.lastIngest == S.now)
        #expect(status.schemaVersion == PostgresMigrations.currentVersion)
        #expect(status.sizeBytes > 0)
        #expect(!status.path.contains("Pw"))
        let expected = try sqlite.status()
        let fromA = status.files.filter { $0.entry.path != S.corpus }
        let expectedA = expected.files.filter { $0.entry.path != S.corpus }
        #expect(fromA.map(\.entry.requests) == expectedA.map(\.entry.requests))
        #expect(fromA.map(\.entry.bytesRead) == expectedA.map(\.entry.bytesRead))
        #expect(fromA.map(\.entry.path) == expectedA.map(\.entry.path))
        #expect(status.malformed.map(\.count) == expected.malformed.map(\.count))
        #expect(try a.checkIntegrity() == [])
        // With amcheck (PostgreSQL's contrib), every B-tree index is checked: a healthy one passes.
        if (try? db.connect().execute("CREATE EXTENSION IF NOT EXISTS amcheck")) != nil {
            #expect(try a.checkIntegrity() == [])
            #expect(try a.connection.query("SELECT count(*) FROM pg_extension WHERE extname = 'amcheck'").first?.int(0) == 1)
        }
    }

    /// Two runs of one host on the same file at the same moment: the host's commits take
    /// turns, the loser of a race meets the winner's ledger entry, and the file counts once.
    @Test func twoRunsOfOneHostAtOnceCountTheFileOnce() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        _ = try S.postgres(db, host: "web-1")
        let uri = try db.uri
        let failures = Failures()
        let threads = (1...2).map { _ in
            Thread {
                do {
                    let store = try PostgresStore(ConnectionString(uri)!, host: "web-1", mode: .write)
                    let engine = IngestEngine(store: store, options: IngestOptions(workers: 1, checkpointBytes: 64 << 10, liveFileSeconds: 0),
                                              now: { S.now })
                    for outcome in engine.ingest(paths: [S.corpus]) {
                        if case .failed(_, let error) = outcome { failures.add(StoreFailure(.other, error)) }
                    }
                } catch {
                    failures.add(error)
                }
            }
        }
        runAll(threads)
        #expect(failures.descriptions == [])
        let reader = try PostgresStore(ConnectionString(uri)!, host: nil, mode: .read)
        #expect(try reader.trafficGroups(in: .all).map(\.counts.requests).reduce(0, +) == 10_000)
        #expect(try reader.status().files.count == 1)
    }

    /// The server ends the connection inside a commit: the store connects again and commits
    /// the step once (the rolled-back attempt left nothing).
    @Test func aConnectionLostInsideACommitIsOpenedAgainAndCountsOnce() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let store = try S.postgres(db)
        let admin = try db.connect()
        var killed = 0
        store.beforeCommit = {
            guard killed == 0 else { return }
            killed += 1
            _ = try? admin.query("SELECT pg_terminate_backend($1)", [.int32(store.connection.backendPID)])
        }
        #expect(S.ingest([S.corpus], into: store).map(\.requests) == [10_000])
        #expect(killed == 1)
        #expect(try store.trafficGroups(in: .all).map(\.counts.requests).reduce(0, +) == 10_000)
        #expect(try store.ledgerEntries().map(\.requests) == [10_000])
    }

    /// The roles of docs/fleet.md: an ingest role with its grants ingests through the store,
    /// a report role with its grants reads the same report the owner reads.
    @Test func theGrantedRolesIngestAndReportThroughTheStore() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let owner = try S.postgres(db, host: "owner")
        let ingestRole = try db.makeRole(password: "Ingest-Pw-2"), reportRole = try db.makeRole(password: "Report-Pw-2")
        for statement in PostgresPrivileges.ingestGrants(role: ingestRole, database: db.name)
            + PostgresPrivileges.reportGrants(role: reportRole, database: db.name) {
            try owner.connection.execute(statement)
        }
        let ingest = try PostgresStore(ConnectionString(try TestServer.uri(user: ingestRole, password: "Ingest-Pw-2", database: db.name))!,
                                       host: "web-1", mode: .write)
        #expect(S.ingest([S.corpus, S.sample("nginx/access.log")], into: ingest).map(\.requests).reduce(0, +) > 10_000)
        let report = try PostgresStore(ConnectionString(try TestServer.uri(user: reportRole, password: "Report-Pw-2", database: db.name))!,
                                       host: nil, mode: .read)
        #expect(try S.reportJSON(report) == S.reportJSON(owner))
        #expect(try report.status().hosts.map(\.name) == ["owner", "web-1"])
    }

    @Test func aReaderRefusesAnEmptyOrForeignDatabaseWithoutWriting() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let role = try db.makeRole(password: "Secret-Pw-9")
        try db.admin.execute("ALTER DATABASE \(db.name) OWNER TO \(role)")
        let uri = try TestServer.uri(user: role, password: "Secret-Pw-9", database: db.name)
        func refusal(_ body: () throws -> Void) -> StoreFailure? {
            do { try body() } catch let failure as StoreFailure { return failure } catch { Issue.record("\(error)") }
            return nil
        }
        let empty = refusal { _ = try PostgresStore(ConnectionString(uri)!, host: nil, mode: .read) }
        #expect(empty?.kind == .missing)
        #expect(empty.map { $0.message.contains("no data yet") && !$0.message.contains("Secret-Pw-9") } == true)
        #expect(try PostgresMigrations.state(of: try PostgresConnection(uri)) == .empty)

        try PostgresConnection(uri).execute("CREATE TABLE invoices (id int)")
        for mode in [PostgresStore.Mode.read, .write] {
            let foreign = refusal { _ = try PostgresStore(ConnectionString(uri)!, host: "x", mode: mode) }
            #expect(foreign?.kind == .notAnErranalyzeDatabase)
            #expect(foreign.map { !$0.message.contains("Secret-Pw-9") } == true)
        }
        #expect(refusal { _ = try PostgresStore(ConnectionString(try db.uri)!, host: "", mode: .write) }?.message.contains("host name is empty") == true)
        let wrong = refusal { _ = try PostgresStore(ConnectionString(try TestServer.uri(user: role, password: "nope", database: db.name))!,
                                                     host: "x", mode: .write) }
        #expect(wrong?.kind == .authentication)
    }
}
