import Foundation
import Testing
import TestSupport
@testable import ErrAnalyzeKit

/// Durations counted per hour × route × method × status × bucket as ingest counts them.
@Suite struct LatencyAggregateTests {
    func requests(seed: UInt64, count: Int) -> [TestRequest] {
        var rng = SeededGenerator(seed: seed)
        let paths = ["/v1/users/1", "/v1/users/2", "/v1/orders", "/health"]
        return (0..<count).map { i in
            TestRequest(time: reportDay + Int64(i) * 7, method: i % 5 == 0 ? "POST" : "GET", path: paths[i % paths.count],
                        status: [200, 200, 200, 404, 503][i % 5], durationMicros: i % 11 == 0 ? -1 : Int64.random(in: 0...2_000_000, using: &rng))
        }
    }

    @Test func onlyTimedRequestsAreCountedAndEachOnce() {
        let input = requests(seed: 1, count: 2_000)
        let a = aggregate(input)
        let latencyTotal = a.latencyCounts().reduce(Int64(0)) { $0 + $1.value.requests }
        #expect(latencyTotal == Int64(input.filter { $0.durationMicros >= 0 }.count))
        #expect(latencyTotal == a.traffic.reduce(Int64(0)) { $0 + $1.value.timedRequests })
        // The same route ids as the traffic rows (templated: /v1/users/{id}).
        let routes = Set(a.latencyCounts().map { a.routes.string(Int($0.key.route)) })
        #expect(routes == ["/v1/users/{id}", "/v1/orders", "/health"])
    }

    @Test func mergingWorkersInAnyOrderGivesTheSameCountsAsOneWorker() {
        let input = requests(seed: 2, count: 3_000)
        let whole = aggregate(input)
        for parts in [2, 5] {
            let chunk = (input.count + parts - 1) / parts
            var merged = TrafficAggregate()
            for start in stride(from: 0, to: input.count, by: chunk).reversed() {
                merged.merge(aggregate(Array(input[start..<min(start + chunk, input.count)])))
            }
            func named(_ a: TrafficAggregate) -> [String: Int64] {
                var out: [String: Int64] = [:]
                for (k, v) in a.latencyCounts() {
                    out["\(k.hour) \(a.methods.string(Int(k.method))) \(a.routes.string(Int(k.route))) \(k.status) \(k.bucket)", default: 0] += v.requests
                }
                return out
            }
            #expect(named(merged) == named(whole))
        }
    }
}
