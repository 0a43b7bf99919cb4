import Testing
import TestSupport
@testable import ErrAnalyzeKit

/// The per-hour caps every store applies, as pure decisions.
@Suite struct PerHourCapTests {
    typealias Pair = PerHourCap.HourRoute

    @Test func busiestNewRoutesFillAnHourAndTheRestFoldButKnownRoutesStay() {
        let names: [Int32: String] = [0: "/a", 1: "/b", 2: "/c", 3: "/known", 4: TrafficAggregate.otherRoute]
        let volumes: [Pair: Int64] = [
            Pair(hour: 10, route: 0): 5, Pair(hour: 10, route: 1): 9, Pair(hour: 10, route: 2): 1,
            Pair(hour: 10, route: 3): 1, Pair(hour: 10, route: 4): 1,
            Pair(hour: 11, route: 2): 1,
        ]
        // Hour 10 holds "/known" and one more; room for one new route. Hour 11 is empty.
        let kept = PerHourCap.keptRoutes(volumes: volumes, maxRoutes: 3, name: { names[$0]! }) {
            $0 == 10 ? ["/known", "/old"] : []
        }
        #expect(kept[Pair(hour: 10, route: 1)] == true)   // the busiest new one takes the room
        #expect(kept[Pair(hour: 10, route: 0)] == false)  // no room left
        #expect(kept[Pair(hour: 10, route: 2)] == false)
        #expect(kept[Pair(hour: 10, route: 3)] == true)   // known: always
        #expect(kept[Pair(hour: 10, route: 4)] == true)   // (other) itself: always
        #expect(kept[Pair(hour: 11, route: 2)] == true)
    }

    @Test func clientsTheHourNamesStayTheHeaviestNewOnesFillItTheRestGoToOther() {
        var tally = ClientTally()
        tally.add(hour: 5, client: "known", ClientCounts(errors: 1, rateLimited: 0))
        tally.add(hour: 5, client: "heavy", ClientCounts(errors: 9, rateLimited: 0))
        tally.add(hour: 5, client: "b-light", ClientCounts(errors: 2, rateLimited: 1))
        tally.add(hour: 5, client: "a-light", ClientCounts(errors: 2, rateLimited: 1))
        tally.add(hour: 6, client: "late", ClientCounts(errors: 3, rateLimited: 3))
        // Hour 5 names "known" and "(other)" already; 4 rows at most: 3 named.
        let rows = PerHourCap.clientRows(tally, maxClients: 4) { $0 == 5 ? ["known", PerHourCap.otherClient] : [] }
        #expect(rows == [
            .init(hour: 5, name: "heavy", counts: ClientCounts(errors: 9, rateLimited: 0)),
            .init(hour: 5, name: "a-light", counts: ClientCounts(errors: 2, rateLimited: 1)),
            .init(hour: 5, name: "known", counts: ClientCounts(errors: 1, rateLimited: 0)),
            .init(hour: 5, name: PerHourCap.otherClient, counts: ClientCounts(errors: 2, rateLimited: 1)),
            .init(hour: 6, name: "late", counts: ClientCounts(errors: 3, rateLimited: 3)),
        ])
        #expect(rows.map(\.counts.errors).reduce(0, +) == 17)
    }

    /// The rule as first written: every pair in one order, busiest first (ties: earlier hour,
    /// then lower id). `keptRoutes` decides hour by hour; it must decide the same.
    func keptInOneOrder(_ volumes: [Pair: Int64], maxRoutes: Int, name: (Int32) -> String,
                        present: (Int32) -> Set<String>) -> [Pair: Bool] {
        var inHour: [Int32: Set<String>] = [:]
        var kept: [Pair: Bool] = [:]
        for (pair, _) in volumes.sorted(by: { ($0.value, $1.key.hour, $1.key.route) > ($1.value, $0.key.hour, $0.key.route) }) {
            if inHour[pair.hour] == nil { inHour[pair.hour] = present(pair.hour) }
            let value = name(pair.route)
            if inHour[pair.hour]!.contains(value) {
                kept[pair] = true
            } else if inHour[pair.hour]!.count < maxRoutes || value == TrafficAggregate.otherRoute {
                inHour[pair.hour]!.insert(value)
                kept[pair] = true
            } else {
                kept[pair] = false
            }
        }
        return kept
    }

    @Test("deciding hour by hour keeps exactly the routes the one global order kept, ties included")
    func hourByHourDecidesAsTheGlobalOrder() {
        var rng = SeededGenerator(seed: 21)
        for trial in 0..<40 {
            let routes = Int32.random(in: 1...30, using: &rng)
            var volumes: [Pair: Int64] = [:]
            for _ in 0..<Int.random(in: 1...300, using: &rng) {
                // Few distinct volumes: many ties.
                volumes[Pair(hour: Int32.random(in: 0..<6, using: &rng), route: Int32.random(in: 0..<routes, using: &rng))] = Int64.random(in: 1...4, using: &rng)
            }
            let name: (Int32) -> String = { $0 == 0 ? TrafficAggregate.otherRoute : "/r\($0)" }
            let present: (Int32) -> Set<String> = { hour in Set((0..<Int(hour)).map { "/r\($0 * 3)" } + ["/old\(hour)"]) }
            let maxRoutes = Int.random(in: 1...8, using: &rng)
            #expect(PerHourCap.keptRoutes(volumes: volumes, maxRoutes: maxRoutes, name: name, present: present)
                        == keptInOneOrder(volumes, maxRoutes: maxRoutes, name: name, present: present), "trial \(trial)")
        }
    }
}
