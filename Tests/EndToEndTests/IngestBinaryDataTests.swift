import Foundation
import Testing

/// A line with a NUL byte anywhere is malformed `binary_data`, never a request: no route
/// `/v1/a%00b`, no empty client. In a detected text format, with `--log-format`, and in JSON.
@Suite struct IngestBinaryDataTests {
    static let nulInPath = Data(#"10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET /v1/a"#.utf8) + Data([0]) + Data(#"b HTTP/1.1" 200 10 "-" "curl/8""#.utf8) + Data([0x0A])
    static let nulForClient = Data([0]) + Data(#" - - [17/May/2015:10:05:03 +0000] "GET /v1/x HTTP/1.1" 500 10 "-" "curl/8""#.utf8) + Data([0x0A])
    static let nulAtTheEnd = Data(#"10.0.0.2 - - [17/May/2015:10:05:03 +0000] "GET /v1/y HTTP/1.1" 404 10 "-" "curl/8""#.utf8) + Data([0, 0x0A])

    func check(_ h: Harness, _ file: String, _ extra: [String], requests: Int, binary: Int) throws {
        try h.age(file)
        let result = try h.ingest([file], extra)
        #expect(result.stdout.contains("binary data (NUL bytes)"), "\(result.stdout)")
        let report = try h.jsonReport()
        #expect(report.int("totals.requests") == requests, "\(file)")
        let routes = report.array("routes").compactMap { $0["route"] as? String }
        #expect(!routes.contains { $0.contains("%00") || $0.contains("\0") }, "\(routes)")
        let status = try h.run(["status", "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any] ?? [:]
        let reasons = (json["malformed"] as? [[String: Any]] ?? []).filter { $0["reason"] as? String == "binary_data" }
        #expect((reasons.first?["count"] as? NSNumber)?.intValue == binary, "\(status.stdout)")
    }

    @Test func detectedTextFormat() throws {
        let h = try Harness()
        try h.write("access.log", Corpus.text(0..<20) + Self.nulInPath + Self.nulForClient + Self.nulAtTheEnd + Corpus.text(20..<30))
        try check(h, "access.log", [], requests: 30, binary: 3)
    }

    @Test func logFormatTemplate() throws {
        let h = try Harness()
        try h.write("access.log", Corpus.text(0..<20) + Self.nulInPath + Self.nulForClient + Self.nulAtTheEnd)
        let format = #"log_format main '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';"#
        try check(h, "access.log", ["--log-format", format], requests: 20, binary: 3)
    }

    @Test func jsonLines() throws {
        let h = try Harness()
        var data = Data()
        for i in 0..<10 {
            data.append(Data(#"{"time":"2026-11-20T10:05:0\#(i)Z","method":"GET","path":"/v1/a","status":404,"code":"NOT_FOUND"}"#.utf8) + Data([0x0A]))
        }
        data.append(Data(#"{"time":"2026-11-20T10:06:00Z","method":"GET","path":"/v1/a"#.utf8) + Data([0]) + Data(#"b","status":500}"#.utf8) + Data([0x0A]))
        data.append(Data(#"{"time":"2026-11-20T10:06:01Z","method":"GET","path":"/v1/c","status":500}"#.utf8) + Data([0, 0x0A]))
        try h.write("app.jsonl", data)
        try check(h, "app.jsonl", ["--format", "json"], requests: 10, binary: 2)
    }
}
