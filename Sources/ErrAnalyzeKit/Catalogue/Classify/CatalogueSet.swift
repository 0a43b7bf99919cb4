/// The active catalogues in precedence order, indexed for lookups.
///
/// One rule decides every conflict: the first catalogue (in precedence order, see
/// `CatalogueLoader`) that speaks about a response wins.
/// - A code is resolved by the first catalogue that defines it (exactly, case-sensitive).
/// - A response without a known code gets the status rule of the first catalogue that has a
///   rule covering its status; inside one catalogue an exact status (`503`) beats a class
///   (`5xx`).
public struct CatalogueSet: Sendable {
    public let catalogues: [Catalogue]

    /// A catalogue's entry for a code.
    public struct CodeDefinition: Sendable {
        public var catalogue: Catalogue
        public var entry: CatalogueEntry
    }

    /// A catalogue's rule for a status.
    public struct RuleDefinition: Sendable {
        public var catalogue: Catalogue
        public var rule: StatusRule
    }

    /// code → (catalogue index, entry index) for every catalogue defining it, in precedence order.
    private let codeIndex: [String: [(catalogue: Int, entry: Int)]]

    public init(_ catalogues: [Catalogue]) {
        self.catalogues = catalogues
        var index: [String: [(catalogue: Int, entry: Int)]] = [:]
        for (c, catalogue) in catalogues.enumerated() {
            for (e, entry) in catalogue.entries.enumerated() where !(index[entry.code]?.contains { $0.catalogue == c } ?? false) {
                index[entry.code, default: []].append((c, e))
            }
        }
        codeIndex = index
    }

    /// The definition that applies to `code`, or nil when no active catalogue knows it.
    public func definition(of code: String) -> CodeDefinition? {
        definitions(of: code).first
    }

    /// Every active catalogue's definition of `code`, the one that applies first.
    public func definitions(of code: String) -> [CodeDefinition] {
        (codeIndex[code] ?? []).map { CodeDefinition(catalogue: catalogues[$0.catalogue], entry: catalogues[$0.catalogue].entries[$0.entry]) }
    }

    /// The rule that applies to a response with `status` and no known code.
    public func statusRule(for status: Int) -> RuleDefinition? {
        for catalogue in catalogues {
            if let rule = catalogue.statusRule(for: status) { return RuleDefinition(catalogue: catalogue, rule: rule) }
        }
        return nil
    }

    /// Every catalogue's rule for `status`, the one that applies first.
    public func statusRules(for status: Int) -> [RuleDefinition] {
        catalogues.compactMap { catalogue in catalogue.statusRule(for: status).map { RuleDefinition(catalogue: catalogue, rule: $0) } }
    }

    /// For a status, what `statusRules(for:)` returns; for a class (`5xx`), each catalogue's
    /// rule for exactly that class.
    public func statusRules(matching match: StatusMatch) -> [RuleDefinition] {
        switch match {
        case .exact(let status):
            return statusRules(for: status)
        case .range:
            return catalogues.compactMap { c in c.statusRules.first { $0.match == match }.map { RuleDefinition(catalogue: c, rule: $0) } }
        }
    }

    /// Codes defined by more than one active catalogue, where precedence decides.
    public var sharedCodes: [String] {
        codeIndex.filter { $0.value.count > 1 }.keys.sorted()
    }
}
