import Foundation
import Testing
import TestSupport
@testable import ErrAnalyzeKit

/// The last hour by minute, counted at ingest beside the hourly aggregates (`RecentMinutes`).
@Suite struct RecentMinutesTests {
    /// 2026-11-20T12:00:00Z, the "wall clock" of these tests.
    static let now: Int64 = reportDay + 12 * 3600

    /// Counts `requests` as ingest does, with the recent floor of a step started at `now`.
    func counted(_ requests: [TestRequest], now: Int64 = Self.now, maxRoutes: Int = 5000) -> TrafficAggregate {
        var a = TrafficAggregate(maxRoutes: maxRoutes)
        a.recent = RecentMinutes(now: now)
        return aggregate(requests, into: a)
    }

    /// Requests per minute × method × route × status × code, by name.
    func named(_ a: TrafficAggregate) -> [String: Int64] {
        var out: [String: Int64] = [:]
        for (k, v) in a.recent.traffic {
            let code = k.code == TrafficKey.noCode ? "-" : a.codes.string(Int(k.code))
            out["\(k.minute) \(a.methods.string(Int(k.method))) \(a.routes.string(Int(k.route))) \(k.status) \(code)", default: 0] += v.requests
        }
        return out
    }

    func rateLimited(_ a: TrafficAggregate) -> [String: Int64] {
        var out: [String: Int64] = [:]
        a.recent.forEachRateLimited { minute, client, count in out["\(minute) \(client)", default: 0] += count }
        return out
    }

    func mixed(seed: UInt64, count: Int, from start: Int64, to end: Int64) -> [TestRequest] {
        var rng = SeededGenerator(seed: seed)
        let paths = ["/v1/users/1", "/v1/users/2", "/v1/orders", "/health", "/v1/pay"]
        return (0..<count).map { i in
            TestRequest(time: Int64.random(in: start..<end, using: &rng), method: i % 4 == 0 ? "POST" : "GET",
                        path: paths[Int.random(in: 0..<paths.count, using: &rng)],
                        status: [200, 200, 201, 404, 429, 503][Int.random(in: 0..<6, using: &rng)],
                        code: i % 3 == 0 ? "E\(i % 5)" : "", client: "10.0.0.\(Int.random(in: 0..<20, using: &rng))")
        }
    }

    @Test func onlyLinesOfTheLastHourCountAndEachByItsMinute() {
        let old = mixed(seed: 1, count: 500, from: Self.now - 5 * 3600, to: Self.now - 3600)
        let recent = mixed(seed: 2, count: 700, from: Self.now - 3600, to: Self.now + 60)
        let a = counted(old + recent)
        #expect(a.requests == 1200, "the hourly aggregates count every line")
        let total = a.recent.traffic.reduce(Int64(0)) { $0 + $1.value.requests }
        #expect(total == 700)
        // An independent count of the same requests by minute.
        var byMinute: [Int32: Int64] = [:]
        for r in recent { byMinute[Int32(r.time / 60), default: 0] += 1 }
        var counted: [Int32: Int64] = [:]
        for (k, v) in a.recent.traffic { counted[k.minute, default: 0] += v.requests }
        #expect(counted == byMinute)
        // 429s per client, of the recent lines only.
        var expected: [String: Int64] = [:]
        for r in recent where r.status == 429 { expected["\(r.time / 60) \(r.client)", default: 0] += 1 }
        #expect(rateLimited(a) == expected)
        // Routes by the same templating as the traffic rows.
        let routes = Set(a.recent.traffic.map { a.routes.string(Int($0.key.route)) })
        #expect(routes == ["/v1/users/{id}", "/v1/orders", "/health", "/v1/pay"])
    }

    @Test func oldLogsCountNothingRecentAndTheFloorIsInclusive() {
        let a = counted(mixed(seed: 3, count: 2000, from: reportDay - 86_400, to: Self.now - 3600))
        #expect(a.requests == 2000)
        #expect(a.recent.isEmpty)
        let edge = counted([TestRequest(time: Self.now - 3600, method: "GET", path: "/a", status: 200),
                            TestRequest(time: Self.now - 3601, method: "GET", path: "/a", status: 200)])
        #expect(edge.recent.traffic.reduce(Int64(0)) { $0 + $1.value.requests } == 1)
    }

    @Test func linesFromTheFutureBeyondTheRetentionAreLeftOut() {
        let a = counted([TestRequest(time: Self.now + 3599, method: "GET", path: "/a", status: 200),
                         TestRequest(time: Self.now + 3600, method: "GET", path: "/a", status: 200),
                         TestRequest(time: Self.now + 86_400 * 365, method: "GET", path: "/a", status: 200)])
        #expect(a.requests == 3)
        #expect(a.recent.traffic.reduce(Int64(0)) { $0 + $1.value.requests } == 1)
    }

