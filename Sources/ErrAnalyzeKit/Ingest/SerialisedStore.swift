import Foundation

/// An `IngestStore` whose calls take turns: inputs read side by side share one database
/// connection, which one thread at a time may use. Each call is whole (a commit is one
/// transaction), so turns never split a transaction.
final class SerialisedStore: IngestStore, @unchecked Sendable {
    private let store: IngestStore
    private let lock = NSLock()

    init(_ store: IngestStore) {
        self.store = store
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    var host: String { store.host }
    var beforeCommit: (() -> Void)? {
        get { store.beforeCommit }
        set { store.beforeCommit = newValue }
    }
    func ledgerLookup(head: [UInt8]) throws -> LedgerLookup { try locked { try store.ledgerLookup(head: head) } }
    func ledgerEntry(sourceKey: String) throws -> LedgerEntry? { try locked { try store.ledgerEntry(sourceKey: sourceKey) } }
    func commit(_ checkpoint: IngestCheckpoint) throws -> Int64 { try locked { try store.commit(checkpoint) } }
    func ledgerEntries() throws -> [LedgerEntry] { try locked { try store.ledgerEntries() } }
}
