import ErrAnalyzeKit
/// What a reader (`report`, `status`) accepts: a database that erranalyze made with the
/// schema this build reads. Anything else gets one line saying what it is and what to do,
/// instead of "no such table" from the first query, and is never written to.
enum SchemaCheck {
    static func requireReadable(_ connection: SQLiteConnection) throws {
        let path = connection.path
        let version = try SQLiteMigrations.version(of: connection)
        if version == 0 {
            if let table = try firstTable(connection) {
                throw StoreError(message: "\(path): not an erranalyze database (an SQLite database of another program: it has a table '\(table)')", code: 0)
            }
            throw StoreError(message: "\(path): no data yet: run `erranalyze ingest` first", code: 0)
        }
        if version > SQLiteMigrations.currentVersion {
            throw StoreError(message: "\(path): made by a newer erranalyze (schema \(version), this one knows \(SQLiteMigrations.currentVersion))", code: 0)
        }
        if version < SQLiteMigrations.currentVersion {
            throw StoreError(message: "\(path): made by an older erranalyze (schema \(version)); its owner's next `erranalyze ingest` upgrades it to schema \(SQLiteMigrations.currentVersion)", code: 0)
        }
    }

    /// The name of a table in the database, if it has any.
    static func firstTable(_ connection: SQLiteConnection) throws -> String? {
        try connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table' LIMIT 1").firstRow { $0.string(0) }
    }
}
