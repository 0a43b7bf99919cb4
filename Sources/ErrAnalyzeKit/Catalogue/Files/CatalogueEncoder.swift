/// Writes catalogues as `erranalyze.catalogue/v1` JSON, in the layout the built-in files
/// use: fields in reading order, one entry per block, short arrays inline.
public enum CatalogueEncoder {
    public static func json(_ catalogue: Catalogue) -> OrderedJSON {
        .object([
            ("schema", .string(Catalogue.schema)),
            ("name", .string(catalogue.name)),
            ("title", catalogue.title.isEmpty ? nil : .string(catalogue.title)),
            ("version", .string(catalogue.version)),
            ("source", catalogue.source.isEmpty ? nil : .string(catalogue.source)),
            ("description", catalogue.description.isEmpty ? nil : .string(catalogue.description)),
            ("idempotent_methods", .array(catalogue.idempotentMethods.map(OrderedJSON.string))),
            ("codes", .array(catalogue.entries.map(json))),
            ("status_rules", .array(catalogue.statusRules.map(json))),
        ])
    }

    /// The file text, ending with a newline.
    public static func text(_ catalogue: Catalogue) -> String {
        json(catalogue).rendered() + "\n"
    }

    public static func json(_ entry: CatalogueEntry) -> OrderedJSON {
        .object([
            ("code", .string(entry.code)),
            ("statuses", .array(entry.statuses.map(OrderedJSON.int))),
        ] + guidance(category: entry.category, meaning: entry.meaning, action: entry.action, retry: entry.retry,
                     inferred: entry.inferred, inferredFields: entry.inferredFields, note: entry.note))
    }

    public static func json(_ rule: StatusRule) -> OrderedJSON {
        .object([("status", .string(rule.match.description))]
            + guidance(category: rule.category, meaning: rule.meaning, action: rule.action, retry: rule.retry,
                       inferred: rule.inferred, inferredFields: rule.inferredFields, note: rule.note))
    }

    public static func json(_ policy: RetryPolicy) -> OrderedJSON {
        switch policy {
        case .never, .backoff, .retryAfter, .ifIdempotent(then: .backoff):
            return .string(policy.name)
        case .ifIdempotent(let then):
            return .object([("policy", .string(policy.name)), ("then", .string(then.rawValue))])
        case .userAction(let kind):
            return .object([("policy", .string(policy.name)), ("kind", .string(kind))])
        }
    }

    private static func guidance(category: String, meaning: String, action: String, retry: RetryPolicy,
                                 inferred: Bool, inferredFields: [String], note: String?) -> [(String, OrderedJSON?)] {
        let inferredValue: OrderedJSON? = inferred ? .bool(true)
            : inferredFields.isEmpty ? nil : .array(inferredFields.map(OrderedJSON.string))
        return [
            ("category", .string(category)),
            ("meaning", .string(meaning)),
            ("action", .string(action)),
            ("retry", json(retry)),
            ("inferred", inferredValue),
            ("note", note.map(OrderedJSON.string)),
        ]
    }
}
