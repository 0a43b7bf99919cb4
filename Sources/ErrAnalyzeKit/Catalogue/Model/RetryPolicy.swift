/// How long a client should wait before it retries a response it may retry.
public enum RetryWait: String, Hashable, Sendable, CaseIterable {
    /// Retry with exponential backoff (and jitter).
    case backoff
    /// Wait for the time the server indicated (the `Retry-After` header or a time in the
    /// body); without one, back off.
    case retryAfter = "retry_after"
}

/// What a catalogue says about retrying a response.
///
/// Policies are richer than the report's retriable/fatal boolean so that a report can give
/// clients precise advice; `isRetriable(…)` is the single place that folds a policy into the
/// boolean, which keeps "every error is exactly one of retriable or fatal" true by
/// construction.
///
/// JSON spellings (`"retry": …` in a catalogue file):
///
///     "never" | "backoff" | "retry_after" | "if_idempotent"
///     {"policy": "if_idempotent", "then": "backoff" | "retry_after"}
///     {"policy": "user_action", "kind": "reauthenticate"}
public enum RetryPolicy: Hashable, Sendable {
    /// Retrying the same request cannot succeed: the request itself must change.
    case never
    /// Transient: retry with exponential backoff.
    case backoff
    /// Transient: retry after the indicated time (`Retry-After`), else back off.
    case retryAfter
    /// Retry (waiting as `then` says) only when retrying cannot repeat a side effect: the
    /// method is one the catalogue counts as idempotent, or an `Idempotency-Key` was sent.
    case ifIdempotent(then: RetryWait)
    /// Only a person can fix this (sign in again, reconnect, configure…); automatic retries
    /// are pointless, so it counts as fatal. `kind` names the action, see
    /// `CatalogueVocabulary.userActions`.
    case userAction(kind: String)

    /// The JSON name of the policy, e.g. `if_idempotent`.
    public var name: String {
        switch self {
        case .never: return "never"
        case .backoff: return "backoff"
        case .retryAfter: return "retry_after"
        case .ifIdempotent: return "if_idempotent"
        case .userAction: return "user_action"
        }
    }

    /// Every policy name a catalogue may use, in the order the documentation lists them.
    public static let names = ["never", "backoff", "retry_after", "if_idempotent", "user_action"]

    /// Whether a client may automatically retry a response this policy governs.
    ///
    /// - Parameters:
    ///   - method: the request method, upper case; empty when the log did not record it.
    ///     An unknown method is not assumed idempotent: `if_idempotent` exists for APIs where
    ///     a blind retry may repeat a side effect, so only evidence makes it retriable.
    ///   - idempotencyKeySent: whether the request carried an `Idempotency-Key` header.
    ///   - idempotentMethods: the methods the catalogue that owns the policy counts as idempotent.
    public func isRetriable(method: String, idempotencyKeySent: Bool, idempotentMethods: Set<String>) -> Bool {
        switch self {
        case .never, .userAction:
            return false
        case .backoff, .retryAfter:
            return true
        case .ifIdempotent:
            return idempotencyKeySent || (!method.isEmpty && idempotentMethods.contains(method))
        }
    }

    /// How to wait before retrying, or nil when the policy never retries automatically.
    public var wait: RetryWait? {
        switch self {
        case .never, .userAction: return nil
        case .backoff: return .backoff
        case .retryAfter: return .retryAfter
        case .ifIdempotent(let then): return then
        }
    }

    /// A short human description, e.g. "only if idempotent, then after Retry-After".
    public var summary: String {
        switch self {
        case .never: return "never"
        case .backoff: return "with backoff"
        case .retryAfter: return "after Retry-After"
        case .ifIdempotent(.backoff): return "only if idempotent, with backoff"
        case .ifIdempotent(.retryAfter): return "only if idempotent, after Retry-After"
        case .userAction(let kind): return "after a user action (\(kind))"
        }
    }
}
