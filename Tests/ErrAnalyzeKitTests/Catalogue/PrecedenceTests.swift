import Testing
@testable import ErrAnalyzeKit

/// How catalogues combine: selection, precedence between built-ins, user files over
/// built-ins, status rules, unknown codes and status drift.
@Suite("Catalogue precedence and classification")
struct PrecedenceTests {
    static func entry(_ code: String, _ statuses: [Int], meaning: String, retry: RetryPolicy = .never, category: String = "validation") -> String {
        """
        {"code": "\(code)", "statuses": \(statuses), "category": "\(category)", "meaning": "\(meaning)", "action": "a", "retry": "\(retry.name)"}
        """
    }

    @Test("no selection means every built-in, in the documented order")
    func defaultSelection() throws {
        let names = try CatalogueLoader.load(selection: []).map(\.name)
        #expect(names == ["http", "opsmerge", "crm-connect", "marketing", "extraction"])
        #expect(names == BuiltinCatalogues.order)
        #expect(try CatalogueLoader.load(selection: ["all"]).map(\.name) == names)
    }

    @Test("the codes both 002 and 004 define resolve to opsmerge by default")
    func builtinConflicts() throws {
        let classifier = Classifier()
        let shared = classifier.catalogueSet.sharedCodes
        #expect(shared == ["FORBIDDEN", "INTERNAL_ERROR", "INVALID_INPUT", "PROVIDER_ERROR", "PROVIDER_UNAVAILABLE"])
        for code in shared {
            #expect(classifier.catalogueSet.definitions(of: code).map(\.catalogue.name) == ["opsmerge", "crm-connect"])
            #expect(classifier.classify(ClassificationInput(status: 500, code: code, method: "GET")).catalogue == "opsmerge")
        }
        let c = classifier.classify(ClassificationInput(status: 503, code: "INTERNAL_ERROR", method: "GET"))
        #expect(c.documentedStatuses == [500, 503]) // opsmerge's, not crm-connect's [500]
        #expect(!c.isStatusDrift(status: 503))
    }

    @Test("built-ins given explicitly keep the order given; http is still appended as the floor")
    func explicitOrder() throws {
        let catalogues = try CatalogueLoader.load(selection: ["crm-connect", "opsmerge"])
        #expect(catalogues.map(\.name) == ["crm-connect", "opsmerge", "http"])
        let classifier = Classifier(catalogues: catalogues)
        let c = classifier.classify(ClassificationInput(status: 403, code: "FORBIDDEN", method: "GET"))
        #expect(c.catalogue == "crm-connect")
        #expect(c.meaning == "Insufficient permissions")
        #expect(try CatalogueLoader.load(selection: ["marketing", "marketing"]).map(\.name) == ["marketing", "http"])
        #expect(try CatalogueLoader.load(selection: ["marketing"], includeFloor: false).map(\.name) == ["marketing"])
    }

    @Test("a user's file overrides the built-ins, wherever it appears in the selection")
    func userFileFirst() throws {
        let path = try CatalogueFixtures.temporaryFile(CatalogueFixtures.catalogueJSON(codes: [
            Self.entry("FORBIDDEN", [403], meaning: "ours"),
            Self.entry("forbidden", [403], meaning: "ours, lower case"),
        ]))
        let catalogues = try CatalogueLoader.load(selection: ["all", path])
        #expect(catalogues.map(\.name) == ["mine", "http", "opsmerge", "crm-connect", "marketing", "extraction"])
        #expect(catalogues[0].origin == .file(path))
        let classifier = Classifier(catalogues: catalogues)
        #expect(classifier.classify(ClassificationInput(status: 403, code: "FORBIDDEN", method: "GET")).meaning == "ours")
        #expect(classifier.classify(ClassificationInput(status: 403, code: "forbidden", method: "GET")).meaning == "ours, lower case")
        // Codes the file does not define still come from the built-ins.
        #expect(classifier.classify(ClassificationInput(status: 503, code: "CIRCUIT_OPEN", method: "GET")).catalogue == "crm-connect")
    }

