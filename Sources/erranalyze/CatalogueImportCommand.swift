import ArgumentParser
import ErrAnalyzeKit
import ErrAnalyzeOpenAPI
import Foundation

/// `catalogue import FILE`: a catalogue file from the Markdown tables of an error page.
struct CatalogueImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Create a catalogue from an API's error page (Markdown tables) or its OpenAPI document.",
        discussion: """
        An OpenAPI (3.0, 3.1, 3.2) or Swagger 2.0 document, YAML or JSON, is recognised by its \
        'openapi' or 'swagger' key: each error code it documents (an enum or const on the error \
        body's code property, or the code of a response example) becomes an entry with the \
        statuses of the responses that name it and their description (docs/openapi.md).

        Reads pipe tables with columns such as Code | HTTP | Message | Resolution (a table with \
        a Status column but no Code column becomes status rules). Rows without a leading '|' \
        are accepted. Categories and retry policies are guessed from the status and the \
        resolution text (Retry-After → retry_after, backoff/retry → backoff, reconnect/re-auth \
        → user_action, otherwise 4xx never and 5xx backoff) and marked "inferred": review them, \
        then validate the file.

        Examples:
          erranalyze catalogue import errors.md > my-api.json
          erranalyze catalogue import openapi.yaml --name my-api -o my-api.json
          erranalyze catalogue import errors.md --name my-api -o my-api.json
          curl -s https://example.com/errors.md |
              erranalyze catalogue import - --name example
        """
    )

    @OptionGroup var config: ConfigOptions

    @Argument(help: ArgumentHelp("A Markdown file or an OpenAPI document, or - for standard input.", valueName: "FILE"))
    var file: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the catalogue here instead of standard output.", valueName: "FILE"))
    var output: String?

    @Flag(help: "Overwrite --output if it exists.")
    var force = false

    @Option(help: "The catalogue name (default: derived from the file name).")
    var name: String?

    @Option(help: "The catalogue title (default: the page's first # heading).")
    var title: String?

    func validate() throws {
        if let name, !CatalogueName.isValid(name) {
            throw ValidationError("'\(name)' is not a valid catalogue name: use lower-case letters, digits, '-', '_' or '.'")
        }
    }

    func run() throws {
        let text: String
        let data: Data
        do {
            data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                               : try Data(contentsOf: URL(fileURLWithPath: file))
            text = String(decoding: data, as: UTF8.self)
        } catch {
            CatalogueCLI.printError("\(file): cannot read: \(error.localizedDescription)")
            throw CatalogueCLI.inputFailed
        }
        let baseName = file == "-" ? "imported" : URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let label = file == "-" ? "<stdin>" : file
        let source = file == "-" ? "stdin" : file
        let catalogue: Catalogue
        let summary: String
        if OpenAPIDocumentReader.isDocument(data) {
            let contract: APIContract
            do {
                contract = try OpenAPIDocumentReader.read(data: data, file: label)
            } catch {
                CatalogueCLI.printError(error.description)
                throw CatalogueCLI.inputFailed
            }
            let result = ContractCatalogueImporter.importCatalogue(contract: contract, name: name ?? CatalogueName.derive(from: baseName),
                                                                   title: title, source: source)
            for note in result.notes { CatalogueCLI.printNote("\(label): note: \(note)") }
            catalogue = result.catalogue
            if catalogue.entries.isEmpty {
                CatalogueCLI.printError("\(label): nothing to import (the document's \(contract.operations.count) operations document no error code: "
                                        + "no enum or const on an error body's code property, no response example with a code)")
                throw CatalogueCLI.inputFailed
            }
            summary = "imported \(catalogue.entries.count) codes from \(contract.operations.count) operations of the OpenAPI document"
        } else {
            let result = MarkdownCatalogueImporter.importCatalogue(
                markdown: text, name: name ?? CatalogueName.derive(from: baseName), title: title, source: source)
            for note in result.notes { CatalogueCLI.printNote("\(label):\(note.line): note: \(note.message)") }
            catalogue = result.catalogue
            if catalogue.entries.isEmpty && catalogue.statusRules.isEmpty {
                CatalogueCLI.printError("\(label): nothing to import (no table with a Code or Status column)")
                throw CatalogueCLI.inputFailed
            }
            summary = "imported \(catalogue.entries.count) codes and \(catalogue.statusRules.count) status rules from \(result.tablesFound) table(s)"
        }
        let json = CatalogueEncoder.text(catalogue)
        // The importer should only ever produce valid catalogues; check rather than trust.
        let check = CatalogueDecoder.read(text: json, file: output ?? "<output>", origin: .memory)
        for problem in check.errors { CatalogueCLI.printNote(problem.description) }

        if let output {
            if FileManager.default.fileExists(atPath: output) && !force {
                CatalogueCLI.printError("\(output) exists; use --force to overwrite it")
                throw CatalogueCLI.inputFailed
            }
            do {
                try Data(json.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                CatalogueCLI.printError("\(output): cannot write: \(error.localizedDescription)")
                throw CatalogueCLI.inputFailed
            }
        } else {
            print(json, terminator: "")
        }
        CatalogueCLI.printNote(summary + "; "
            + "review the inferred categories and retry policies, then run: erranalyze catalogue validate \(output ?? "FILE")")
        if !check.errors.isEmpty { throw CatalogueCLI.inputFailed }
    }
}
