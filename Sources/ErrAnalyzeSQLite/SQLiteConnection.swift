import ErrAnalyzeKit
import CSQLite
import Glibc

/// A failure reported by SQLite, with the file it concerns: one line saying what happened and,
/// for the failures a person can act on, what to do.
public struct StoreError: Error, CustomStringConvertible {
    /// One line: the database and what happened.
    public var message: String
    public var code: Int32
    /// The operating system's error behind an I/O failure (ENOSPC, EFBIG…), or 0.
    public var systemErrno: Int32 = 0
    /// Why a failed write means "full": no space left, or the file-size limit reached.
    public var fullReason: String? = nil
    /// The statement that failed: shown only when `showsStatements` is set (ERRANALYZE_DEBUG=1),
    /// since SQL in an error message helps a developer, not the person running a cron job.
    public var statement: String? = nil

    /// Set once at start-up, before any thread runs, by the command line.
    nonisolated(unsafe) public static var showsStatements = false

    public var description: String { description(showingStatement: Self.showsStatements) }

    /// One line: the message, the advice, and the failed statement when asked for.
    public func description(showingStatement: Bool) -> String {
        var text = message
        if let advice { text += ": " + advice }
        if showingStatement, let statement {
            text += " [SQL: " + statement.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ") + "]"
        }
        return text
    }

    /// What to do about the failures a person can act on.
    public var advice: String? {
        if isCorrupt {
            return "`erranalyze status --check` lists the damage; restore the database from a backup, "
                + "or move it aside and ingest the logs again"
        }
        if code == SQLITE_READONLY {
            return "run as its owner, or check the permissions of the database, its -wal and -shm files and its folder"
        }
        if code == SQLITE_CANTOPEN || code == SQLITE_PERM || code == SQLITE_AUTH {
            return "check the permissions of the database, its -wal and -shm files and its folder"
        }
        return nil
    }

    /// The database file is damaged (SQLITE_NOTADB, a file that is no database at all, is
    /// `isNotADatabase`).
    public var isCorrupt: Bool { code == SQLITE_CORRUPT }

    /// The database is locked by another process for longer than the busy timeout.
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }
    /// The disk, the file-size limit or the database's page limit is reached: SQLite says
    /// SQLITE_FULL for ENOSPC, and a write error for EFBIG (ulimit -f) and EDQUOT (quota).
    public var isFull: Bool {
        code == SQLITE_FULL || fullReason != nil || (code == SQLITE_IOERR && [ENOSPC, EFBIG, EDQUOT].contains(systemErrno))
    }

    /// SQLite says only "disk I/O error" when a write fails with EFBIG (`ulimit -f`) or
    /// EDQUOT, and the errno is often gone by then: after a failed write, look at the disk's
    /// free space and the file-size limit to say whether it was a full disk.
    func diagnosed(at path: String, extendedCode: Int32) -> StoreError {
        guard code == SQLITE_IOERR else { return self }
        // SQLITE_IOERR_WRITE, _FSYNC and _TRUNCATE (extended codes are macros Swift cannot import).
        let writeErrors: Set<Int32> = [SQLITE_IOERR | (3 << 8), SQLITE_IOERR | (4 << 8), SQLITE_IOERR | (6 << 8)]
        guard writeErrors.contains(extendedCode) || systemErrno != 0 else { return self }
        var copy = self
        if [ENOSPC, EDQUOT].contains(systemErrno) || Self.freeBytes(near: path).map({ $0 < 4 << 20 }) == true {
            copy.fullReason = "no space left on the disk"
        } else if systemErrno == EFBIG || Self.atFileSizeLimit(path) {
            copy.fullReason = "the file-size limit (ulimit -f) is reached"
        }
        if let reason = copy.fullReason { copy.message += " (\(reason))" }
        return copy
    }

    static func freeBytes(near path: String) -> Int64? {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var info = statvfs()
        guard statvfs(directory.isEmpty ? "/" : directory, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    static func atFileSizeLimit(_ path: String) -> Bool {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return false }
        for suffix in ["", "-wal", "-journal"] {
            var info = stat()
            if stat(path + suffix, &info) == 0 && UInt64(info.st_size) + (64 << 10) >= UInt64(limit.rlim_cur) { return true }
        }
        return false
    }
    /// The file is not an SQLite database.
    public var isNotADatabase: Bool { code == SQLITE_NOTADB }
}

/// A thin, owned wrapper around one `sqlite3*` connection: just what the store needs
/// (prepared statements, transactions, errors with messages), nothing clever.
public final class SQLiteConnection {
    let handle: OpaquePointer
    public let path: String
    /// The writer lock, a descriptor of the database file: released only after the connection
    /// is closed, since closing it would drop the connection's POSIX locks (see `WriterLock`).
    private let writerLock: WriterLock?

