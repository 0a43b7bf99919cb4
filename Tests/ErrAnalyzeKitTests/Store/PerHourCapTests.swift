import Testing
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
}
