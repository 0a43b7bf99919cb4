import Foundation
import Testing
@testable import ErrAnalyzeKit

/// The Agents API of Tests/OpenAPI, written out as the contract its readers produce.
let agentsContract: APIContract = {
    let unauthorized = DocumentedErrorCode(code: "INVALID_API_KEY", statuses: [401])
    let notFound = DocumentedErrorCode(code: "AGENT_NOT_FOUND", statuses: [404])
    let badRequest = [DocumentedErrorCode(code: "INVALID_COMMAND", statuses: [400]), DocumentedErrorCode(code: "MISSING_FIELD", statuses: [400])]
    return APIContract(title: "Agents API", version: "1.4", specVersion: "3.1.0", operations: [
        ContractOperation(method: "GET", route: "/v1/agents", responses: DeclaredResponses(statuses: [200, 401]), errorCodes: [unauthorized]),
        ContractOperation(method: "POST", route: "/v1/agents", responses: DeclaredResponses(statuses: [201, 400, 401]),
                          errorCodes: badRequest + [unauthorized]),
        ContractOperation(method: "GET", route: "/v1/agents/me", responses: DeclaredResponses(statuses: [200, 401]), errorCodes: [unauthorized]),
        ContractOperation(method: "GET", route: "/v1/agents/{agentId}", responses: DeclaredResponses(statuses: [200, 404], classes: [5]),
                          errorCodes: [notFound]),
        ContractOperation(method: "DELETE", route: "/v1/agents/{agentId}", responses: DeclaredResponses(statuses: [204], hasDefault: true)),
        ContractOperation(method: "POST", route: "/v1/agents/{agentId}/commands", responses: DeclaredResponses(statuses: [202, 400, 404]),
                          errorCodes: badRequest + [notFound]),
        ContractOperation(method: "GET", route: "/v1/files/{name}.pdf", responses: DeclaredResponses(statuses: [200])),
    ])
}()

