/// A file the ledger knows: where reading stopped and what was found.
public struct LedgerEntry: Sendable, Equatable {
    public var id: Int64
    public var path: String
    public var fingerprint: ContentFingerprint
    public var format: String
    public var compressed: Bool
    /// Bytes of (decompressed) content counted so far: the next run resumes here.
    public var bytesRead: Int64
    public var lines: Int64
    public var requests: Int64
    public var malformed: Int64
    public var firstTimestamp: Int64?
    public var lastTimestamp: Int64?
    public var firstIngested: Int64
    public var lastIngested: Int64
}

/// Everything one step of ingesting a file adds, committed in one transaction with the
/// ledger's new read position: a file (or a checkpointed part of one) is counted fully or
/// not at all.
public struct IngestCheckpoint {
    /// The ledger row being advanced; nil for a file seen for the first time.
    public var entryID: Int64?
    /// The read position the ledger held when this step started; if another process moved
    /// it meanwhile, the commit is refused with `StoreConflict` rather than counting twice.
    public var expectedBytesRead: Int64
    public var path: String
    public var format: String
    public var compressed: Bool
    public var fingerprint: ContentFingerprint
    /// The read position after this step.
    public var bytesRead: Int64
    public var aggregate: TrafficAggregate
    /// Seconds since the epoch, recorded as the ingest time.
    public var now: Int64

    public init(entryID: Int64?, expectedBytesRead: Int64, path: String, format: String, compressed: Bool,
                fingerprint: ContentFingerprint, bytesRead: Int64, aggregate: TrafficAggregate, now: Int64) {
        self.entryID = entryID
        self.expectedBytesRead = expectedBytesRead
        self.path = path
        self.format = format
        self.compressed = compressed
        self.fingerprint = fingerprint
        self.bytesRead = bytesRead
        self.aggregate = aggregate
        self.now = now
    }
}

/// Another process advanced the same file while this one read it.
public struct StoreConflict: Error, CustomStringConvertible {
    public var path: String
    public var description: String { "\(path): another ingest counted this file at the same time" }
}

/// An inclusive range of whole hours (hours since the epoch, UTC); nil bounds are open.
public struct HourWindow: Sendable, Equatable {
    public var first: Int32?
    public var last: Int32?

    public init(first: Int32? = nil, last: Int32? = nil) {
        self.first = first
        self.last = last
    }

    public static let all = HourWindow()
}

/// Aggregated traffic over a window for one route × method × status × code × flags.
public struct TrafficGroup: Sendable, Equatable {
    public var route: String
    public var method: String
    public var status: Int
    public var code: String?
    public var flags: UInt8
    public var counts: TrafficCounts
}

/// Requests in one hour with one status.
public struct HourlyStatusCount: Sendable, Equatable {
    public var hour: Int32
    public var status: Int
    public var requests: Int64
}

/// A client's errors over a window.
public struct ClientErrorTotal: Sendable, Equatable {
    public var client: String
    public var errors: Int64
    public var rateLimited: Int64
}

/// Malformed lines of the files that overlap a window.
public struct MalformedSummary: Sendable, Equatable {
    public struct Sample: Sendable, Equatable {
        public var path: String
        public var line: Int64
        public var reason: MalformedReason
        public var text: String
    }
    public var total: Int64 = 0
    public var byReason: [MalformedReason: Int64] = [:]
    public var samples: [Sample] = []
}

/// Where aggregates are kept. SQLite today; the same questions could be put to a server
/// database for fleets, which is why the report asks these and never writes SQL itself.
public protocol AggregateStore: AnyObject {
    func findLedgerEntry(head: [UInt8]) throws -> LedgerEntry?
    @discardableResult func commit(_ checkpoint: IngestCheckpoint) throws -> Int64
    func ledgerEntries() throws -> [LedgerEntry]
    func trafficGroups(in window: HourWindow) throws -> [TrafficGroup]
    func hourlyStatusCounts(in window: HourWindow) throws -> [HourlyStatusCount]
    func clientErrors(in window: HourWindow, limit: Int) throws -> [ClientErrorTotal]
    func malformedSummary(in window: HourWindow) throws -> MalformedSummary
    /// The first and last hour that hold data, or nil when the store is empty.
    func dataHours() throws -> (first: Int32, last: Int32)?
}
