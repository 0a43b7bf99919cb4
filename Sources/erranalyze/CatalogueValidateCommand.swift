import ArgumentParser
import ErrAnalyzeKit
import Foundation

/// `catalogue validate FILE…`: every problem in catalogue files, with its location.
struct CatalogueValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check catalogue files and report every problem with its location.",
        discussion: """
        Problems are printed as FILE:LINE:COLUMN: error|warning: PATH: MESSAGE, where PATH names \
        the entry and field (codes[12] (AUTH_REQUIRED).retry). Errors make a catalogue unusable; \
        warnings (an unknown category, an unknown field) do not. Exits 1 when any file has errors \
        (or warnings, with --strict).

        Examples:
          erranalyze catalogue validate my-api.json
          erranalyze catalogue validate --strict catalogues/*.json
          erranalyze catalogue validate opsmerge        # a built-in
        """
    )

    @OptionGroup var config: ConfigOptions

    @Argument(help: ArgumentHelp("Catalogue files (or built-in names).", valueName: "FILE"))
    var files: [String]

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Option(help: "Output format: text or json.")
    var format: CatalogueOutputFormat = .text

    func run() throws {
        var failed = false
        var reports: [OrderedJSON] = []
        for file in files {
            let (path, result) = read(file)
            let bad = !result.errors.isEmpty || (strict && !result.warnings.isEmpty)
            failed = failed || bad
            switch format {
            case .text:
                for problem in result.problems { print(problem.description) }
                let counts = "\(plural(result.errors.count, "error")), \(plural(result.warnings.count, "warning"))"
                if let c = result.catalogue {
                    print("\(path): \(bad ? "not valid" : "valid") (\(plural(c.entries.count, "code")), \(plural(c.statusRules.count, "status rule")); \(counts))")
                } else {
                    print("\(path): not valid (\(counts))")
                }
            case .json:
                reports.append(.object([
                    ("file", .string(path)),
                    ("valid", .bool(!bad)),
                    ("name", result.catalogue.map { .string($0.name) }),
                    ("codes", result.catalogue.map { .int($0.entries.count) }),
                    ("status_rules", result.catalogue.map { .int($0.statusRules.count) }),
                    ("problems", .array(result.problems.map { p in
                        .object([
                            ("severity", .string(p.severity.rawValue)),
                            ("line", p.position.map { .int($0.line) } ?? .null),
                            ("column", p.position.map { .int($0.column) } ?? .null),
                            ("path", .string(p.path)),
                            ("message", .string(p.message)),
                        ])
                    })),
                ]))
            }
        }
        if format == .json { CatalogueCLI.write(json: .object([("files", .array(reports))])) }
        if failed { throw CatalogueCLI.inputFailed }
    }

    /// A built-in name (that is not also a file here) validates the text compiled into the binary.
    private func read(_ file: String) -> (label: String, result: CatalogueReadResult) {
        if !FileManager.default.fileExists(atPath: file), let builtin = BuiltinCatalogues.read(named: file) {
            return (file + ".json (built-in)", builtin)
        }
        return (file, CatalogueLoader.read(path: file))
    }

    private func plural(_ n: Int, _ word: String) -> String {
        "\(n) \(word)\(n == 1 ? "" : "s")"
    }
}
