import Foundation
import Testing
@testable import ErrAnalyzeKit

@Suite struct NginxLogFormatTests {
    static let combined = #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#

    @Test func combinedFormat() throws {
        let format = try LogFormat.compile(logFormat: Self.combined)
        let line = #"203.0.113.9 - - [20/Nov/2026:11:05:03 +0100] "GET /v1/contacts/42 HTTP/1.1" 404 93 "-" "curl/8.4.0""#
        #expect(request(format, line) == Parsed(timestamp: sampleEpoch, method: "GET", path: "/v1/contacts/42", status: 404, client: "203.0.113.9"))
    }

    @Test func wholeDirectiveWithPiecesAndErrorFields() throws {
        let directive = #"""
        log_format api '$remote_addr - $remote_user [$time_local] "$request" '
                       '$status $body_bytes_sent "$http_referer" "$http_user_agent" '
                       'rt=$request_time urt="$upstream_response_time" code=$sent_http_x_error_code '
                       'ucode=$upstream_http_x_error_code idem=$http_idempotency_key ra=$sent_http_retry_after';
        """#
        let format = try LogFormat.compile(logFormat: directive)
        let line = #"198.51.100.23 - api_7Hq2 [20/Nov/2026:10:05:03 +0000] "POST /v1/meetings HTTP/1.1" 429 120 "-" "python-requests/2.31.0" rt=0.001 urt="0.001" code=- ucode=RATE_LIMITED idem=c0ffee00-1111 ra=30"#
        #expect(request(format, line) == Parsed(timestamp: sampleEpoch, method: "POST", path: "/v1/meetings", status: 429, code: "RATE_LIMITED",
                                                client: "198.51.100.23", durationMicros: 1_000, idempotency: true, retryAfter: true))
        // $sent_http_x_error_code wins over the upstream's when both are set.
        let both = line.replacingOccurrences(of: "code=- ucode", with: "code=PROVIDER_RATE_LIMITED ucode")
        #expect(request(format, both)?.code == "PROVIDER_RATE_LIMITED")
        // $request_time wins over $upstream_response_time; "-" means not set.
        let upstream = line.replacingOccurrences(of: #"rt=0.001 urt="0.001""#, with: #"rt=- urt="0.010, 0.020""#)
        #expect(request(format, upstream)?.durationMicros == 30_000)
        let none = line.replacingOccurrences(of: "idem=c0ffee00-1111 ra=30", with: "idem=- ra=-")
        #expect(request(format, none).map { ($0.idempotency, $0.retryAfter) }.map { $0 == (false, false) } == true)
    }

    @Test func otherTimesAndTargets() throws {
        let iso = try LogFormat.compile(logFormat: #"$time_iso8601 $remote_addr "$request_method $scheme://$host$request_uri" $status $request_time"#)
        #expect(request(iso, #"2026-11-20T05:05:03-05:00 192.0.2.77 "GET https://api.example.com/v1/leads/48213?x=1" 404 0.007"#)
                == Parsed(timestamp: sampleEpoch, method: "GET", path: "/v1/leads/48213?x=1", status: 404, client: "192.0.2.77", durationMicros: 7_000))
        let msec = try LogFormat.compile(logFormat: #"$msec|$status|$request_method|$uri$is_args$args|$geoip_country_code|$my_custom_var"#)
        #expect(request(msec, "1795169103.456|503|PATCH|/v1/contacts/104?force=1|DE|anything") ==
                Parsed(timestamp: sampleEpoch, method: "PATCH", path: "/v1/contacts/104?force=1", status: 503))
        #expect(request(msec, "1795169103.456|503|PATCH|/v1/contacts/104|DE|")?.path == "/v1/contacts/104")
    }

    @Test func escapeJSONTemplate() throws {
        let format = try LogFormat.compile(logFormat: #"log_format j escape=json '{"t":"$time_iso8601","ip":"$remote_addr","r":"$request","s":$status,"code":"$sent_http_x_error_code","ua":"$http_user_agent"}';"#)
        let line = #"{"t":"2026-11-20T10:05:03+00:00","ip":"203.0.113.9","r":"GET /v1/q?name=\"o'brien\" HTTP/1.1","s":400,"code":"INVALID_INPUT","ua":"x \"y\" z"}"#
        #expect(request(format, line) == Parsed(timestamp: sampleEpoch, method: "GET", path: #"/v1/q?name="o'brien""#, status: 400,
                                                code: "INVALID_INPUT", client: "203.0.113.9"))
    }

    @Test func escapedQuotesInTheRequest() throws {
        let format = try LogFormat.compile(logFormat: Self.combined)
        // nginx escape=default writes a quote as \x22; Apache writes \".
        let nginx = #"192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] "GET /a\x22b HTTP/1.1" 400 0 "-" "-""#
        #expect(request(format, nginx)?.path == #"/a"b"#)
        let apache = #"192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] "GET /a\"b HTTP/1.1" 400 0 "-" "-""#
        #expect(request(format, apache)?.path == #"/a"b"#)
        let raw = #"192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] "GET /a" b HTTP/1.1" 400 0 "-" "-""#
        #expect(request(format, raw)?.status == 400)
    }

    @Test func genericPathBacktracks() throws {
        // Not an NCSA prefix: every field goes through the generic steps.
        let format = try LogFormat.compile(logFormat: #"[$time_local] $remote_addr "$request" $status "$http_user_agent" $request_time"#)
        let line = #"[20/Nov/2026:10:05:03 +0000] 203.0.113.9 "GET /a" x HTTP/1.1" 500 "agent" 0.250"#
        // The request's own `" ` is passed over because `x H` is not a status.
        #expect(request(format, line) == Parsed(timestamp: sampleEpoch, method: "GET", path: #"/a""#, status: 500,
                                                client: "203.0.113.9", durationMicros: 250_000))
        #expect(result(format, "garbage") == .malformed(.unrecognisedLayout))
        #expect(result(format, #"[20/Nov/2026:99:05:03 +0000] 1.2.3.4 "GET / HTTP/1.1" 200 "a" 0.1"#) == .malformed(.badTimestamp))
        #expect(result(format, #"[20/Nov/2026:10:05:03 +0000] 1.2.3.4 "GET / HTTP/1.1" 2x0 "a" 0.1"#) == .malformed(.badStatus))
    }

    @Test func errors() {
        func error(_ format: String) -> LogFormatError? {
            do {
                _ = try LogFormat.compile(logFormat: format)
                return nil
            } catch let e as LogFormatError {
                return e
            } catch {
                return nil
            }
        }
        #expect(error("$remote_addr $ $status $time_local")?.column == 14)
        #expect(error("$remote_addr ${status $time_local")?.reason.contains("closing") == true)
        #expect(error("$time_local $status$body_bytes_sent")?.column == 20)
        #expect(error("$time_local $remote_addr")?.reason.contains("no status") == true)
        #expect(error("$status $remote_addr")?.reason.contains("no time") == true)
        #expect(error("log_format x escape=xml '$status $time_local';")?.reason.contains("escape=") == true)
        #expect(error("log_format x '$status $time_local")?.reason.contains("never closed") == true)
        #expect(error(#"log_format x '$status [$time_local]'; extra"#) != nil)
        #expect(error("").map { $0.description.hasPrefix("log format, column") } == true)
    }
}

@Suite struct ApacheLogFormatTests {
    @Test func commonAndCombined() throws {
        let common = try LogFormat.compile(logFormat: #"%h %l %u %t \"%r\" %>s %b"#)
        let line = #"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#
        #expect(request(common, line) == Parsed(timestamp: 971_211_336, method: "GET", path: "/apache_pb.gif", status: 200, client: "127.0.0.1"))
        let directive = try LogFormat.compile(logFormat: #"LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\"" combined"#)
        #expect(request(directive, line + #" "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#)?.timestamp == 971_211_336)
    }

    @Test func headersDurationsAndClient() throws {
        let format = try LogFormat.compile(logFormat: #"%a %{X-Client-Id}i %t "%m %U%q %H" %>s %D %T %{ms}T "%{X-Error-Code}o" "%{Idempotency-Key}i" "%{Retry-After}o""#)
        let line = #"203.0.113.9 cli_42 [20/Nov/2026:10:05:03 +0000] "POST /v1/contacts/104/notes?x=1 HTTP/1.1" 500 310137 0 310 "INTERNAL_ERROR" "1a2b" "-""#
        #expect(request(format, line) == Parsed(timestamp: sampleEpoch, method: "POST", path: "/v1/contacts/104/notes?x=1", status: 500,
                                                code: "INTERNAL_ERROR", client: "cli_42", durationMicros: 310_137, idempotency: true))
        let anonymous = line.replacingOccurrences(of: "cli_42", with: "-")
        #expect(request(format, anonymous)?.client == "203.0.113.9", "falls back to the address")
        let seconds = try LogFormat.compile(logFormat: #"%h %t "%r" %s %T"#)
        #expect(request(seconds, #"1.2.3.4 [20/Nov/2026:10:05:03 +0000] "GET / HTTP/1.1" 200 2"#)?.durationMicros == 2_000_000)
    }

    @Test func strftimeTimes() throws {
        // The example of Apache's documentation: milliseconds in a separate field.
        let format = try LogFormat.compile(logFormat: #"%h [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] "%r" %>s"#)
        #expect(request(format, #"192.0.2.1 [20/Nov/2026 11:05:03.123 +0100] "GET / HTTP/1.1" 200"#)?.timestamp == sampleEpoch)
        let iso = try LogFormat.compile(logFormat: #"%{%Y-%m-%dT%H:%M:%S%z}t %h "%r" %>s"#)
        #expect(request(iso, #"2026-11-20T02:05:03-0800 192.0.2.1 "GET / HTTP/1.1" 200"#)?.timestamp == sampleEpoch)
        let epoch = try LogFormat.compile(logFormat: #"%{msec}t %h "%r" %>s"#)
        #expect(request(epoch, #"1795169103456 192.0.2.1 "GET / HTTP/1.1" 200"#)?.timestamp == sampleEpoch)
        let sec = try LogFormat.compile(logFormat: #"%{begin:sec}t %>s %r"#)
        #expect(request(sec, "1795169103 404 GET /x HTTP/1.1")?.status == 404)
    }

    @Test func vhostAndConditionsAndPercent() throws {
        let format = try LogFormat.compile(logFormat: #"%v:%p %h %l %u %t "%r" %>s %O "%400,501{User-agent}i" 100%%"#)
        let line = #"api.example.com:443 192.0.2.1 - - [20/Nov/2026:10:05:03 +0000] "GET /v1/x HTTP/1.1" 404 93 "curl" 100%"#
        #expect(request(format, line) == Parsed(timestamp: sampleEpoch, method: "GET", path: "/v1/x", status: 404, client: "192.0.2.1"))
    }

    @Test func unknownDirectivesAreErrors() {
        func error(_ format: String) -> LogFormatError? {
            do {
                _ = try LogFormat.compile(logFormat: format)
                return nil
            } catch {
                return error as? LogFormatError
            }
        }
        let unknown = error(#"%h %l %u %t "%r" %>s %Z"#)
        #expect(unknown?.column == 22)
        #expect(unknown?.reason == "unknown directive %Z")
        #expect(unknown?.description == "log format, column 22: unknown directive %Z")
        #expect(error(#"%h %t "%r" %>s %i"#)?.reason.contains("header name") == true)
        #expect(error(#"%h %t "%r" %>s %{Foo"#)?.reason.contains("closing") == true)
        #expect(error(#"%h %{%Y %Q}t "%r" %>s"#)?.reason.contains("%Q") == true)
        #expect(error(#"%h %t "%r" %>s %{min}T"#)?.reason.contains("unit") == true)
        #expect(error(#"%h %t "%r" %>s %"#)?.reason.contains("lone %") == true)
        #expect(error(#"%h %t %r %M"#)?.reason.contains("error-log") == true)
        #expect(error(#"%h %t "%r" %b"#)?.reason.contains("no status") == true)
        #expect(error(#"%h %t "%r" %>s%b"#) != nil, "two fields with nothing between")
    }

    @Test func syntaxIsRecognised() {
        #expect(LogFormat.isNginx("$remote_addr [$time_local] $status"))
        #expect(LogFormat.isNginx("log_format main '$status';"))
        #expect(!LogFormat.isNginx("%h %t %>s"))
        #expect(!LogFormat.isNginx(#"LogFormat "%h $x %>s" nick"#))
        #expect(!LogFormat.isNginx("%h %t %>s cost=$%D"))
    }
}

/// A compiled combined format must give exactly the records of the built-in parser.
@Suite struct CompiledCorpusTests {
    static func corpusLines() throws -> [[UInt8]] {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/apache_logs")
        let data = try Data(contentsOf: url)
        return data.split(separator: 10, omittingEmptySubsequences: false).map(Array.init).filter { !$0.isEmpty }
    }

    @Test(arguments: [
        NginxLogFormatTests.combined,
        #"%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\""#,
        #"LogFormat "%h %l %u %t \"%r\" %>s %b" common"#,
    ])
    func identicalToNCSA(_ logFormat: String) throws {
        let lines = try Self.corpusLines()
        #expect(lines.count == 10_000)
        var builtIn: any LineParser = NCSALogParser()
        var compiled = try LogFormat.compile(logFormat: logFormat).makeParser()
        var statuses: [Int: Int] = [:]
        var differences = 0
        for var line in lines {
            let a = parse(&builtIn, bytes: &line), b = parse(&compiled, bytes: &line)
            if a.0 != b.0 || a.1 != b.1 {
                differences += 1
                if differences < 5 { Issue.record("\(String(decoding: line, as: UTF8.self)): \(String(describing: a.1)) vs \(String(describing: b.1))") }
            }
            if let p = b.1 { statuses[p.status, default: 0] += 1 }
        }
        #expect(differences == 0)
        // The corpus's own independently counted statuses.
        #expect(statuses == [200: 9126, 304: 445, 404: 213, 301: 164, 206: 45, 500: 3, 416: 2, 403: 2])
    }
}
