import ErrAnalyzeKit
import Glibc

/// The PostgreSQL store of a fleet: one database that many hosts ingest into and that reports
/// read over all of them (docs/fleet.md). It gives what `SQLiteStore` gives for the same input,
/// every row attributed to a host:
///
/// - a writer is opened *as one host*: its ledger lookups and commits see only that host's
///   files, and every aggregate row it adds carries the host's id;
/// - a commit (ledger move and aggregates) is one transaction, serialised with the other
///   commits of the same host by the host's row lock; different hosts commit side by side;
/// - a reader sees all hosts, one snapshot per report (`snapshot`).
///
/// Not thread-safe: one store (one connection) per thread. Failures are `StoreFailure`s whose
/// message names the server with its password masked; `StoreConflict` passes unchanged.
public final class PostgresStore {
    public enum Mode: Sendable {
        /// Migrates (creating the schema on first use) and registers the host.
        case write
        /// Never writes: refuses an empty database, another program's, or another schema.
        case read
        /// Migrates (creating the schema on first use) and registers no host: `erranalyze
        /// copy` names the hosts it writes (`importHistory`).
        case copy
    }

    public let connection: PostgresConnection
    public let mode: Mode
    /// The host this store writes as (a reader's is the one given, or empty).
    public let host: String
    /// The host's id in `hosts` (0 for a reader).
    let hostID: Int64

    /// Distinct routes kept per hour and host; see `PerHourCap.keptRoutes`.
    public var maxRoutesPerHour = 2000
    /// Client rows kept per hour and host, `(other)` included; see `PerHourCap.clientRows`.
    public var maxClientsPerHour = 1000

    /// Called inside each commit's transaction, after its writes and before COMMIT: lets a
    /// test stop the process at the worst moment.
    public var beforeCommit: (() -> Void)?

    public init(_ connectionString: ConnectionString, host: String?, mode: Mode) throws {
        self.mode = mode
        do {
            connection = try PostgresConnection(connectionString.raw)
        } catch {
            throw Self.neutral(error)
        }
        do {
            switch mode {
            case .write:
                let name = host ?? Self.machineName()
                guard !name.isEmpty else { throw StoreFailure(.other, "\(connection.server): the host name is empty (pass --host NAME)") }
                try PostgresMigrations.migrate(connection)
                self.host = name
                guard let id = try connection.internedIDs(table: "hosts", column: "name", values: [name])[name] else {
                    throw PostgresError(kind: .other, server: connection.server, detail: "could not register host \(name)")
                }
                hostID = id
            case .copy:
                try PostgresMigrations.migrate(connection)
                self.host = host ?? ""
                hostID = 0
            case .read:
                self.host = host ?? ""
                hostID = 0
                try Self.requireReadable(connection)
            }
        } catch {
            throw Self.neutral(error)
        }
    }

    /// What the server is called in messages (password masked).
    public var location: String { connection.server }

    /// A reader accepts only a database erranalyze made with the schema this build reads.
    private static func requireReadable(_ connection: PostgresConnection) throws {
        let server = connection.server
        switch try PostgresMigrations.check(connection) {
        case .empty:
            throw StoreFailure(.missing, "\(server): no data yet: run `erranalyze ingest` first")
        case .erranalyze(let version) where version < PostgresMigrations.currentVersion:
            throw StoreFailure(.other, "\(server): made by an older erranalyze (schema \(version)); the next `erranalyze ingest` upgrades it to schema \(PostgresMigrations.currentVersion)")
        default:
            return
        }
    }

    /// The machine's host name, the default `--host`.
    public static func machineName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(cString: buffer)
        return name.isEmpty ? "localhost" : name
    }

    /// Runs `body`, turning a PostgreSQL failure into the neutral `StoreFailure`.
    func neutral<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw Self.neutral(error)
        }
    }

    /// A `PostgresError` in the words every store shares; other errors (StoreConflict,
    /// StoreFailure) unchanged.
    static func neutral(_ error: Error) -> Error {
        guard let error = error as? PostgresError else { return error }
        let kind: StoreFailure.Kind
        switch error.kind {
        case .unreachable: kind = .unreachable
        case .authenticationFailed: kind = .authentication
        case .noSuchDatabase: kind = .missing
        case .permissionDenied, .tls: kind = .permission
        case .full: kind = .full
        case .busy: kind = .busy
        case .serialization: kind = .conflict
        case .notErrAnalyzeDatabase: kind = .notAnErranalyzeDatabase
        case .newerSchema: kind = .newerSchema
        case .other: kind = .other
        }
        return StoreFailure(kind, error.description, detail: error.sqlState.map { "SQLSTATE \($0): \(error.detail)" } ?? error.detail)
    }

    /// The ids of the hosts `filter` selects (nil: all hosts, no restriction).
    func hostIDs(matching filter: TrafficFilter) throws -> [Int64]? {
        guard !filter.hosts.isEmpty else { return nil }
        return try connection.query("SELECT id, name FROM hosts ORDER BY id").rows
            .filter { filter.matches(host: $0.string(1)) }.map { $0.int64(0) }
    }

    /// `host_id = ANY(…)` for a host id list (integers, safe to inline), or nothing.
    static func hostClause(_ ids: [Int64]?, column: String = "host_id") -> String? {
        guard let ids else { return nil }
        return "\(column) = ANY('{\(ids.map(String.init).joined(separator: ","))}'::integer[])"
    }
}
