import Testing
@testable import ErrAnalyzeKit

/// Secrets never reach a stored sample or a route, whatever form they are logged in.
@Suite struct RedactionTests {
    static let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"

    @Test(arguments: [
        // Query strings: every value, and bare parameters.
        (#"GET /v1/x?api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc&page=2 HTTP/1.1"#,
         #"GET /v1/x?api_key=[redacted]&page=[redacted] HTTP/1.1"#),
        (#"{"path":"/v1/x?token=abc&debug"}"#, #"{"path":"/v1/x?token=[redacted]&[redacted]"}"#),
        // Named values, quoted or not, in JSON, headers and key=value logs.
        (#"{"authorization":"Bearer abc.def","status":401}"#, #"{"authorization":"[redacted]","status":401}"#),
        (#"{"Cookie": "sid=s3cr3t; theme=dark", "x": 1}"#, #"{"Cookie": "[redacted]", "x": 1}"#),
        (#"Authorization: Basic dXNlcjpwYXNzd29yZA=="#, #"Authorization: [redacted]"#),
        (#"cookie: a=1; b=2"#, #"cookie: [redacted]"#),
        (#"user=jane password=hunter2 x-api-key=abc123 status=500"#, #"user=jane password=[redacted] x-api-key=[redacted] status=500"#),
        (#"{"msg":"{\"client_secret\":\"xyz\"}"}"#, #"{"msg":"{\"client_secret\":\"[redacted]\"}"}"#),
        // Credentials after a scheme word, anywhere.
        (#"sent Bearer abcdefgh to upstream"#, #"sent Bearer [redacted] to upstream"#),
        // Known shapes, JWTs and long random strings wherever they are.
        (#"key sk_live_51HqLyjWDarjtT1zdp7dcXyz12 leaked"#, #"key [redacted] leaked"#),
        (#"upstream said ghp_abcdefghijklmnopqrstuvwxyz0123456789"#, #"upstream said [redacted]"#),
        ("jwt " + jwt + " end", "jwt [redacted] end"),
        (#"session 8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c expired"#, #"session [redacted] expired"#),
        // What is not a secret stays, so that the sample still shows what went wrong.
        (#"1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /v1/contacts/42 HTTP/1.1" 404"#,
         #"1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /v1/contacts/42 HTTP/1.1" 404"#),
        (#"request 6f1c2a3b-1111-2222-3333-444455556666 for cus_9s6XKzkNRiz8i3 what?"#,
         #"request 6f1c2a3b-1111-2222-3333-444455556666 for cus_9s6XKzkNRiz8i3 what?"#),
    ])
    func redacts(_ input: String, _ expected: String) {
        #expect(Redaction.redact(input) == expected)
    }

    @Test func samplesAreRedactedBeforeTheyAreKept() {
        var tally = MalformedTally()
        let secret = "sk_live_51HqLyjWDarjtT1zdp7dcXyz12"
        // The secret straddles the sample's cut: it must not survive in part either.
        let padding = String(repeating: "x ", count: (MalformedTally.sampleLength - 10) / 2)
        for line in ["garbage ?api_key=\(secret)", #"{"authorization":"Bearer \#(secret)""#, padding + secret] {
            var copy = line
            copy.withUTF8 { tally.record(.unrecognisedLayout, line: 1, text: UnsafeRawBufferPointer($0)) }
        }
        for sample in tally.samples {
            #expect(!sample.text.contains("51HqLy"), "\(sample.text)")
            #expect(!sample.text.contains("sk_li"), "\(sample.text)")
            #expect(sample.text.contains(Redaction.mark), "\(sample.text)")
        }
    }

    @Test(arguments: [
        ("/v1/keys/sk_live_51HqLyjWDarjtT1zdp7dcXyz12", "/v1/keys/{token}"),
        ("/v1/keys/sk_test_4eC39HqLyjWDarjtT1zdp7dc/roll", "/v1/keys/{token}/roll"),
        ("/verify/" + jwt, "/verify/{token}"),
        ("/v1/hooks/whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "/v1/hooks/{token}"),
        ("/reset/tok-8f7e6d5c4b3a2f1e0d9c8b7a", "/reset/{token}"),
        // Identifiers keep their placeholders.
        ("/v1/contacts/42", "/v1/contacts/{id}"),
        ("/v1/customers/cus_9s6XKzkNRiz8i3", "/v1/customers/{id}"),
        ("/v1/reports/list-2024-edition", "/v1/reports/list-2024-edition"),
    ])
    func secretSegmentsBecomeTokens(_ path: String, _ expected: String) {
        var output: [UInt8] = []
        var bytes = Array(path.utf8)
        bytes.withUnsafeMutableBytes { RouteTemplater().template(UnsafeRawBufferPointer($0), into: &output) }
        #expect(String(decoding: output, as: UTF8.self) == expected)
        // The general path (taken with rules, or with bytes the fast path leaves to it) agrees.
        let templater = try! RouteTemplater(rules: ["/never/matches"])
        bytes.withUnsafeMutableBytes { templater.template(UnsafeRawBufferPointer($0), into: &output) }
        #expect(String(decoding: output, as: UTF8.self) == expected)
    }
}
