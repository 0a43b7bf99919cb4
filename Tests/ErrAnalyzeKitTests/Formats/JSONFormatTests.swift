import Testing
@testable import ErrAnalyzeKit

/// Lines as each product documents them (field names and shapes), and what they become.
@Suite struct JSONPresetTests {
    @Test func caddyAccessLog() {
        let line = #"{"level":"info","ts":1646861401.5241024,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"127.0.0.1","remote_port":"41342","client_ip":"127.0.0.1","proto":"HTTP/2.0","method":"GET","host":"localhost","uri":"/","headers":{"User-Agent":["curl/7.82.0"],"Accept":["*/*"],"Accept-Encoding":["gzip, deflate, br"]},"tls":{"resumed":false,"version":772,"cipher_suite":4865,"proto":"h2","server_name":"example.com"}},"bytes_read":0,"user_id":"","duration":0.000929675,"size":10900,"status":200,"resp_headers":{"Server":["Caddy"],"Content-Encoding":["gzip"],"Content-Type":["text/html; charset=utf-8"],"Vary":["Accept-Encoding"]}}"#
        #expect(request(preset("caddy"), line) == Parsed(timestamp: 1_646_861_401, method: "GET", path: "/", status: 200,
                                                         client: "127.0.0.1", durationMicros: 929))
        let error = #"{"level":"error","ts":1795169103.5,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"203.0.113.9","client_ip":"198.51.100.7","method":"POST","uri":"/v1/meetings","headers":{"Idempotency-Key":["k-1"]}},"duration":0.0015,"status":429,"resp_headers":{"Retry-After":["30"],"X-Error-Code":["RATE_LIMITED"]}}"#
        #expect(request(preset("caddy"), error) == Parsed(timestamp: sampleEpoch, method: "POST", path: "/v1/meetings", status: 429,
                                                          code: "RATE_LIMITED", client: "198.51.100.7", durationMicros: 1_500,
                                                          idempotency: true, retryAfter: true))
    }

    @Test func traefikAccessLog() {
        let line = #"{"ClientAddr":"192.168.1.10:52514","ClientHost":"192.168.1.10","ClientPort":"52514","ClientUsername":"-","DownstreamContentSize":19,"DownstreamStatus":404,"Duration":232768,"OriginContentSize":19,"OriginDuration":125000,"OriginStatus":404,"Overhead":107768,"RequestAddr":"whoami.localhost","RequestContentSize":0,"RequestCount":3,"RequestHost":"whoami.localhost","RequestMethod":"GET","RequestPath":"/v1/contacts/42","RequestPort":"-","RequestProtocol":"HTTP/1.1","RequestScheme":"http","RetryAttempts":0,"RouterName":"whoami@docker","ServiceAddr":"172.18.0.3:80","ServiceName":"whoami@docker","ServiceURL":"http://172.18.0.3:80","StartLocal":"2020-07-20T18:25:46.980617545+02:00","StartUTC":"2020-07-20T16:25:46.980617545Z","entryPointName":"web","downstream_X-Error-Code":"CONTACT_NOT_FOUND","level":"info","msg":"","time":"2020-07-20T18:25:46+02:00"}"#
        #expect(request(preset("traefik"), line) == Parsed(timestamp: 1_595_262_346, method: "GET", path: "/v1/contacts/42", status: 404,
                                                           code: "CONTACT_NOT_FOUND", client: "192.168.1.10", durationMicros: 232))
    }

    @Test func envoyIstioJSON() {
        let line = #"{"authority":"productpage:9080","bytes_received":0,"bytes_sent":4294,"connection_termination_details":null,"downstream_local_address":"10.44.1.9:9080","downstream_remote_address":"10.44.1.10:50206","duration":52,"method":"GET","path":"/productpage","protocol":"HTTP/1.1","request_id":"8a8b6e2e-9b2c-4a8e-a3c1-7a2b0d0f6e1d","requested_server_name":"outbound_.9080_._.productpage.default.svc.cluster.local","response_code":503,"response_flags":"UF","route_name":"default","start_time":"2019-10-12T07:20:51.073Z","upstream_cluster":"inbound|9080||","upstream_host":"10.44.1.9:9080","upstream_local_address":"127.0.0.6:51367","upstream_service_time":"51","upstream_transport_failure_reason":null,"user_agent":"curl/7.60.0","x_forwarded_for":null,"x_error_code":"SERVICE_UNAVAILABLE"}"#
        #expect(request(preset("envoy"), line) == Parsed(timestamp: 1_570_864_851, method: "GET", path: "/productpage", status: 503,
                                                         code: "SERVICE_UNAVAILABLE", client: "10.44.1.10", durationMicros: 52_000))
        // Downstream reset before any response: Envoy logs status 0.
        #expect(result(preset("envoy"), #"{"response_code":0,"method":"GET","path":"/x","start_time":"2019-10-12T07:20:51.073Z","response_flags":"DC"}"#) == .skip)
    }

    @Test func googleCloudLoadBalancer() {
        let line = #"{"httpRequest":{"latency":"0.024155s","remoteIp":"203.0.113.10","requestMethod":"GET","requestSize":"145","requestUrl":"https://example.com/v1/contacts/6f1c2a9e-8b3d-4c1e-9f5a-2d7b8c9e0a1f","responseSize":"412","serverIp":"10.128.0.2","status":404,"userAgent":"curl/7.88.1"},"insertId":"1ohmdiufuehoy","jsonPayload":{"@type":"type.googleapis.com/google.cloud.loadbalancing.type.LoadBalancerLogEntry","backendTargetProjectNumber":"projects/123456789012","remoteIp":"203.0.113.10","statusDetails":"response_sent_by_backend"},"logName":"projects/my-project/logs/requests","receiveTimestamp":"2023-06-13T10:55:22.491735113Z","resource":{"labels":{"backend_service_name":"web-backend-service","forwarding_rule_name":"web-map-http","project_id":"my-project","target_proxy_name":"web-map-target-proxy","url_map_name":"web-map","zone":"global"},"type":"http_load_balancer"},"severity":"WARNING","spanId":"8f21c8b2f5ae0c7d","timestamp":"2023-06-13T10:55:21.627133Z","trace":"projects/my-project/traces/b5e4d1f8c1a0a2c9e3f4a5b6c7d8e9f0"}"#
        #expect(request(preset("gcp-lb"), line) == Parsed(timestamp: 1_686_653_721, method: "GET",
                                                          path: "https://example.com/v1/contacts/6f1c2a9e-8b3d-4c1e-9f5a-2d7b8c9e0a1f",
                                                          status: 404, client: "203.0.113.10", durationMicros: 24_155))
        // An entry without httpRequest (an audit log in the same export) is not a request.
        #expect(result(preset("gcp-lb"), #"{"logName":"projects/p/logs/cloudaudit.googleapis.com%2Factivity","protoPayload":{"methodName":"v1.compute.urlMaps.patch"},"timestamp":"2023-06-13T10:55:21Z"}"#) == .skip)
    }

    @Test func cloudflareLogpush() {
        let line = #"{"ClientIP":"192.0.2.1","ClientRequestHost":"example.com","ClientRequestMethod":"GET","ClientRequestURI":"/v1/contacts?page=2","EdgeEndTimestamp":1595262347022000000,"EdgeResponseBytes":2393,"EdgeResponseStatus":429,"EdgeStartTimestamp":1595262346980000000,"EdgeTimeToFirstByteMs":41,"RayID":"5b59d8ed3f8ba2ba","ResponseHeaders":{"x-error-code":"RATE_LIMITED","retry-after":"30"},"RequestHeaders":{}}"#
        #expect(request(preset("cloudflare"), line) == Parsed(timestamp: 1_595_262_346, method: "GET", path: "/v1/contacts?page=2", status: 429,
                                                              code: "RATE_LIMITED", client: "192.0.2.1", durationMicros: 41_000,
                                                              retryAfter: true))
        // timestamps=rfc3339 and timestamps=unix work as well.
        let rfc = #"{"ClientIP":"192.0.2.1","ClientRequestMethod":"GET","ClientRequestURI":"/","EdgeResponseStatus":200,"EdgeStartTimestamp":"2020-07-20T16:25:46Z"}"#
        #expect(request(preset("cloudflare"), rfc)?.timestamp == 1_595_262_346)
        let unix = #"{"ClientIP":"192.0.2.1","ClientRequestMethod":"GET","ClientRequestURI":"/","EdgeResponseStatus":200,"EdgeStartTimestamp":1595262346}"#
        #expect(request(preset("cloudflare"), unix)?.timestamp == 1_595_262_346)
    }

    @Test func nginxEscapeJSON() {
        let line = #"{"time_local":"20/Nov/2026:11:05:03 +0100","remote_addr":"203.0.113.9","remote_user":"","request":"GET /v1/contacts/42 HTTP/1.1","status": "404","body_bytes_sent":"93","request_time":"0.008","http_referrer":"","http_user_agent":"curl/8.4.0 \"quoted\"","sent_http_x_error_code":"CONTACT_NOT_FOUND","http_idempotency_key":"","sent_http_retry_after":""}"#
        #expect(request(preset("nginx-json"), line) == Parsed(timestamp: sampleEpoch, method: "GET", path: "/v1/contacts/42", status: 404,
                                                              code: "CONTACT_NOT_FOUND", client: "203.0.113.9", durationMicros: 8_000))
        // $msec as the time and $request_uri / $request_method instead of $request.
        let split = #"{"msec":"1795169103.456","request_method":"DELETE","request_uri":"/v1/contacts/104","status":401,"remote_addr":"192.0.2.77","upstream_response_time":"0.001, 0.002","sent_http_x_error_code":"INVALID_API_KEY"}"#
        #expect(request(preset("nginx-json"), split) == Parsed(timestamp: sampleEpoch, method: "DELETE", path: "/v1/contacts/104", status: 401,
                                                               code: "INVALID_API_KEY", client: "192.0.2.77", durationMicros: 3_000))
    }

    @Test func applicationLogs() {
        let json = preset("json")
        // pino-http
        let pino = #"{"level":40,"time":1795169103123,"pid":4312,"hostname":"api","req":{"id":1,"method":"POST","url":"/v1/contacts","headers":{"idempotency-key":"k-1"},"remoteAddress":"::1","remotePort":50934},"res":{"statusCode":400,"headers":{"x-error-code":"INVALID_INPUT"}},"responseTime":5,"msg":"request completed"}"#
        #expect(request(json, pino) == Parsed(timestamp: sampleEpoch, method: "POST", path: "/v1/contacts", status: 400, code: "INVALID_INPUT",
                                              client: "::1", durationMicros: 5_000, idempotency: true))
        // The seed marketing API's error body logged next to the request.
        let body = #"{"timestamp":"2026-11-20T10:05:03Z","method":"POST","path":"/v1/campaigns/55/send","status":422,"error":{"code":"validation_failed","message":"Sending to an unsubscribed contact","details":{}},"client_id":"cli_42","ip":"203.0.113.9","duration_ms":11.5}"#
        #expect(request(json, body) == Parsed(timestamp: sampleEpoch, method: "POST", path: "/v1/campaigns/55/send", status: 422,
                                              code: "validation_failed", client: "cli_42", durationMicros: 11_500))
        // ECS / OpenTelemetry-style flattened dotted keys.
        let ecs = #"{"@timestamp":"2026-11-20T10:05:03.123Z","http.request.method":"GET","url.path":"/v1/leads/48213","http.response.status_code":404,"error.code":"LEAD_NOT_FOUND","client.ip":"192.0.2.77","event.duration":7000000}"#
        #expect(request(json, ecs) == Parsed(timestamp: sampleEpoch, method: "GET", path: "/v1/leads/48213", status: 404,
                                             code: "LEAD_NOT_FOUND", client: "192.0.2.77"))
        // The application's other lines are skipped, not malformed.
        #expect(result(json, #"{"level":30,"time":1795169103123,"msg":"Server listening at http://0.0.0.0:8080"}"#) == .skip)
        #expect(result(json, #"{"level":50,"err":{"type":"Error","message":"boom","stack":"Error: boom\n    at x"},"msg":"failed"}"#) == .skip)
    }
}

