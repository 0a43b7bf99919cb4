/// The small, fixed vocabularies a catalogue's entries draw from.
///
/// Reports group by category, so categories must mean the same thing in every catalogue;
/// a name outside the list is allowed (a user may need one) but `validate` warns about it,
/// which catches typos such as `authorisation`.
public enum CatalogueVocabulary {
    /// Category names and what they mean, in the order the documentation lists them.
    public static let categories: KeyValuePairs<String, String> = [
        "informational": "1xx: interim response, not an error",
        "success": "2xx: the request succeeded",
        "redirect": "3xx: the client is sent elsewhere",
        "authentication": "credentials missing, invalid or expired: who you are is the problem",
        "authorization": "authenticated, but not allowed: scope, role, policy, ownership",
        "validation": "the request is malformed or fails validation: fix the request",
        "not_found": "the target does not exist or is not visible to the caller",
        "conflict": "the request is valid but the current state of the resource refuses it",
        "gone": "the target existed but is no longer usable",
        "billing": "payment, subscription or plan tier blocks the action",
        "quota": "a plan or usage limit is reached; waiting does not help",
        "rate_limit": "throttled: too many requests in a period; waiting helps",
        "configuration": "a feature, integration, key or setting is not configured",
        "unsupported": "the operation, resource or platform is not supported or not implemented",
        "provider": "a third-party or downstream service failed or rejected the operation",
        "timeout": "the request or an upstream call took too long",
        "unavailable": "the service is temporarily unavailable (maintenance, capacity)",
        "server": "an unexpected failure on the server side",
        "client": "a client error with no more specific category",
        "unknown": "a status no rule covers",
    ]

    /// User-action kinds for the `user_action` retry policy.
    public static let userActions: KeyValuePairs<String, String> = [
        "reauthenticate": "obtain valid credentials: sign in again, refresh or re-issue the token or key",
        "reconnect": "reconnect the integration (for example through an OAuth connect flow)",
        "complete_verification": "complete a verification step: MFA, 2-step verification, a challenge",
        "grant_permission": "give the credential the missing scope or role",
        "fix_configuration": "configure the missing feature, integration, key or setting",
        "resolve_billing": "resolve the payment, subscription or plan tier",
        "unlock_account": "wait for or perform the unlock of a locked account or source",
        "contact_support": "ask the provider's support to intervene",
    ]

    public static let categoryNames: Set<String> = Set(categories.map(\.key))
    public static let userActionNames: Set<String> = Set(userActions.map(\.key))

    /// RFC 9110's idempotent methods: the default when a catalogue does not say otherwise.
    public static let defaultIdempotentMethods = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]
}
