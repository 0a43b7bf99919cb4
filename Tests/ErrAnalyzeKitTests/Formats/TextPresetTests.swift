import Testing
@testable import ErrAnalyzeKit

@Suite struct NCSATests {
    let combined = FormatRegistry.preset(named: "combined")!

    @Test func apacheDocumentationExamples() {
        let common = #"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#
        let expected = Parsed(timestamp: 971_211_336, method: "GET", path: "/apache_pb.gif", status: 200, client: "127.0.0.1")
        #expect(request(preset("common"), common) == expected)
        #expect(request(combined, common + #" "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#) == expected)
        #expect(request(preset("vhost_combined"), "www.example.com:80 " + common + #" "-" "curl/8.4.0""#) == expected)
        #expect(result(preset("vhost_combined"), common) != .request, "vhost_combined needs the virtual host")
    }

    @Test func oddQuotingInTheRequest() {
        let escaped = #"192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] "GET /a\"b HTTP/1.1" 404 0 "-" "-""#
        #expect(request(combined, escaped)?.path == #"/a"b"#)
        let raw = #"192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] "GET /a"b HTTP/1.1" 404 0"#
        #expect(request(combined, raw)?.path == #"/a"b"#)
        let nginx = #"192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] "GET /a\x22b\x5Cc HTTP/1.1" 404 0"#
        #expect(request(combined, nginx)?.path == #"/a"b\c"#)
        let junk = #"192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] "\x16\x03\x01\x00\xA5\x01" 400 166 "-" "-""#
        #expect(request(combined, junk) == Parsed(timestamp: sampleEpoch, method: "", path: "", status: 400, client: "192.0.2.1"),
                "a TLS handshake sent to a plain port is a request without a route")
        let dash = #"192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] "-" 408 0 "-" "-""#
        #expect(request(combined, dash)?.status == 408)
        let userWithSpaces = #"192.0.2.1 - john smith [20/Nov/2026:10:05:03 +0000] "GET / HTTP/1.1" 200 1"#
        #expect(request(combined, userWithSpaces)?.status == 200)
    }

    @Test func invalidUTF8AndHugeLines() {
        var bytes = Array(#"192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] "GET /caf"#.utf8) + [0xE9, 0xFF] + Array(#" HTTP/1.1" 404 0"#.utf8)
        var parser = combined.makeParser()
        let (r, _) = parse(&parser, bytes: &bytes)
        #expect(r == .request)
        var record = RequestRecord()
        _ = bytes.withUnsafeBytes { parser.parse($0, into: &record) }
        #expect(Array(record.path) == Array("/caf".utf8) + [0xE9, 0xFF], "the record keeps the raw bytes")
        let agent = String(repeating: "A", count: 2 << 20)
        #expect(request(combined, #"192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] "GET / HTTP/1.1" 200 1 "-" ""# + agent + "\"")?.status == 200)
        let target = "/" + String(repeating: "x", count: 1 << 20)
        #expect(request(combined, #"192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] "GET "# + target + #" HTTP/1.1" 200 1"#)?.path.count == target.count)
    }

    @Test func malformedLinesSayWhy() {
        #expect(result(combined, "") == .skip)
        #expect(result(combined, "nonsense") == .malformed(.unrecognisedLayout))
        #expect(result(combined, "192.0.2.1 - - [20/Nov/2026:10:05:03 +0000]") == .malformed(.badRequestLine), "no request after the time")
        #expect(result(combined, #"192.0.2.1 - - [20/Nov/2026:25:05:03 +0000] "GET / HTTP/1.1" 200 1"#) == .malformed(.badTimestamp))
        #expect(result(combined, #"192.0.2.1 - - [30/Feb/2026:10:05:03 +0000] "GET / HTTP/1.1" 200 1"#) == .malformed(.badTimestamp))
        #expect(result(combined, #"192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] GET / HTTP/1.1 200 1"#) == .malformed(.badRequestLine))
        #expect(result(combined, #"192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] "GET / HTTP/1.1" abc 1"#) == .malformed(.badStatus))
        #expect(result(combined, #"192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] "GET / HTTP/1.1" 700 1"#) == .malformed(.badStatus))
        #expect(result(combined, #"192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] "GET / HTTP/1.1"#) == .malformed(.badStatus))
        #expect(result(combined, #"192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] "GET / HTTP/1.1" 200 1"# + "\r") == .request)
    }
}

