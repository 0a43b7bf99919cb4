import Foundation
@testable import ErrAnalyzeKit
@testable import ErrAnalyzeSQLite

/// Several hosts' traffic seen as one fleet database, as the store seam describes it: each
/// host's traffic is counted by a database of its own (as ingest counts it), and the fleet
/// answers every question with the sum over the hosts a filter matches. What a report says of
/// one host can then be checked against that host's own database, an independent count.
final class FleetReportStore: ReportStore {
    let members: [(host: String, store: SQLiteStore)]

    init(_ members: [(host: String, store: SQLiteStore)]) {
        self.members = members
    }

    /// A fleet whose hosts hold these requests (and, for some, malformed lines).
    convenience init(_ hosts: [(host: String, requests: [TestRequest], malformed: Int)]) throws {
        try self.init(hosts.map { host in
            let store = try SQLiteStore(path: temporaryDatabase())
            var counted = aggregate(host.requests)
            let line = Array("not a request".utf8)
            for _ in 0..<host.malformed { line.withUnsafeBytes { counted.addMalformed(.unrecognisedLayout, line: $0) } }
            try store.commit(checkpoint(counted, bytes: 100, head: UUID().uuidString))
            return (host.host, store)
        })
    }

    private func matching(_ filter: TrafficFilter) -> [SQLiteStore] {
        members.filter { filter.matches(host: $0.host) }.map(\.store)
    }

    // MARK: ReportStore

    /// The fake changes only between reports.
    func snapshot<T>(_ body: () throws -> T) throws -> T { try body() }

    func trafficGroups(in window: HourWindow) throws -> [TrafficGroup] {
        try members.flatMap { member in
            try member.store.trafficGroups(in: window).map { group in
                var group = group
                group.host = member.host
                return group
            }
        }
    }

    func hourlyStatusCounts(in window: HourWindow) throws -> [HourlyStatusCount] {
        Self.sum(try members.flatMap { try $0.store.hourlyStatusCounts(in: window) })
    }

    func hourlyStatusCounts(in window: HourWindow, matching filter: TrafficFilter) throws -> [HourlyStatusCount] {
        // Each member is one host, already chosen: the rest of the filter is its to apply.
        var rest = filter
        rest.hosts = []
        return Self.sum(try matching(filter).flatMap { try $0.hourlyStatusCounts(in: window, matching: rest) })
    }

    func clientErrors(in window: HourWindow, limit: Int) throws -> [ClientErrorTotal] {
        try clientErrors(in: window, limit: limit, matching: TrafficFilter())
    }

    func clientErrors(in window: HourWindow, limit: Int, matching filter: TrafficFilter) throws -> [ClientErrorTotal] {
        let all = try Self.sum(matching(filter).flatMap { try $0.clientErrors(in: window, limit: 1_000_000) })
        return Array(all.filter { $0.errors > 0 }.sorted { ($0.errors, $1.client) > ($1.errors, $0.client) }.prefix(limit))
    }

    func rateLimitedClients(in window: HourWindow, limit: Int) throws -> [ClientErrorTotal] {
        try rateLimitedClients(in: window, limit: limit, matching: TrafficFilter())
    }

    func rateLimitedClients(in window: HourWindow, limit: Int, matching filter: TrafficFilter) throws -> [ClientErrorTotal] {
        let all = try Self.sum(matching(filter).flatMap { try $0.clientErrors(in: window, limit: 1_000_000) })
        return Array(all.filter { $0.rateLimited > 0 }.sorted { ($0.rateLimited, $1.client) > ($1.rateLimited, $0.client) }.prefix(limit))
    }

    func malformedSummary(in window: HourWindow) throws -> MalformedSummary {
        try malformedSummary(in: window, matching: TrafficFilter())
    }

    func malformedSummary(in window: HourWindow, matching filter: TrafficFilter) throws -> MalformedSummary {
        var summary = MalformedSummary()
        for store in matching(filter) {
            let part = try store.malformedSummary(in: window)
            summary.total += part.total
            for (reason, count) in part.byReason { summary.byReason[reason, default: 0] += count }
            summary.samples += part.samples
        }
        return summary
    }

    func dataHours() throws -> (first: Int32, last: Int32)? {
        let hours = try members.compactMap { try $0.store.dataHours() }
        guard let first = hours.map(\.first).min(), let last = hours.map(\.last).max() else { return nil }
        return (first, last)
    }

    // MARK: Not asked by reports

    struct ReadOnly: Error {}
    func findLedgerEntry(head: [UInt8]) throws -> LedgerEntry? { throw ReadOnly() }
    func commit(_ checkpoint: IngestCheckpoint) throws -> Int64 { throw ReadOnly() }
    func ledgerEntries() throws -> [LedgerEntry] { throw ReadOnly() }

    // MARK: Sums

    private static func sum(_ counts: [HourlyStatusCount]) -> [HourlyStatusCount] {
        var byKey: [Int64: Int64] = [:]
        for c in counts { byKey[Int64(c.hour) * 1000 + Int64(c.status), default: 0] += c.requests }
        return byKey.keys.sorted().map { HourlyStatusCount(hour: Int32($0 / 1000), status: Int($0 % 1000), requests: byKey[$0]!) }
    }

    private static func sum(_ totals: [ClientErrorTotal]) -> [ClientErrorTotal] {
        var byClient: [String: ClientErrorTotal] = [:]
        for t in totals {
            var entry = byClient[t.client] ?? ClientErrorTotal(client: t.client, errors: 0, rateLimited: 0)
            entry.errors += t.errors
            entry.rateLimited += t.rateLimited
            byClient[t.client] = entry
        }
        return Array(byClient.values)
    }
}
