import Testing
@testable import ErrAnalyzeKit

/// `validate` must report every problem, each with file, line and column, entry and field.
@Suite("Catalogue validation")
struct ValidationTests {
    static func read(_ text: String) -> CatalogueReadResult {
        CatalogueDecoder.read(text: text, file: "my.json", origin: .memory)
    }

    @Test("the built-in files are valid without a single warning")
    func builtinsAreClean() throws {
        let directory = CatalogueFixtures.builtinSources
        for name in BuiltinCatalogues.order {
            let result = CatalogueLoader.read(path: directory.appendingPathComponent(name + ".json").path)
            #expect(result.problems.isEmpty, "\(name): \(result.problems.map(\.description))")
        }
    }

    @Test("bad JSON is reported with its line and column")
    func badJSON() {
        let result = Self.read("""
        {
          "schema": "erranalyze.catalogue/v1",
          "name": "x"
          "codes": []
        }
        """)
        #expect(result.catalogue == nil)
        #expect(result.problems.count == 1)
        let problem = result.problems[0]
        #expect(problem.severity == .error)
        #expect(problem.position == TextPosition(line: 4, column: 3))
        #expect(problem.message.contains("expected ',' or '}'"))
        #expect(problem.description.hasPrefix("my.json:4:3: error: not valid JSON"))
    }

    @Test("every problem of a file is reported at once, each with entry and field")
    func everyProblem() {
        let text = """
        {
          "schema": "erranalyze.catalogue/v1",
          "name": "mine",
          "codes": [
            {"code": "A", "statuses": [400], "category": "validation", "meaning": "m", "action": "a", "retry": "sometimes"},
            {"code": "B", "statuses": [400, 600], "category": "validation", "meaning": "m", "action": "a", "retry": "never"},
            {"code": "A", "statuses": [400], "category": "validation", "meaning": "m", "action": "a", "retry": "never"},
            {"code": "C", "statuses": [400], "category": "validation", "action": "a", "retry": "never"},
            {"code": "D", "statuses": 404, "category": "not_found", "meaning": "m", "action": "a", "retry": {"policy": "user_action"}},
            {"code": "E", "statuses": [429], "category": "rate_limt", "meaning": "m", "action": "a", "retry": "retry_after", "retyr": 1}
          ],
          "status_rules": [
            {"status": "6xx", "category": "server", "meaning": "m", "action": "a", "retry": "backoff"},
            {"status": 503, "category": "unavailable", "meaning": "m", "action": "a", "retry": {"policy": "if_idempotent", "then": "later"}},
            {"status": "503", "category": "unavailable", "meaning": "m", "action": "a", "retry": "backoff"}
          ]
        }
        """
        let result = Self.read(text)
        #expect(result.catalogue == nil)
        func find(_ path: String, _ fragment: String) -> CatalogueProblem? {
            result.problems.first { $0.path == path && $0.message.contains(fragment) }
        }
        let expected: [(String, String, CatalogueProblem.Severity, Int)] = [
            ("codes[0] (A).retry", "unknown retry policy \"sometimes\"", .error, 5),
            ("codes[1] (B).statuses[1]", "status 600 is out of range", .error, 6),
            ("codes[2] (A).code", "duplicate code \"A\" (first defined in codes[0] at line 5)", .error, 7),
            ("codes[3] (C)", "missing required field \"meaning\"", .error, 8),
            ("codes[4] (D).statuses", "must be an array of HTTP statuses such as [404]", .error, 9),
            ("codes[4] (D).retry", "user_action needs a \"kind\"", .error, 9),
            ("codes[5] (E).category", "did you mean \"rate_limit\"?", .warning, 10),
            ("codes[5] (E).retyr", "unknown field \"retyr\"", .warning, 10),
            ("status_rules[0] (6xx).status", "\"6xx\" is not a status", .error, 13),
            ("status_rules[1] (503).retry.then", "must be \"backoff\" or \"retry_after\"", .error, 14),
            ("status_rules[2] (503).status", "duplicate status rule 503", .error, 15),
        ]
        for (path, fragment, severity, line) in expected {
            let problem = find(path, fragment)
            #expect(problem != nil, "expected \(severity) at \(path): \(fragment); got \(result.problems.map(\.description))")
            #expect(problem?.severity == severity, "\(path)")
            #expect(problem?.position?.line == line, "\(path)")
            #expect(problem?.file == "my.json")
        }
        #expect(result.problems.count == expected.count, "\(result.problems.map(\.description))")
    }

