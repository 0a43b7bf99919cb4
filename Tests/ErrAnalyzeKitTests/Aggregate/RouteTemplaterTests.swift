import Testing
@testable import ErrAnalyzeKit

private func route(_ path: String, _ templater: RouteTemplater = RouteTemplater()) -> String {
    var output: [UInt8] = []
    Array(path.utf8).withUnsafeBytes { templater.template($0, into: &output) }
    return String(decoding: output, as: UTF8.self)
}

private func routeBytes(_ bytes: [UInt8]) -> String {
    var output: [UInt8] = []
    bytes.withUnsafeBytes { RouteTemplater().template($0, into: &output) }
    return String(decoding: output, as: UTF8.self)
}

@Suite struct RouteTemplaterTests {
    @Test func identifiersBecomePlaceholders() {
        let cases: [(String, String)] = [
            ("/v1/contacts/6f1c2a9e-8b3d-4c1e-9f5a-2d7b8c9e0a1f", "/v1/contacts/{uuid}"),
            ("/v1/contacts/6F1C2A9E-8B3D-4C1E-9F5A-2D7B8C9E0A1F/notes", "/v1/contacts/{uuid}/notes"),
            ("/v1/contacts/104", "/v1/contacts/{id}"),
            ("/v1/leads/48213/notes/7", "/v1/leads/{id}/notes/{id}"),
            ("/v1/objects/507f1f77bcf86cd799439011", "/v1/objects/{hex}"),                  // MongoDB ObjectId
            ("/v1/segments/a3f9c1e07b2d4e8f9a0b1c2d3e4f5a6b", "/v1/segments/{hash}"),        // md5-sized
            ("/v1/blobs/da39a3ee5e6b4b0d3255bfef95601890afd80709", "/v1/blobs/{hash}"),      // sha1
            ("/v1/users/jane.doe@example.com", "/v1/users/{email}"),
            ("/v1/users/jane.doe%40example.com/keys", "/v1/users/{email}/keys"),
            ("/v1/reports/2026-11-19/summary", "/v1/reports/{date}/summary"),
            ("/v1/events/2026-11-20T10:05:03Z", "/v1/events/{date}"),
            ("/v1/customers/cus_9s6XKzkNRiz8i3", "/v1/customers/{id}"),                      // Stripe-style
            ("/v1/connections/conn_8Hk2x9QpLm3v", "/v1/connections/{id}"),
            ("/v1/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV", "/v1/jobs/{id}"),                        // ULID
            ("/v1/invoices/42.pdf", "/v1/invoices/{id}.pdf"),
            ("/v1/exports/6f1c2a9e-8b3d-4c1e-9f5a-2d7b8c9e0a1f.json", "/v1/exports/{uuid}.json"),
        ]
        for (path, expected) in cases { #expect(route(path) == expected, "\(path)") }
    }

    @Test func wordsStay() {
        for path in ["/v1/contacts", "/v2/oauth2/callback", "/api/v1/users/me", "/health", "/v1/s3/buckets",
                     "/v1/contacts/search", "/v1/utf8mb4", "/v1/reports/summary.pdf", "/v1/user_settings_v2", "/index.html",
                     "/v1/items/list-2024-edition", "/.well-known/openid-configuration"] {
            #expect(route(path) == path, "\(path)")
        }
    }

    @Test func queryFragmentSchemeAndSlashes() {
        #expect(route("/v1/contacts?provider=hubspot&page=2") == "/v1/contacts")
        #expect(route("/v1/contacts/42#notes") == "/v1/contacts/{id}")
        #expect(route("/v1/contacts/?x=1") == "/v1/contacts", "a trailing slash is dropped")
        #expect(route("https://api.example.com:443/v1/contacts/42?include=notes") == "/v1/contacts/{id}")
        #expect(route("http://api.example.com") == "/")
        #expect(route("HTTPS://api.example.com/v1/x") == "/v1/x")
        #expect(route("//v1///contacts//42") == "/v1/contacts/{id}")
        #expect(route("/v1/items;jsessionid=ABC123/7") == "/v1/items/{id}")
        #expect(route("") == "/")
        #expect(route("?only=query") == "/")
        #expect(route("/") == "/")
        #expect(route("*") == "*", "OPTIONS *")
    }

    @Test func percentEncodingIsNormalised() {
        #expect(route("/v1/%63ontacts/%34%32") == "/v1/contacts/{id}", "unreserved characters are decoded")
        #expect(route("/v1/files/a%2fb") == "/v1/files/a%2Fb", "an encoded slash stays one segment, upper-cased")
        #expect(route("/v1/files/my%20file") == "/v1/files/my%20file")
        #expect(route("/v1/files/my file") == "/v1/files/my%20file", "raw spaces are encoded")
        #expect(route("/v1/files/%zz") == "/v1/files/%25zz", "a broken escape is escaped")
        #expect(route("/v1/caf\u{e9}") == "/v1/caf%C3%A9", "non-ASCII is percent-encoded")
        #expect(route("/v1/{id}/x") == "/v1/%7Bid%7D/x", "braces in a path cannot pass for placeholders")
        #expect(routeBytes(Array("/v1/".utf8) + [0xFF, 0x00, 0x22]) == "/v1/%FF%00%22", "invalid UTF-8 and controls")
    }

    @Test func userRulesWin() throws {
        let t = try RouteTemplater(rules: ["/v1/files/**", "/v1/contacts/*/notes", "/v1/reports/*.pdf", "/v1/legacy/{name}/",
                                           "/v1/users/:user/avatar"])
        #expect(route("/v1/files/reports/2026-11-19/summary.pdf", t) == "/v1/files/**")
        #expect(route("/v1/files", t) == "/v1/files/**", "** matches nothing too")
        #expect(route("/v1/contacts/42/notes?x=1", t) == "/v1/contacts/*/notes")
        #expect(route("/v1/contacts/42/notes/7", t) == "/v1/contacts/{id}/notes/{id}", "a longer path falls to the heuristics")
        #expect(route("/v1/reports/q3.pdf", t) == "/v1/reports/*.pdf")
        #expect(route("/v1/reports/q3.csv", t) == "/v1/reports/q3.csv")
        #expect(route("/v1/legacy/Thing", t) == "/v1/legacy/{name}")
        #expect(route("/v1/users/jane%40example.com/avatar", t) == "/v1/users/:user/avatar")
        #expect(route("https://h/v1/files/a", t) == "/v1/files/**")
        // The first matching rule wins.
        let ordered = try RouteTemplater(rules: ["/v1/*/x", "/v1/a/x"])
        #expect(route("/v1/a/x", ordered) == "/v1/*/x")
        // A literal rule protects a route from the heuristics.
        let literal = try RouteTemplater(rules: ["/v1/2fa/123456789012"])
        #expect(route("/v1/2fa/123456789012", literal) == "/v1/2fa/123456789012")
        #expect(route("/v1/2fa/123456789013", literal) == "/v1/2fa/{id}")
    }

    @Test func badRules() {
        #expect(throws: RouteRuleError.self) { try RouteTemplater(rules: [""]) }
        #expect(throws: RouteRuleError.self) { try RouteTemplater(rules: ["v1/files/*"]) }
        #expect(throws: RouteRuleError.self) { try RouteTemplater(rules: ["/v1/files**"]) }
        do {
            _ = try RouteTemplater(rules: ["v1"])
            Issue.record("expected an error")
        } catch let e as RouteRuleError {
            #expect(e.description.contains("starts with /"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func longAndHostilePaths() {
        let long = "/v1/" + String(repeating: "a", count: 100_000)
        #expect(route(long).count == long.count)
        let manyIDs = String(repeating: "/7", count: 5_000)
        #expect(route(manyIDs) == String(repeating: "/{id}", count: 5_000))
        let junk = String(repeating: "%00", count: 1000)
        #expect(route("/" + junk) == "/" + junk)
    }

    @Test func outputBufferIsReused() {
        let t = RouteTemplater()
        var output: [UInt8] = []
        Array("/v1/contacts/6f1c2a9e-8b3d-4c1e-9f5a-2d7b8c9e0a1f".utf8).withUnsafeBytes { t.template($0, into: &output) }
        let capacity = output.capacity
        Array("/v1/x/1".utf8).withUnsafeBytes { t.template($0, into: &output) }
        #expect(String(decoding: output, as: UTF8.self) == "/v1/x/{id}")
        #expect(output.capacity == capacity)
    }
}
