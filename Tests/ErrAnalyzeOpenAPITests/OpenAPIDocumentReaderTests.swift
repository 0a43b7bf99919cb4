import ErrAnalyzeKit
@testable import ErrAnalyzeOpenAPI
import Foundation
import Testing

/// The Agents API fixture (Tests/OpenAPI) in Swagger 2.0, OpenAPI 3.0 (JSON) and 3.1 (YAML).
enum Fixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("OpenAPI")
    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    static func read(_ name: String) throws -> APIContract { try OpenAPIDocumentReader.read(path: path(name)) }
}

@Suite struct OpenAPIDocumentReaderTests {
    func operation(_ contract: APIContract, _ method: String, _ route: String) -> ContractOperation? {
        contract.operations.first { $0.method == method && $0.route == route }
    }

    @Test func readsOpenAPI31WithServerBasePathAndParameterNames() throws {
        let contract = try Fixture.read("agents-3.1.yaml")
        #expect(contract.title == "Agents API" && contract.version == "1.4" && contract.specVersion == "3.1.0")
        #expect(contract.operations.map { "\($0.method) \($0.route)" } == [
            "GET /v1/agents", "POST /v1/agents", "GET /v1/agents/me", "GET /v1/agents/{agentId}", "DELETE /v1/agents/{agentId}",
            "POST /v1/agents/{agentId}/commands", "GET /v1/files/{name}.pdf",
        ])
        let commands = try #require(operation(contract, "POST", "/v1/agents/{agentId}/commands"))
        #expect(commands.responses.keys == ["202", "400", "404"])
        #expect(commands.responses.declares(404) && !commands.responses.declares(409))
        // Codes from a schema enum reached through components/responses → allOf → $ref, and
        // from a named example of another shared response.
        #expect(commands.errorCodes.map(\.code) == ["INVALID_COMMAND", "MISSING_FIELD", "AGENT_NOT_FOUND"])  // by status, then code
        #expect(commands.errorCodes.map(\.statuses) == [[400], [400], [404]])
        #expect(commands.errorCodes[0].description == "The command is not one the agent knows")
        #expect(commands.errorCodes[2].description == "The agent does not exist")
    }

    @Test func rangesAndDefaultAreDeclarations() throws {
        let contract = try Fixture.read("agents-3.1.yaml")
        let get = try #require(operation(contract, "GET", "/v1/agents/{agentId}"))
        #expect(get.responses.keys == ["200", "404", "5XX"])
        #expect(get.responses.declares(503) && get.responses.declares(599) && !get.responses.declares(429))
        let delete = try #require(operation(contract, "DELETE", "/v1/agents/{agentId}"))
        #expect(delete.responses.keys == ["204", "default"])
        #expect(delete.responses.declares(418) && delete.responses.declares(500))
        // A response example reached through components/responses names the code.
        let list = try #require(operation(contract, "GET", "/v1/agents"))
        #expect(list.errorCodes == [DocumentedErrorCode(code: "INVALID_API_KEY", statuses: [401], description: "Invalid or missing API key")])
    }

    @Test func openAPI30ReadsAsThe31Document() throws {
        var old = try Fixture.read("agents-3.0.json")
        #expect(old.specVersion == "3.1.0")   // converted by OpenAPIKitCompat
        let new = try Fixture.read("agents-3.1.yaml")
        old.specVersion = new.specVersion
        #expect(old == new)
    }

    @Test func swagger20ReadsAsTheSameAPI() throws {
        let swagger = try Fixture.read("agents-2.0.yaml")
        let openAPI = try Fixture.read("agents-3.1.yaml")
        #expect(swagger.specVersion == "2.0")
        #expect(swagger.operations.map { "\($0.method) \($0.route)" } == openAPI.operations.map { "\($0.method) \($0.route)" })
        for (a, b) in zip(swagger.operations, openAPI.operations) {
            #expect(a.errorCodes.map(\.code) == b.errorCodes.map(\.code), "\(a.method) \(a.route)")
            #expect(a.errorCodes.map(\.statuses) == b.errorCodes.map(\.statuses), "\(a.method) \(a.route)")
            for status in [200, 201, 202, 204, 400, 401, 404, 409, 418, 429, 500, 502, 503, 504] {
                #expect(a.responses.declares(status) == b.responses.declares(status), "\(a.method) \(a.route) \(status)")
            }
        }
    }

    @Test func swaggerWithoutQuotesAndJSON() throws {
        let yaml = """
        swagger: 2.0
        info: {title: T, version: "1"}
        basePath: /api/
        paths:
          /x/{id}/:
            get:
              responses:
                200: {description: ok}
        """
        let contract = try OpenAPIDocumentReader.read(data: Data(yaml.utf8), file: "t.yaml")
        #expect(contract.operations.map { "\($0.method) \($0.route) \($0.responses.keys)" } == ["GET /api/x/{id} [\"200\"]"])
        let json = #"{"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": {"/a": {"post": {"responses": {"201": {"description": "c"}}}}}}"#
        #expect(try OpenAPIDocumentReader.read(data: Data(json.utf8), file: "t.json").operations.map(\.route) == ["/a"])
    }

    @Test func serverPaths() {
        #expect(ContractAssembly.basePath(serverURL: "https://api.example.com/v1/", defaults: [:]) == "/v1")
        #expect(ContractAssembly.basePath(serverURL: "https://api.example.com", defaults: [:]) == "")
        #expect(ContractAssembly.basePath(serverURL: "/api/v2", defaults: [:]) == "/api/v2")
        #expect(ContractAssembly.basePath(serverURL: "{scheme}://h/{base}", defaults: ["scheme": "https", "base": "v3"]) == "/v3")
        #expect(ContractAssembly.basePath(serverURL: "//h.example/x?y=1", defaults: [:]) == "/x")
        #expect(ContractAssembly.basePath(serverURL: "v1", defaults: [:]) == "")
        #expect(ContractAssembly.route(base: "/v1", path: "/a//b/") == "/v1/a/b")
    }

    @Test func problemsAreNamed() throws {
        #expect(throws: OpenAPIDocumentReader.ReadError.self) { try OpenAPIDocumentReader.read(path: Fixture.path("missing.yaml")) }
        do {
            _ = try OpenAPIDocumentReader.read(data: Data("title: not a spec\n".utf8), file: "x.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("x.yaml: not an OpenAPI or Swagger document"))
        }
        do {
            _ = try OpenAPIDocumentReader.read(data: Data("openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n".utf8), file: "x.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("4.0.0 is not supported"))
        }
        do {
            _ = try OpenAPIDocumentReader.read(data: Data("openapi: 3.1.0\npaths: {}\n".utf8), file: "x.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("x.yaml: not a valid OpenAPI 3.1.0 document"))
        }
        #expect(OpenAPIDocumentReader.isDocument(Data("openapi: 3.1.0\n".utf8)))
        #expect(OpenAPIDocumentReader.isDocument(Data(#"  {"swagger": "2.0"}"#.utf8)))
        #expect(!OpenAPIDocumentReader.isDocument(Data("# Errors\n\n| Code | HTTP |\n|---|---|\n| A | 400 |\n".utf8)))
    }

    @Test func codesFromOneOfConstsAndNestedErrors() throws {
        let yaml = """
        openapi: 3.1.0
        info: {title: T, version: "1"}
        paths:
          /a:
            get:
              responses:
                "429":
                  description: Slow down
                  content:
                    application/problem+json:
                      schema:
                        type: object
                        properties:
                          errors:
                            type: array
                            items:
                              type: object
                              properties:
                                error_code:
                                  oneOf:
                                    - {const: RATE_LIMITED, description: Too many requests}
                                    - {const: 1042}
        """
        let contract = try OpenAPIDocumentReader.read(data: Data(yaml.utf8), file: "t.yaml")
        #expect(contract.operations[0].errorCodes == [
            DocumentedErrorCode(code: "1042", statuses: [429], description: nil),
            DocumentedErrorCode(code: "RATE_LIMITED", statuses: [429], description: "Too many requests"),
        ])
    }

    /// A real public document (Tests/OpenAPI/README.md): unquoted status keys, `default`,
    /// a base path in the server URL.
    @Test func readsTheOAIPetstore() throws {
        let contract = try Fixture.read("petstore.yaml")
        #expect(contract.title == "Swagger Petstore" && contract.specVersion == "3.1.0")
        #expect(contract.operations.map { "\($0.method) \($0.route) \($0.responses.keys.joined(separator: ","))" } == [
            "GET /v1/pets 200,default", "POST /v1/pets 201,default", "GET /v1/pets/{petId} 200,default",
        ])
        #expect(contract.operations.allSatisfy { $0.errorCodes.isEmpty })
    }
}
