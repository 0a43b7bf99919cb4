import ErrAnalyzeKit
import Foundation
import Testing

/// Every bundled sample log, ingested as a user would, against the ground truth that the
/// generator wrote beside it (and that SampleLogs/truth/verify.sh re-counts with awk and
/// python). Counts per status, per code, unknown codes, drift and per hour must be equal.
@Suite struct SampleLogsTruthTests {
    static let nginx = Harness.sampleLogs.appendingPathComponent("nginx")
    static let api = Harness.sampleLogs.appendingPathComponent("api")

    static func truth(_ name: String) throws -> [String: Any] {
        let url = Harness.sampleLogs.appendingPathComponent("truth/\(name)")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    /// The `log_format api '…';` line of SampleLogs/nginx/log_format.conf, as a user would paste it.
    static func nginxLogFormat() throws -> String {
        let conf = try String(contentsOf: nginx.appendingPathComponent("log_format.conf"), encoding: .utf8)
        return conf.split(separator: "\n").first { $0.hasPrefix("log_format") }.map(String.init) ?? ""
    }

    static func pairs(_ rows: [[String: Any]], _ keys: [String]) -> [String: Int] {
        var out: [String: Int] = [:]
        for row in rows {
            let key = keys.map { "\(row[$0] ?? "")" }.joined(separator: "|")
            out[key, default: 0] += (row["count"] as? NSNumber)?.intValue ?? 0
        }
        return out
    }

    static func expectMatches(_ report: [String: Any], _ truth: [String: Any], codes: Bool) {
        #expect(report.int("totals.requests") == truth.int("requests"))
        #expect(report.int("totals.errors") == truth.int("errors"))
        #expect(report.int("totals.client_errors") == truth.int("client_errors"))
        #expect(report.int("totals.server_errors") == truth.int("server_errors"))
        #expect(report.int("totals.malformed_lines") == truth.int("malformed_lines"))
        let statuses = (truth["by_status"] as! [String: NSNumber]).reduce(into: [Int: Int]()) { $0[Int($1.key)!] = $1.value.intValue }
        #expect(report.statusCounts == statuses)
        // Hourly requests and errors.
        var hours: [String: [Int]] = [:]
        for row in truth.array("by_hour") {
            hours[(row["hour"] as! String)] = [(row["requests"] as! NSNumber).intValue, (row["errors"] as! NSNumber).intValue]
        }
        var reported: [String: [Int]] = [:]
        for row in report.array("timeline") where (row["requests"] as! NSNumber).intValue > 0 {
            reported[(row["start"] as! String)] = [(row["requests"] as! NSNumber).intValue, (row["errors"] as! NSNumber).intValue]
        }
        #expect(reported == hours)
        guard codes else { return }
        #expect(pairs(report.array("codes"), ["code", "status"]) == pairs(truth.array("by_code_status"), ["code", "status"]))
        #expect(pairs(report.array("unknown_codes"), ["code", "status"]) == pairs(truth.array("unknown_codes"), ["code", "status"]))
        #expect(pairs(report.array("status_drift"), ["code", "status"]) == pairs(truth.array("status_drift"), ["code", "status"]))
    }

    @Test func nginxAPIFormatThroughItsLogFormatLine() throws {
        let h = try Harness()
        let files = ["access.log.2.gz", "access.log.1", "access.log"].map { Self.nginx.appendingPathComponent($0).path }
        let result = try h.run(["ingest", "--log-format", try Self.nginxLogFormat()] + files)
        #expect(result.status == 0, "\(result.stderr)")
        Self.expectMatches(try h.jsonReport(["--top", "1000"]), try Self.truth("nginx-access-all.json"), codes: true)
    }

    @Test func combinedTwoMemberGzipIsDetected() throws {
        let h = try Harness()
        let result = try h.run(["ingest", Self.nginx.appendingPathComponent("legacy-combined.log.gz").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("gzip, combined"))
        Self.expectMatches(try h.jsonReport(), try Self.truth("nginx-legacy-combined.log.gz.json"), codes: false)
    }

    @Test(arguments: ["app.jsonl", "app.jsonl.gz"])
    func jsonLinesWithNestedCodesAreDetected(file: String) throws {
        let h = try Harness()
        let result = try h.run(["ingest", Self.api.appendingPathComponent(file).path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("json"))
        let truth = try Self.truth("api-\(file).json")
        let report = try h.jsonReport()
        Self.expectMatches(report, truth, codes: true)
        // The malformed lines are named by their line numbers.
        let lines = report.array("malformed").isEmpty
            ? ((report["malformed"] as? [String: Any])?["samples"] as? [[String: Any]] ?? []).map { ($0["line"] as! NSNumber).intValue }
            : []
        #expect(lines == (truth["malformed_line_numbers"] as! [NSNumber]).map(\.intValue))
    }

    /// Retriable vs fatal, recomputed line by line from the raw JSON with Foundation's parser
    /// and the catalogue: the stored dimensions (method, code, Idempotency-Key, Retry-After)
    /// must carry everything classification needs.
    @Test func retriableAndFatalEqualALineByLineClassification() throws {
        let h = try Harness()
        let path = Self.api.appendingPathComponent("app.jsonl").path
        #expect(try h.run(["ingest", path]).status == 0)
        let report = try h.jsonReport()

        let classifier = Classifier()
        var retriable = 0, fatal = 0
        let text = try String(contentsOfFile: path, encoding: .isoLatin1)
        for line in text.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let request = object["request"] as? [String: Any], let response = object["response"] as? [String: Any],
                  let status = (response["status"] as? NSNumber)?.intValue, status >= 400 else { continue }
            let headers = request["headers"] as? [String: Any] ?? [:]
            let code = (object["error"] as? [String: Any])?["code"] as? String
            let key = (headers["idempotency_key"] as? String).map { !$0.isEmpty } ?? false
            let retryAfter = !(response["retry_after"] is NSNull) && response["retry_after"] != nil
            let verdict = classifier.classify(ClassificationInput(status: status, code: code, method: request["method"] as? String ?? "",
                                                                  idempotencyKeySent: key, retryAfterSent: retryAfter))
            if verdict.retriable { retriable += 1 } else { fatal += 1 }
        }
        #expect(retriable > 0 && fatal > 0)
        #expect(report.int("totals.retriable") == retriable)
        #expect(report.int("totals.fatal") == fatal)
    }

    /// Files whose fields are their own need the flag their README row gives.
    static let flags: [String: [String]] = [
        "app_custom_fields.json": ["--json-fields",
            "time=@t,method=http.verb,path=http.target,status=http.code,code=err.id,duration_ms=Elapsed,client=consumer.key_id,idempotency_key=hdr.idem,retry_after=hdr.retry"],
        "nginx_custom.log": ["--log-format", #"log_format api '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time uct="$upstream_connect_time" urt="$upstream_response_time" code=$sent_http_x_error_code idem=$http_idempotency_key ra=$sent_http_retry_after';"#],
        "apache_custom.log": ["--log-format", #"LogFormat "%h %l %u %t \"%r\" %>s %b %D \"%{X-Error-Code}o\" \"%{Idempotency-Key}i\" \"%{Retry-After}o\"" api"#],
    ]

    @Test func everyFormatSampleIsReadWhole() throws {
        let folder = Harness.sampleLogs.appendingPathComponent("formats")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasSuffix(".md") }.sorted()
        #expect(files.count >= 15)
        let h = try Harness()
        for file in files {
            let db = h.path("\(file).sqlite")
            let result = try h.run(["ingest", "--db", db] + (Self.flags[file] ?? []) + [folder.appendingPathComponent(file).path])
            #expect(result.status == 0, "\(file): \(result.stderr)")
            #expect(result.stdout.contains(" 0 malformed"), "\(file): \(result.stdout)")
            let report = try h.jsonReport(db: db)
            #expect((report.int("totals.requests") ?? 0) >= 20, "\(file)")
            if Self.flags[file] != nil {
                #expect(!report.array("codes").isEmpty, "\(file): the flag's error-code field was read")
            }
        }
    }
}