@Suite struct JSONScannerEdgeTests {
    let json = FormatRegistry.preset(named: "json")!

    @Test func anyOrderNumbersOrStringsAndEscapes() {
        let a = #"{"status":404,"path":"/v1/x","method":"GET","time":"2026-11-20T10:05:03Z"}"#
        let b = #"{ "time" : 1795169103 , "method":"GET" , "path" : "\/v1\/x" , "status" : "404" }"#
        let c = "{\"path\":\"/v1/\\u0078\",\"time\":\"1795169103.9\",\"status\":404.0,\"method\":\"GET\"}"
        let expected = Parsed(timestamp: sampleEpoch, method: "GET", path: "/v1/x", status: 404)
        #expect(request(json, a) == expected)
        #expect(request(json, b) == expected)
        #expect(result(json, c) == .malformed(.badStatus), "404.0 is not a status")
    }

    @Test func unicodeEscapes() {
        let line = #"{"time":1795169103,"status":400,"path":"/v1/caf\u00e9/\ud83d\ude00/\ud800x","code":"\u0041BC","method":"\u0047ET"}"#
        let p = request(json, line)
        #expect(p?.path == "/v1/café/😀/\u{FFFD}x")
        #expect(p?.code == "ABC")
        #expect(p?.method == "GET")
    }