    /// Opens (creating if needed) the database at `path`.
    public init(path: String, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 60_000, holding writerLock: WriterLock? = nil) throws {
        self.path = path
        self.writerLock = writerLock
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close(db) }
            throw StoreError(message: "\(path): \(message)", code: rc)
        }
        handle = db
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(db, 0)
        registerLatencyFunctions()
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw StoreError(message: "\(path): \(message)", code: rc, systemErrno: sqlite3_system_errno(handle), statement: sql)
                .diagnosed(at: path, extendedCode: sqlite3_extended_errcode(handle))
        }
    }

    public func prepare(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(connection: self, sql: sql)
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT` (taking the write lock up front, so
    /// that two writers queue rather than deadlock), rolling back if it throws.
    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            // A failed COMMIT (disk full) may already have rolled back; ROLLBACK then fails
            // harmlessly.
            if sqlite3_get_autocommit(handle) == 0 { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Runs `body` in a read transaction, so that every query sees one snapshot. Inside a
    /// transaction already (a report's snapshot, a commit), `body` simply joins it.
    public func readTransaction<T>(_ body: () throws -> T) throws -> T {
        guard isAutocommit else { return try body() }
        try execute("BEGIN")
        defer { try? execute("COMMIT") }
        return try body()
    }

    /// No transaction is open.
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int32 { sqlite3_changes(handle) }

    func error(_ rc: Int32, _ statement: String) -> StoreError {
        StoreError(message: "\(path): \(String(cString: sqlite3_errmsg(handle)))", code: rc,
                   systemErrno: sqlite3_system_errno(handle), statement: statement)
            .diagnosed(at: path, extendedCode: sqlite3_extended_errcode(handle))
    }

    /// Keeps the `-wal` and `-shm` files when the last connection closes (SQLite deletes them
    /// otherwise), so that a reader of another user never has to create them: files it created
    /// would belong to it, and the owner's next ingest could not write them.
    public func keepWriteAheadLogFiles() {
        var on: Int32 = 1
        sqlite3_file_control(handle, "main", SQLITE_FCNTL_PERSIST_WAL, &on)
    }

    /// Pages the database may grow to (`PRAGMA max_page_count`): a database that reaches it
    /// fails with SQLITE_FULL exactly as on a full disk. Used to test that path.
    public func limitPages(_ pages: Int) throws {
        try execute("PRAGMA max_page_count = \(pages)")
    }
}

/// A prepared statement, reset and re-bound for each use.
public final class SQLiteStatement {
    private let connection: SQLiteConnection
    private let statement: OpaquePointer
    private let sql: String

    init(connection: SQLiteConnection, sql: String) throws {
        self.connection = connection
        self.sql = sql
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw connection.error(rc, sql) }
        statement = stmt
    }

    deinit { sqlite3_finalize(statement) }

    /// Binds `values` to the parameters in order (Int64, Int, String, [UInt8], Double or nil).
    @discardableResult
    public func bind(_ values: [Any?]) throws -> SQLiteStatement {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case nil: rc = sqlite3_bind_null(statement, index)
            case let v as Int64: rc = sqlite3_bind_int64(statement, index, v)
            case let v as Int: rc = sqlite3_bind_int64(statement, index, Int64(v))
            case let v as Int32: rc = sqlite3_bind_int64(statement, index, Int64(v))
            case let v as Bool: rc = sqlite3_bind_int64(statement, index, v ? 1 : 0)
            case let v as Double: rc = sqlite3_bind_double(statement, index, v)
            case let v as String: rc = sqlite3_bind_text(statement, index, v, -1, SQLITE_TRANSIENT)
            case let v as [UInt8]:
                rc = v.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
            default: preconditionFailure("unsupported SQLite binding \(type(of: value))")
            }
            guard rc == SQLITE_OK else { throw connection.error(rc, sql) }
        }
        return self
    }

    /// Binds one text parameter without boxing (a name looked up or inserted per row).
    @discardableResult
    public func bindText(_ value: String) -> SQLiteStatement {
        sqlite3_reset(statement)
        sqlite3_bind_text(statement, 1, value, -1, SQLITE_TRANSIENT)
        return self
    }

    /// Binds integers without boxing: the path taken for every aggregate row.
    @inline(__always)
    public func bindIntegers(_ values: Int64...) {
        sqlite3_reset(statement)
        for (offset, value) in values.enumerated() { sqlite3_bind_int64(statement, Int32(offset + 1), value) }
    }

    /// Binds a blob at `index` (1-based), or NULL when `bytes` is empty, without boxing;
    /// SQLite copies it.
    @inline(__always)
    public func bindBlobOrNull(_ index: Int32, _ bytes: [UInt8]) {
        if bytes.isEmpty {
            sqlite3_bind_null(statement, index)
        } else {
            bytes.withUnsafeBytes { _ = sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
        }
    }

    /// Binds `bytes` as a blob, or NULL when empty. SQLite copies them unless `static`: then
    /// they must stay as they are until the statement has run (`run()` resets it at once).
    public func bindBlobOrNull(_ index: Int32, _ bytes: UnsafeRawBufferPointer, static: Bool = false) {
        if bytes.isEmpty {
            sqlite3_bind_null(statement, index)
        } else {
            // SQLITE_STATIC is a null destructor: SQLite reads the bytes in place.
            sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), `static` ? nil : SQLITE_TRANSIENT)
        }
    }

    /// Runs a statement that returns no rows.
    public func run() throws {
        let rc = sqlite3_step(statement)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw connection.error(rc, sql) }
        sqlite3_reset(statement)
    }

    /// Steps through the result rows.
    public func forEachRow(_ body: (SQLiteRow) throws -> Void) throws {
        defer { sqlite3_reset(statement) }
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw connection.error(rc, sql) }
            try body(SQLiteRow(statement: statement))
        }
    }

    /// The first row, mapped, or nil.
    public func firstRow<T>(_ body: (SQLiteRow) throws -> T) throws -> T? {
        var result: T?
        defer { sqlite3_reset(statement) }
        let rc = sqlite3_step(statement)
        if rc == SQLITE_ROW { result = try body(SQLiteRow(statement: statement)) } else if rc != SQLITE_DONE {
            throw connection.error(rc, sql)
        }
        return result
    }
}

/// Column access on the current row of a statement.
public struct SQLiteRow {
    let statement: OpaquePointer

    public func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    public func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
    public func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(statement, column) else { return "" }
        return String(cString: text)
    }
    public func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }
    public func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let base = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }
}

/// SQLite's "copy this value now" destructor, which Swift cannot import as a macro.
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
