import ErrAnalyzeKit
import ErrAnalyzePostgres
import ErrAnalyzeSQLite

/// Where `--db` points: an SQLite file on this machine, or a PostgreSQL database (a
/// `postgresql://` or `postgres://` URI, or a libpq `key=value` string) that a fleet shares.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(ConnectionString)

    public init(_ argument: String) {
        if ConnectionString.isPostgres(argument), let server = ConnectionString(argument) {
            self = .postgres(server)
        } else {
            self = .sqlite(path: argument)
        }
    }

    /// As shown to people: a path escaped, a server with its password as `****`.
    public var description: String {
        switch self {
        case .sqlite(let path): return FileNameEscaping.escaped(path)
        case .postgres(let server): return server.display
        }
    }

    public var isServer: Bool {
        if case .postgres = self { return true }
        return false
    }
}

/// The one place that picks a store for `--db`; the commands and the contract tests open
/// stores only through it.
public enum StoreFactory {
    /// A store to write into (ingest, prune) as `host` (nil: this machine's name). An SQLite
    /// writer passes the `WriterLock` it holds on the file; a PostgreSQL one needs none:
    /// commits of one host are serialised by the server (its host row's lock), and other
    /// hosts commit side by side.
    public static func writer(_ location: StoreLocation, host: String?, holding lock: WriterLock? = nil) throws
        -> any IngestStore & ReportStore & MaintenanceStore {
        switch location {
        case .sqlite(let path): return try SQLiteStore(path: path, holding: lock, host: host)
        case .postgres(let server): return try PostgresStore(server, host: host, mode: .write)
        }
    }

    /// A store to read (report, status): it never writes, and refuses a missing, empty,
    /// foreign, older or newer database with one line.
    public static func reader(_ location: StoreLocation) throws -> any ReportStore & MaintenanceStore {
        switch location {
        case .sqlite(let path): return try SQLiteStore(path: path, readOnly: true)
        case .postgres(let server): return try PostgresStore(server, host: nil, mode: .read)
        }
    }
}
