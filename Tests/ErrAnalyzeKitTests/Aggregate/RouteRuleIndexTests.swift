import Testing
@testable import ErrAnalyzeKit

/// Route rules are indexed by segment count and first segment (RouteRuleIndex); the index
/// must give exactly what trying every rule in order gives: user rules first, then the
/// document's paths, concrete before templated, whatever bucket each rule falls in.
@Suite struct RouteRuleIndexTests {
    /// A document of many paths, listed templated first (the reading sorts them), with a
    /// base path on some, partly templated segments and clashes between buckets.
    static let contract: APIContract = {
        var routes = [
            "/{tenant}/status", "/{tenant}/agents", "/v1/widgets", "/v1/agents", "/v1/agents/{agentId}", "/v1/agents/me",
            "/v1/agents/{agentId}/commands", "/v1/agents/me/commands", "/v1/files/{fileId}", "/v1/files/{name}.pdf",
            "/v1/files/latest.pdf", "/v1/files/{year}-{month}.csv", "/api/v2/orders/{orderId}", "/api/v2/orders/open", "/health", "/",
        ]
        for k in 0..<150 { routes.append("/v1/res\(k)/{id}/items/{itemId}") }
        for k in 0..<50 { routes.append("/{org}/res\(k)/{id}") }
        return APIContract(title: "Many", version: "1", specVersion: "3.1.0", operations: routes.map {
            ContractOperation(method: "GET", route: $0, responses: DeclaredResponses(statuses: [200]))
        })
    }()
    static let userRules = ["/*/widgets", "/v1/agents/*/commands", "/legacy/**", "/**/export"]

    func template(_ path: String, _ templater: RouteTemplater) -> String {
        var output: [UInt8] = []
        var bytes = Array(path.utf8)
        bytes.withUnsafeMutableBytes { templater.template(UnsafeRawBufferPointer($0), into: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    /// What trying every rule in order gives: the first rule that matches the normalised
    /// path, else the heuristics.
    func linear(_ path: String, _ rules: [RouteRule]) -> String {
        let target = Array(path.utf8)
        var end = target.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? target.count
        if end == 0 { end = target.count }
        let normalised = [UInt8](unsafeUninitializedCapacity: 3 * end + 1) { buffer, count in
            count = Array(target[0..<end]).withUnsafeBytes { RouteTemplater.normalise($0, into: buffer.baseAddress!) }
        }
        let rule = normalised.withUnsafeBytes { bytes in rules.first { $0.matches(bytes) } }
        if let rule { return String(decoding: rule.text, as: UTF8.self) }
        return template(path, RouteTemplater())
    }

    @Test func precedenceWithManyRules() throws {
        let templater = try RouteTemplater(rules: Self.userRules, contract: Self.contract)
        let expected = [
            "/v1/agents/me": "/v1/agents/me",
            "/v1/agents/me/": "/v1/agents/me",
            "/v1/agents/alice": "/v1/agents/{agentId}",
            "/v1/agents": "/v1/agents",
            "/acme/agents": "/{tenant}/agents",
            "/acme/status?x=1": "/{tenant}/status",
            // A user rule whose first segment is a wildcard wins over a literal documented path.
            "/v1/widgets": "/*/widgets",
            "/v1/agents/me/commands": "/v1/agents/*/commands",
            "/v1/agents/42/commands": "/v1/agents/*/commands",
            "/legacy/a/b/c.php": "/legacy/**",
            "/legacy": "/legacy/**",
            "/v1/agents/me/export": "/**/export",
            "/export": "/**/export",
            "/v1/files/latest.pdf": "/v1/files/latest.pdf",
            "/v1/files/report-7.pdf": "/v1/files/{name}.pdf",
            "/v1/files/2026-11.csv": "/v1/files/{year}-{month}.csv",
            "/v1/files/report.txt": "/v1/files/{fileId}",
            "/v1/res77/9/items/3": "/v1/res77/{id}/items/{itemId}",
            "/v1/res149/x/items/y?page=2": "/v1/res149/{id}/items/{itemId}",
            "/acme/res49/1": "/{org}/res49/{id}",
            "/api/v2/orders/open": "/api/v2/orders/open",
            "/api/v2/orders/17": "/api/v2/orders/{orderId}",
            "/health": "/health",
            "/": "/",
            "/?q=1": "/",
            // Percent-escapes and `;params` take the general path, with the same rules.
            "/v1/agents/%6De": "/v1/agents/me",
            "/v1/agents;v=2/me": "/v1/agents/me",
            "https://api.example.com/v1/files/latest.pdf": "/v1/files/latest.pdf",
            // Not documented: the heuristics.
            "/v2/orders/17": "/v2/orders/{id}",
            "/v1/res150/9/items/3": "/v1/res150/{id}/items/{id}",
            "/v1/agents/42/metrics": "/v1/agents/{id}/metrics",
        ]
        for (path, route) in expected {
            #expect(template(path, templater) == route, "\(path)")
        }
    }

    @Test func sameAnswersAsTryingEveryRuleInOrder() throws {
        let templater = try RouteTemplater(rules: Self.userRules, contract: Self.contract)
        let rules = templater.rules
        #expect(rules.count == Self.userRules.count + Self.contract.operations.count)
        // Targets made from the documented paths, their parameters filled in, some bent.
        var state: UInt64 = 17
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        let fillers = ["me", "42", "alice", "latest.pdf", "x.pdf", "2026-11.csv", "export", "open", "", "%41", "a;b", "res7", "v1"]
        var tried = 0
        for _ in 0..<5000 {
            let route = Self.contract.operations[next() % Self.contract.operations.count].route
            var segments = route.split(separator: "/").map { part -> String in
                part.contains("{") || next() % 10 == 0 ? fillers[next() % fillers.count] : String(part)
            }
            if next() % 8 == 0 { segments.append(fillers[next() % fillers.count]) }
            if next() % 8 == 0, !segments.isEmpty { segments.removeLast() }
            var path = "/" + segments.joined(separator: next() % 20 == 0 ? "//" : "/")
            if next() % 6 == 0 { path += next() % 2 == 0 ? "/" : "?page=2" }
            #expect(template(path, templater) == linear(path, rules), "\(path)")
            tried += 1
        }
        #expect(tried == 5000)
    }

    @Test func storedRoutesUseTheSamePrecedence() {
        let routes = ContractRoutes(Self.contract)
        #expect(routes.documentedRoute(for: "/v1/agents/me") == "/v1/agents/me")
        #expect(routes.documentedRoute(for: "/v1/agents/{id}") == "/v1/agents/{agentId}")
        #expect(routes.documentedRoute(for: "/v1/files/{id}.pdf") == "/v1/files/{name}.pdf")
        #expect(routes.documentedRoute(for: "/v1/files/latest.pdf") == "/v1/files/latest.pdf")
        #expect(routes.documentedRoute(for: "/acme/res3/{uuid}") == "/{org}/res3/{id}")
        #expect(routes.documentedRoute(for: "/v1/widgets") == "/v1/widgets")
        #expect(routes.documentedRoute(for: "/") == "/")
        #expect(routes.documentedRoute(for: "/v1/res150/{id}/items/{id}") == nil)
    }
}
