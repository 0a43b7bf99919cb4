import ArgumentParser
import ErrAnalyzeKit
import ErrAnalyzeSQLite
import ErrAnalyzeStores
import Foundation

/// `erranalyze copy`: moves a machine's SQLite history into a PostgreSQL fleet database.
struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy the history of an SQLite database into a PostgreSQL fleet database.",
        discussion: """
        Copies every host of the SQLite database (usually one, the machine's) with its
        ledger of files, so that the next `erranalyze ingest --db URI` of that host
        continues where SQLite stopped: files already counted stay counted, a grown
        file resumes where it was left. Each host is copied in one transaction: a
        failure leaves nothing of it in the target. The SQLite database is only read.

        A host is copied only into a fleet database where it has nothing yet. Run
        again, copy finds the host's ledger already there with the same files, says
        "already copied" and changes nothing; a host that has ingested into the
        fleet on its own is refused (its files could be counted twice).

        Examples:
          erranalyze copy --from ~/.local/share/erranalyze/erranalyze.sqlite \\
                          --to postgresql://ingest@db.example/erranalyze
          erranalyze copy --from web-1.sqlite --to "$FLEET_DB" --host web-1

        Exit status: 0 every host copied or already copied; 1 the source or target
        failed, or a host was refused; 2 usage error (--from must be an SQLite file,
        --to a PostgreSQL URI).
        """
    )

    @Option(name: .long, help: ArgumentHelp("The SQLite database to copy from (it is only read).", valueName: "path"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("The PostgreSQL fleet database to copy into (postgresql://…).", valueName: "uri"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("Copy only this host (repeatable; * matches any characters). Default: every host.",
                                            valueName: "name"))
    var host: [String] = []

    @Flag(name: [.short, .long], help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        // Usage errors (status 2): the direction copy supports is SQLite → PostgreSQL.
        if StoreLocation(from).isServer {
            throw ValidationError("--from \(StoreLocation(from)): copy reads an SQLite file; a PostgreSQL database cannot be the source")
        }
        if !StoreLocation(to).isServer {
            throw ValidationError("--to \(StoreLocation(to)): copy writes into a PostgreSQL database (postgresql://…); copying between SQLite files is not supported")
        }
    }

    func run() throws {
        var refused = false
        do {
            let selected = try HistoryCopy.run(from: StoreLocation(from), to: StoreLocation(to), hosts: host) { name, result in
                switch result {
                case .success(let outcome):
                    if !quiet { Terminal.output(Self.describe(outcome, host: name)) }
                case .failure(let error):
                    // A refused host: the others are still copied.
                    Terminal.error("\(error)")
                    refused = true
                }
            }
            if selected == 0 && !quiet {
                Terminal.output("\(StoreLocation(from)): no host to copy\(host.isEmpty ? "" : " matching --host")\n")
            }
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
        if refused { throw ExitCode(1) }
    }

    static func describe(_ outcome: HostHistory.Outcome, host: String) -> String {
        switch outcome {
        case .copied(let files, let requests, let rows):
            return "host \(host): \(HumanNumber.count(Int64(files))) \(files == 1 ? "file" : "files"), "
                + "\(HumanNumber.count(requests)) requests, \(HumanNumber.count(rows)) hourly rows copied\n"
        case .alreadyCopied(let files):
            return "host \(host): already copied (\(HumanNumber.count(Int64(files))) \(files == 1 ? "file" : "files") in its ledger there); nothing changed\n"
        }
    }
}
