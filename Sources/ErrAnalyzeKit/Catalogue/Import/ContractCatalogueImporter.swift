/// Turns the error codes an API's own description documents (`APIContract.errorCodes`) into
/// a catalogue a user can edit, as `MarkdownCatalogueImporter` does for an error page:
/// code, statuses and description from the document; category and retry policy guessed
/// (`ImportHeuristics`) and marked `inferred`.
public enum ContractCatalogueImporter {
    public struct Result: Sendable {
        public var catalogue: Catalogue
        /// Things the user should look at (a code without a status, without a description).
        public var notes: [String]
    }

    /// Entries are ordered by their first status, then code: the document's own order is not
    /// kept by every decoder, and a sorted file is easier to review.
    public static func importCatalogue(contract: APIContract, name: String, title: String? = nil, source: String) -> Result {
        var notes: [String] = []
        var entries: [CatalogueEntry] = []
        let codes = contract.errorCodes.sorted { ($0.statuses.min() ?? 999, $0.code) < ($1.statuses.min() ?? 999, $1.code) }
        for documented in codes {
            let statuses = documented.statuses.sorted()
            var inferredFields = ["category", "retry", "action"]
            var meaning = documented.description.map { CatalogueText.trimmed(Substring($0)) } ?? ""
            if meaning.isEmpty {
                meaning = "No description in the source"
                inferredFields.append("meaning")
                notes.append("no description for \(documented.code)")
            }
            if statuses.isEmpty { notes.append("no exact status for \(documented.code) (documented under a range or default only)") }
            let retry = ImportHeuristics.retryPolicy(status: statuses.first, action: "", meaning: meaning)
            entries.append(CatalogueEntry(code: documented.code, statuses: statuses,
                                          category: ImportHeuristics.category(status: statuses.first, action: "", meaning: meaning),
                                          meaning: meaning, action: ImportHeuristics.defaultAction(for: retry), retry: retry,
                                          inferredFields: inferredFields))
        }
        let documentTitle = [contract.title, contract.version].filter { !$0.isEmpty }.joined(separator: " ")
        let catalogue = Catalogue(name: name, title: title ?? (documentTitle.isEmpty ? name : documentTitle), version: "1", source: source,
                                  description: "Imported from the OpenAPI document \(source); categories and retry policies were guessed — review the entries marked inferred.",
                                  entries: entries, origin: .memory)
        return Result(catalogue: catalogue, notes: notes)
    }
}
