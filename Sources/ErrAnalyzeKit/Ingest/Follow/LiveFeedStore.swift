import Foundation

/// The store behind `top`: each committed step goes to the live view (`LiveView`), counted in
/// the minute it was read. Without a database (`top FILE…`) the ledger is kept in memory, so
/// that rotations are followed with the same rules as an ingest and nothing is written; with
/// one (`top --ingest`) every step is committed to it first and reaches the view only once
/// committed.
public final class LiveFeedStore: IngestStore {
    public let host: String
    public var beforeCommit: (() -> Void)?
    /// Whether committed steps reach the view (off for `top --ingest`'s first pass, which
    /// catches up on what was written before `top` started).
    public var feedsView = true
    let view: LiveView
    let database: IngestStore?
    let now: () -> Int64
    /// The in-memory ledger (without a database), at most `maxEntries` files, the oldest dropped.
    private var entries: [LedgerEntry] = []
    private var nextID: Int64 = 1
    static let maxEntries = 1000

    public init(view: LiveView, host: String, database: IngestStore? = nil,
                now: @escaping () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.view = view
        self.host = database?.host ?? host
        self.database = database
        self.now = now
    }

    public func ledgerLookup(head: [UInt8]) throws -> LedgerLookup {
        if let database { return try database.ledgerLookup(head: head) }
        let found = entries.filter { entry in
            entry.fingerprint.length <= head.count && ContentFingerprint(of: Array(head[0..<entry.fingerprint.length])) == entry.fingerprint
        }.sorted { ($0.lastIngested, $0.id) > ($1.lastIngested, $1.id) }
        return LedgerLookup(candidates: found, lastFileID: nextID - 1)
    }

    public func ledgerEntry(sourceKey: String) throws -> LedgerEntry? {
        if let database { return try database.ledgerEntry(sourceKey: sourceKey) }
        return entries.last { $0.sourceKey == sourceKey }
    }

    public func ledgerEntries() throws -> [LedgerEntry] {
        try database?.ledgerEntries() ?? entries
    }

    @discardableResult
    public func commit(_ checkpoint: IngestCheckpoint) throws -> Int64 {
        let id: Int64
        if let database {
            id = try database.commit(checkpoint)
        } else {
            beforeCommit?()
            id = record(checkpoint)
        }
        if feedsView { view.add(checkpoint.aggregate, host: host, at: now()) }
        return id
    }

    private func record(_ c: IngestCheckpoint) -> Int64 {
        let time = now()
        if let id = c.entryID, let index = entries.firstIndex(where: { $0.id == id }) {
            entries[index].bytesRead = c.bytesRead
            entries[index].fingerprint = c.fingerprint
            entries[index].anchor = c.anchor
            entries[index].endsMidLine = c.endsMidLine
            entries[index].lines += c.aggregate.lines
            entries[index].requests += c.aggregate.requests
            entries[index].lastIngested = time
            entries[index].path = c.path
            if let key = c.sourceKey { entries[index].sourceKey = key }
            return id
        }
        let id = nextID
        nextID += 1
        entries.append(LedgerEntry(id: id, path: c.path, fingerprint: c.fingerprint, format: c.format, compressed: c.compressed,
                                   bytesRead: c.bytesRead, lines: c.aggregate.lines, requests: c.aggregate.requests, malformed: 0,
                                   firstIngested: time, lastIngested: time, anchor: c.anchor, endsMidLine: c.endsMidLine,
                                   sourceKey: c.sourceKey, compression: c.compression))
        if entries.count > Self.maxEntries { entries.removeFirst(entries.count - Self.maxEntries) }
        return id
    }

    /// Records `file` as read up to its last newline without counting it: `top` shows what
    /// is written after it starts (what was there before has no arrival time). A compressed
    /// file is recorded as read to its end.
    public func startAtEnd(of file: InputFile) throws {
        guard database == nil else { return }
        let time = now()
        if file.isCompressed {
            guard let key = file.sourceKey else { return }
            entries.append(LedgerEntry(id: nextID, path: file.displayName, fingerprint: ContentFingerprint(length: 0, hash: []),
                                       format: "", compressed: true, bytesRead: 0, lines: 0, requests: 0, malformed: 0,
                                       firstIngested: time, lastIngested: time, sourceKey: key, compression: file.compression))
            nextID += 1
            return
        }
        guard let size = file.regularFileSize, size > 0 else { return }
        let tailLength = Int(min(size, 64 << 10))
        let tail = try file.readPlain(at: size - Int64(tailLength), count: tailLength)
        guard let lastNewline = tail.lastIndex(of: 0x0A) else { return }
        let position = size - Int64(tailLength) + Int64(lastNewline) + 1
        let head = try file.readPlain(at: 0, count: Int(min(Int64(ContentFingerprint.fullLength), position)))
        let anchorLength = Int(min(Int64(ContentFingerprint.fullLength), position))
        let anchor = try file.readPlain(at: position - Int64(anchorLength), count: anchorLength)
        entries.append(LedgerEntry(id: nextID, path: file.displayName, fingerprint: ContentFingerprint(of: head), format: "",
                                   compressed: false, bytesRead: position, lines: 0, requests: 0, malformed: 0,
                                   firstIngested: time, lastIngested: time, anchor: ContentFingerprint(of: anchor)))
        nextID += 1
    }
}
