import Testing
@testable import ErrAnalyzeKit

/// Each retry policy, alone and through the classifier, including seed 003's rule that
/// mutations are retriable only with an Idempotency-Key.
@Suite("Retry policies")
struct RetryPolicyTests {
    static let rfcMethods = Set(CatalogueVocabulary.defaultIdempotentMethods)

    @Test("never and user_action are fatal whatever the request")
    func fatalPolicies() {
        for policy in [RetryPolicy.never, .userAction(kind: "reauthenticate")] {
            for method in ["GET", "POST", ""] {
                for key in [false, true] {
                    #expect(!policy.isRetriable(method: method, idempotencyKeySent: key, idempotentMethods: Self.rfcMethods))
                }
            }
            #expect(policy.wait == nil)
        }
    }

    @Test("backoff and retry_after are retriable whatever the method")
    func transientPolicies() {
        #expect(RetryPolicy.backoff.isRetriable(method: "POST", idempotencyKeySent: false, idempotentMethods: []))
        #expect(RetryPolicy.retryAfter.isRetriable(method: "PATCH", idempotencyKeySent: false, idempotentMethods: []))
        #expect(RetryPolicy.backoff.wait == .backoff)
        #expect(RetryPolicy.retryAfter.wait == .retryAfter)
    }

    @Test("if_idempotent: idempotent method, or an Idempotency-Key, and nothing else",
          arguments: [
              ("GET", false, true), ("HEAD", false, true), ("OPTIONS", false, true),
              ("POST", false, false), ("POST", true, true),
              ("PUT", false, false), ("PUT", true, true),
              ("PATCH", false, false), ("DELETE", false, false), ("DELETE", true, true),
              ("", false, false), ("", true, true),
          ])
    func ifIdempotent(method: String, key: Bool, expected: Bool) {
        let reads: Set<String> = ["GET", "HEAD", "OPTIONS"]
        let policy = RetryPolicy.ifIdempotent(then: .backoff)
        #expect(policy.isRetriable(method: method, idempotencyKeySent: key, idempotentMethods: reads) == expected)
    }

    @Test("if_idempotent uses the catalogue's idempotent methods: PUT counts under RFC 9110, not under seed 003")
    func idempotentMethodsComeFromTheCatalogue() {
        let policy = RetryPolicy.ifIdempotent(then: .backoff)
        #expect(policy.isRetriable(method: "PUT", idempotencyKeySent: false, idempotentMethods: Self.rfcMethods))
        #expect(!policy.isRetriable(method: "PUT", idempotencyKeySent: false, idempotentMethods: ["GET", "HEAD", "OPTIONS"]))
        #expect(RetryPolicy.ifIdempotent(then: .retryAfter).wait == .retryAfter)
    }

    // MARK: Through the classifier

    static let marketing = Classifier(catalogues: [try! CatalogueFixtures.builtin("marketing"), try! CatalogueFixtures.builtin("http")])

    @Test("seed 003: reads retry on 5xx and 429; mutations only with an Idempotency-Key; never other 4xx",
          arguments: [
              // status, method, key, retriable
              (503, "GET", false, true), (500, "GET", false, true), (502, "HEAD", false, true), (429, "GET", false, true),
              (503, "POST", false, false), (503, "POST", true, true),
              (500, "PUT", false, false), (500, "PUT", true, true),
              (504, "PATCH", false, false), (504, "PATCH", true, true),
              (429, "DELETE", false, false), (429, "DELETE", true, true),
              (400, "GET", false, false), (400, "POST", true, false),
              (409, "PUT", true, false), (422, "POST", true, false), (404, "GET", false, false),
          ])
    func marketingRule(status: Int, method: String, key: Bool, retriable: Bool) {
        let c = Self.marketing.classify(ClassificationInput(status: status, code: nil, method: method, idempotencyKeySent: key))
        #expect(c.retriable == retriable, "\(method) \(status) key=\(key)")
        #expect(c.catalogue == "marketing")
    }

