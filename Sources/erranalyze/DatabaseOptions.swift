import ArgumentParser
import ErrAnalyzeKit
import Foundation

/// `--db PATH`, shared by every command.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The database file.",
        discussion: "Default: $ERRANALYZE_DB, else $XDG_DATA_HOME/erranalyze/erranalyze.sqlite (~/.local/share/…).",
        valueName: "path"))
    var db: String?

    var path: String {
        db ?? SQLiteStore.defaultPath(environment: ProcessInfo.processInfo.environment)
    }
}