    @Test("a file named like a built-in replaces it")
    func fileReplacesBuiltinOfSameName() throws {
        let path = try CatalogueFixtures.temporaryFile(CatalogueFixtures.catalogueJSON(name: "opsmerge", codes: [
            Self.entry("AUTH_REQUIRED", [401], meaning: "edited"),
        ]))
        let catalogues = try CatalogueLoader.load(selection: [path, "all"])
        #expect(catalogues.map(\.name) == ["opsmerge", "http", "crm-connect", "marketing", "extraction"])
        #expect(catalogues[0].entries.count == 1)
        let classifier = Classifier(catalogues: catalogues)
        #expect(!classifier.classify(ClassificationInput(status: 400, code: "BAD_JSON", method: "GET")).knownCode)
    }

    @Test("selection errors are clear: unknown names, missing files, invalid files, duplicate names")
    func selectionErrors() throws {
        #expect(throws: CatalogueError.unknownSelection("opsmerg", builtins: BuiltinCatalogues.order)) {
            try CatalogueLoader.load(selection: ["opsmerg"])
        }
        #expect(throws: CatalogueError.unreadable(file: "/nonexistent/x.json", reason: "no such file")) {
            try CatalogueLoader.load(selection: ["/nonexistent/x.json"])
        }
        let bad = try CatalogueFixtures.temporaryFile("{\"schema\": \"erranalyze.catalogue/v1\"}")
        do {
            _ = try CatalogueLoader.load(selection: [bad])
            Issue.record("an invalid file must not load")
        } catch {
            guard case .invalid(let file, let problems) = error else { Issue.record("\(error)"); return }
            #expect(file == bad)
            #expect(problems.contains { $0.message.contains("\"name\"") })
            #expect(error.description.contains(bad))
        }
        let a = try CatalogueFixtures.temporaryFile(CatalogueFixtures.catalogueJSON(name: "same"))
        let b = try CatalogueFixtures.temporaryFile(CatalogueFixtures.catalogueJSON(name: "same"))
        #expect(throws: CatalogueError.duplicateName("same", files: [a, b])) {
            try CatalogueLoader.load(selection: [a, b])
        }
        // The same file twice is not a conflict.
        #expect(try CatalogueLoader.load(selection: [a, a]).map(\.name) == ["same", "http"])
    }

    @Test("codes are case-sensitive, as emitted")
    func caseSensitive() {
        let classifier = Classifier()
        #expect(classifier.classify(ClassificationInput(status: 403, code: "forbidden", method: "GET")).catalogue == "marketing")
        #expect(classifier.classify(ClassificationInput(status: 403, code: "FORBIDDEN", method: "GET")).catalogue == "opsmerge")
        let mixed = classifier.classify(ClassificationInput(status: 403, code: "Forbidden", method: "GET"))
        #expect(!mixed.knownCode)
    }

    @Test("an unknown code is classified by the status rules and reported as unknown")
    func unknownCode() {
        let classifier = Classifier(catalogues: [try! CatalogueFixtures.builtin("http")])
        let c = classifier.classify(ClassificationInput(status: 503, code: "NOT_IN_ANY_CATALOGUE", method: "GET"))
        #expect(!c.knownCode)
        #expect(c.category == "unavailable")
        #expect(c.retriable)
        #expect(c.statusRule == "503")
        #expect(c.documentedStatuses.isEmpty)
        #expect(!c.isStatusDrift(status: 503))
        // No code, and the log's placeholders for "no code", behave the same.
        for code in [nil, "", "-"] as [String?] {
            #expect(classifier.classify(ClassificationInput(status: 503, code: code, method: "GET")) == c)
        }
    }

    @Test("a known code with an undocumented status keeps its entry and shows status drift")
    func statusDrift() {
        let classifier = Classifier()
        let c = classifier.classify(ClassificationInput(status: 500, code: "CIRCUIT_OPEN", method: "GET"))
        #expect(c.knownCode)
        #expect(c.catalogue == "crm-connect")
        #expect(c.retryPolicy == .retryAfter)
        #expect(c.documentedStatuses == [503])
        #expect(c.isStatusDrift(status: 500))
        #expect(!c.isStatusDrift(status: 503))
    }

    @Test("status rules: the first catalogue with a covering rule wins; in a catalogue, exact beats class")
    func statusRulePrecedence() throws {
        let path = try CatalogueFixtures.temporaryFile(CatalogueFixtures.catalogueJSON(rules: [
            #"{"status": "5xx", "category": "server", "meaning": "ours", "action": "a", "retry": "never"}"#,
            #"{"status": 502, "category": "provider", "meaning": "ours exact", "action": "a", "retry": "backoff"}"#,
        ]))
        let classifier = Classifier(catalogues: try CatalogueLoader.load(selection: [path, "all"]))
        let c503 = classifier.classify(ClassificationInput(status: 503, code: nil, method: "GET"))
        #expect(c503.meaning == "ours") // the user's class beats every built-in's exact rule
        #expect(!c503.retriable)
        #expect(c503.statusRule == "5xx")
        #expect(classifier.classify(ClassificationInput(status: 502, code: nil, method: "GET")).meaning == "ours exact")
        // Statuses the file does not cover fall through to the built-ins.
        let c408 = classifier.classify(ClassificationInput(status: 408, code: nil, method: "GET"))
        #expect(c408.catalogue == "http")
        #expect(c408.retriable)

    }

    @Test("by default a response without a known code gets generic HTTP semantics")
    func defaultStatusRules() {
        let defaults = Classifier()
        for status in [200, 301, 400, 408, 423, 429, 500, 501, 503, 504] {
            #expect(defaults.classify(ClassificationInput(status: status, code: nil, method: "POST")).catalogue == "http", "\(status)")
        }
        #expect(defaults.classify(ClassificationInput(status: 408, code: nil, method: "POST")).retriable)
        #expect(defaults.classify(ClassificationInput(status: 429, code: nil, method: "POST")).retryPolicy == .retryAfter)
        #expect(defaults.classify(ClassificationInput(status: 503, code: nil, method: "POST")).retriable)
        #expect(!defaults.classify(ClassificationInput(status: 501, code: nil, method: "GET")).retriable)
        // Generic semantics: only idempotent requests retry a 500 or 504 automatically.
        #expect(defaults.classify(ClassificationInput(status: 500, code: nil, method: "PUT")).retriable)
        #expect(!defaults.classify(ClassificationInput(status: 504, code: nil, method: "POST")).retriable)
        #expect(defaults.classify(ClassificationInput(status: 504, code: nil, method: "POST", idempotencyKeySent: true)).retriable)
    }

    @Test("selecting an API catalogue applies its own status rules before the http floor")
    func explicitStatusRules() throws {
        let marketing = try Classifier(selection: ["marketing"])
        #expect(marketing.catalogueSet.catalogues.map(\.name) == ["marketing", "http"])
        // Seed 003: "do not retry on 4xx", and PUT is a mutation needing an Idempotency-Key.
        let c408 = marketing.classify(ClassificationInput(status: 408, code: nil, method: "GET"))
        #expect(c408.catalogue == "marketing" && !c408.retriable)
        #expect(!marketing.classify(ClassificationInput(status: 504, code: nil, method: "PUT")).retriable)
        // Classes the catalogue has no rule for fall to the floor.
        #expect(marketing.classify(ClassificationInput(status: 301, code: nil, method: "GET")).catalogue == "http")

        let opsmerge = try Classifier(selection: ["opsmerge"])
        let c503 = opsmerge.classify(ClassificationInput(status: 503, code: nil, method: "POST"))
        #expect(c503.catalogue == "opsmerge" && c503.statusRule == "5xx" && c503.retriable)
        let c501 = opsmerge.classify(ClassificationInput(status: 501, code: nil, method: "GET"))
        #expect(c501.statusRule == "501" && !c501.retriable) // exact beats the catalogue's own 5xx
    }

    @Test("without any catalogue, bare status classes still classify every response")
    func lastResort() {
        let classifier = Classifier(catalogues: [])
        #expect(classifier.classify(ClassificationInput(status: 404, code: nil, method: "GET")).retriable == false)
        #expect(classifier.classify(ClassificationInput(status: 503, code: nil, method: "GET")).retriable == true)
        #expect(classifier.classify(ClassificationInput(status: 200, code: nil, method: "GET")).category == "success")
        #expect(classifier.classify(ClassificationInput(status: 700, code: nil, method: "GET")).category == "unknown")
    }

    @Test("a catalogue change applies to the same stored dimensions: classification is a pure function of them")
    func reclassification() throws {
        let input = ClassificationInput(status: 409, code: "VERSION_CONFLICT", method: "PUT")
        #expect(!Classifier().classify(input).retriable)
        let path = try CatalogueFixtures.temporaryFile(CatalogueFixtures.catalogueJSON(codes: [
            Self.entry("VERSION_CONFLICT", [409], meaning: "retry it", retry: .backoff, category: "conflict"),
        ]))
        #expect(try Classifier(selection: [path, "all"]).classify(input).retriable)
    }
}
