import ErrAnalyzeKit
import ErrAnalyzePostgres
import ErrAnalyzeSQLite
import Foundation
import Testing

/// The store contract: one suite, every test run against every store (SQLite in a temporary
/// file, PostgreSQL in a scratch database of the test server). What a store must do whatever
/// it is: count a file once per host, resume, refuse a stale commit, give groups in name order,
/// keep one snapshot, prune. `PostgresStoreTests` adds that the two give the same report JSON
/// byte for byte.
@Suite(TestServer.required, .serialized) struct StoreContractTests {
    typealias S = StoreComparison
    typealias Store = IngestStore & ReportStore & MaintenanceStore

    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    /// A fresh store of `kind` writing as `host`, and a way to open another writer of the same
    /// database as another host.
    final class Opened {
        let kind: Kind
        private let folder: String
        private let scratch: ScratchDatabase?

        init(_ kind: Kind) throws {
            self.kind = kind
            folder = try S.temporaryFolder()
            scratch = kind == .postgres ? try ScratchDatabase() : nil
        }

        func store(host: String) throws -> any Store {
            switch kind {
            case .sqlite: return try S.sqlite(in: folder, host: host)
            case .postgres: return try S.postgres(scratch!, host: host)
            }
        }

        func close() {
            scratch?.drop()
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    static let api = S.sample("api/app.jsonl")   // 3,000 requests (SampleLogs/truth)
    static let nginx = S.sample("nginx/access.log")

    func requests(_ store: any ReportStore, hosts: [String] = []) throws -> Int64 {
        var options = ReportOptions(top: 25)
        options.filter.hosts = hosts
        return try ReportBuilder(store: store, classifier: Classifier()).build(options).totals.requests
    }

    @Test(arguments: Kind.allCases) func aFileIsCountedOncePerHostAndAgainCountsNothing(_ kind: Kind) throws {
        let opened = try Opened(kind)
        defer { opened.close() }
        let a = try opened.store(host: "web-1"), b = try opened.store(host: "web-2")
        #expect(S.ingest([Self.api], into: a).map(\.requests) == [3000])
        #expect(S.ingest([Self.api], into: a).map(\.disposition) == [.upToDate])
        #expect(S.ingest([Self.api], into: b).map(\.requests) == [3000], "the ledger is per host")
        #expect(try requests(a) == 6000)
        #expect(try requests(a, hosts: ["web-2"]) == 3000)
        #expect(try requests(a, hosts: ["web-*"]) == 6000)
        #expect(try requests(a, hosts: ["db-*"]) == 0)
        #expect(try a.ledgerEntries().count == 1 && b.ledgerEntries().count == 1)
        #expect(try a.status().hosts.map(\.name) == ["web-1", "web-2"])
    }

    @Test(arguments: Kind.allCases) func aStaleCommitIsRefusedAndNothingOfItCounts(_ kind: Kind) throws {
        let opened = try Opened(kind)
        defer { opened.close() }
        let store = try opened.store(host: "web-1")
        S.ingest([Self.api], into: store)
        let entry = try #require(try store.ledgerEntries().first)
        let stale = IngestCheckpoint(entryID: entry.id, expectedBytesRead: entry.bytesRead - 1, path: entry.path, format: entry.format,
                                     compressed: false, fingerprint: entry.fingerprint, bytesRead: entry.bytesRead + 10,
                                     aggregate: TrafficAggregate(), now: 0)
        #expect(throws: StoreConflict.self) { try store.commit(stale) }
        #expect(try store.ledgerEntries().first?.bytesRead == entry.bytesRead)
        #expect(try requests(store) == 3000)
    }

    @Test(arguments: Kind.allCases) func groupsComeInNameOrderWithTheirHost(_ kind: Kind) throws {
        let opened = try Opened(kind)
        defer { opened.close() }
        let store = try opened.store(host: "web-1")
        S.ingest([Self.nginx, Self.api], into: store)
        let groups = try store.trafficGroups(in: .all)
        #expect(!groups.isEmpty)
        #expect(groups == groups.sorted(by: TrafficGroup.inNameOrder))
        #expect(Set(groups.map(\.host)) == ["web-1"])
        #expect(groups.map(\.counts.requests).reduce(0, +) == (try requests(store)))
    }

    @Test(arguments: Kind.allCases) func aSnapshotNestsAndPruneRemovesHoursButKeepsTheLedger(_ kind: Kind) throws {
        let opened = try Opened(kind)
        defer { opened.close() }
        let store = try opened.store(host: "web-1")
        S.ingest([Self.api], into: store)
        let inner = try store.snapshot { try store.snapshot { try store.trafficGroups(in: .all).count } }
        #expect(inner > 0)
        let hours = try #require(try store.dataHours())
        let result = try store.prune(beforeHour: hours.last + 1, now: 0, dryRun: false)
        #expect(result.requests == 3000)
        #expect(try requests(store) == 0)
        #expect(try store.dataHours() == nil)
        #expect(try store.ledgerEntries().count == 1, "pruned files are still recognised")
        #expect(S.ingest([Self.api], into: store).map(\.disposition) == [.upToDate])
    }
}
