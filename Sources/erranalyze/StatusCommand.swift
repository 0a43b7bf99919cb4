import ArgumentParser
import ErrAnalyzeKit
import ErrAnalyzeStores
import ErrAnalyzeSQLite
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the ledger of ingested files and what the database holds.",
        discussion: """
        For each file ingested: where reading stopped, its lines, requests and
        malformed lines, the time its requests cover and when it was last read;
        then malformed lines by reason with an example, the hours the aggregates
        cover, and the last prune. Reads only: works while an ingest runs.

        --check also reads every page of the database and compares every index
        with its table (PRAGMA integrity_check), and lists any damage.

        Examples:
          erranalyze status
          erranalyze status --check
          erranalyze status --format json | jq '.files[] | {path, bytes_read}'

        Exit status: 0 ok; 1 the database cannot be read, or --check found damage;
        2 usage error.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var config: ConfigOptions

    @Option(name: .long, help: ArgumentHelp("Output format: text or json (schema erranalyze.status/v1).", valueName: "format"))
    var format: Format = .text

    @Flag(name: .long, help: "Also check the whole database for damage (PRAGMA integrity_check); exit status 1 if damaged.")
    var check = false

    func run() throws {
        // Reads only: a database made by an older erranalyze is refused (its owner's next
        // ingest upgrades it), and nothing is ever created or written.
        let location = try database.location()
        let path = location.description
        let store: any MaintenanceStore
        var problems: [String]?
        do {
            store = try StoreFactory.reader(location)
            if check { problems = try store.integrityProblems(full: true, limit: 100) }
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
        let status: StoreStatus
        do {
            status = try store.status()
        } catch {
            // Damage found by --check is reported below, whole; the first query to meet it
            // would only say "malformed" and send the reader to --check.
            guard let problems, !problems.isEmpty else {
                Terminal.error("\(error)")
                throw ExitCode(1)
            }
            Terminal.output(StatusTextRenderer.integrity(problems))
            Terminal.error("\(path): the database is damaged (\(problems.count) \(problems.count == 1 ? "problem" : "problems") found); "
                + "restore it from a backup, or move it aside and ingest the logs again")
            throw ExitCode(1)
        }
        let now = Int64(Date().timeIntervalSince1970)
        switch format {
        case .text: Terminal.output(StatusTextRenderer(now: now).render(status, integrity: problems))
        case .json: Terminal.output(StatusJSONRenderer(now: now).render(status, integrity: problems))
        }
        if let problems, !problems.isEmpty {
            Terminal.error("\(status.path): the database is damaged (\(problems.count) \(problems.count == 1 ? "problem" : "problems") found); "
                + "restore it from a backup, or move it aside and ingest the logs again")
            throw ExitCode(1)
        }
    }
}
