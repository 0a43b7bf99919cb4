import CSQLite
import ErrAnalyzeKit

extension StoreError {
    /// The same failure in the words every store shares (`StoreFailure`), for the stages
    /// that must not know SQLite's result codes.
    public var failure: StoreFailure {
        let kind: StoreFailure.Kind
        if isFull { kind = .full }
        else if isBusy { kind = .busy }
        else if isCorrupt { kind = .corrupt }
        else if isNotADatabase { kind = .notAnErranalyzeDatabase }
        else if [SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN, SQLITE_AUTH].contains(code) { kind = .permission }
        else { kind = .other }
        let sql = statement.map { "SQL: " + $0.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ") }
        return StoreFailure(kind, description(showingStatement: false), detail: sql)
    }

    /// Runs `body`, turning an SQLite failure into a `StoreFailure` (at the seam: what the
    /// ingest engine and the reports call).
    static func neutral<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error.failure
        }
    }
}
