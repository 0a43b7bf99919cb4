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
    /// The fingerprint of the (up to 1 KiB of) content just before `bytesRead`: a file that
    /// starts like this one is the same file only if it also holds these bytes there. Nil
    /// for entries recorded before anchors existed.
    public var anchor: ContentFingerprint? = nil
    /// `bytesRead` is inside a line whose start was already counted (a last line without a
    /// newline, counted because the file had stopped changing, or an overlong line): a later
    /// run drops the rest of that line.
    public var endsMidLine: Bool = false
    /// For a compressed file read to its end: `InputFile.sourceKey` of it.
    public var sourceKey: String? = nil
    /// How the file was compressed, when `compressed` (the same ledger column).
    public var compression: Compression? = nil
    public init(id: Int64, path: String, fingerprint: ContentFingerprint, format: String, compressed: Bool, bytesRead: Int64, lines: Int64, requests: Int64, malformed: Int64, firstTimestamp: Int64? = nil, lastTimestamp: Int64? = nil, firstIngested: Int64, lastIngested: Int64, anchor: ContentFingerprint? = nil, endsMidLine: Bool = false, sourceKey: String? = nil, compression: Compression? = nil) {
        self.id = id
        self.path = path
        self.fingerprint = fingerprint
        self.format = format
        self.compressed = compressed
        self.bytesRead = bytesRead
        self.lines = lines
        self.requests = requests
        self.malformed = malformed
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
        self.firstIngested = firstIngested
        self.lastIngested = lastIngested
        self.anchor = anchor
        self.endsMidLine = endsMidLine
        self.sourceKey = sourceKey
        self.compression = compression
    }
}

/// The ledger entries whose first bytes match a file's, and the ledger's last id at the time:
/// a file that turns out to be new may be recorded only if no entry for the same first bytes
/// appeared since (another ingest recording it at the same moment).
public struct LedgerLookup: Sendable {
    /// Matching entries, the most recently ingested first.
    public var candidates: [LedgerEntry]
    /// The largest file id in the ledger when it was read.
    public var lastFileID: Int64

    public init(candidates: [LedgerEntry], lastFileID: Int64) {
        self.candidates = candidates
        self.lastFileID = lastFileID
    }
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
    /// The fingerprint of the content just before `bytesRead` (see `LedgerEntry.anchor`).
    public var anchor: ContentFingerprint?
    /// Whether `bytesRead` is inside a line already counted (see `LedgerEntry.endsMidLine`).
    public var endsMidLine: Bool
    /// For a new file: the file's first bytes (up to `ContentFingerprint.fullLength`) and the
    /// ledger's last id when it was looked up. A ledger entry added since then whose
    /// fingerprint matches these bytes means another process is recording the same file:
    /// the commit is refused with `StoreConflict`.
    public var head: [UInt8]
    public var lastKnownFileID: Int64?
    /// The compressed file was read to its end: its `InputFile.sourceKey`, recorded so that
    /// later runs recognise it unchanged without decompressing it. Nil keeps the one recorded.
    public var sourceKey: String?
    /// How the file is compressed (stored in the `compressed` column as its `ledgerCode`).
    public var compression: Compression?
    /// Threads the store may use to prepare the step's rows (the ingest's `--workers`): with
    /// more than one, work that needs no database (summing the latency rollups) runs beside
    /// the writes that need none of it, as decompression runs beside parsing.
    public var threads = 1

    /// The value of the ledger's `compressed` column: 0 plain, else `Compression.ledgerCode`.
    public var compressedCode: Int { compression?.ledgerCode ?? (compressed ? 1 : 0) }

    public init(entryID: Int64?, expectedBytesRead: Int64, path: String, format: String, compressed: Bool,
                fingerprint: ContentFingerprint, bytesRead: Int64, aggregate: TrafficAggregate, now: Int64,
                anchor: ContentFingerprint? = nil, endsMidLine: Bool = false, head: [UInt8] = [],
                lastKnownFileID: Int64? = nil, sourceKey: String? = nil, compression: Compression? = nil) {
        self.compression = compression
        self.entryID = entryID
        self.expectedBytesRead = expectedBytesRead
        self.path = path
        self.format = format
        self.compressed = compressed
        self.fingerprint = fingerprint
        self.bytesRead = bytesRead
        self.aggregate = aggregate
        self.now = now
        self.anchor = anchor
        self.endsMidLine = endsMidLine
        self.head = head
        self.lastKnownFileID = lastKnownFileID
        self.sourceKey = sourceKey
    }
}

/// Another process advanced the same file while this one read it.
public struct StoreConflict: Error, CustomStringConvertible {
    public var path: String
    public var description: String { "\(path): another ingest counted this file at the same time" }
    public init(path: String) {
        self.path = path
    }
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
    /// The host whose traffic this is (the machine that ingested it, or `--host`).
    public var host: String = ""
    public init(route: String, method: String, status: Int, code: String? = nil, flags: UInt8, counts: TrafficCounts, host: String = "") {
        self.route = route
        self.method = method
        self.status = status
        self.code = code
        self.flags = flags
        self.counts = counts
        self.host = host
    }
}

extension TrafficGroup {
    /// The order every store gives groups in: by route, method, status, code (none first),
    /// flags, then host, comparing names by their UTF-8 bytes.
    public static func inNameOrder(_ a: TrafficGroup, _ b: TrafficGroup) -> Bool {
        func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
        if a.route != b.route { return bytes(a.route).lexicographicallyPrecedes(bytes(b.route)) }
        if a.method != b.method { return bytes(a.method).lexicographicallyPrecedes(bytes(b.method)) }
        if a.status != b.status { return a.status < b.status }
        if a.code != b.code {
            guard let x = a.code else { return true }
            guard let y = b.code else { return false }
            return bytes(x).lexicographicallyPrecedes(bytes(y))
        }
        if a.flags != b.flags { return a.flags < b.flags }
        return bytes(a.host).lexicographicallyPrecedes(bytes(b.host))
    }
}

/// Requests in one hour with one status.
public struct HourlyStatusCount: Sendable, Equatable {
    public var hour: Int32
    public var status: Int
    public var requests: Int64
    public init(hour: Int32, status: Int, requests: Int64) {
        self.hour = hour
        self.status = status
        self.requests = requests
    }
}

/// A client's errors over a window.
public struct ClientErrorTotal: Sendable, Equatable {
    public var client: String
    public var errors: Int64
    public var rateLimited: Int64
    public init(client: String, errors: Int64, rateLimited: Int64) {
        self.client = client
        self.errors = errors
        self.rateLimited = rateLimited
    }
}

/// Malformed lines of the files that overlap a window.
public struct MalformedSummary: Sendable, Equatable {
    public struct Sample: Sendable, Equatable {
        public var path: String
        public var line: Int64
        public var reason: MalformedReason
        public var text: String
        public init(path: String, line: Int64, reason: MalformedReason, text: String) {
            self.path = path
            self.line = line
            self.reason = reason
            self.text = text
        }
    }
    public var total: Int64 = 0
    public var byReason: [MalformedReason: Int64] = [:]
    public var samples: [Sample] = []
    public init(total: Int64 = 0, byReason: [MalformedReason: Int64] = [:], samples: [Sample] = []) {
        self.total = total
        self.byReason = byReason
        self.samples = samples
    }
}
