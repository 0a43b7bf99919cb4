import Foundation
import Testing

/// `report --host` and the hosts section, on the shared fixture: whatever host the fixture was
/// ingested as, the hosts section accounts for every request, a pattern matching every host
/// changes nothing, and a host that ingested nothing leaves every section empty.
@Suite struct ReportHostsTests {
    static let day = ReportGoldenTests.day

    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try ReportFixture.get().report(Self.day + ["--format", "json", "--compare"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func theHostsSectionAccountsForEveryRequest() throws {
        let report = try json([])
        let hosts = report.array("hosts")
        #expect(!hosts.isEmpty)
        for key in ["requests", "errors", "client_errors", "server_errors", "retriable", "fatal"] {
            #expect(hosts.reduce(0) { $0 + (($1[key] as? Int) ?? 0) } == report.int("totals." + key), "\(key)")
        }
        #expect((report["filters"] as? [String: Any])?["hosts"] as? [String] == [])
    }

    @Test func aPatternMatchingEveryHostChangesNothingButTheFilters() throws {
        var all = try json([])
        var star = try json(["--host", "*"])
        #expect((star["filters"] as? [String: Any])?["hosts"] as? [String] == ["*"])
        all["filters"] = nil
        star["filters"] = nil
        #expect(Set(all.keys) == Set(star.keys))
        func canonical(_ value: Any?) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: [value ?? NSNull()], options: [.sortedKeys]), as: UTF8.self)
        }
        for key in all.keys.sorted() {
            #expect(try canonical(all[key]) == canonical(star[key]), "\(key) differs")
        }
        #expect(star["clients_available"] as? Bool == true, "a host filter keeps the client sections")
    }

    @Test func aHostThatIngestedNothingLeavesEverySectionEmpty() throws {
        let report = try json(["--host", "no-such-host", "--host", "nor-*-this"])
        #expect((report["filters"] as? [String: Any])?["hosts"] as? [String] == ["no-such-host", "nor-*-this"])
        #expect(report.int("totals.requests") == 0)
        #expect(report.int("comparison.totals.requests") == 0)
        #expect(report.int("malformed.total") == 0, "malformed lines belong to the host that read them")
        for key in ["hosts", "codes", "routes", "timeline", "clients", "clients_rate_limited"] {
            #expect(report.array(key).isEmpty, "\(key)")
        }
        let text = try ReportFixture.get().report(Self.day + ["--host", "no-such-host"]).stdout
        #expect(text.contains("Filters: host no-such-host\n"))
        #expect(text.contains("No requests match the filters in this window."))
    }

    @Test func csvHasAHostsSectionAndHelpNamesTheOption() throws {
        let fixture = try ReportFixture.get()
        let csv = try fixture.report(Self.day + ["--format", "csv", "--section", "hosts"])
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.hasPrefix("host,requests,errors,client_errors,server_errors,error_rate,retriable,fatal,top_code,top_code_status,top_code_count\r\n"))
        #expect(try fixture.harness.run(["report", "--help"]).stdout.contains("--host <host>"))
    }
}
