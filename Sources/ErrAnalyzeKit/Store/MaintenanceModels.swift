/// What `erranalyze status` shows: the ledger of files, what was found in them, and the
/// span of the aggregates.
public struct StoreStatus: Sendable {
    public struct File: Sendable {
        public var entry: LedgerEntry
        public var malformedByReason: [MalformedReason: Int64]
    }

    public struct MalformedReasonTotal: Sendable {
        public var reason: MalformedReason
        public var count: Int64
        /// Files with at least one line of this kind.
        public var files: Int
        /// One example, from the most recently ingested file that kept one.
        public var sample: MalformedSummary.Sample?
    }

    public var path: String
    public var schemaVersion: Int
    /// The database file and its write-ahead log, in bytes.
    public var sizeBytes: Int64
    /// Oldest first (by first ingest).
    public var files: [File]
    public var malformed: [MalformedReasonTotal]
    /// The first and last hour (hours since the epoch, UTC) that hold aggregates.
    public var firstHour: Int32?
    public var lastHour: Int32?
    /// Seconds since the epoch of the last commit of any file.
    public var lastIngest: Int64?
    /// The latest `prune`: when, and the hour before which it removed aggregates.
    public var lastPrune: Int64?
    public var prunedBeforeHour: Int32?

    /// A host that ingested into the store (a fleet database has many).
    public struct Host: Sendable, Equatable {
        public var name: String
        /// Its ledger entries, and the requests they counted.
        public var files: Int
        public var requests: Int64
        /// Seconds since the epoch of its last commit (nil: registered, never committed).
        public var lastIngest: Int64?
    }
    /// By name.
    public var hosts: [Host] = []
}

/// What `prune` removed (or would remove, for a dry run).
public struct PruneResult: Sendable {
    /// Aggregates of hours before this one (hours since the epoch, UTC) were removed.
    public var beforeHour: Int32
    /// The span of the hours removed, when any were.
    public var firstRemovedHour: Int32?
    public var lastRemovedHour: Int32?
    /// Rows of route × method × status × code counters and of per-client error counts.
    public var trafficRows: Int64
    public var clientRows: Int64
    /// Requests counted in the removed rows.
    public var requests: Int64
    /// Files whose malformed-line details (counts by reason and samples) were removed
    /// because all their requests are older than the cutoff. Their ledger entries stay.
    public var filesWithDetailsRemoved: Int
    /// Interned routes, methods, codes and clients no longer used by any row.
    public var namesRemoved: Int64
    /// Ledger entries kept, so that old files are still recognised and never counted again.
    public var filesKept: Int
    public var dryRun: Bool
}
