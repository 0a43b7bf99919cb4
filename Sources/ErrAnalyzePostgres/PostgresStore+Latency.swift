import ErrAnalyzeKit

extension AdditiveRows.Table {
    public static let latency = AdditiveRows.Table(
        name: "latency", keyColumns: ["hour", "host_id", "route_id", "method_id", "status", "bucket"], counterColumns: ["requests"])
    public static let latencyDaily = AdditiveRows.Table(
        name: "latency_daily", keyColumns: ["day", "host_id", "route_id", "method_id", "status", "bucket"], counterColumns: ["requests"])
    public static let latencyMonthly = AdditiveRows.Table(
        name: "latency_monthly", keyColumns: ["month", "host_id", "route_id", "method_id", "status", "bucket"], counterColumns: ["requests"])
    public static let latencyHourly = AdditiveRows.Table(
        name: "latency_hourly", keyColumns: ["hour", "host_id", "outcome", "bucket"], counterColumns: ["requests"])
}

/// Latency histograms (migration 2), as in the SQLite store: written with each step's
/// aggregates, read by the report.
extension PostgresStore: LatencyReportStore {
    /// Adds a step's latency counts, with the route ids the per-hour cap chose for its traffic
    /// rows (so that folded routes fold here identically).
    func writeLatency(_ a: TrafficAggregate, route: (PerHourCap.HourRoute) -> Int64, methodIDs: [Int64]) throws {
        guard !a.latency.isEmpty else { return }
        let histograms = a.latencyHistograms()
        let buckets = histograms.buckets.count
        var hourly = AdditiveRows(.latency, reservingRows: buckets)
        var daily = AdditiveRows(.latencyDaily, reservingRows: buckets)
        var monthly = AdditiveRows(.latencyMonthly, reservingRows: buckets)
        var monthOfDay: [Int64: Int64] = [:]
        var byStatus = AdditiveRows(.latencyHourly, reservingRows: buckets)
        // Rows of one key with other codes or flags give the same (key, bucket) more than once:
        // `addSums` adds those before writing.
        for (row, key) in a.traffic.keys.enumerated() {
            let range = histograms.range(ofRow: row)
            guard !range.isEmpty else { continue }
            let routeID = route(PerHourCap.HourRoute(hour: key.hour, route: key.route))
            let hour = Int64(key.hour), status = Int64(key.status), method = methodIDs[Int(key.method)]
            let day = DailyRollup.day(ofHour: hour)
            if monthOfDay[day] == nil { monthOfDay[day] = MonthlyRollup.month(ofDay: day) }
            let month = monthOfDay[day]!
            let outcome = LatencyOutcome.code(ofStatus: status)
            for i in range {
                let bucket = Int64(histograms.buckets[i]), count = Int64(histograms.counts[i])
                hourly.append(hour, hostID, routeID, method, status, bucket, count)
                daily.append(day, hostID, routeID, method, status, bucket, count)
                monthly.append(month, hostID, routeID, method, status, bucket, count)
                byStatus.append(hour, hostID, outcome, bucket, count)
            }
        }
        try connection.addSums(hourly)
        try connection.addSums(daily)
        try connection.addSums(monthly)
        try connection.addSums(byStatus)
    }

    /// Whole days before `beforeHour` leave `latency_daily`, whole months `latency_monthly`; a
    /// day it cuts is summed again from the hours that remain, a month from its days (call
    /// after removing the hourly rows).
    func pruneLatencyDaily(beforeHour: Int64, on connection: PostgresConnection) throws {
        try pruneLatencyDays(beforeHour: beforeHour, on: connection)
        let day = DailyRollup.day(ofHour: beforeHour)
        let month = MonthlyRollup.month(ofDay: day)
        try connection.query("DELETE FROM latency_monthly WHERE month < $1", [.int64(month)])
        guard beforeHour != MonthlyRollup.firstDay(ofMonth: month) * 24 else { return }
        try connection.query("DELETE FROM latency_monthly WHERE month = $1", [.int64(month)])
        try connection.query("""
            INSERT INTO latency_monthly
                SELECT $1::integer, host_id, route_id, method_id, status, bucket, sum(requests)
                FROM latency_daily WHERE day >= $2 AND day < $3 GROUP BY host_id, route_id, method_id, status, bucket
            """, [.int64(month), .int64(MonthlyRollup.firstDay(ofMonth: month)), .int64(MonthlyRollup.firstDay(ofMonth: month + 1))])
    }