@Suite struct ContractRouteTests {
    func template(_ path: String, _ templater: RouteTemplater) -> String {
        var output: [UInt8] = []
        var bytes = Array(path.utf8)
        bytes.withUnsafeMutableBytes { templater.template(UnsafeRawBufferPointer($0), into: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    @Test func documentedPathsNameTheRoutes() throws {
        let templater = try RouteTemplater(rules: [], contract: agentsContract)
        #expect(template("/v1/agents/6f1c2a9e-8b3d-4c1e-9f5a-2d7b8c9e0a1f/commands?dry=1", templater) == "/v1/agents/{agentId}/commands")
        #expect(template("/v1/agents/alice", templater) == "/v1/agents/{agentId}")
        // Concrete paths win over templated ones, whatever the document's order.
        #expect(template("/v1/agents/me/", templater) == "/v1/agents/me")
        #expect(template("/v1//files/report-2026.pdf", templater) == "/v1/files/{name}.pdf")
        #expect(template("https://api.example.com/v1/agents", templater) == "/v1/agents")
        // Not documented: the heuristics, as without a document.
        #expect(template("/v1/agents/42/metrics", templater) == "/v1/agents/{id}/metrics")
        #expect(template("/v1/files/report.txt", templater) == "/v1/files/report.txt")
        #expect(template("/agents/42", templater) == "/agents/{id}")
    }

    @Test func userRulesComeFirst() throws {
        let templater = try RouteTemplater(rules: ["/v1/agents/*/commands"], contract: agentsContract)
        #expect(template("/v1/agents/7/commands", templater) == "/v1/agents/*/commands")
        #expect(template("/v1/agents/7", templater) == "/v1/agents/{agentId}")
    }

    @Test func storedRoutesMapOntoDocumentedOnes() {
        let routes = ContractRoutes(agentsContract)
        #expect(routes.documentedRoute(for: "/v1/agents/{uuid}/commands") == "/v1/agents/{agentId}/commands")
        #expect(routes.documentedRoute(for: "/v1/agents/{agentId}") == "/v1/agents/{agentId}")
        #expect(routes.documentedRoute(for: "/v1/agents/me") == "/v1/agents/me")
        #expect(routes.documentedRoute(for: "/v1/files/{id}.pdf") == "/v1/files/{name}.pdf")
        #expect(routes.documentedRoute(for: "/v1/agents/{id}/metrics") == nil)
        #expect(routes.operation(method: "post", route: "/v1/agents") != nil)
        #expect(routes.operation(method: "PUT", route: "/v1/agents") == nil)
        #expect(routes.operation(method: "", route: "/v1/agents")?.method == "GET")
    }
}

@Suite struct ContractCheckTests {
    /// 6 accepted commands, 3 answered 409 (not declared), 2 with a 400 code the operation
    /// does not list, 1 with a listed one; 4 requests on an undocumented path; 2 PUTs on a
    /// documented path without PUT; a 503 covered by 5XX and a 418 covered by default.
    static let requests: [TestRequest] = {
        var r: [TestRequest] = []
        let agent = "6f1c2a9e-8b3d-4c1e-9f5a-2d7b8c9e0a1f"
        r += repeated(6, start: reportDay) { TestRequest(time: $0, method: "POST", path: "/v1/agents/\(agent)/commands", status: 202) }
        r += repeated(3, start: reportDay) { TestRequest(time: $0, method: "POST", path: "/v1/agents/\(agent)/commands", status: 409, code: "BUSY") }
        r += repeated(2, start: reportDay) { TestRequest(time: $0, method: "POST", path: "/v1/agents/\(agent)/commands", status: 400, code: "UNKNOWN_VERB") }
        r.append(TestRequest(time: reportDay, method: "POST", path: "/v1/agents/\(agent)/commands", status: 400, code: "MISSING_FIELD"))
        r += repeated(4, start: reportDay) { TestRequest(time: $0, method: "GET", path: "/v1/agents/\(agent)/metrics", status: $0 == reportDay ? 500 : 200) }
        r += repeated(2, start: reportDay) { TestRequest(time: $0, method: "PUT", path: "/v1/agents", status: 405) }
        r.append(TestRequest(time: reportDay, method: "GET", path: "/v1/agents/42", status: 503))
        r.append(TestRequest(time: reportDay, method: "DELETE", path: "/v1/agents/42", status: 418, code: "TEAPOT"))
        return r
    }()

    @Test func reportsExactlyWhatTheDocumentLeavesOut() throws {
        var options = ReportOptions()
        options.contract = agentsContract
        let report = try buildReport(Self.requests, options)
        let findings = try #require(report.contract)
        #expect(findings.undocumentedResponses.map { "\($0.method) \($0.route) \($0.status) \($0.code ?? "-") \($0.codes) \($0.kind) \($0.count)" } == [
            "POST /v1/agents/{agentId}/commands 409 - [\"BUSY\"] status 3",
            "POST /v1/agents/{agentId}/commands 400 UNKNOWN_VERB [\"UNKNOWN_VERB\"] code 2",
        ])
        #expect(findings.undocumentedResponses[0].documented == ["202", "400", "404"])
        #expect(findings.undocumentedResponses[1].documented == ["INVALID_COMMAND", "MISSING_FIELD", "AGENT_NOT_FOUND"])
        #expect(findings.undocumentedRoutes.map { "\($0.method) \($0.route) \($0.requests) \($0.errors) \($0.pathDocumented)" } == [
            "GET /v1/agents/{uuid}/metrics 4 1 false",
            "PUT /v1/agents 2 2 true",
        ])
        #expect(findings.undocumentedResponseCount == 5)
        #expect(findings.undocumentedRouteRequests == 6)
        #expect(findings.checkedRequests == Int64(Self.requests.count - 6))
        #expect(findings.operations == 7)
    }

    /// An undocumented status is one row whatever codes came with it.
    @Test func oneRowPerUndocumentedStatus() throws {
        var options = ReportOptions()
        options.contract = agentsContract
        let agent = "/v1/agents/6f1c2a9e-8b3d-4c1e-9f5a-2d7b8c9e0a1f/commands"
        var requests = repeated(2, start: reportDay) { TestRequest(time: $0, method: "POST", path: agent, status: 409, code: "BUSY") }
        requests += repeated(3, start: reportDay) { TestRequest(time: $0, method: "POST", path: agent, status: 409, code: "LOCKED") }
        requests.append(TestRequest(time: reportDay, method: "POST", path: agent, status: 409))
        let findings = try #require(try buildReport(requests, options).contract)
        #expect(findings.undocumentedResponses.map { "\($0.status) \($0.codes) \($0.count)" } == ["409 [\"BUSY\", \"LOCKED\"] 6"])
    }

    @Test func failIfMetrics() throws {
        var options = ReportOptions()
        options.contract = agentsContract
        options.thresholds = [try Threshold.parse("undocumented_responses>0"), try Threshold.parse("undocumented_routes>=7")]
        let report = try buildReport(Self.requests, options)
        #expect(report.thresholds.map(\.crossed) == [true, false])
        #expect(report.thresholds.map(\.value) == [5, 6])
        // Without a document there is nothing to measure: 0.
        let plain = try buildReport(Self.requests, ReportOptions(thresholds: [try Threshold.parse("undocumented_responses>0")]))
        #expect(plain.contract == nil && plain.thresholds[0].value == 0)
    }

    @Test func filtersApply() throws {
        var options = ReportOptions(filter: TrafficFilter(statuses: [TrafficFilter.StatusRange(400, 499)]))
        options.contract = agentsContract
        let findings = try #require(try buildReport(Self.requests, options).contract)
        #expect(findings.undocumentedResponseCount == 5)
        #expect(findings.undocumentedRoutes.map(\.requests) == [2])
    }

    @Test func everyFormatShowsTheFindings() throws {
        var options = ReportOptions()
        options.contract = agentsContract
        let report = try buildReport(Self.requests, options)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReportRenderer().render(report).utf8)) as? [String: Any])
        let responses = try #require(json["undocumented_responses"] as? [[String: Any]])
        #expect(responses.count == 2 && responses[0]["status"] as? Int == 409 && responses[0]["count"] as? Int == 3)
        #expect(responses[0]["code"] is NSNull && responses[0]["codes"] as? [String] == ["BUSY"])
        #expect(responses[0]["route"] as? String == "/v1/agents/{agentId}/commands" && responses[0]["kind"] as? String == "status")
        #expect((json["undocumented_routes"] as? [[String: Any]])?.count == 2)
        #expect((json["openapi"] as? [String: Any])?["undocumented_responses"] as? Int == 5)

        let text = TextReportRenderer().render(report)
        #expect(text.contains("Undocumented responses (not in the OpenAPI document)"))
        #expect(text.contains("OpenAPI: Agents API 1.4 (OpenAPI 3.1.0, 7 operations)"))
        #expect(text.contains("/v1/agents/{agentId}/commands"))
        #expect(MarkdownReportRenderer().render(report).contains("## Undocumented routes (not in the OpenAPI document)"))
        #expect(HTMLReportRenderer().render(report).contains("<section id=\"undocumented_responses\">"))
        let csv = try CSVReportRenderer(section: "undocumented_responses").render(report)
        #expect(csv.hasPrefix("method,route,status,code,count,kind,documented\r\n"))
        #expect(csv.contains("POST,/v1/agents/{agentId}/commands,409,BUSY,3,status,202 400 404"))
        let prometheus = PrometheusReportRenderer().render(report)
        #expect(prometheus.contains(#"erranalyze_undocumented_responses{method="POST",route="/v1/agents/{agentId}/commands",status="409",code="",kind="status"} 3"#))

        // Without a document, reports are as before: no key, no section.
        let plain = try buildReport(Self.requests)
        #expect(!JSONReportRenderer().render(plain).contains("undocumented"))
        #expect(!TextReportRenderer().render(plain).contains("OpenAPI"))
    }
}