@Suite struct AWSALBTests {
    let alb = FormatRegistry.preset(named: "alb")!

    @Test func documentationExamples() {
        let http = #"http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-""#
        #expect(request(alb, http) == Parsed(timestamp: 1_530_570_180, method: "GET", path: "http://www.example.com:80/", status: 200,
                                             client: "192.168.131.39", durationMicros: 1_000))
        let h2 = #"h2 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 10.0.1.252:48160 10.0.0.66:9000 0.000 0.002 0.000 502 502 5 257 "GET https://10.0.2.105:773/ HTTP/2.0" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337327-72bd00b0343d75b906739c42" "-" "-" 1 2018-07-02T22:22:48.364000Z "redirect" "https://example.com:80/" "-" "10.0.0.66:9000" "502" "-" "-""#
        #expect(request(alb, h2)?.status == 502)
        let unreachable = #"https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 - -1 -1 -1 503 - 34 366 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 - "Root=1-58337364-23a8c76965a2ef7629b185e3" "-" "-" 0 2018-07-02T22:22:48.364000Z "forward" "-" "-" "-" "-" "-" "-""#
        #expect(request(alb, unreachable) == Parsed(timestamp: 1_530_570_180, method: "GET", path: "https://www.example.com:443/", status: 503,
                                                    client: "192.168.131.39", durationMicros: -1))
    }

    @Test func rejectsOtherLines() {
        #expect(result(alb, #"127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326"#) == .malformed(.unrecognisedLayout))
        #expect(result(alb, #"http 2018-07-02T22:23:00Z app/x 1.2.3.4:1 - -1 -1 -1 - - 0 0 "GET / HTTP/1.1" "-""#) == .skip, "no response")
        #expect(result(alb, #"http yesterday app/x 1.2.3.4:1 - 0 0 0 200 200 0 0 "GET / HTTP/1.1" "-""#) == .malformed(.badTimestamp))
    }
}

@Suite struct W3CTests {
    @Test func cloudFrontDocumentationExample() {
        let lines = [
            "#Version: 1.0",
            "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end",
            "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\tMozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/78.0.3904.108%20Safari/537.36\t-\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\td111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t0.001\tHit\ttext/html\t78\t-\t-",
        ]
        let results = parseAll(preset("cloudfront"), lines)
        #expect(results.map(\.0) == [.skip, .skip, .request])
        #expect(results[2].1 == Parsed(timestamp: 1_575_493_351, method: "GET", path: "/index.html", status: 200,
                                       client: "192.0.2.100", durationMicros: 1_000))
        // Without the header, CloudFront's documented columns are assumed.
        #expect(request(preset("cloudfront"), lines[2])?.status == 200)
        // An IIS header is not CloudFront's.
        #expect(result(preset("cloudfront"), "#Fields: date time s-ip cs-method cs-uri-stem sc-status") == .malformed(.unrecognisedLayout))
    }

    @Test func iisWithHeaderChanges() {
        let lines = [
            "#Software: Microsoft Internet Information Services 10.0",
            "#Version: 1.0",
            "#Date: 2002-05-24 20:18:01",
            "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken",
            "2002-05-24 20:18:01 172.224.24.114 GET /Default.htm - 80 - 192.168.1.2 Mozilla/4.0+(compatible;+MSIE+5.01;+Windows+2000+Server) 200 0 0 4502",
            // IIS restarted with custom fields and a different order.
            "#Fields: time c-ip cs-method cs-uri-stem sc-status time-taken X-Error-Code cs(Idempotency-Key) sc(Retry-After) cs(X-Client-Id)",
            "20:18:02 192.168.1.3 POST /v1/meetings 429 1 RATE_LIMITED k-1 30 cli_9",
        ]
        let results = parseAll(preset("w3c"), lines)
        #expect(results.map(\.0) == [.skip, .skip, .skip, .skip, .request, .skip, .request])
        #expect(results[4].1 == Parsed(timestamp: 1_022_271_481, method: "GET", path: "/Default.htm", status: 200,
                                       client: "192.168.1.2", durationMicros: 4_502_000))
        #expect(results[6].1 == Parsed(timestamp: 1_022_271_482, method: "POST", path: "/v1/meetings", status: 429, code: "RATE_LIMITED",
                                       client: "cli_9", durationMicros: 1_000, idempotency: true, retryAfter: true))
    }

    @Test func malformedW3CLines() {
        let w3c = preset("w3c")
        #expect(result(w3c, "2002-05-24 20:18:01 172.224.24.114 GET") == .malformed(.unrecognisedLayout))
        #expect(result(w3c, "2002-13-24 20:18:01 1.2.3.4 GET /x - 80 - 1.2.3.4 ua - 200 0 0 1") == .malformed(.badTimestamp))
        #expect(result(w3c, "2002-05-24 20:18:01 1.2.3.4 GET /x - 80 - 1.2.3.4 ua - 2x0 0 0 1") == .malformed(.badStatus))
        #expect(result(w3c, "#Fields: date time cs-method") == .malformed(.missingField), "a header without sc-status")
        #expect(result(w3c, "#Remark: anything") == .skip)
    }
}

