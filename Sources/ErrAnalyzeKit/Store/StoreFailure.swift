/// A store's failure in words every store shares, so that ingest, report, status and prune
/// decide what to do (stop, retry, tell the person) without knowing SQLite result codes or
/// PostgreSQL SQLSTATEs.
public struct StoreFailure: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// The disk, a quota, the file-size limit or the database's own limit.
        case full
        /// Another writer holds the database longer than we wait.
        case busy
        /// The server cannot be reached (refused, no such host, timed out, dropped).
        case unreachable
        /// The server refused the credentials.
        case authentication
        /// The database does not exist (a server's), or has no data yet (a reader's).
        case missing
        /// A database of another program.
        case notAnErranalyzeDatabase
        /// Made by a newer erranalyze.
        case newerSchema
        /// The database is damaged.
        case corrupt
        /// The operating system or the server refuses access.
        case permission
        /// A transaction lost a race (serialization failure, deadlock): run it again.
        case conflict
        case other
    }

    public var kind: Kind
    /// One line: what happened to which database (a password never appears), what to do.
    public var message: String
    /// What a developer needs (the statement, the server's own words): shown only on request.
    public var detail: String?

    public init(_ kind: Kind, _ message: String, detail: String? = nil) {
        self.kind = kind
        self.message = message
        self.detail = detail
    }

    /// Show `detail` after the message (`ERRANALYZE_DEBUG=1`).
    nonisolated(unsafe) public static var showsDetail = false

    public var description: String {
        guard Self.showsDetail, let detail else { return message }
        return message + " [" + detail + "]"
    }
    /// Worth running the same transaction again.
    public var isRetryable: Bool { kind == .conflict }
}
