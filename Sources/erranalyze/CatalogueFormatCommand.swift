import ArgumentParser
import ErrAnalyzeKit
import Foundation

/// `catalogue format FILE`: rewrite a catalogue in the canonical layout.
struct CatalogueFormatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "format",
        abstract: "Print a catalogue in the canonical layout (or rewrite it with --write).",
        discussion: """
        Fields come out in reading order (code, statuses, category, meaning, action, retry), \
        short arrays on one line. Unknown fields are dropped (validate warns about them first). \
        A file with errors is left alone and its problems are reported.

        Examples:
          erranalyze catalogue format my-api.json
          erranalyze catalogue format --write my-api.json
        """
    )

    @OptionGroup var config: ConfigOptions

    @Argument(help: ArgumentHelp("A catalogue file.", valueName: "FILE"))
    var file: String

    @Flag(help: "Rewrite the file in place instead of printing it.")
    var write = false

    func run() throws {
        let result = CatalogueLoader.read(path: file)
        guard let catalogue = result.catalogue else {
            for problem in result.problems { CatalogueCLI.printNote(problem.description) }
            throw CatalogueCLI.inputFailed
        }
        for problem in result.warnings { CatalogueCLI.printNote(problem.description) }
        let text = CatalogueEncoder.text(catalogue)
        guard write else {
            print(text, terminator: "")
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            CatalogueCLI.printError("\(file): cannot write: \(error.localizedDescription)")
            throw CatalogueCLI.inputFailed
        }
    }
}