    @Test("the top level is checked too: schema, name, field types, duplicate keys")
    func topLevel() {
        let result = Self.read("""
        {"schema": "erranalyze.catalogue/v2", "name": "Bad Name", "codes": {}, "idempotent_methods": ["get"], "name": "again"}
        """)
        let messages = result.problems.map(\.message)
        #expect(messages.contains { $0.contains("schema \"erranalyze.catalogue/v2\" is not supported") })
        #expect(messages.contains { $0.contains("\"Bad Name\" is not a valid name") })
        #expect(messages.contains { $0.contains("must be an array of code entries, not an object") })
        #expect(messages.contains { $0.contains("\"get\" is not an upper-case method name") })
        #expect(messages.contains { $0.contains("duplicate field \"name\"") })
        #expect(Self.read("[]").problems.first?.message.contains("must be a JSON object, not an array") == true)
        #expect(Self.read("").problems.first?.message.contains("empty") == true)
        #expect(Self.read("{}").problems.filter { $0.severity == .error }.count == 2) // schema, name
    }

    @Test("a valid file with only warnings still loads")
    func warningsDoNotBlock() {
        let result = Self.read(CatalogueFixtures.catalogueJSON(codes: [
            #"{"code": "X", "statuses": [], "category": "custom", "meaning": "m", "action": "", "retry": {"policy": "user_action", "kind": "call_mum"}}"#,
        ]))
        #expect(result.errors.isEmpty)
        #expect(result.warnings.count == 4, "\(result.warnings.map(\.description))") // statuses, category, action, kind
        #expect(result.catalogue?.entries.first?.retry == .userAction(kind: "call_mum"))
    }

    @Test("codes may not contain whitespace; case variants are distinct codes")
    func codeSyntax() {
        let result = Self.read(CatalogueFixtures.catalogueJSON(codes: [
            #"{"code": "A B", "statuses": [400], "category": "validation", "meaning": "m", "action": "a", "retry": "never"}"#,
            #"{"code": "forbidden", "statuses": [403], "category": "authorization", "meaning": "m", "action": "a", "retry": "never"}"#,
            #"{"code": "FORBIDDEN", "statuses": [403], "category": "authorization", "meaning": "m", "action": "a", "retry": "never"}"#,
        ]))
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.path == "codes[0] (A B).code")
    }

    @Test("inferred takes true or a list of fields")
    func inferred() {
        let result = Self.read(CatalogueFixtures.catalogueJSON(codes: [
            #"{"code": "A", "statuses": [400], "category": "validation", "meaning": "m", "action": "a", "retry": "never", "inferred": true}"#,
            #"{"code": "B", "statuses": [400], "category": "validation", "meaning": "m", "action": "a", "retry": "never", "inferred": ["statuses"]}"#,
            #"{"code": "C", "statuses": [400], "category": "validation", "meaning": "m", "action": "a", "retry": "never", "inferred": "yes"}"#,
        ]))
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.path == "codes[2] (C).inferred")
    }

    @Test("encoding then decoding a catalogue gives it back unchanged")
    func roundTrip() throws {
        for name in BuiltinCatalogues.order {
            let original = try CatalogueFixtures.builtin(name)
            let text = CatalogueEncoder.text(original)
            let back = try #require(CatalogueDecoder.read(text: text, file: name, origin: .builtin).catalogue)
            #expect(back == original, "\(name)")
        }
    }

    @Test("the built-in files are in the canonical layout (catalogue format would not change them)")
    func canonicalLayout() throws {
        let directory = CatalogueFixtures.builtinSources
        for name in BuiltinCatalogues.order {
            let path = directory.appendingPathComponent(name + ".json").path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(CatalogueEncoder.text(try CatalogueFixtures.builtin(name)) == text, "\(name): run erranalyze catalogue format --write")
        }
    }
}
