/// A PostgreSQL failure in neutral terms: what the user can do about it, not libpq's codes.
/// `description` is one line that names the server with its password masked.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// Connection refused, no such host, timeout, connection lost, server shutting down.
        case unreachable = "server unreachable"
        case authenticationFailed = "authentication failed"
        case noSuchDatabase = "no such database"
        case permissionDenied = "permission denied"
        /// The TLS handshake failed (the certificate does not verify, the server offers no TLS).
        case tls = "TLS failed"
        /// The server's disk is full (SQLSTATE 53100).
        case full = "server disk full"
        /// Too many connections, a lock or statement timeout, a server starting up.
        case busy = "server busy"
        /// A serialization failure or deadlock (40001, 40P01): the transaction may be retried.
        case serialization = "serialization failure"
        /// The database belongs to another program (tables but no erranalyze marker).
        case notErrAnalyzeDatabase = "not an erranalyze database"
        /// Made by a newer erranalyze.
        case newerSchema = "made by a newer erranalyze"
        case other = "error"
    }

    public var kind: Kind
    /// The server, password masked (`ConnectionString.display`).
    public var server: String
    /// What the server or libpq said, on one line, password masked.
    public var detail: String
    /// The five-character SQLSTATE when the server sent one.
    public var sqlState: String?

    public init(kind: Kind, server: String, detail: String, sqlState: String? = nil) {
        self.kind = kind
        self.server = server
        self.detail = detail
        self.sqlState = sqlState
    }

    public var description: String {
        detail.isEmpty ? "\(server): \(kind.rawValue)" : "\(server): \(kind.rawValue) (\(detail))"
    }

    /// Whether running the same transaction again may succeed.
    public var isRetryable: Bool { kind == .serialization }

    /// The kind of failure an SQLSTATE stands for.
    public static func kind(sqlState: String) -> Kind {
        switch sqlState {
        case "40001", "40P01": return .serialization
        case "53100": return .full
        case "53300", "55P03", "57014", "57P03": return .busy
        case "3D000": return .noSuchDatabase
        case "42501": return .permissionDenied
        case "57P01", "57P02": return .unreachable
        default:
            if sqlState.hasPrefix("08") { return .unreachable }
            if sqlState.hasPrefix("28") { return .authenticationFailed }
            return .other
        }
    }

    /// The kind of a failure to connect, from libpq's message (no SQLSTATE reaches the client
    /// for these in libpq 15). Matches the English texts of libpq and the server.
    public static func kind(connectionMessage message: String) -> Kind {
        let text = message.lowercased()
        let rules: [(Kind, [String])] = [
            (.authenticationFailed, ["password authentication failed", "no password supplied", "authentication failed",
                                     "role \"", "no pg_hba.conf entry", "peer authentication", "ident authentication"]),
            (.noSuchDatabase, ["database \"", "does not exist"]),
            (.permissionDenied, ["permission denied", "must have connect privilege", "pg_hba.conf rejects connection"]),
            (.busy, ["too many clients", "too many connections", "remaining connection slots",
                     "the database system is starting up", "in recovery mode"]),
            (.tls, ["ssl error", "certificate verify failed", "server does not support ssl", "ssl connection"]),
            (.unreachable, ["connection refused", "could not translate host name", "no such file or directory",
                            "timeout expired", "network is unreachable", "no route to host", "could not connect",
                            "server closed the connection", "the database system is shutting down",
                            "name or service not known", "temporary failure in name resolution", "connection reset"]),
        ]
        // "database "x" does not exist" must not be read as a missing role or socket.
        if text.contains("database \"") && text.contains("does not exist") { return .noSuchDatabase }
        for (kind, needles) in rules where kind != .noSuchDatabase {
            if needles.contains(where: text.contains) { return kind }
        }
        return .unreachable
    }

    /// libpq's multi-line message as one line: the server's words, without the
    /// "connection to server … failed:" preamble, severity prefixes and hints.
    static func oneLine(_ message: String) -> String {
        var text = message.split(whereSeparator: { $0 == "\n" }).first.map(String.init) ?? ""
        if text.hasPrefix("connection to server"), let failed = text.range(of: " failed: ") {
            text = String(text[failed.upperBound...])
        }
        for prefix in ["FATAL:", "ERROR:"] where text.hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
        }
        return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }
}
