import Foundation

/// Classifies responses against the active catalogues: what a code means, its category,
/// and whether the response is retriable or fatal.
///
/// Runs at report time on aggregated rows, so it favours clarity over speed; results are
/// cached per distinct input, and the cache is locked so one classifier may be shared.
public final class Classifier: @unchecked Sendable {
    public let catalogueSet: CatalogueSet
    private var cache: [ClassificationInput: Classification] = [:]
    private let lock = NSLock()

    /// Every built-in catalogue. If the built-ins cannot be loaded (their resources are
    /// missing), classification falls back to generic HTTP status semantics; use
    /// `init(selection:)` to surface that error instead.
    public convenience init() {
        self.init(catalogues: (try? CatalogueLoader.load(selection: [])) ?? [])
    }

    /// The given catalogues, in precedence order (first wins).
    public init(catalogues: [Catalogue]) {
        self.catalogueSet = CatalogueSet(catalogues)
    }

    /// The catalogues selected by `--catalogue` arguments (empty: every built-in).
    public convenience init(selection: [String]) throws(CatalogueError) {
        self.init(catalogues: try CatalogueLoader.load(selection: selection))
    }

    public func classify(_ input: ClassificationInput) -> Classification {
        lock.lock()
        defer { lock.unlock() }
        if let hit = cache[input] { return hit }
        let result = compute(input)
        cache[input] = result
        return result
    }

    private func compute(_ input: ClassificationInput) -> Classification {
        let status = input.status
        let isError = status >= 400
        func retriable(_ policy: RetryPolicy, idempotentMethods: [String]) -> Bool {
            isError && policy.isRetriable(method: input.method, idempotencyKeySent: input.idempotencyKeySent,
                                          idempotentMethods: Set(idempotentMethods))
        }

        if let code = Self.loggedCode(input.code), let found = catalogueSet.definition(of: code) {
            let entry = found.entry
            return Classification(
                category: entry.category, retriable: retriable(entry.retry, idempotentMethods: found.catalogue.idempotentMethods),
                knownCode: true, meaning: entry.meaning, advice: entry.action, documentedStatuses: entry.statuses,
                catalogue: found.catalogue.name, retryPolicy: entry.retry, statusRule: nil,
                inferred: entry.inferred || !entry.inferredFields.isEmpty)
        }
        if let found = catalogueSet.statusRule(for: status) {
            let rule = found.rule
            return Classification(
                category: rule.category, retriable: retriable(rule.retry, idempotentMethods: found.catalogue.idempotentMethods),
                knownCode: false, meaning: rule.meaning, advice: rule.action, documentedStatuses: [],
                catalogue: found.catalogue.name, retryPolicy: rule.retry, statusRule: rule.match.description,
                inferred: rule.inferred || !rule.inferredFields.isEmpty)
        }
        let fallback = Self.lastResort(status)
        return Classification(category: fallback.category, retriable: isError && fallback.retry.wait != nil, knownCode: false,
                              meaning: fallback.meaning, advice: fallback.action, retryPolicy: fallback.retry, inferred: true)
    }

    /// The code to look up: nil for none, and for the placeholders logs write when a
    /// header was absent.
    static func loggedCode(_ code: String?) -> String? {
        guard let code, !code.isEmpty, code != "-" else { return nil }
        return code
    }

    /// When no active catalogue has a rule for a status (no `http` floor was loaded, or the
    /// status is outside 100…599), the bare status classes still decide.
    static func lastResort(_ status: Int) -> (category: String, meaning: String, action: String, retry: RetryPolicy) {
        switch status {
        case 100..<200: return ("informational", "Informational response", "", .never)
        case 200..<300: return ("success", "Success", "", .never)
        case 300..<400: return ("redirect", "Redirection", "", .never)
        case 400..<500: return ("client", "Client error", "Fix the request before retrying.", .never)
        case 500..<600: return ("server", "Server error", "Retry with exponential backoff.", .backoff)
        default: return ("unknown", "Status \(status) is not an HTTP status", "", .never)
        }
    }
}
