import ArgumentParser
import ErrAnalyzeKit
import ErrAnalyzeSQLite
import ErrAnalyzeStores
import ErrAnalyzeSQLite
import Foundation

/// `--db PATH`, shared by every command.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The database: an SQLite file, or a PostgreSQL URI (postgresql://…) that a fleet shares.",
        discussion: "Default: $ERRANALYZE_DB, else $XDG_DATA_HOME/erranalyze/erranalyze.sqlite (~/.local/share/…); with HOME unset, none.",
        valueName: "path"))
    var db: String?

    /// The database to use; with no --db and no usable default (HOME unset), one line and
    /// exit status 2.
    /// Where `path()` points: an SQLite file or a PostgreSQL server.
    func location() throws -> StoreLocation {
        StoreLocation(try path())
    }

    func path() throws -> String {
        if let db { return db }
        do {
            let environment = ProcessInfo.processInfo.environment
            if let configured = ActiveConfiguration.database(environment: environment) { return configured }
            return try SQLiteStore.defaultPath(environment: environment)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
    }
}
