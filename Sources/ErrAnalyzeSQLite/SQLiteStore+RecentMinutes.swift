import ErrAnalyzeKit

/// Recent minutes (migration 7, `RecentMinutes`): written with each step's aggregates in its
/// transaction, kept for the last hour, read by `erranalyze top` with no files.
extension SQLiteStore: RecentMinutesStore {
    /// Adds a step's recent minutes, with the route ids the per-hour cap chose for its traffic
    /// rows (a route folded into `(other)` there is folded here too).
    func writeRecentMinutes(_ recent: RecentMinutes, routeIDs: [PerHourCap.HourRoute: Int64], methodIDs: [Int64],
                            codeIDs: [Int64], host: Int64) throws {
        guard !recent.isEmpty else { return }
        var rows: [(minute: Int64, route: Int64, method: Int64, status: Int64, code: Int64, requests: Int64)] = []
        rows.reserveCapacity(recent.traffic.count)
        for (key, count) in recent.traffic {
            let hour = key.minute >= 0 ? key.minute / 60 : (key.minute - 59) / 60
            guard let route = routeIDs[PerHourCap.HourRoute(hour: hour, route: key.route)] else { continue }
            rows.append((Int64(key.minute), route, methodIDs[Int(key.method)], Int64(key.status),
                         key.code == TrafficKey.noCode ? 0 : codeIDs[Int(key.code)], count.requests))
        }
        // In primary-key order: each upsert lands next to the previous one in the B-tree.
        rows.sort { ($0.minute, $0.route, $0.method, $0.status, $0.code) < ($1.minute, $1.route, $1.method, $1.status, $1.code) }
        let upsert = try connection.prepare("""
            INSERT INTO recent_traffic (minute, host_id, route_id, method_id, status, code_id, requests) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (minute, host_id, route_id, method_id, status, code_id) DO UPDATE SET requests = requests + excluded.requests
            """)
        for row in rows {
            upsert.bindIntegers(row.minute, host, row.route, row.method, row.status, row.code, row.requests)
            try upsert.run()
        }

        let present = try connection.prepare("SELECT client FROM recent_rate_limited WHERE minute = ? AND host_id = ?")
        let clients = try RecentMinutesRules.clientRows(recent) { minute in
            var names = Set<String>()
            try present.bind([Int64(minute), host]).forEachRow { names.insert($0.string(0)) }
            return names
        }
        let upsertClient = try connection.prepare("""
            INSERT INTO recent_rate_limited (minute, host_id, client, requests) VALUES (?, ?, ?, ?)
            ON CONFLICT (minute, host_id, client) DO UPDATE SET requests = requests + excluded.requests
            """)
        for row in clients { try upsertClient.bind([Int64(row.minute), host, row.client, row.requests]).run() }

        let upsertLatency = try connection.prepare("""
            INSERT INTO recent_latency (minute, host_id, bucket, requests) VALUES (?, ?, ?, ?)
            ON CONFLICT (minute, host_id, bucket) DO UPDATE SET requests = requests + excluded.requests
            """)
        for (key, count) in recent.latency.sorted(by: { ($0.key.minute, $0.key.bucket) < ($1.key.minute, $1.key.bucket) }) {
            upsertLatency.bindIntegers(Int64(key.minute), host, Int64(key.bucket), count.requests)
            try upsertLatency.run()
        }
    }

    /// Deletes this host's recent rows older than the retention before `now` (seconds since
    /// the epoch): the tables hold at most the last hour of each host.
    func pruneRecentMinutes(now: Int64) throws {
        let oldest = RecentMinutesRules.oldestKeptMinute(now: now)
        let host = try hostID()
        try connection.prepare("DELETE FROM recent_traffic WHERE minute < ? AND host_id = ?").bind([oldest, host]).run()
        try connection.prepare("DELETE FROM recent_rate_limited WHERE minute < ? AND host_id = ?").bind([oldest, host]).run()
        try connection.prepare("DELETE FROM recent_latency WHERE minute < ? AND host_id = ?").bind([oldest, host]).run()
    }

    /// Every host's recent rows before `minute` (`prune`: their route ids may be removed).
    func pruneRecentMinutes(before minute: Int64) throws {
        try connection.prepare("DELETE FROM recent_traffic WHERE minute < ?").bind([minute]).run()
        try connection.prepare("DELETE FROM recent_rate_limited WHERE minute < ?").bind([minute]).run()
        try connection.prepare("DELETE FROM recent_latency WHERE minute < ?").bind([minute]).run()
    }

    public func recentMinutes(since firstMinute: Int64) throws -> [LiveMinute] {
        try StoreError.neutral {
            try snapshot {
                var collector = RecentMinutesRules.Collector()
                let sql = RecentMinutesRules.readQueries(minuteParameter: "?")
                try connection.prepare(sql.traffic).bind([firstMinute]).forEachRow { row in
                    collector.add(minute: row.int(0), host: row.string(1), method: row.string(2), route: row.string(3),
                                  status: Int(row.int(4)), code: row.string(5), requests: row.int(6))
                }
                try connection.prepare(sql.rateLimited).bind([firstMinute]).forEachRow { row in
                    collector.addRateLimited(minute: row.int(0), client: row.string(1), requests: row.int(2))
                }
                try connection.prepare(sql.latency).bind([firstMinute]).forEachRow { row in
                    collector.addLatency(minute: row.int(0), bucket: Int(row.int(1)), requests: row.int(2))
                }
                return collector.result
            }
        }
    }
}
