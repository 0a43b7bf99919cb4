import Foundation
import Testing

/// `--openapi` end to end: an API whose document (Tests/OpenAPI/agents-*) leaves out 409 on
/// one operation and the whole /agents/{agentId}/metrics path.
@Suite struct OpenAPITests {
    static let documents = Harness.packageRoot.appendingPathComponent("Tests/OpenAPI")
    static func document(_ name: String) -> String { documents.appendingPathComponent(name).path }
    static let fields = ["--json-fields", "time=time,method=method,path=path,status=status,code=code"]

    struct Line {
        var method: String
        var path: String
        var status: Int
        var code: String?
    }

    /// The traffic, as its own list: the expected counts are counted from it.
    static let lines: [Line] = {
        let agent = "6f1c2a9e-8b3d-4c1e-9f5a-2d7b8c9e0a1f"
        var lines: [Line] = []
        func add(_ n: Int, _ line: Line) { lines += Array(repeating: line, count: n) }
        add(6, Line(method: "POST", path: "/v1/agents/\(agent)/commands", status: 202))
        add(3, Line(method: "POST", path: "/v1/agents/\(agent)/commands?verb=reboot", status: 409, code: "BUSY"))
        add(2, Line(method: "POST", path: "/v1/agents/\(agent)/commands", status: 400, code: "UNKNOWN_VERB"))
        add(1, Line(method: "POST", path: "/v1/agents/\(agent)/commands", status: 400, code: "MISSING_FIELD"))
        add(4, Line(method: "GET", path: "/v1/agents/\(agent)/metrics", status: 200))
        add(1, Line(method: "GET", path: "/v1/agents/\(agent)/metrics", status: 502))
        add(2, Line(method: "GET", path: "/v1/agents/me", status: 200))
        add(1, Line(method: "GET", path: "/v1/agents/alice", status: 200))
        add(1, Line(method: "GET", path: "/v1/agents/42", status: 503))
        add(1, Line(method: "DELETE", path: "/v1/agents/42", status: 418, code: "TEAPOT"))
        add(2, Line(method: "GET", path: "/v1/files/report-2026.pdf", status: 200))
        add(2, Line(method: "GET", path: "/v1/agents", status: 401, code: "INVALID_API_KEY"))
        return lines
    }()

    static func writeLog(_ h: Harness) throws -> String {
        var text = ""
        for (index, line) in lines.enumerated() {
            let code = line.code.map { "\"\($0)\"" } ?? "null"
            text += #"{"time":"2026-11-20T10:\#(String(format: "%02d", index % 60)):00Z","method":"\#(line.method)","path":"\#(line.path)","status":\#(line.status),"code":\#(code)}"# + "\n"
        }
        let path = h.path("api.jsonl")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Ingests the log with `document` into its own database and returns the JSON report.
    static func report(_ h: Harness, document name: String, extra: [String] = []) throws -> (String, [String: Any]) {
        let db = h.path("\(name).sqlite")
        let ingest = try h.run(["ingest", "--db", db, "--openapi", document(name)] + fields + [try writeLog(h)])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let result = try h.run(["report", "--db", db, "--format", "json", "--openapi", document(name)] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        return (result.stdout, json)
    }

    static func count(_ predicate: (Line) -> Bool) -> Int { lines.filter(predicate).count }

    @Test func namesExactlyWhatTheDocumentLeavesOut() throws {
        let h = try Harness()
        let (_, json) = try Self.report(h, document: "agents-3.1.yaml")
        let responses = json.array("undocumented_responses")
        let commands = "/v1/agents/{agentId}/commands"
        #expect(responses.map { "\($0["method"]!) \($0["route"]!) \($0["status"]!) \($0["kind"]!)" } == [
            "POST \(commands) 409 status", "POST \(commands) 400 code",
        ])
        #expect(responses.first?["count"] as? Int == Self.count { $0.status == 409 })
        #expect(responses.first?["codes"] as? [String] == ["BUSY"])
        #expect(responses.last?["code"] as? String == "UNKNOWN_VERB")
        #expect(responses.last?["count"] as? Int == Self.count { $0.code == "UNKNOWN_VERB" })
        let routes = json.array("undocumented_routes")
        #expect(routes.map { "\($0["method"]!) \($0["route"]!)" } == ["GET /v1/agents/{uuid}/metrics"])
        #expect(routes.first?["requests"] as? Int == Self.count { $0.path.hasSuffix("/metrics") })
        #expect(routes.first?["errors"] as? Int == Self.count { $0.path.hasSuffix("/metrics") && $0.status >= 400 })
        let summary = json["openapi"] as? [String: Any] ?? [:]
        #expect(summary["checked_requests"] as? Int == Self.count { !$0.path.hasSuffix("/metrics") })
        #expect(summary["operations"] as? Int == 7)
    }

