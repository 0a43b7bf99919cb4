import ErrAnalyzeKit
import ErrAnalyzeSQLite
import Foundation
import Testing

/// Issue 11, items 6 and 7: a log from very many clients stays bounded in the database with
/// exact totals; secrets in a log never reach the database, `status` or a report.
@Suite struct BoundsAndSecretsTests {
    static func line(_ client: String, hour: Int, second: Int, path: String = "/v1/contacts/42", status: Int) -> String {
        let time = String(format: "17/May/2015:%02d:%02d:%02d +0000", hour, second / 60 % 60, second % 60)
        return #"\#(client) - - [\#(time)] "GET \#(path) HTTP/1.1" \#(status) 12 "-" "curl/8""# + "\n"
    }

    /// 30,000 errors over three hours: a scan from 25,000 addresses seen once each, and five
    /// clients seen all along. Counted independently as the file is written.
    @Test func manyClientsAreCappedPerHourWithExactTotals() throws {
        let h = try Harness()
        var text = ""
        var errorsByHour: [Int: Int64] = [:]
        var heavy: [String: (errors: Int64, rateLimited: Int64)] = [:]
        var scanned = 0
        for i in 0..<36_000 {
            let hour = 10 + i / 12_000
            let status = i % 6 == 5 ? 200 : (i % 3 == 0 ? 429 : 404)
            let client: String
            if i % 6 == 1 {
                client = "192.0.2.\(i / 6 % 5)"
                if status >= 400 { heavy[client, default: (0, 0)].errors += 1 }
                if status == 429 { heavy[client, default: (0, 0)].rateLimited += 1 }
            } else {
                client = "10.\(scanned >> 16).\((scanned >> 8) & 255).\(scanned & 255)"
                scanned += 1
            }
            if status >= 400 { errorsByHour[hour, default: 0] += 1 }
            text += Self.line(client, hour: hour, second: i % 12_000 * 3600 / 12_000, status: status)
        }
        try h.write("many.log", Data(text.utf8))
        try h.age("many.log")
        try h.ingest(["many.log"])

        let db = try SQLiteConnection(path: h.db, readOnly: true)
        var rowsByHour: [Int64: (rows: Int64, errors: Int64, other: Int64)] = [:]
        try db.prepare("""
            SELECT e.hour, count(*), sum(e.errors), sum(CASE WHEN c.value = '(other)' THEN 1 ELSE 0 END)
            FROM client_errors e JOIN clients c ON c.id = e.client_id GROUP BY e.hour
            """).forEachRow { rowsByHour[$0.int(0)] = ($0.int(1), $0.int(2), $0.int(3)) }
        let firstHour = Int64(1_431_820_800 / 3600 + 10)
        #expect(rowsByHour.count == 3)
        for (hour, expected) in errorsByHour {
            let stored = rowsByHour[firstHour + Int64(hour - 10)]
            #expect(stored?.errors == expected, "hour \(hour): every error is counted, named or folded")
            #expect((stored?.rows ?? .max) <= Int64(SQLiteStore.defaultMaxClientsPerHour), "hour \(hour): \(stored?.rows ?? -1) client rows")
            #expect(stored?.other == 1, "hour \(hour): the tail is under (other)")
        }
        let names = try db.prepare("SELECT count(*) FROM clients").firstRow { $0.int(0) } ?? -1
        #expect(names <= 3 * Int64(SQLiteStore.defaultMaxClientsPerHour), "\(names) client names stored")

        // The report: (other) holds the scan, and the clients seen all along are exact.
        let report = try h.jsonReport(["--top", "6"])
        #expect(report.int("totals.errors") == Int(errorsByHour.values.reduce(0, +)))
        let clients = report.array("clients")
        #expect(clients.first?["client"] as? String == "(other)")
        for (client, counts) in heavy {
            let row = clients.first { $0["client"] as? String == client }
            #expect(row?["errors"] as? Int == Int(counts.errors), "\(client)")
            #expect(row?["rate_limited"] as? Int == Int(counts.rateLimited), "\(client)")
        }
    }

    static let secrets = [
        "sk_live_51HqLyjWDarjtT1zdp7dcXyz12", "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "s3ssionC00kieValue", "hunter2pass", "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    ]

    @Test func secretsInPathsQueriesAndMalformedLinesAreNeverStoredOrShown() throws {
        let h = try Harness()
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
        var text = ""
        for i in 0..<20 { text += Self.line("10.0.0.\(i)", hour: 10, second: i, status: 404) }
        text += Self.line("10.0.1.1", hour: 10, second: 30, path: "/v1/keys/sk_live_51HqLyjWDarjtT1zdp7dcXyz12", status: 401)
        text += Self.line("10.0.1.2", hour: 10, second: 31, path: "/v1/verify/\(jwt)", status: 403)
        text += Self.line("10.0.1.3", hour: 10, second: 32, path: "/v1/charges?api_key=sk_test_4eC39HqLyjWDarjtT1zdp7dc", status: 400)
        text += Self.line("10.0.1.4", hour: 10, second: 33, path: "/v1/reset/tok-9f8e7d6c5b4a39281706f5e4d3c2b1a0", status: 404)
        // Lines that are not requests of the log's format, each carrying a secret.
        text += #"10.0.2.1 - - [17/May/2015:10:05:03 +0000] "GET /v1/x?api_key=sk_live_51HqLyjWDarjtT1zdp7dcXyz12 HTTP/1.1" 4"# + "\n"
        text += #"{"authorization":"Bearer \#(jwt)","cookie":"sid=s3ssionC00kieValue"}"# + "\n"
        text += "password=hunter2pass user=jane\n"
        text += "upstream token 9f8e7d6c5b4a39281706f5e4d3c2b1a0 rejected\n"
        for i in 0..<5 { text += Self.line("10.0.3.\(i)", hour: 11, second: i, status: 500) }
        try h.write("secrets.log", Data(text.utf8))
        try h.age("secrets.log")
        let ingest = try h.ingest(["secrets.log"])
        #expect(ingest.stdout.contains("4 malformed"), "\(ingest.stdout)")

        var outputs: [String: String] = ["ingest": ingest.stdout + ingest.stderr]
        for arguments in [["status"], ["status", "--format", "json"], ["report", "--format", "json"], ["report"],
                          ["report", "--format", "csv", "--section", "routes"]] {
            let result = try h.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            outputs[arguments.joined(separator: " ")] = result.stdout + result.stderr
        }
        #expect(outputs["status"]?.contains(Redaction.mark) == true, "samples are kept, redacted: \(outputs["status"] ?? "")")
        let routes = (try h.jsonReport()).array("routes").compactMap { $0["route"] as? String }
        #expect(routes.contains("/v1/keys/{token}") && routes.contains("/v1/verify/{token}") && routes.contains("/v1/reset/{token}"), "\(routes)")

        // The database's bytes, journal included, hold none of them either.
        var stored = Data()
        for suffix in ["", "-wal", "-shm"] { stored += (try? Data(contentsOf: URL(fileURLWithPath: h.db + suffix))) ?? Data() }
        #expect(stored.count > 0)
        for secret in Self.secrets {
            for (name, output) in outputs { #expect(!output.contains(secret), "\(secret) in \(name):\n\(output)") }
            #expect(stored.range(of: Data(secret.utf8)) == nil, "\(secret) in the database file")
        }
    }
}
