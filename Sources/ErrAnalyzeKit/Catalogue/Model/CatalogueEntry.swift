/// What a catalogue says about one error code.
public struct CatalogueEntry: Hashable, Sendable {
    /// The code exactly as the API emits it; lookups are case-sensitive.
    public var code: String
    /// The HTTP statuses the code ships with, most common first. A code logged with any
    /// other status is "status drift". May be empty when the source does not say.
    public var statuses: [Int]
    /// A name from `CatalogueVocabulary.categories`.
    public var category: String
    public var meaning: String
    /// What a client or operator should do (the source's "resolution").
    public var action: String
    public var retry: RetryPolicy
    /// True when the entry itself (its code name) was reconstructed rather than read from
    /// the source document.
    public var inferred: Bool
    /// Fields whose values were reconstructed (e.g. `statuses` when the source lists a code
    /// without a status). Empty when everything was read from the source.
    public var inferredFields: [String]
    /// Free text explaining inferences or caveats.
    public var note: String?

    public init(code: String, statuses: [Int], category: String, meaning: String, action: String,
                retry: RetryPolicy, inferred: Bool = false, inferredFields: [String] = [], note: String? = nil) {
        self.code = code
        self.statuses = statuses
        self.category = category
        self.meaning = meaning
        self.action = action
        self.retry = retry
        self.inferred = inferred
        self.inferredFields = inferredFields
        self.note = note
    }
}
