/// One error catalogue: the documented error codes of one API plus its status rules.
///
/// A catalogue is data (a JSON file, schema `erranalyze.catalogue/v1`, see
/// docs/catalogues.md); this is its in-memory form. Built-in catalogues ship as package
/// resources; users add their own files with `--catalogue PATH`.
public struct Catalogue: Hashable, Sendable {
    /// The schema identifier every catalogue file must carry.
    public static let schema = "erranalyze.catalogue/v1"

    /// Short machine name, e.g. `opsmerge`; what `--catalogue NAME` selects and reports cite.
    public var name: String
    public var title: String
    /// The catalogue's own version (of its data), free text such as `2026-11-01` or `3`.
    public var version: String
    /// Where the data comes from (a URL, a document id).
    public var source: String
    public var description: String
    /// Methods whose retry cannot repeat a side effect, for `if_idempotent` policies.
    public var idempotentMethods: [String]
    public var entries: [CatalogueEntry]
    public var statusRules: [StatusRule]
    /// Where this catalogue was loaded from.
    public var origin: Origin

    public enum Origin: Hashable, Sendable, CustomStringConvertible {
        case builtin
        case file(String)
        /// Built in code (tests, the importer before it is written out).
        case memory

        public var description: String {
            switch self {
            case .builtin: return "built-in"
            case .file(let path): return path
            case .memory: return "in memory"
            }
        }

        public var isBuiltin: Bool { self == .builtin }
    }

    public init(name: String, title: String = "", version: String = "1", source: String = "", description: String = "",
                idempotentMethods: [String] = CatalogueVocabulary.defaultIdempotentMethods,
                entries: [CatalogueEntry] = [], statusRules: [StatusRule] = [], origin: Origin = .memory) {
        self.name = name
        self.title = title
        self.version = version
        self.source = source
        self.description = description
        self.idempotentMethods = idempotentMethods
        self.entries = entries
        self.statusRules = statusRules
        self.origin = origin
    }

    /// The entry for a code, compared exactly (codes are case-sensitive, as emitted).
    public func entry(for code: String) -> CatalogueEntry? {
        entries.first { $0.code == code }
    }

    /// The rule this catalogue applies to a status: an exact status beats a range.
    public func statusRule(for status: Int) -> StatusRule? {
        statusRules.first { $0.match == .exact(status) } ?? statusRules.first { $0.match.matches(status) }
    }
}