@Suite struct ContractCatalogueImportTests {
    @Test func documentedCodesBecomeEntries() {
        var contract = agentsContract
        contract.operations[0].errorCodes[0].description = "No valid API key"
        let result = ContractCatalogueImporter.importCatalogue(contract: contract, name: "agents", source: "agents.yaml")
        let entries = result.catalogue.entries
        #expect(entries.map(\.code) == ["INVALID_COMMAND", "MISSING_FIELD", "INVALID_API_KEY", "AGENT_NOT_FOUND"])
        #expect(entries.map(\.statuses) == [[400], [400], [401], [404]])
        #expect(entries[2].meaning == "No valid API key" && !entries[2].inferredFields.contains("meaning"))
        #expect(entries[0].inferredFields.contains("meaning") && entries[0].inferredFields.contains("category"))
        #expect(result.catalogue.title == "Agents API 1.4")
        #expect(result.notes.contains("no description for AGENT_NOT_FOUND"))
        // What it writes loads back as a valid catalogue.
        let text = CatalogueEncoder.text(result.catalogue)
        #expect(CatalogueDecoder.read(text: text, file: "agents.json", origin: .memory).errors.isEmpty)
    }
}

@Suite struct ContractConfigTests {
    @Test func openapiKey() {
        let result = ConfigReader.read(text: "openapi = \"/etc/erranalyze/openapi.yaml\"\n", file: "c.toml")
        #expect(result.configuration?.openapi == "/etc/erranalyze/openapi.yaml")
        #expect(result.configuration?.tomlText().contains("openapi = \"/etc/erranalyze/openapi.yaml\"") == true)
        let wrong = ConfigReader.read(text: "openapi = 3\n", file: "c.toml")
        #expect(wrong.configuration == nil && wrong.problems.first?.description.contains("openapi") == true)
    }
}