    @Test func skipsNestedValuesWithTrickyStrings() {
        let line = #"{"ctx":{"a":[1,{"b":"}{]\"["},[[]],-1.5e+3,true,null],"c":"x\\"},"status":500,"time":1795169103,"path":"/v1/y","method":"PUT","error":{"detail":{"deep":{"x":"code"}},"code":"INTERNAL_ERROR"}}"#
        #expect(request(json, line) == Parsed(timestamp: sampleEpoch, method: "PUT", path: "/v1/y", status: 500, code: "INTERNAL_ERROR"))
    }

    @Test func deepNestingDoesNotRecurse() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let line = #"{"junk":"# + deep + #","status":200,"time":1795169103,"path":"/"}"#
        #expect(request(json, line)?.status == 200)
        let unbalanced = #"{"junk":"# + String(repeating: "[", count: 1000) + #","status":200}"#
        #expect(result(json, unbalanced) == .malformed(.badJSON))
    }

    @Test func hugeLineAndInvalidUTF8() {
        let big = String(repeating: "x", count: 1 << 20)
        let line = #"{"ua":""# + big + #"","status":201,"time":1795169103,"path":"/v1/big"}"#
        #expect(request(json, line)?.path == "/v1/big")
        var bytes = Array(#"{"status":400,"time":1795169103,"path":"/v1/"#.utf8) + [0xFF, 0xC3, 0x28] + Array(#"","code":"BAD_JSON"}"#.utf8)
        var parser = json.makeParser()
        let (r, p) = parse(&parser, bytes: &bytes)
        #expect(r == .request)
        #expect(p.map { Array($0.path.utf8) } == Array("/v1/".utf8) + [0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD, 0x28], "String decoding repairs; the record keeps bytes")
        #expect(p?.code == "BAD_JSON")
    }

    @Test func malformedAndSkippedLines() {
        #expect(result(json, "") == .skip)
        #expect(result(json, "   \t") == .skip)
        #expect(result(json, "not json at all") == .malformed(.badJSON))
        #expect(result(json, #"{"status":404,"path":"/x"#) == .malformed(.badJSON), "truncated")
        #expect(result(json, #"{"status":404,"path":"/x"} {"status":200}"#) == .malformed(.badJSON), "two objects")
        #expect(result(json, #"[{"status":404}]"#) == .malformed(.badJSON))
        #expect(result(json, #"{"status":404 "path":"/x"}"#) == .malformed(.badJSON), "missing comma")
        #expect(result(json, #"{"status":"abc","path":"/x","time":1795169103}"#) == .malformed(.badStatus))
        #expect(result(json, #"{"status":700,"path":"/x","time":1795169103}"#) == .malformed(.badStatus))
        #expect(result(json, #"{"status":{"code":404},"path":"/x","time":1795169103}"#) == .malformed(.badStatus))
        #expect(result(json, #"{"path":"/x","method":"GET","time":1795169103}"#) == .malformed(.missingField), "a request without status")
        #expect(result(json, #"{"status":200,"path":"/x"}"#) == .malformed(.missingField), "no time")
        #expect(result(json, #"{"status":200,"path":"/x","time":"yesterday"}"#) == .malformed(.badTimestamp))
        #expect(result(json, #"{"msg":"hello"}"#) == .skip)
        #expect(result(preset("caddy"), #"{"ts":1795169103,"status":200}"#) == .malformed(.missingField), "product presets need a path")
    }

    @Test func syslogPrefixedObjects() {
        let line = #"Nov 20 10:05:03 web1 nginx: {"time":"2026-11-20T10:05:03+00:00","remote_addr":"192.0.2.1","request":"GET /v1/x HTTP/1.1","status":502}"#
        #expect(request(preset("nginx-json"), line)?.status == 502)
        #expect(result(preset("nginx-json"), "Nov 20 10:05:03 web1 nginx: started") == .malformed(.badJSON))
    }

    @Test func goTimeStrings() {
        #expect(request(json, #"{"time":"2026-11-20 10:05:03.123456789 +0000 UTC","status":200,"path":"/"}"#)?.timestamp == sampleEpoch)
        #expect(request(json, #"{"time":"2026-11-20 02:05:03 -0800 PST","status":200,"path":"/"}"#)?.timestamp == sampleEpoch)
    }

    @Test func bomCRLFAndCase() {
        let line = "\u{FEFF}{\"Status\":200,\"TIME\":1795169103,\"Path\":\"/\"}\r"
        #expect(request(json, line)?.status == 200)
    }

    @Test func codeAndFlagRules() {
        #expect(request(json, #"{"status":404,"code":404,"time":1795169103,"path":"/"}"#)?.code == "", "a code equal to the status is no code")
        #expect(request(json, #"{"status":400,"code":1001,"time":1795169103,"path":"/"}"#)?.code == "1001")
        #expect(request(json, #"{"status":400,"error":"Bad Request","error_code":"MISSING_REQUIRED","time":1795169103,"path":"/"}"#)?.code == "MISSING_REQUIRED")
        #expect(request(json, #"{"status":400,"error":{"code":null},"code":"-","time":1795169103,"path":"/"}"#)?.code == "")
        #expect(request(json, #"{"status":201,"idempotency_key":"-","time":1795169103,"path":"/"}"#)?.idempotency == false)
        #expect(request(json, #"{"status":201,"idempotency_key":"","time":1795169103,"path":"/"}"#)?.idempotency == false)
        #expect(request(json, #"{"status":201,"idempotencyKey":true,"time":1795169103,"path":"/"}"#)?.idempotency == true)
        #expect(request(json, #"{"status":429,"retry_after":30,"time":1795169103,"path":"/"}"#)?.retryAfter == true)
        #expect(request(json, #"{"status":429,"retry_after":null,"time":1795169103,"path":"/"}"#)?.retryAfter == false)
        #expect(request(json, #"{"status":200,"remote_addr":"10.0.0.1:5000","time":1795169103,"path":"/"}"#)?.client == "10.0.0.1")
        #expect(request(json, #"{"status":200,"remote_addr":"[2001:db8::1]:443","time":1795169103,"path":"/"}"#)?.client == "2001:db8::1")
        #expect(request(json, #"{"status":200,"ip":"2001:db8::1","time":1795169103,"path":"/"}"#)?.client == "2001:db8::1")
        #expect(request(json, #"{"status":200,"ip":"10.0.0.1","client_id":"cli_1","time":1795169103,"path":"/"}"#)?.client == "cli_1")
        #expect(request(json, #"{"status":200,"duration":"1.5s","time":1795169103,"path":"/"}"#)?.durationMicros == 1_500_000)
        #expect(request(json, #"{"status":200,"duration":0.25,"time":1795169103,"path":"/"}"#)?.durationMicros == 250_000)
        #expect(request(json, #"{"status":200,"duration":25,"time":1795169103,"path":"/"}"#)?.durationMicros == 25_000)
        #expect(request(json, #"{"status":200,"duration_us":25,"time":1795169103,"path":"/"}"#)?.durationMicros == 25)
    }
}

