/// The stored dimensions of a group of responses that classification looks at.
///
/// Classification happens at report time from these, never at ingest time, so that a
/// catalogue change applies to data already ingested.
public struct ClassificationInput: Hashable, Sendable {
    public var status: Int
    /// The error code as logged (case-sensitive); nil when none was logged.
    public var code: String?
    /// Upper-case request method; empty when unknown.
    public var method: String
    public var idempotencyKeySent: Bool
    public var retryAfterSent: Bool

    public init(status: Int, code: String?, method: String, idempotencyKeySent: Bool = false, retryAfterSent: Bool = false) {
        self.status = status
        self.code = code
        self.method = method
        self.idempotencyKeySent = idempotencyKeySent
        self.retryAfterSent = retryAfterSent
    }
}

/// What the catalogue says about a group of responses.
public struct Classification: Hashable, Sendable {
    /// A short machine name from `CatalogueVocabulary.categories`: `authentication`,
    /// `validation`, `rate_limit`, `server`…
    public var category: String
    /// For errors (status ≥ 400): whether a client may retry this response. Every error is
    /// exactly one of retriable or fatal. Always false for non-errors.
    public var retriable: Bool
    /// Whether the logged code is defined by an active catalogue (false when no code was logged).
    public var knownCode: Bool
    /// What the code (or, without a known code, the status) means.
    public var meaning: String
    /// What a client or operator should do about it.
    public var advice: String
    /// The statuses the catalogue documents for the code, most common first; empty if unknown.
    public var documentedStatuses: [Int]
    /// The catalogue that defined the code, or that supplied the status rule.
    public var catalogue: String
    /// The policy `retriable` was derived from, for reports that give richer advice
    /// ("after Retry-After", "only with an Idempotency-Key", "re-authenticate").
    public var retryPolicy: RetryPolicy
    /// The status rule (`503`, `5xx`) that classified the response; nil when the code's
    /// catalogue entry did.
    public var statusRule: String?
    /// Whether the entry or rule used was (partly) reconstructed rather than documented by
    /// its source; reports may flag such advice as less certain.
    public var inferred: Bool

    public init(category: String, retriable: Bool, knownCode: Bool, meaning: String, advice: String,
                documentedStatuses: [Int] = [], catalogue: String = "", retryPolicy: RetryPolicy = .never,
                statusRule: String? = nil, inferred: Bool = false) {
        self.category = category
        self.retriable = retriable
        self.knownCode = knownCode
        self.meaning = meaning
        self.advice = advice
        self.documentedStatuses = documentedStatuses
        self.catalogue = catalogue
        self.retryPolicy = retryPolicy
        self.statusRule = statusRule
        self.inferred = inferred
    }

    /// A known code logged with a status its catalogue does not list.
    public func isStatusDrift(status: Int) -> Bool {
        knownCode && !documentedStatuses.isEmpty && !documentedStatuses.contains(status)
    }
}
