import ErrAnalyzeKit

/// The ledger of this store's host: which files it has counted and how far.
extension PostgresStore {
    static let ledgerColumns = """
        id, path, fingerprint_length, fingerprint, format, compressed, bytes_read, lines, requests, malformed,
        first_ts, last_ts, first_ingested, last_ingested, anchor_length, anchor, ends_mid_line, source_key
        """

    static func ledgerEntry(_ row: PostgresRow) -> LedgerEntry {
        let anchorLength = row.int(14)
        let compressed = row.int64(5)
        return LedgerEntry(
            id: row.int64(0), path: row.string(1),
            fingerprint: ContentFingerprint(length: row.int(2), hash: row.bytes(3)),
            format: row.string(4), compressed: compressed != 0, bytesRead: row.int64(6), lines: row.int64(7),
            requests: row.int64(8), malformed: row.int64(9),
            firstTimestamp: row.optionalInt64(10), lastTimestamp: row.optionalInt64(11),
            firstIngested: row.int64(12), lastIngested: row.int64(13),
            anchor: anchorLength > 0 ? ContentFingerprint(length: anchorLength, hash: row.bytes(15)) : nil,
            endsMidLine: row.bool(16), sourceKey: row.optionalString(17), compression: Compression(ledgerCode: compressed))
    }

    /// This host's entries whose fingerprint matches the first bytes of `head`, the most
    /// recently ingested first, and the host's last file id, read in one snapshot.
    public func ledgerLookup(head: [UInt8]) throws -> LedgerLookup {
        try snapshot {
            try neutral {
                guard !head.isEmpty else { return LedgerLookup(candidates: [], lastFileID: try lastFileID()) }
                let lengths = try connection.query("""
                    SELECT DISTINCT fingerprint_length FROM files
                    WHERE host_id = $1 AND fingerprint_length BETWEEN 1 AND $2 ORDER BY fingerprint_length DESC
                    """, [.int64(hostID), .int64(Int64(head.count))]).rows.map { $0.int(0) }
                var found: [LedgerEntry] = []
                for length in lengths {
                    let fingerprint = ContentFingerprint(of: Array(head[0..<length]))
                    for row in try connection.query("""
                        SELECT \(Self.ledgerColumns) FROM files
                        WHERE host_id = $1 AND fingerprint_length = $2 AND fingerprint = $3
                        """, [.int64(hostID), .int64(Int64(length)), .bytes(fingerprint.hash)]).rows {
                        found.append(Self.ledgerEntry(row))
                    }
                }
                found.sort { ($0.lastIngested, $0.id) > ($1.lastIngested, $1.id) }
                return LedgerLookup(candidates: found, lastFileID: try lastFileID())
            }
        }
    }

    /// This host's entry of a compressed file read to its end.
    public func ledgerEntry(sourceKey: String) throws -> LedgerEntry? {
        try neutral {
            try connection.query("""
                SELECT \(Self.ledgerColumns) FROM files WHERE host_id = $1 AND source_key = $2 ORDER BY id DESC LIMIT 1
                """, [.int64(hostID), .text(PostgresConnection.storable(sourceKey))]).first.map(Self.ledgerEntry)
        }
    }

    /// This host's entries, in the order they were last ingested.
    public func ledgerEntries() throws -> [LedgerEntry] {
        try neutral {
            try connection.query("SELECT \(Self.ledgerColumns) FROM files WHERE host_id = $1 ORDER BY last_ingested, id",
                                 [.int64(hostID)]).rows.map(Self.ledgerEntry)
        }
    }

    /// The host's largest file id: a new file may be recorded only if no entry of the same
    /// host with its first bytes appeared after it.
    func lastFileID() throws -> Int64 {
        try connection.query("SELECT coalesce(max(id), 0) FROM files WHERE host_id = $1", [.int64(hostID)]).first?.int64(0) ?? 0
    }
}
