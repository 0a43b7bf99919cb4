/// The per-hour caps every store applies when it adds a step's aggregate, as pure decisions:
/// given what the step brings and which names the hour already holds in the store, which
/// names are kept and which are folded into `(other)`. A store only reads the names present
/// and writes what is decided, so that every store keeps exactly the same rows.
package enum PerHourCap {
    /// An hour and an aggregate-local route id (`TrafficAggregate.routes`).
    package struct HourRoute: Hashable, Sendable {
        package var hour: Int32
        package var route: Int32

        package init(hour: Int32, route: Int32) {
            self.hour = hour
            self.route = route
        }
    }

    /// Which of a step's hour × route pairs keep their route's name, with at most `maxRoutes`
    /// distinct routes per hour in the store: pairs are taken busiest first (ties: earlier
    /// hour, then lower local id); a route the hour already holds is kept, a new one while the
    /// hour has room (the `(other)` route itself always), the rest fold into `(other)`.
    ///
    /// `volumes`: requests per pair; `name`: a local route id's name; `present`: the names the
    /// store already holds for an hour (asked once per hour). Returns true for kept pairs.
    package static func keptRoutes(volumes: [HourRoute: Int64], maxRoutes: Int, name: (Int32) -> String,
                                   present: (Int32) throws -> Set<String>) rethrows -> [HourRoute: Bool] {
        // Hours are independent: each hour's pairs in that order (busiest, then lower id),
        // the hour's names asked once, each route's name made once.
        var byHour: [Int32: [(route: Int32, volume: Int64)]] = [:]
        for (pair, volume) in volumes { byHour[pair.hour, default: []].append((pair.route, volume)) }
        var names: [Int32: String] = [:]
        var kept: [HourRoute: Bool] = [:]
        kept.reserveCapacity(volumes.count)
        for (hour, routes) in byHour {
            var inHour = try present(hour)
            for (route, _) in routes.sorted(by: { ($0.volume, $1.route) > ($1.volume, $0.route) }) {
                let value: String
                if let known = names[route] { value = known } else { value = name(route); names[route] = value }
                let pair = HourRoute(hour: hour, route: route)
                if inHour.contains(value) {
                    kept[pair] = true
                } else if inHour.count < maxRoutes || value == TrafficAggregate.otherRoute {
                    inHour.insert(value)
                    kept[pair] = true
                } else {
                    kept[pair] = false
                }
            }
        }
        return kept
    }

    /// One client row to add: `name` is `otherClient` for the hour's folded errors.
    package struct ClientRow: Equatable, Sendable {
        package var hour: Int32
        package var name: String
        package var counts: ClientCounts
    }

    /// The name errors of clients not kept by name are counted under.
    package static let otherClient = "(other)"

    /// The client rows to add for a step, with at most `maxClients` rows per hour in the
    /// store, `(other)` included:
    ///
    /// 1. clients the hour already names keep their rows and are added to exactly;
    /// 2. then the step's other clients by errors (then 429s, then name bytes), heaviest
    ///    first, while the hour has fewer than `maxClients - 1` named clients;
    /// 3. the rest, with what the step had already folded in memory, go to the hour's
    ///    `(other)` row (written only when it has errors).
    ///
    /// `present`: the client names the store holds for an hour, `(other)` excluded. Rows come
    /// hour by hour (ascending), each hour's named clients heaviest first, `(other)` last.
    package static func clientRows(_ tally: ClientTally, maxClients: Int,
                                   present: (Int32) throws -> Set<String>) rethrows -> [ClientRow] {
        guard !tally.isEmpty else { return [] }
        var byHour: [Int32: [(name: String, counts: ClientCounts)]] = [:]
        tally.forEachNamed { hour, name, counts in
            byHour[hour, default: []].append((String(decoding: name, as: UTF8.self), counts))
        }
        var folded: [Int32: ClientCounts] = [:]
        for (key, counts) in tally.folded { folded[key.hour, default: ClientCounts()] += counts }

        var rows: [ClientRow] = []
        for hour in Set(byHour.keys).union(folded.keys).sorted() {
            var named = try present(hour)
            named.remove(otherClient)
            var other = folded[hour] ?? ClientCounts()
            let heaviestFirst = (byHour[hour] ?? []).sorted { a, b in
                if a.counts.errors != b.counts.errors { return a.counts.errors > b.counts.errors }
                if a.counts.rateLimited != b.counts.rateLimited { return a.counts.rateLimited > b.counts.rateLimited }
                return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
            }
            for client in heaviestFirst {
                if client.name != otherClient && named.contains(client.name) {
                    rows.append(ClientRow(hour: hour, name: client.name, counts: client.counts))
                } else if client.name != otherClient && named.count < maxClients - 1 {
                    named.insert(client.name)
                    rows.append(ClientRow(hour: hour, name: client.name, counts: client.counts))
                } else {
                    other += client.counts
                }
            }
            if other.errors > 0 { rows.append(ClientRow(hour: hour, name: otherClient, counts: other)) }
        }
        return rows
    }
}