    @Test func routesCarryTheDocumentsParameterNames() throws {
        let h = try Harness()
        let (_, json) = try Self.report(h, document: "agents-3.1.yaml", extra: ["--top", "50"])
        // Every route with an error, as stored by ingest --openapi.
        let routes = Set(json.array("routes").map { "\($0["method"]!) \($0["route"]!)" })
        #expect(routes == ["POST /v1/agents/{agentId}/commands", "GET /v1/agents/{agentId}", "DELETE /v1/agents/{agentId}",
                           "GET /v1/agents", "GET /v1/agents/{uuid}/metrics"])
        // And the filter takes the documented route.
        let filtered = try h.run(["report", "--db", h.path("agents-3.1.yaml.sqlite"), "--format", "json", "--route", "/v1/files/{name}.pdf"])
        let object = try JSONSerialization.jsonObject(with: Data(filtered.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(object.int("totals.requests") == Self.count { $0.path.hasSuffix(".pdf") })
    }

    @Test func failIfUndocumentedResponsesExitsThree() throws {
        let h = try Harness()
        _ = try Self.report(h, document: "agents-3.1.yaml")
        let db = h.path("agents-3.1.yaml.sqlite")
        let crossed = try h.run(["report", "--db", db, "--openapi", Self.document("agents-3.1.yaml"), "--fail-if", "undocumented_responses>0"])
        #expect(crossed.status == 3)
        #expect(crossed.stderr.contains("threshold crossed: undocumented_responses>0 (undocumented_responses is 5)"))
        #expect(crossed.stdout.contains("Undocumented responses"))
        let fine = try h.run(["report", "--db", db, "--openapi", Self.document("agents-3.1.yaml"), "--fail-if", "undocumented_routes>5"])
        #expect(fine.status == 0, "\(fine.stderr)")
    }

    @Test func swagger20AndOpenAPI30And31GiveTheSameReport() throws {
        let h = try Harness()
        let (v31, _) = try Self.report(h, document: "agents-3.1.yaml")
        let (v30, _) = try Self.report(h, document: "agents-3.0.json")
        let (v20, _) = try Self.report(h, document: "agents-2.0.yaml")
        func withoutFormat(_ text: String) -> String {
            text.replacingOccurrences(of: #""spec_version": "2.0""#, with: "").replacingOccurrences(of: #""spec_version": "3.1.0""#, with: "")
        }
        #expect(v31.contains(#""spec_version": "3.1.0""#) && v20.contains(#""spec_version": "2.0""#))
        #expect(withoutFormat(v30) == withoutFormat(v31))
        #expect(withoutFormat(v20) == withoutFormat(v31))
        // The text report too, but for the line that names the document's format.
        func text(_ name: String) throws -> String {
            try h.run(["report", "--db", h.path("\(name).sqlite"), "--openapi", Self.document(name), "--color", "never"]).stdout
                .replacingOccurrences(of: "Swagger 2.0", with: "FORMAT").replacingOccurrences(of: "OpenAPI 3.1.0", with: "FORMAT")
        }
        #expect(try text("agents-2.0.yaml") == text("agents-3.1.yaml"))
    }

    @Test func reportOnDataIngestedWithoutTheDocument() throws {
        let h = try Harness()
        #expect(try h.run(["ingest"] + Self.fields + [try Self.writeLog(h)]).status == 0)
        let json = try h.jsonReport(["--openapi", Self.document("agents-3.1.yaml")])
        // The heuristic routes (/v1/agents/{uuid}/commands) map onto the documented ones.
        #expect(json.array("undocumented_responses").map { $0["count"] as? Int } == [3, 2])
        #expect(json.array("undocumented_routes").map { $0["route"] as? String } == ["/v1/agents/{uuid}/metrics"])
    }

    @Test func configFileNamesTheDocument() throws {
        let h = try Harness()
        let config = h.path("config.toml")
        try "openapi = \"\(Self.document("agents-2.0.yaml"))\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try h.run(["ingest", "--config", config] + Self.fields + [try Self.writeLog(h)]).status == 0)
        let result = try h.run(["report", "--config", config, "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(json.array("undocumented_responses").count == 2)
        #expect(try h.run(["config", "show", "--config", config]).stdout.contains("openapi = "))
    }

    @Test func aBrokenDocumentIsAUsageError() throws {
        let h = try Harness()
        let bad = h.path("bad.yaml")
        try "openapi: 3.1.0\npaths: {}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let report = try h.run(["report", "--openapi", bad])
        #expect(report.status == 2)
        #expect(report.stderr.contains("bad.yaml: not a valid OpenAPI 3.1.0 document"))
        let ingest = try h.run(["ingest", "--openapi", h.path("missing.yaml")] + Self.fields + [try Self.writeLog(h)])
        #expect(ingest.status == 2)
        #expect(ingest.stderr.contains("missing.yaml: cannot read: no such file"))
    }

    @Test func catalogueImportFromADocument() throws {
        let h = try Harness()
        let out = h.path("agents.json")
        let result = try h.run(["catalogue", "import", Self.document("agents-3.1.yaml"), "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("imported 4 codes from 7 operations"))
        let catalogue = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any] ?? [:]
        #expect(catalogue["schema"] as? String == "erranalyze.catalogue/v1")
        let codes = (catalogue["codes"] as? [[String: Any]] ?? []).map { "\($0["code"]!) \($0["statuses"]!)" }
        #expect(codes.count == 4)
        #expect(codes.contains { $0.hasPrefix("AGENT_NOT_FOUND") })
        #expect(try h.run(["catalogue", "validate", out]).status == 0)
        // The sample API's document lists 93 codes; the catalogue classifies its logs.
        let sample = try h.run(["catalogue", "import", Harness.sampleLogs.appendingPathComponent("openapi.yaml").path, "--name", "sample"])
        #expect(sample.status == 0, "\(sample.stderr)")
        #expect(sample.stderr.contains("imported 93 codes"))
    }

    /// The sample API's document against its logs: the routes it leaves out are exactly the
    /// health check, the crawlers' files, the scanners' probes of the truth file, and the
    /// agents' metrics its authors forgot.
    @Test func sampleAPIDocument() throws {
        let h = try Harness()
        let log = Harness.sampleLogs.appendingPathComponent("api/app.jsonl").path
        let spec = Harness.sampleLogs.appendingPathComponent("openapi.yaml").path
        #expect(try h.run(["ingest", "--openapi", spec, log]).status == 0)
        let json = try h.jsonReport(["--openapi", spec])
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: Harness.sampleLogs.appendingPathComponent("truth/api-app.jsonl.json"))) as? [String: Any] ?? [:]
        let undocumented: Set<String> = ["/healthz", "/favicon.ico", "/robots.txt", "{scan}", "/v1/agents/{uuid}/metrics"]
        let expected = truth.array("by_route").filter { undocumented.contains($0["route"] as! String) }.reduce(0) { $0 + ($1["requests"] as! Int) }
        #expect(json.array("undocumented_routes").reduce(0) { $0 + ($1["requests"] as! Int) } == expected)
        #expect(json.int("openapi.checked_requests") == json.int("totals.requests")! - expected)
        // Documented names replace the heuristics' placeholders.
        let routes = Set(json.array("routes").map { $0["route"] as! String })
        #expect(routes.contains("/v1/contacts/{contactId}") && !routes.contains("/v1/contacts/{uuid}"))
    }
}
