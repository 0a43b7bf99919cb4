import CPostgres
import Foundation

/// One connection to a PostgreSQL server through libpq, owned (closed with the object). Not
/// thread-safe: one connection per thread. Every failure is a `PostgresError` whose message
/// names the server with its password masked.
public final class PostgresConnection {
    let handle: OpaquePointer
    /// What the caller gave (for masking).
    public let connectionString: ConnectionString
    /// The server as connected (user, host, port, database libpq resolved from the string,
    /// the environment and service files), password masked: for every message.
    public let server: String

    /// Connects with a `postgresql://` URI or `key=value` conninfo; an empty string leaves
    /// everything to libpq's environment (PGHOST, PGUSER, PGSERVICE…). `connectTimeout`
    /// (seconds) applies unless the string or `$PGCONNECT_TIMEOUT` sets one.
    public init(_ conninfo: String, applicationName: String = "erranalyze", connectTimeout: Int = 10) throws {
        let given = ConnectionString(conninfo) ?? ConnectionString("dbname=" + conninfo)!
        connectionString = given
        var keywords: [String] = []
        var values: [String] = []
        if given.options["connect_timeout"] == nil && ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"] == nil {
            keywords.append("connect_timeout"); values.append(String(connectTimeout))
        }
        // The expanded string overrides what comes before it; the fallback name only applies
        // when the string sets no application_name.
        keywords.append("dbname"); values.append(conninfo)
        keywords.append("fallback_application_name"); values.append(applicationName)
        let connection: OpaquePointer? = Self.withCStrings(keywords) { keywordPointers in
            Self.withCStrings(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw PostgresError(kind: .other, server: given.display, detail: "out of memory")
        }
        server = Self.describe(connection, given: given)
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = given.masking(String(cString: PQerrorMessage(connection)))
            PQfinish(connection)
            throw PostgresError(kind: PostgresError.kind(connectionMessage: message), server: server,
                                detail: PostgresError.oneLine(message))
        }
        handle = connection
        // libpq prints notices ("relation already exists, skipping") to stderr by default;
        // the library never prints.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit { PQfinish(handle) }

    /// The server as libpq resolved it, password masked; what the string says when libpq
    /// could not tell (a string it could not parse).
    private static func describe(_ connection: OpaquePointer, given: ConnectionString) -> String {
        func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
            guard let pointer else { return nil }
            let value = String(cString: pointer)
            return value.isEmpty ? nil : value
        }
        let hasPassword = given.password != nil || text(PQpass(connection)) != nil
        let host = given.options["host"] ?? given.options["hostaddr"] ?? text(PQhost(connection))
        let display = ConnectionString.display(
            user: given.options["user"] ?? text(PQuser(connection)), hasPassword: hasPassword, host: host,
            port: given.options["port"] ?? text(PQport(connection)), database: given.options["dbname"] ?? text(PQdb(connection)))
        return given.masking(display)
    }

    private static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    // MARK: Queries

    /// Runs one or more statements with no parameters (simple query protocol); the result of
    /// the last.
    @discardableResult
    public func execute(_ sql: String) throws -> PostgresResult {
        try check(PQexec(handle, sql), sql: sql)
    }

    /// Runs one statement with parameters `$1, $2, …` (extended protocol; parameters never
    /// need quoting). `binaryResults` asks for every column in binary format.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresValue] = [], binaryResults: Bool = false) throws -> PostgresResult {
        let encoded = EncodedParameters(parameters)
        let result = encoded.withPointers { types, values, lengths, formats in
            PQexecParams(handle, sql, Int32(parameters.count), types, values, lengths, formats, binaryResults ? 1 : 0)
        }
        return try check(result, sql: sql)
    }

    /// A result that reports success, or the failure it reports as a `PostgresError`.
    func check(_ result: OpaquePointer?, sql: String) throws -> PostgresResult {
        guard let result else { throw failure(nil) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN, PGRES_COPY_OUT:
            return PostgresResult(result)
        default:
            let error = failure(result)
            PQclear(result)
            throw error
        }
    }

    /// The failure a result (or, with nil, the connection) reports.
    func failure(_ result: OpaquePointer?) -> PostgresError {
        func field(_ code: UInt8) -> String? {
            guard let result, let value = PQresultErrorField(result, Int32(code)) else { return nil }
            return String(cString: value)
        }
        if let state = field(UInt8(ascii: "C")) {
            let message = field(UInt8(ascii: "M")) ?? ""
            return PostgresError(kind: PostgresError.kind(sqlState: state), server: server,
                                 detail: connectionString.masking(PostgresError.oneLine(message)), sqlState: state)
        }
        // No SQLSTATE: the connection is gone (server stopped, network cut) or libpq failed.
        let message = connectionString.masking(String(cString: PQerrorMessage(handle)))
        let kind: PostgresError.Kind = PQstatus(handle) == CONNECTION_BAD ? .unreachable : .other
        return PostgresError(kind: kind, server: server, detail: PostgresError.oneLine(message))
    }

    /// Connects again with the same settings (after the server restarted or the connection
    /// dropped): a new session, so temporary tables and session settings are gone.
    public func reconnect() throws {
        PQreset(handle)
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = connectionString.masking(String(cString: PQerrorMessage(handle)))
            throw PostgresError(kind: PostgresError.kind(connectionMessage: message), server: server,
                                detail: PostgresError.oneLine(message))
        }
    }

    // MARK: State

    /// Whether the connection is still up (false after the server went away).
    public var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Inside a transaction block (BEGIN without COMMIT yet).
    public var inTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// The server's version, e.g. 150018.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// Transactions run again after a serialization failure or deadlock (for tests and status).
    public internal(set) var retriedTransactions = 0

    /// The server process serving this connection (for `pg_terminate_backend` in tests).
    public var backendPID: Int32 { PQbackendPID(handle) }
}
