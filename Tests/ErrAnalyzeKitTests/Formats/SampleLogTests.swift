import Testing
@testable import ErrAnalyzeKit

/// Every sample file read with its format: how many requests, and what the second request
/// of the shared traffic (`GET /v1/contacts/{uuid}?include=notes` → 404 CONTACT_NOT_FOUND,
/// 10:05:03.456Z, 8 ms, from 203.0.113.9) becomes in each.
@Suite struct SampleLogTests {
    static let uuid = "6f1c2a9e-8b3d-4c1e-9f5a-2d7b8c9e0a1f"
    static let target = "/v1/contacts/\(uuid)?include=notes"

    static func format(_ name: String) throws -> LogFormat {
        switch name {
        case "nginx_custom.log":
            return try LogFormat.compile(logFormat: #"log_format api '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time uct="$upstream_connect_time" urt="$upstream_response_time" code=$sent_http_x_error_code idem=$http_idempotency_key ra=$sent_http_retry_after';"#)
        case "apache_custom.log":
            return try LogFormat.compile(logFormat: #"LogFormat "%h %l %u %t \"%r\" %>s %b %D \"%{X-Error-Code}o\" \"%{Idempotency-Key}i\" \"%{Retry-After}o\"" api"#)
        case "app_custom_fields.json":
            return try FormatRegistry.json(fields: "time=@t,method=http.verb,path=http.target,status=http.code,code=err.id,duration_ms=Elapsed,client=consumer.key_id,idempotency_key=hdr.idem,retry_after=hdr.retry")
        default:
            let lines = try sampleLines(name)
            return FormatRegistry.preset(named: detectedName(Array(lines.prefix(20))) ?? "")!
        }
    }

    static let cases: [(file: String, requests: Int, second: Parsed)] = [
        ("common.log", 20, Parsed(timestamp: sampleEpoch, method: "GET", path: target, status: 404, client: "203.0.113.9")),
        ("combined.log", 20, Parsed(timestamp: sampleEpoch, method: "GET", path: target, status: 404, client: "203.0.113.9")),
        ("vhost_combined.log", 20, Parsed(timestamp: sampleEpoch, method: "GET", path: target, status: 404, client: "203.0.113.9")),
        ("nginx_custom.log", 20, Parsed(timestamp: sampleEpoch, method: "GET", path: target, status: 404, code: "CONTACT_NOT_FOUND",
                                        client: "203.0.113.9", durationMicros: 8_000)),
        ("apache_custom.log", 20, Parsed(timestamp: sampleEpoch, method: "GET", path: target, status: 404, code: "CONTACT_NOT_FOUND",
                                         client: "203.0.113.9", durationMicros: 8_137)),
        ("nginx_json.log", 21, Parsed(timestamp: sampleEpoch, method: "GET", path: target, status: 404, code: "CONTACT_NOT_FOUND",
                                      client: "203.0.113.9", durationMicros: 8_000)),
        ("caddy.log", 20, Parsed(timestamp: sampleEpoch, method: "GET", path: target, status: 404, code: "CONTACT_NOT_FOUND",
                                 client: "203.0.113.9", durationMicros: 8_123)),
        ("traefik.json", 20, Parsed(timestamp: sampleEpoch, method: "GET", path: target, status: 404, code: "CONTACT_NOT_FOUND",
                                    client: "203.0.113.9", durationMicros: 8_223)),
        ("envoy.json", 20, Parsed(timestamp: sampleEpoch, method: "GET", path: target, status: 404, code: "CONTACT_NOT_FOUND",
                                  client: "203.0.113.9", durationMicros: 8_000)),
        ("gcp_lb.json", 20, Parsed(timestamp: sampleEpoch, method: "GET", path: "https://api.example.com" + target, status: 404,
                                   client: "203.0.113.9", durationMicros: 8_456)),
        ("cloudflare.json", 20, Parsed(timestamp: sampleEpoch, method: "GET", path: target, status: 404, code: "CONTACT_NOT_FOUND",
                                       client: "203.0.113.9", durationMicros: 10_000)),
        ("app_pino.json", 20, Parsed(timestamp: sampleEpoch, method: "GET", path: target, status: 404, code: "CONTACT_NOT_FOUND",
                                     client: "::ffff:203.0.113.9", durationMicros: 8_000)),
        ("app_structured.json", 20, Parsed(timestamp: sampleEpoch, method: "GET", path: target, status: 404, code: "CONTACT_NOT_FOUND",
                                           client: "cli_301139", durationMicros: 8_400)),
        ("app_custom_fields.json", 20, Parsed(timestamp: sampleEpoch, method: "GET", path: target, status: 404, code: "CONTACT_NOT_FOUND",
                                              client: "key_curl", durationMicros: 8_123)),
        ("alb.log", 21, Parsed(timestamp: sampleEpoch, method: "GET", path: "https://api.example.com:443" + target, status: 404,
                               client: "203.0.113.9", durationMicros: 8_000)),
        ("cloudfront.log", 20, Parsed(timestamp: sampleEpoch, method: "GET", path: "/v1/contacts/\(uuid)", status: 404,
                                      client: "203.0.113.9", durationMicros: 9_000)),
        ("iis_w3c.log", 20, Parsed(timestamp: sampleEpoch, method: "GET", path: "/v1/contacts/\(uuid)", status: 404,
                                   code: "CONTACT_NOT_FOUND", client: "203.0.113.9", durationMicros: 9_000)),
        ("haproxy.log", 21, Parsed(timestamp: sampleEpoch, method: "GET", path: target, status: 404, client: "203.0.113.9",
                                   durationMicros: 10_000)),
    ]

    @Test(arguments: cases)
    func sampleFile(_ c: (file: String, requests: Int, second: Parsed)) throws {
        let format = try Self.format(c.file)
        let results = parseAll(format, try sampleLines(c.file))
        let parsed = results.compactMap(\.1)
        #expect(parsed.count == c.requests, "\(c.file)")
        #expect(!results.contains { if case .malformed = $0.0 { return true } else { return false } }, "\(c.file) has no bad lines")
        #expect(parsed.dropFirst().first == c.second, "\(c.file)")
        // Every request lies within the sample's minute and has a method and a status.
        for p in parsed {
            #expect(p.timestamp >= sampleEpoch && p.timestamp < sampleEpoch + 60, "\(c.file): \(p)")
            #expect((100...599).contains(p.status))
        }
    }

    /// The traffic's flags survive in every format that can log them.
    @Test(arguments: ["nginx_custom.log", "apache_custom.log", "nginx_json.log", "caddy.log", "traefik.json", "envoy.json",
                      "cloudflare.json", "app_pino.json", "app_structured.json", "app_custom_fields.json"])
    func idempotencyAndRetryAfter(_ file: String) throws {
        let parsed = try requests(try Self.format(file), file: file)
        let offset = file == "nginx_json.log" ? 1 : 0  // an extra line at index 5
        let rateLimited = parsed[5 + offset], rateLimitedWithKey = parsed[6 + offset], created = parsed[2]
        #expect(rateLimited.status == 429 && rateLimited.code == "RATE_LIMITED" && rateLimited.retryAfter && !rateLimited.idempotency, "\(file)")
        #expect(rateLimitedWithKey.retryAfter && rateLimitedWithKey.idempotency, "\(file)")
        #expect(created.status == 201 && created.idempotency && !created.retryAfter && created.code.isEmpty, "\(file)")
        #expect(parsed.filter(\.idempotency).count == 7, "\(file)")
        #expect(parsed.filter(\.retryAfter).count == 4, "\(file)")
    }

    @Test func codesFromTheSeedCatalogues() throws {
        let codes = Set(try requests(try Self.format("caddy.log"), file: "caddy.log").map(\.code))
        #expect(codes.isSuperset(of: ["CONTACT_NOT_FOUND", "RATE_LIMITED", "validation_failed", "INVALID_INPUT", "CIRCUIT_OPEN",
                                      "SCOPE_DENIED", "PROVIDER_ERROR", "INTERNAL_ERROR"]))
    }
}
