import ArgumentParser
import ErrAnalyzeKit
import ErrAnalyzePostgres
import ErrAnalyzeSQLite
import Foundation

@main
struct ErrAnalyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erranalyze",
        abstract: "Analyse API error traffic in access and JSON logs.",
        discussion: """
        Ingest logs (plain, gzip, zstd or xz, any size) into additive aggregates, in SQLite on one machine or in one PostgreSQL database for a fleet (--db postgresql://…), then report error rates, retriable vs fatal errors, top codes, routes, hosts and catalogue drift.

        Examples:
          erranalyze ingest /var/log/nginx/access.log*
          erranalyze report --since 24h
          erranalyze report --day yesterday --format json
          erranalyze catalogue show RATE_LIMITED
          erranalyze status
          erranalyze prune --older-than 90d

        Exit status: 0 ok; 1 some input failed (the rest was still ingested); 2 usage error; 3 a --fail-if threshold was crossed; 75 another ingest holds the database (--no-wait).
        """,
        version: "erranalyze \(Release.version) (database schema \(SQLiteMigrations.schemaVersion); PostgreSQL schema \(PostgresMigrations.currentVersion))",
        subcommands: [IngestCommand.self, TopCommand.self, ReportCommand.self, CatalogueCommand.self, StatusCommand.self, PruneCommand.self, CopyCommand.self, ConfigCommand.self]
    )

    /// ArgumentParser's own usage-error status is 64 (EX_USAGE); erranalyze's contract is 2.
    static func main() {
        // ERRANALYZE_DEBUG=1: database errors also show the SQL statement that failed.
        StoreError.showsStatements = ProcessInfo.processInfo.environment["ERRANALYZE_DEBUG"] == "1"
        StoreFailure.showsDetail = StoreError.showsStatements
        do {
            var command = try parseAsRoot(rawArguments())
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                Terminal.standardError(fullMessage(for: error) + "\n")
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    /// The arguments as the kernel passed them, each carried losslessly in a String
    /// (`ArgumentBytes`): `CommandLine.arguments` would turn a file name that is not UTF-8
    /// into U+FFFD, and that file could then never be opened.
    static func rawArguments() -> [String] {
        (1..<Int(CommandLine.argc)).compactMap { index in
            CommandLine.unsafeArgv[index].map { ArgumentBytes.string(from: UnsafeBufferPointer(start: $0, count: strlen($0)).map { UInt8(bitPattern: $0) }) }
        }
    }
}