@Suite struct JSONFieldsTests {
    @Test func customPathsOverrideThePreset() throws {
        let format = try FormatRegistry.json(fields: "time=@t, status=http.code, path=http.target|http.route, code=err.id, duration_ms=Elapsed, client=consumer.key_id")
        let line = #"{"@t":"2026-11-20T10:05:03.1234567Z","http":{"verb":"GET","route":"/v1/x/{id}","code":409},"err":{"id":"CONNECTION_ALREADY_EXISTS"},"Elapsed":3.25,"consumer":{"key_id":"key_9"},"method":"PATCH","ip":"10.0.0.1"}"#
        // method was not given, so the preset's `method` path still reads it; the client is
        // only what was given.
        #expect(request(format, line) == Parsed(timestamp: sampleEpoch, method: "PATCH", path: "/v1/x/{id}", status: 409,
                                                code: "CONNECTION_ALREADY_EXISTS", client: "key_9", durationMicros: 3_250))
    }

    @Test func literalDotsAndFlatKeys() throws {
        let format = try FormatRegistry.json(fields: #"status=resp\.status,time=ts"#)
        #expect(request(format, #"{"resp.status":503,"ts":1795169103,"path":"/"}"#)?.status == 503)
        let nested = try FormatRegistry.json(fields: "status=resp.status,time=ts")
        #expect(request(nested, #"{"resp":{"status":502},"ts":1795169103,"path":"/"}"#)?.status == 502)
        #expect(request(nested, #"{"resp.status":501,"ts":1795169103,"path":"/"}"#)?.status == 501, "a flat dotted key matches a nested path")
    }

    @Test func specErrors() {
        for spec in ["", "status", "colour=x", "status=", "status=a..b", "status=.a", "status=a,status=b", "duration_min=x"] {
            #expect(throws: JSONFieldMap.SpecError.self, "\(spec)") { try FormatRegistry.json(fields: spec) }
        }
        do {
            _ = try FormatRegistry.json(fields: "colour=x")
        } catch {
            #expect("\(error)".contains("unknown key 'colour'"))
        }
    }
}
