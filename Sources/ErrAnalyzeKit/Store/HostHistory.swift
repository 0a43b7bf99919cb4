/// One host's history as a store holds it — ledger and aggregates — in a form no store owns:
/// every row names its route, method, code and client rather than carrying an id, since ids
/// differ from store to store. `erranalyze copy` reads it from an SQLite database
/// (`HostHistorySource`) and writes it into a PostgreSQL fleet database, a day at a time, so
/// that memory stays bounded however long the history is.
public enum HostHistory {
    /// A host as the store records it.
    public struct Host: Sendable, Equatable {
        public var name: String
        /// Seconds since the epoch of the host's first use, when known.
        public var firstSeen: Int64?
        /// Seconds since the epoch of its last commit, when known.
        public var lastCommit: Int64?

        public init(name: String, firstSeen: Int64?, lastCommit: Int64?) {
            self.name = name
            self.firstSeen = firstSeen
            self.lastCommit = lastCommit
        }
    }

    /// One ledger entry with its malformed-line counts and samples: everything the next
    /// ingest needs to recognise the file (fingerprint, anchor, read position) and everything a
    /// report or `status` reads from it.
    public struct File: Sendable, Equatable {
        public struct Sample: Sendable, Equatable {
            public var line: Int64
            public var reason: Int64
            public var text: String

            public init(line: Int64, reason: Int64, text: String) {
                self.line = line
                self.reason = reason
                self.text = text
            }
        }

        /// The entry as ingest sees it (its `id` is the source store's, meaningless elsewhere).
        public var entry: LedgerEntry
        /// How the file is compressed, as the ledger stores it (`Compression.ledgerCode`).
        public var compressionCode: Int64
        /// Malformed lines by reason (`MalformedReason.rawValue`).
        public var malformed: [(reason: Int64, count: Int64)]
        public var samples: [Sample]

        public init(entry: LedgerEntry, compressionCode: Int64, malformed: [(reason: Int64, count: Int64)], samples: [Sample]) {
            self.entry = entry
            self.compressionCode = compressionCode
            self.malformed = malformed
            self.samples = samples
        }

        public static func == (a: File, b: File) -> Bool {
            a.entry == b.entry && a.compressionCode == b.compressionCode && a.samples == b.samples
                && a.malformed.map(\.reason) == b.malformed.map(\.reason) && a.malformed.map(\.count) == b.malformed.map(\.count)
        }
    }

    /// A row of `traffic` (period: an hour) or `traffic_daily` (period: a day).
    public struct TrafficRow: Sendable, Equatable {
        public var period: Int64
        public var route: String
        public var method: String
        public var status: Int64
        /// nil: no code was logged.
        public var code: String?
        public var flags: Int64
        public var counts: TrafficCounts

        public init(period: Int64, route: String, method: String, status: Int64, code: String?, flags: Int64, counts: TrafficCounts) {
            self.period = period
            self.route = route
            self.method = method
            self.status = status
            self.code = code
            self.flags = flags
            self.counts = counts
        }
    }

    /// A row of `status_hourly`.
    public struct StatusRow: Sendable, Equatable {
        public var hour: Int64
        public var status: Int64
        public var requests: Int64

        public init(hour: Int64, status: Int64, requests: Int64) {
            self.hour = hour
            self.status = status
            self.requests = requests
        }
    }

    /// A row of `client_errors` (the source's per-hour cap already applied; `(other)` is a
    /// client like any other here).
    public struct ClientRow: Sendable, Equatable {
        public var hour: Int64
        public var client: String
        public var errors: Int64
        public var rateLimited: Int64

        public init(hour: Int64, client: String, errors: Int64, rateLimited: Int64) {
            self.hour = hour
            self.client = client
            self.errors = errors
            self.rateLimited = rateLimited
        }
    }

    /// Everything one UTC day holds for one host: its hours' rows and its daily rows.
    public struct Day: Sendable, Equatable {
        public var day: Int64
        public var hourly: [TrafficRow] = []
        public var daily: [TrafficRow] = []
        public var statuses: [StatusRow] = []
        public var clients: [ClientRow] = []
        /// The day's hourly latency rows; the target sums its daily and per-status rows from them
        /// (in both stores they are exactly those sums).
        public var latency: [LatencyRow] = []

        public init(day: Int64) { self.day = day }

        public var isEmpty: Bool { hourly.isEmpty && daily.isEmpty && statuses.isEmpty && clients.isEmpty && latency.isEmpty }
    }

    /// Requests in one duration bucket in one hour for one route × method × status.
    public struct LatencyRow: Sendable, Equatable {
        public var hour: Int64
        public var route: String
        public var method: String
        public var status: Int64
        public var bucket: Int64
        public var requests: Int64

        public init(hour: Int64, route: String, method: String, status: Int64, bucket: Int64, requests: Int64) {
            self.hour = hour
            self.route = route
            self.method = method
            self.status = status
            self.bucket = bucket
            self.requests = requests
        }
    }

    /// What copying one host did.
    public enum Outcome: Sendable, Equatable {
        /// Copied: its ledger entries, the requests of its hourly rows, and those rows.
        case copied(files: Int, requests: Int64, hourlyRows: Int64)
        /// The target's ledger of this host already holds every one of these files (same
        /// fingerprints and read positions): an earlier copy; nothing was written.
        case alreadyCopied(files: Int)
    }

    /// Whether a host's history may go into a target that already knows the host (see
    /// `docs/fleet.md`, "Moving a machine's history into the fleet"): a history is copied
    /// only into a host that has nothing yet, since adding it to a host that has ingested on
    /// its own could count the same file twice; a target whose ledger of the host holds every
    /// source file at the same position is an earlier copy.
    public enum Decision: Sendable, Equatable {
        case copy
        case alreadyCopied
        /// The host has other history in the target: refused, with the reason.
        case refuse(String)
    }

    /// The rule, from the source's ledger and the target's ledger of the same host (and
    /// whether the target holds aggregates for it).
    public static func decide(source: [LedgerEntry], target: [LedgerEntry], targetHasTraffic: Bool) -> Decision {
        if target.isEmpty && !targetHasTraffic { return .copy }
        let have = Set(target.map(LedgerIdentity.init))
        let wanted = Set(source.map(LedgerIdentity.init))
        if !source.isEmpty || !target.isEmpty, wanted == have { return .alreadyCopied }
        let shared = wanted.intersection(have).count
        if shared > 0 {
            return .refuse("its ledger there holds \(shared) of these \(wanted.count) files and \(have.count - shared) others: it has ingested into the target since (or was copied from another database); copying would count files twice")
        }
        return .refuse("it already has \(have.count) files of its own there; a history is copied only into a host that has nothing yet (use another host name, or copy before the first ingest into the fleet)")
    }

    /// A host the target refused (`Decision.refuse`): nothing of it was written; the other
    /// hosts of the same copy are not affected.
    public struct Refused: Error, CustomStringConvertible, Sendable {
        public var host: String
        /// One line naming the target (password masked), the host and why.
        public var description: String

        public init(host: String, description: String) {
            self.host = host
            self.description = description
        }
    }

    /// What makes two ledger entries the same file at the same position.
    struct LedgerIdentity: Hashable {
        var fingerprintLength: Int
        var fingerprint: [UInt8]
        var bytesRead: Int64
        var anchor: [UInt8]?

        init(_ entry: LedgerEntry) {
            fingerprintLength = entry.fingerprint.length
            fingerprint = entry.fingerprint.hash
            bytesRead = entry.bytesRead
            anchor = entry.anchor.map { $0.hash + [UInt8(truncatingIfNeeded: $0.length)] }
        }
    }
}
