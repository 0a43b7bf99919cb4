import Foundation

/// An `AggregateStore` whose calls take turns: inputs read side by side share one SQLite
/// connection, which one thread at a time may use. Each call is whole (a commit is one
/// transaction), so turns never split a transaction.
final class SerialisedStore: AggregateStore, @unchecked Sendable {
    private let store: AggregateStore
    private let lock = NSLock()

    init(_ store: AggregateStore) {
        self.store = store
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    func findLedgerEntry(head: [UInt8]) throws -> LedgerEntry? { try locked { try store.findLedgerEntry(head: head) } }
    func ledgerLookup(head: [UInt8]) throws -> LedgerLookup { try locked { try store.ledgerLookup(head: head) } }
    func ledgerEntry(sourceKey: String) throws -> LedgerEntry? { try locked { try store.ledgerEntry(sourceKey: sourceKey) } }
    func commit(_ checkpoint: IngestCheckpoint) throws -> Int64 { try locked { try store.commit(checkpoint) } }
    func ledgerEntries() throws -> [LedgerEntry] { try locked { try store.ledgerEntries() } }
    func trafficGroups(in window: HourWindow) throws -> [TrafficGroup] { try locked { try store.trafficGroups(in: window) } }
    func hourlyStatusCounts(in window: HourWindow) throws -> [HourlyStatusCount] {
        try locked { try store.hourlyStatusCounts(in: window) }
    }
    func clientErrors(in window: HourWindow, limit: Int) throws -> [ClientErrorTotal] {
        try locked { try store.clientErrors(in: window, limit: limit) }
    }
    func malformedSummary(in window: HourWindow) throws -> MalformedSummary { try locked { try store.malformedSummary(in: window) } }
    func dataHours() throws -> (first: Int32, last: Int32)? { try locked { try store.dataHours() } }
}