    private func pruneLatencyDays(beforeHour: Int64, on connection: PostgresConnection) throws {
        let day = DailyRollup.day(ofHour: beforeHour)
        try connection.query("DELETE FROM latency_daily WHERE day < $1", [.int64(day)])
        guard beforeHour != day * 24 else { return }
        try connection.query("DELETE FROM latency_daily WHERE day = $1", [.int64(day)])
        try connection.query("""
            INSERT INTO latency_daily
                SELECT $1::integer, host_id, route_id, method_id, status, bucket, sum(requests)
                FROM latency WHERE hour >= $2 AND hour < $3 GROUP BY host_id, route_id, method_id, status, bucket
            """, [.int64(day), .int64(day * 24), .int64(day * 24 + 24)])
    }

    public func latencyLayoutVersion() throws -> Int {
        try neutral {
            Int(try connection.query("SELECT value FROM erranalyze_meta WHERE key = 'latency_layout'").first?.string(0) ?? "")
                ?? LatencyBuckets.layoutVersion
        }
    }

    private func idNames(_ table: String) throws -> [Int64: String] {
        var map: [Int64: String] = [:]
        for row in try connection.query("SELECT id, value FROM \(table)").rows { map[row.int64(0)] = row.string(1) }
        return map
    }

    public func latencyGroups(in window: HourWindow, matching filter: TrafficFilter) throws -> [LatencyGroup] {
        try snapshot {
            try neutral {
                let hosts = Self.hostClause(try hostIDs(matching: filter))
                var parts: [String] = []
                func part(_ table: String, _ clause: [String]) {
                    parts.append("SELECT route_id, method_id, status, bucket, requests FROM \(table) "
                                 + Self.whereClause(clause + (hosts.map { [$0] } ?? [])))
                }
                let plan = DailyRollup.plan(window)
                if let days = plan.days {
                    let months = MonthlyRollup.plan(days)
                    if let whole = months.months {
                        part("latency_monthly", Self.rangeClause(first: whole.lowerBound, last: whole.upperBound, column: "month"))
                    }
                    for range in months.dayRanges {
                        part("latency_daily", Self.rangeClause(first: range.lowerBound, last: range.upperBound, column: "day"))
                    }
                }
                for range in plan.hourRanges { part("latency", Self.windowClause(range)) }
                var sums = LatencySums()
                let result = try connection.query("""
                    SELECT route_id, method_id, status, bucket, sum(requests)::bigint
                    FROM (\(parts.joined(separator: " UNION ALL "))) AS t GROUP BY route_id, method_id, status, bucket
                    """, binaryResults: true)
                for row in result.rows {
                    sums.add(route: row.int64(0), method: row.int64(1), status: row.int64(2), bucket: row.int64(3), requests: row.int64(4))
                }
                return sums.groups(routes: try idNames("routes"), methods: try idNames("methods"), filter: filter)
            }
        }
    }

    public func hourlyLatency(in window: HourWindow, matching filter: TrafficFilter) throws -> [HourlyLatency] {
        try snapshot {
            try neutral {
                let clause = Self.windowClause(window) + (Self.hostClause(try hostIDs(matching: filter)).map { [$0] } ?? [])
                var sums = HourlyLatencySums()
                if !filter.restrictsLatencyKeys, let outcomes = LatencyOutcome.codes(selectedBy: filter) {
                    let result = try connection.query("""
                        SELECT hour, outcome, bucket, sum(requests)::bigint FROM latency_hourly \(Self.whereClause(clause))
                        GROUP BY hour, outcome, bucket
                        """, binaryResults: true)
                    for row in result.rows where outcomes.contains(row.int64(1)) {
                        sums.add(hour: row.int64(0), bucket: row.int64(2), requests: row.int64(3))
                    }
                } else {
                    let routes = try idNames("routes"), methods = try idNames("methods")
                    var routeMatches: [Int64: Bool] = [:]
                    let result = try connection.query("""
                        SELECT hour, route_id, method_id, status, bucket, sum(requests)::bigint FROM latency \(Self.whereClause(clause))
                        GROUP BY hour, route_id, method_id, status, bucket
                        """, binaryResults: true)
                    for row in result.rows {
                        let routeID = row.int64(1)
                        let routeOK = routeMatches[routeID] ?? filter.matches(route: routes[routeID] ?? "?")
                        routeMatches[routeID] = routeOK
                        guard routeOK, filter.matches(status: Int(row.int64(3))), filter.matches(method: methods[row.int64(2)] ?? "") else { continue }
                        sums.add(hour: row.int64(0), bucket: row.int64(4), requests: row.int64(5))
                    }
                }
                return sums.rows()
            }
        }
    }
}
