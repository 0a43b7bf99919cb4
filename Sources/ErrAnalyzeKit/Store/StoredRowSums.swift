/// Sums of a step's rows by their stored keys (database ids), for a writer's rollups: the
/// daily rows of `traffic_daily` and the hour × status rows of `status_hourly`.
///
/// Why here and not in the store: `CounterTable` is generic and not inlinable, so a table of a
/// key type of the store's own runs its unspecialised code (a witness call per hash, per
/// comparison, per addition: slower than the `Dictionary` it replaced). Made concrete in this
/// module, it is specialised like the aggregate's own tables.
package struct StoredTrafficSums {
    /// A row's key: `time` an hour or a day, the rest stored ids.
    package struct Key: CounterKey {
        package var time, route, method, status, code, flags: Int64

        package init(time: Int64, route: Int64, method: Int64, status: Int64, code: Int64, flags: Int64) {
            (self.time, self.route, self.method, self.status, self.code, self.flags) = (time, route, method, status, code, flags)
        }

        package var counterHash: UInt64 {
            mixCounterHash(UInt64(bitPattern: time) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: route),
                           (UInt64(bitPattern: method) &<< 48 ^ UInt64(bitPattern: status) &<< 32 ^ UInt64(bitPattern: code) &<< 8
                            ^ UInt64(bitPattern: flags)) &* 0xFF51_AFD7_ED55_8CCD)
        }
    }

    private var table: CounterTable<Key, TrafficCounts>

    package init(capacity: Int) {
        table = CounterTable(capacity: capacity)
    }

    package mutating func add(_ key: Key, _ counts: TrafficCounts) {
        table.add(key, counts)
    }

    /// Each key with its sums, in first-seen order.
    package var rows: Zip2Sequence<[Key], [TrafficCounts]> { zip(table.keys, table.values) }
}

/// Requests by hour × status (`status_hourly`), summed from a step's rows; see
/// `StoredTrafficSums` for why this lives here.
package struct StoredStatusSums {
    package struct Key: CounterKey {
        package var hour, status: Int64
        package var counterHash: UInt64 { mixCounterHash(UInt64(bitPattern: hour), UInt64(bitPattern: status)) }
    }

    private var table = CounterTable<Key, TrafficCounts>(capacity: 1024)

    package init() {}

    package mutating func add(hour: Int64, status: Int64, requests: Int64) {
        table.add(Key(hour: hour, status: status), TrafficCounts(requests: requests))
    }

    /// (hour, status, requests) in (hour, status) order.
    package func sorted() -> [(hour: Int64, status: Int64, requests: Int64)] {
        zip(table.keys, table.values).map { (hour: $0.hour, status: $0.status, requests: $1.requests) }
            .sorted { ($0.hour, $0.status) < ($1.hour, $1.status) }
    }
}

/// Route × method × status keys of stored rows numbered in first-seen order (the latency
/// rollups' groups); see `StoredTrafficSums` for why this lives here.
package struct StoredRouteKeys {
    package struct Key: CounterKey, Comparable {
        package var route, method, status: Int64
        package var counterHash: UInt64 {
            mixCounterHash(UInt64(bitPattern: route), UInt64(bitPattern: method) &<< 32 ^ UInt64(bitPattern: status))
        }
        package static func < (a: Key, b: Key) -> Bool { (a.route, a.method, a.status) < (b.route, b.method, b.status) }
    }

    private var table = CounterTable<Key, TrafficCounts>(capacity: 256)

    package init() {}

    /// The key's number: 0 for the first key seen, 1 for the next new one…
    package mutating func id(route: Int64, method: Int64, status: Int64) -> Int {
        table.add(Key(route: route, method: method, status: status), TrafficCounts())
    }

    /// The keys by number.
    package var keys: [Key] { table.keys }
}