    @Test func mergingWorkersInAnyOrderGivesTheSameMinutesAsOneWorker() {
        let input = mixed(seed: 4, count: 3000, from: Self.now - 7200, to: Self.now)
        let whole = counted(input)
        for parts in [2, 7] {
            let chunk = (input.count + parts - 1) / parts
            var merged = TrafficAggregate()
            merged.recent = RecentMinutes(now: Self.now)
            for start in stride(from: 0, to: input.count, by: chunk).reversed() {
                merged.merge(counted(Array(input[start..<min(start + chunk, input.count)])))
            }
            #expect(named(merged) == named(whole))
            #expect(rateLimited(merged) == rateLimited(whole))
        }
    }

    @Test func theRouteCapFoldsRecentRoutesAsItFoldsTheTrafficRows() {
        let input = (0..<50).map { TestRequest(time: Self.now - 60, method: "GET", path: "/page-\($0)", status: 200) }
        let a = counted(input, maxRoutes: 10)
        #expect(a.routes.count <= 11)
        let other = a.recent.traffic.filter { a.routes.string(Int($0.key.route)) == TrafficAggregate.otherRoute }
        #expect(other.reduce(Int64(0)) { $0 + $1.value.requests } == 40)
        #expect(a.recent.traffic.reduce(Int64(0)) { $0 + $1.value.requests } == 50)
    }

    @Test func clientNamesAreCappedAndTheRestCountUnderOther() {
        let many = RecentMinutes.maxClients + 500
        let input = (0..<many).map { TestRequest(time: Self.now - 30, method: "GET", path: "/a", status: 429, client: "c\($0)") }
        let a = counted(input)
        let clients = rateLimited(a)
        #expect(clients.count == RecentMinutes.maxClients + 1)
        #expect(clients.values.reduce(0, +) == Int64(many), "every 429 counted once")
        #expect(clients["\((Self.now - 30) / 60) \(RecentMinutes.otherClient)"] == 500)
    }

    @Test func storeClientRowsKeepPresentNamesThenTheHeaviestAndFoldTheRest() {
        var tally = RecentMinutes(now: Self.now)
        let minute = RecentMinutes.minute(of: Self.now)
        // Client i has i + 1 429s.
        for i in 0..<10 {
            for _ in 0...i { Array("c\(i)".utf8).withUnsafeBytes { tally.add(time: Self.now, route: 0, method: 0, status: 429, code: -1, client: $0) } }
        }
        let rows = RecentMinutesRules.clientRows(tally, maxPerMinute: 5) { _ in ["c0", "x"] }
        let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0.client, $0.requests) })
        // Present: c0 (and x, which counts against the cap); room for 2 more beside (other): c9, c8.
        #expect(byName == ["c0": 1, "c9": 10, "c8": 9, RecentMinutes.otherClient: (2...8).reduce(0, +)])
        #expect(rows.allSatisfy { $0.minute == minute })
        #expect(rows.map(\.requests).reduce(0, +) == (1...10).reduce(0, +))
    }

    @Test func durationsOfRecentRequestsAreCountedPerMinuteAndBucketAndMerge() {
        var rng = SeededGenerator(seed: 9)
        let input = (0..<2000).map { i in
            TestRequest(time: Self.now - 5400 + Int64(i) * 3, method: "GET", path: "/a", status: 200,
                        durationMicros: i % 10 == 0 ? -1 : Int64.random(in: 0...3_000_000, using: &rng))
        }
        var expected: [String: Int64] = [:]
        for r in input where r.time >= Self.now - 3600 && r.durationMicros >= 0 {
            expected["\(r.time / 60) \(LatencyBuckets.bucket(ofMicros: r.durationMicros))", default: 0] += 1
        }
        func buckets(_ a: TrafficAggregate) -> [String: Int64] {
            var out: [String: Int64] = [:]
            for (k, v) in a.recent.latency { out["\(k.minute) \(k.bucket)", default: 0] += v.requests }
            return out
        }
        #expect(!expected.isEmpty)
        #expect(buckets(counted(input)) == expected)
        var merged = TrafficAggregate()
        merged.recent = RecentMinutes(now: Self.now)
        merged.merge(counted(Array(input[1000...])))
        merged.merge(counted(Array(input[..<1000])))
        #expect(buckets(merged) == expected)
    }
}
