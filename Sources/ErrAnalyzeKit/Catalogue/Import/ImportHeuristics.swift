/// Guesses a category and a retry policy for a row imported from a documentation table.
///
/// Tables give a status and prose; the prose is the best evidence of intent ("Respect the
/// Retry-After header", "Prompt the user to reconnect"), the status the fallback. Every
/// guess is marked `inferred` in the output so the user knows what to review.
enum ImportHeuristics {
    static func retryPolicy(status: Int?, action: String, meaning: String) -> RetryPolicy {
        let text = (action + " " + meaning).lowercased()
        func has(_ words: String...) -> Bool { words.contains { text.contains($0) } }

        if has("idempotency-key", "idempotency key") { return .ifIdempotent(then: status == 429 ? .retryAfter : .backoff) }
        if has("retry-after", "retry after", "indicated time") { return .retryAfter }
        if has("reconnect", "re-connect", "connect widget") { return .userAction(kind: "reconnect") }
        if has("re-auth", "reauth", "sign in again", "log in again", "login again", "new token", "refresh the token") {
            return .userAction(kind: "reauthenticate")
        }
        if has("do not retry", "don't retry", "don’t retry", "never retry", "not retriable", "not retryable") { return .never }
        if has("backoff", "back off", "back-off", "exponential") { return .backoff }
        if has("rate limit") && (status == nil || status == 429) { return .retryAfter }
        if has("not configured", "configure ", "configuration is missing", "enable it", "must be enabled") {
            return .userAction(kind: "fix_configuration")
        }
        if has("upgrade", "subscription", "billing", "payment") && (status == 402 || status == nil) {
            return .userAction(kind: "resolve_billing")
        }
        if has("retry", "try again") { return .backoff }
        return byStatus(status)
    }

    static func byStatus(_ status: Int?) -> RetryPolicy {
        switch status {
        case 408?, 500?, 502?, 504?: return .backoff
        case 429?, 503?: return .retryAfter
        case let s? where s >= 500: return .backoff
        default: return .never
        }
    }

    static func category(status: Int?, action: String, meaning: String) -> String {
        let text = (action + " " + meaning).lowercased()
        func has(_ words: String...) -> Bool { words.contains { text.contains($0) } }
        if has("rate limit", "too many requests", "throttl") { return "rate_limit" }
        if has("quota", "limit reached", "plan limit") { return "quota" }
        if has("not configured", "configuration") { return "configuration" }
        if let status, status >= 500, has("provider", "upstream", "downstream", "gateway") { return "provider" }
        if has("timeout", "timed out") { return "timeout" }
        switch status {
        case nil:
            if has("not found", "does not exist") { return "not_found" }
            if has("permission", "forbidden", "scope") { return "authorization" }
            if has("auth", "credential", "token", "api key") { return "authentication" }
            if has("invalid", "missing", "required", "malformed", "validation") { return "validation" }
            return "client"
        case let s?:
            switch s {
            case 100..<200: return "informational"
            case 200..<300: return "success"
            case 300..<400: return "redirect"
            case 400, 405, 411, 413, 414, 415, 422, 428, 431: return "validation"
            case 401, 407: return "authentication"
            case 403, 451: return "authorization"
            case 402: return "billing"
            case 404: return "not_found"
            case 409, 412, 423: return "conflict"
            case 410: return "gone"
            case 429: return "rate_limit"
            case 408, 504: return "timeout"
            case 501, 505: return "unsupported"
            case 502: return "provider"
            case 503: return "unavailable"
            case 400..<500: return "client"
            default: return "server"
            }
        }
    }

    /// Advice for a row whose table has no action column, so that reports still say
    /// something useful.
    static func defaultAction(for policy: RetryPolicy) -> String {
        switch policy {
        case .never: return "Fix the request; do not retry unchanged."
        case .backoff: return "Retry with exponential backoff."
        case .retryAfter: return "Retry after the time in Retry-After, else with backoff."
        case .ifIdempotent: return "Retry with backoff only if the request is idempotent or carried an Idempotency-Key."
        case .userAction(let kind): return "Retry only after a user action (\(kind.replacingUnderscores()))."
        }
    }
}

private extension String {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? " " : $0 }) }
}
