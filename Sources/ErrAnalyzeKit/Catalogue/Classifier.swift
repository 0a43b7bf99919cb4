/// Classifies responses by status alone, following the generic status-range semantics of
/// the seed documents: 2xx/3xx are not errors, 4xx are the client's to fix, 5xx are the
/// server's and may be retried with backoff by idempotent requests, 429 after Retry-After.
///
/// The catalogue issue extends this into the full lens (codes, retry policies, precedence).
public final class Classifier: @unchecked Sendable {
    private var cache: [ClassificationInput: Classification] = [:]

    public init() {}

    public func classify(_ input: ClassificationInput) -> Classification {
        if let hit = cache[input] { return hit }
        let result = Self.statusRule(input)
        cache[input] = result
        return result
    }

    static func statusRule(_ input: ClassificationInput) -> Classification {
        let status = input.status
        let idempotent = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE", ""].contains(input.method) || input.idempotencyKeySent
        switch status {
        case ..<400:
            return Classification(category: status >= 300 ? "redirect" : "success", retriable: false, knownCode: false,
                                  meaning: "not an error", advice: "")
        case 429:
            return Classification(category: "rate_limit", retriable: true, knownCode: false,
                                  meaning: "Too many requests", advice: "Back off; honour Retry-After")
        case 408:
            return Classification(category: "timeout", retriable: idempotent, knownCode: false,
                                  meaning: "Request timeout", advice: "Retry with backoff")
        case 400..<500:
            return Classification(category: "client_error", retriable: false, knownCode: false,
                                  meaning: "The request was invalid", advice: "Fix the request before retrying")
        default:
            return Classification(category: "server_error", retriable: idempotent, knownCode: false,
                                  meaning: "Server-side failure", advice: "Retry with backoff")
        }
    }
}
