import ErrAnalyzeKit

extension AdditiveRows.Table {
    public static let recentTraffic = AdditiveRows.Table(
        name: "recent_traffic", keyColumns: ["minute", "host_id", "route_id", "method_id", "status", "code_id"],
        counterColumns: ["requests"])
    public static let recentLatency = AdditiveRows.Table(
        name: "recent_latency", keyColumns: ["minute", "host_id", "bucket"], counterColumns: ["requests"])
}

/// Recent minutes (migration 3, `RecentMinutes`), as in the SQLite store: written with each
/// step's aggregates in its transaction, kept for the last hour, read by `erranalyze top`
/// with no files — over every host, the fleet's live view.
extension PostgresStore: RecentMinutesStore {
    /// Adds a step's recent minutes, with the route ids the per-hour cap chose for its traffic
    /// rows (a route folded into `(other)` there is folded here too).
    func writeRecentMinutes(_ recent: RecentMinutes, route: (PerHourCap.HourRoute) -> Int64?, methodIDs: [Int64], codeIDs: [Int64]) throws {
        guard !recent.isEmpty else { return }
        var rows = AdditiveRows(.recentTraffic, reservingRows: recent.traffic.count)
        for (key, count) in recent.traffic {
            let hour = key.minute >= 0 ? key.minute / 60 : (key.minute - 59) / 60
            guard let routeID = route(PerHourCap.HourRoute(hour: hour, route: key.route)) else { continue }
            rows.append(Int64(key.minute), hostID, routeID, methodIDs[Int(key.method)], Int64(key.status),
                        key.code == TrafficKey.noCode ? 0 : codeIDs[Int(key.code)], count.requests)
        }
        try connection.addSums(rows)
        var latency = AdditiveRows(.recentLatency, reservingRows: recent.latency.count)
        for (key, count) in recent.latency { latency.append(Int64(key.minute), hostID, Int64(key.bucket), count.requests) }
        try connection.addSums(latency)

        let clients = try RecentMinutesRules.clientRows(recent) { minute in
            var names = Set<String>()
            for row in try connection.query("SELECT client FROM recent_rate_limited WHERE minute = $1 AND host_id = $2",
                                             [.int64(Int64(minute)), .int64(hostID)]).rows {
                names.insert(row.string(0))
            }
            return names
        }
        guard !clients.isEmpty else { return }
        // One statement for the step's rows, in key order (the order locks are taken in).
        try connection.query("""
            INSERT INTO recent_rate_limited (minute, host_id, client, requests)
            SELECT m, $1, c, r FROM unnest($2::integer[], $3::text[], $4::bigint[]) WITH ORDINALITY AS u(m, c, r, n) ORDER BY n
            ON CONFLICT (minute, host_id, client) DO UPDATE SET requests = recent_rate_limited.requests + excluded.requests
            """, [.int64(hostID), .text("{" + clients.map { String($0.minute) }.joined(separator: ",") + "}"),
                  .text(PostgresConnection.arrayLiteral(clients.map { PostgresConnection.storable($0.client) })),
                  .text("{" + clients.map { String($0.requests) }.joined(separator: ",") + "}")])
    }

    /// Deletes this host's recent rows older than the retention before `now` (seconds since
    /// the epoch): the tables hold at most the last hour of each host. Only this host's rows,
    /// so that hosts committing side by side never wait for each other here.
    func pruneRecentMinutes(now: Int64) throws {
        let oldest = PostgresValue.int64(RecentMinutesRules.oldestKeptMinute(now: now))
        try connection.query("DELETE FROM recent_traffic WHERE minute < $1 AND host_id = $2", [oldest, .int64(hostID)])
        try connection.query("DELETE FROM recent_rate_limited WHERE minute < $1 AND host_id = $2", [oldest, .int64(hostID)])
        try connection.query("DELETE FROM recent_latency WHERE minute < $1 AND host_id = $2", [oldest, .int64(hostID)])
    }

    /// Every host's recent rows before `minute` (`prune`: their route ids may be removed).
    func pruneRecentMinutes(before minute: Int64, on connection: PostgresConnection) throws {
        try connection.query("DELETE FROM recent_traffic WHERE minute < $1", [.int64(minute)])
        try connection.query("DELETE FROM recent_rate_limited WHERE minute < $1", [.int64(minute)])
        try connection.query("DELETE FROM recent_latency WHERE minute < $1", [.int64(minute)])
    }

    public func recentMinutes(since firstMinute: Int64) throws -> [LiveMinute] {
        try snapshot {
            try neutral {
                var collector = RecentMinutesRules.Collector()
                let sql = RecentMinutesRules.readQueries(minuteParameter: "$1")
                for row in try connection.query(sql.traffic, [.int64(firstMinute)]).rows {
                    collector.add(minute: row.int64(0), host: row.string(1), method: row.string(2), route: row.string(3),
                                  status: Int(row.int64(4)), code: row.string(5), requests: row.int64(6))
                }
                for row in try connection.query(sql.rateLimited, [.int64(firstMinute)]).rows {
                    collector.addRateLimited(minute: row.int64(0), client: row.string(1), requests: row.int64(2))
                }
                for row in try connection.query(sql.latency, [.int64(firstMinute)]).rows {
                    collector.addLatency(minute: row.int64(0), bucket: Int(row.int64(1)), requests: row.int64(2))
                }
                return collector.result
            }
        }
    }
}
