import ArgumentParser
import ErrAnalyzeKit
import Foundation

/// Output helpers shared by the `catalogue` subcommands (namespaced: other commands own
/// their own helpers).
enum CatalogueCLI {
    /// Exit status for a bad invocation (2 = usage error, docs/reports.md "Exit status"), e.g. a `--catalogue`
    /// that names nothing or a catalogue file that does not load.
    static let usageError = ExitCode(2)
    /// Exit status when the input (a file to validate or import, a code to show) failed.
    static let inputFailed = ExitCode(1)

    static func printError(_ message: String) {
        Terminal.error(message)
    }

    static func printNote(_ message: String) {
        Terminal.standardError(message + "\n")
    }

    /// Loads the selected catalogues, turning a failure into a message and exit status 2.
    static func load(_ selection: [String]) throws -> [Catalogue] {
        do {
            return try CatalogueLoader.load(selection: selection)
        } catch {
            printError(error.description)
            throw usageError
        }
    }

    /// Left-aligned columns two spaces apart (the library's one `TextTable`); the first row
    /// is laid out like the others, never truncated.
    static func table(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        var table = TextTable(header: header)
        for row in rows.dropFirst() { table.add(row) }
        return table.render(maxWidth: .max)
    }

    /// "never → fatal", "if_idempotent (GET, HEAD…) then backoff → retriable for those".
    static func describe(_ policy: RetryPolicy, idempotentMethods: [String]) -> String {
        switch policy {
        case .never: return "never (fatal)"
        case .backoff: return "backoff (retriable, with exponential backoff)"
        case .retryAfter: return "retry_after (retriable, after Retry-After or else with backoff)"
        case .ifIdempotent(let then):
            return "if_idempotent then \(then.rawValue) (retriable only for \(idempotentMethods.joined(separator: ", ")) or with an Idempotency-Key)"
        case .userAction(let kind): return "user_action: \(kind) (fatal until a person acts)"
        }
    }

    static func inferredLabel(_ inferred: Bool, _ fields: [String]) -> String? {
        if inferred { return "yes (not in the source document)" }
        return fields.isEmpty ? nil : fields.joined(separator: ", ")
    }

    static func write(json: OrderedJSON) {
        print(json.rendered())
    }
}

/// `--format` for catalogue subcommands.
enum CatalogueOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// The `--catalogue` option, shared by every command that classifies.
struct CatalogueSelectionOptions: ParsableArguments {
    @Option(name: .customLong("catalogue"),
            help: ArgumentHelp("A built-in catalogue name, 'all', or a catalogue file (repeatable). Files take precedence over built-ins; default: every built-in.",
                               valueName: "NAME|PATH"))
    var catalogues: [String] = []

    func load() throws -> [Catalogue] {
        try CatalogueCLI.load(catalogues.isEmpty ? ActiveConfiguration.catalogues : catalogues)
    }
}
