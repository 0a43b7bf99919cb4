import ArgumentParser
import ErrAnalyzeKit
import ErrAnalyzeOpenAPI

/// `--openapi FILE`, on `ingest` and `report`: the API's own OpenAPI (3.0, 3.1, 3.2) or
/// Swagger 2.0 document, YAML or JSON; else the config file's `openapi`.
struct OpenAPIOptions: ParsableArguments {
    @Option(name: .customLong("openapi"), help: ArgumentHelp(
        "The API's OpenAPI or Swagger document (YAML or JSON): its paths name the routes, and reports list what it does not document.",
        discussion: "Default: the config file's openapi. See docs/openapi.md.",
        valueName: "file"))
    var file: String?

    /// The document named by the flag or the config file, read once per run; nil for none.
    func contract() throws -> APIContract? {
        guard let path = file ?? ActiveConfiguration.current?.openapi else { return nil }
        if let cached = Self.cache, cached.path == path { return cached.contract }
        do {
            let contract = try OpenAPIDocumentReader.read(path: path)
            Self.cache = (path, contract)
            return contract
        } catch {
            throw ValidationError("--openapi \(error.description)")
        }
    }

    /// `ingest` runs itself once per configured source: the document is read once.
    nonisolated(unsafe) private static var cache: (path: String, contract: APIContract)?
}
