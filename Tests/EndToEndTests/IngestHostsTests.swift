import Foundation
import Testing

/// `ingest --host`: every row belongs to the host that ingested it, the ledger is per host,
/// and reports and status tell the hosts apart. Counted against the sample log's own truth
/// (3,000 requests, written by the generator and re-counted by SampleLogs/truth/verify.sh).
@Suite struct IngestHostsTests {
    static let log = Harness.sampleLogs.appendingPathComponent("api/app.jsonl").path
    static let requests = 3000

    @Test func theSameFileOnTwoHostsIsTwoFilesAndEachHostOnce() throws {
        let h = try Harness()
        for host in ["web-1", "web-2", "web-2", "web-1"] {
            let run = try h.run(["ingest", "--host", host, Self.log])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let all = try h.jsonReport()
        #expect(all.int("totals.requests") == 2 * Self.requests, "each host counted its copy once")
        let hosts = all.array("hosts")
        #expect(Set(hosts.compactMap { $0["host"] as? String }) == ["web-1", "web-2"])
        #expect(hosts.allSatisfy { $0["requests"] as? Int == Self.requests })
        let one = try h.jsonReport(["--host", "web-2"])
        #expect(one.int("totals.requests") == Self.requests)
        #expect(one.array("timeline").reduce(0) { $0 + (($1["requests"] as? Int) ?? 0) } == Self.requests)
        #expect(try h.jsonReport(["--host", "web-*"]).int("totals.requests") == 2 * Self.requests)

        let status = try h.run(["status"])
        #expect(status.stdout.contains("Hosts        2 hosts"), "\(status.stdout)")
        let json = try JSONSerialization.jsonObject(with: Data(try h.run(["status", "--format", "json"]).stdout.utf8)) as? [String: Any]
        let listed = (json?["hosts"] as? [[String: Any]]) ?? []
        #expect(listed.map { $0["name"] as? String } == ["web-1", "web-2"])
        #expect(listed.allSatisfy { $0["files"] as? Int == 1 && $0["quiet"] as? Bool == false })
    }

    @Test func aBadHostNameIsAUsageError() throws {
        let h = try Harness()
        for bad in ["", "web-*", "a\u{1B}b"] {
            let run = try h.run(["ingest", "--host", bad, Self.log])
            #expect(run.status == 2, "\(bad): \(run.stderr)")
        }
    }

    @Test func aWorkloadNameWithASlashIsAHost() throws {
        let h = try Harness()
        #expect(try h.run(["ingest", "--host", "shop/api-gateway", Self.log]).status == 0)
        let report = try h.jsonReport(["--host", "shop/*"])
        #expect(report.int("totals.requests") == Self.requests)
        #expect(report.array("hosts").first?["host"] as? String == "shop/api-gateway")
    }
}