@Suite struct HAProxyTests {
    let haproxy = FormatRegistry.preset(named: "haproxy")!

    @Test func documentationExample() {
        let line = #"Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1""#
        #expect(request(haproxy, line) == Parsed(timestamp: 1_233_922_454, method: "GET", path: "/index.html", status: 200,
                                                 client: "10.0.1.2", durationMicros: 109_000))
    }

    @Test func prefixesAndVariants() {
        let body = #"10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/+109 404 2750 - - ---- 1/1/1/1/0 0/0 "GET /x HTTP/1.1""#
        for prefix in ["", "<134>1 2009-02-06T12:14:14.655Z lb1 haproxy 14389 - - ", "2009-02-06T12:14:14.655+00:00 lb1 haproxy[1]: "] {
            #expect(request(haproxy, prefix + body)?.durationMicros == 109_000, "\(prefix)")
        }
        let captures = #"10.0.1.2:1 [06/Feb/2009:12:14:14.655] fe be/s 0/0/0/1/2 500 10 - - SH-- 1/1/1/1/0 0/0 {a b}|{"quoted"} {x} "POST /v1/y HTTP/1.1""#
        #expect(request(haproxy, captures)?.path == "/v1/y")
        let ipv6 = #"2001:db8::1:33317 [06/Feb/2009:12:14:14.655] fe be/s 0/0/0/1/2 200 10 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1""#
        #expect(request(haproxy, ipv6)?.client == "2001:db8::1")
        let badreq = #"192.0.2.160:40112 [06/Feb/2009:12:14:14.655] fe fe/<NOSRV> -1/-1/-1/-1/2000 400 187 - - PR-- 1/1/0/0/0 0/0 "<BADREQ>""#
        #expect(request(haproxy, badreq) == Parsed(timestamp: 1_233_922_454, method: "", path: "", status: 400, client: "192.0.2.160",
                                                   durationMicros: 2_000_000))
    }

    @Test func nonRequestLinesAreSkipped() {
        #expect(result(haproxy, "Feb  6 12:14:14 localhost haproxy[14389]: Proxy http-in started.") == .skip)
        #expect(result(haproxy, "Feb  6 12:14:14 localhost haproxy[14389]: Server static/srv1 is DOWN, reason: Layer4 timeout [check].") == .skip)
        #expect(result(haproxy, "Feb  6 12:12:56 localhost haproxy[14387]: 10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5007 212 -- 0/0/0/0/3 0/0") == .skip, "TCP mode")
        #expect(result(haproxy, #"10.0.1.2:1 [06/Feb/2009:12:14:14.655] fe be/s 0/0/0/-1/5 -1 0 - - CD-- 1/1/1/1/0 0/0 "GET / HTTP/1.1""#) == .skip, "aborted")
        #expect(result(haproxy, #"10.0.1.2:1 [06/Feb/2009:12:14:14.655] fe be/s 0/0/0/1/2 2x0 10 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1""#) == .malformed(.badStatus))
        #expect(result(haproxy, #"10.0.1.2:1 [06/Feb/2009:12:14:14.655] fe be/s 0/0/0/1/2 200 10 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1."#) == .malformed(.badRequestLine))
    }
}