    @Test("seed 003 codes: a known 4xx code is fatal even with an Idempotency-Key")
    func marketingCodes() {
        for code in ["validation_failed", "not_found", "forbidden", "duplicate", "quota_exceeded", "provider_error"] {
            let c = Self.marketing.classify(ClassificationInput(status: 400, code: code, method: "POST", idempotencyKeySent: true))
            #expect(c.knownCode, "\(code)")
            #expect(!c.retriable, "\(code)")
        }
        // A 429 from seed 003 waits for Retry-After when it may retry.
        let c = Self.marketing.classify(ClassificationInput(status: 429, code: nil, method: "GET", retryAfterSent: true))
        #expect(c.retryPolicy == .ifIdempotent(then: .retryAfter))
    }

    static let crm = Classifier(catalogues: [try! CatalogueFixtures.builtin("crm-connect")])

    @Test("seed 004: PROVIDER_RATE_LIMITED and CIRCUIT_OPEN retry after the indicated time, for any method")
    func retryAfterCodes() {
        for (code, status) in [("PROVIDER_RATE_LIMITED", 429), ("CIRCUIT_OPEN", 503)] {
            let c = Self.crm.classify(ClassificationInput(status: status, code: code, method: "POST"))
            #expect(c.retriable, "\(code)")
            #expect(c.retryPolicy == .retryAfter, "\(code)")
        }
    }

    @Test("seed 004: NEEDS_REAUTH and PROVIDER_AUTH_FAILED need the user to reconnect: fatal")
    func userActionCodes() {
        for (code, status) in [("NEEDS_REAUTH", 403), ("PROVIDER_AUTH_FAILED", 502)] {
            let c = Self.crm.classify(ClassificationInput(status: status, code: code, method: "GET"))
            #expect(!c.retriable, "\(code)")
            #expect(c.retryPolicy == .userAction(kind: "reconnect"), "\(code)")
        }
    }

    @Test("seed 004: backoff codes retry, validation codes do not")
    func backoffCodes() {
        #expect(Self.crm.classify(ClassificationInput(status: 503, code: "PROVIDER_UNAVAILABLE", method: "POST")).retriable)
        #expect(Self.crm.classify(ClassificationInput(status: 500, code: "INTERNAL_ERROR", method: "DELETE")).retriable)
        #expect(!Self.crm.classify(ClassificationInput(status: 400, code: "INVALID_INPUT", method: "GET")).retriable)
    }

    @Test("below 400 nothing is retriable, whatever the policy says")
    func nonErrors() {
        let classifier = Classifier()
        for status in [100, 200, 201, 204, 301, 304, 399] {
            let c = classifier.classify(ClassificationInput(status: status, code: nil, method: "GET"))
            #expect(!c.retriable, "\(status)")
        }
        // Even a code whose policy retries.
        let c = classifier.classify(ClassificationInput(status: 200, code: "RATE_LIMITED", method: "GET"))
        #expect(c.knownCode && !c.retriable)
    }

    @Test("every error is exactly one of retriable or fatal, and the boolean agrees with the policy")
    func everyErrorIsOneOrTheOther() throws {
        let classifier = Classifier()
        let codes: [String?] = [nil, "RATE_LIMITED", "NEEDS_REAUTH", "not_found", "task-error", "NO_SUCH_CODE"]
        for status in 400...599 {
            for code in codes {
                for method in ["GET", "POST", ""] {
                    for key in [false, true] {
                        let c = classifier.classify(ClassificationInput(status: status, code: code, method: method, idempotencyKeySent: key))
                        // Fatal policies never come out retriable; transient ones always do.
                        switch c.retryPolicy {
                        case .never, .userAction: #expect(!c.retriable)
                        case .backoff, .retryAfter: #expect(c.retriable)
                        case .ifIdempotent: break
                        }
                        #expect(!c.category.isEmpty)
                    }
                }
            }
        }
    }

    @Test("the policy names and JSON spellings round-trip")
    func spellings() throws {
        let policies: [RetryPolicy] = [.never, .backoff, .retryAfter, .ifIdempotent(then: .backoff),
                                       .ifIdempotent(then: .retryAfter), .userAction(kind: "fix_configuration")]
        for policy in policies {
            let rule = StatusRule(match: .exact(500), category: "server", meaning: "m", action: "a", retry: policy)
            let text = CatalogueEncoder.text(Catalogue(name: "t", statusRules: [rule]))
            let back = CatalogueDecoder.read(text: text, file: "t", origin: .memory)
            #expect(back.problems.isEmpty, "\(back.problems)")
            #expect(back.catalogue?.statusRules.first?.retry == policy)
        }
    }
}
