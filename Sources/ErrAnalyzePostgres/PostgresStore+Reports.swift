import ErrAnalyzeKit

/// What a report reads, over every host (or those `TrafficFilter.hosts` selects).
extension PostgresStore {
    /// Runs `body` in one REPEATABLE READ, READ ONLY transaction: every query in it sees the
    /// state of one moment, whatever hosts commit meanwhile. Inside another transaction (a
    /// snapshot within a snapshot) it runs in that one.
    public func snapshot<T>(_ body: () throws -> T) throws -> T {
        if connection.inTransaction { return try body() }
        do {
            // Summing a fleet's days is one large hash aggregate (100 hosts × 90 days: 4.5M
            // rows). With the default 4 MB of work_mem it spills to disk; the default costs
            // keep it on one core (1.0 s where parallel workers take 0.5 s; tables under
            // min_parallel_table_scan_size stay serial whatever the cost); JIT compiling it
            // costs more than it saves.
            try connection.execute("""
                BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL work_mem = '64MB'; SET LOCAL jit = off;
                SET LOCAL parallel_setup_cost = 0; SET LOCAL parallel_tuple_cost = 0
                """)
        } catch {
            throw Self.neutral(error)
        }
        do {
            let value = try body()
            try connection.execute("COMMIT")
            return value
        } catch {
            connection.rollbackQuietly()
            throw Self.neutral(error)
        }
    }

    /// `column` between two inclusive bounds, either of which may be open (integers, inlined).
    static func rangeClause(first: Int64?, last: Int64?, column: String) -> [String] {
        var parts: [String] = []
        if let first, first != .min { parts.append("\(column) >= \(first)") }
        if let last, last != .max { parts.append("\(column) <= \(last)") }
        return parts
    }

    static func windowClause(_ window: HourWindow, column: String = "hour") -> [String] {
        rangeClause(first: window.first.map(Int64.init), last: window.last.map(Int64.init), column: column)
    }

    static func whereClause(_ parts: [String]) -> String {
        parts.isEmpty ? "" : "WHERE " + parts.joined(separator: " AND ")
    }

    private func names(_ table: String, column: String = "value") throws -> [Int64: String] {
        var map: [Int64: String] = [:]
        for row in try connection.query("SELECT id, \(column) FROM \(table)").rows { map[row.int64(0)] = row.string(1) }
        return map
    }

    static let groupKey = "host_id, route_id, method_id, status, code_id, flags"
    static let groupColumns = groupKey + ", requests, timed_requests, duration_us"

    private struct GroupKey: Hashable {
        var host, route, method, status, code, flags: Int64
    }

    /// Sums per host × route × method × status × code × flags over the window: whole months
    /// from `traffic_monthly`, the other whole days from `traffic_daily`, the hours at either
    /// end from `traffic` (`DailyRollup.plan`, then `MonthlyRollup.plan`), grouped on the server.
    public func trafficGroups(in window: HourWindow) throws -> [TrafficGroup] {
        try snapshot {
            try neutral {
                let hosts = try names("hosts", column: "name"), routes = try names("routes")
                let methods = try names("methods"), codes = try names("codes")
                // Every part of the plan in one statement, summed once on the server.
                var parts: [String] = []
                func part(_ table: String, _ clause: [String]) {
                    parts.append("SELECT \(Self.groupColumns) FROM \(table) \(Self.whereClause(clause))")
                }
                let plan = DailyRollup.plan(window)
                if let days = plan.days {
                    let months = MonthlyRollup.plan(days)
                    if let whole = months.months {
                        part("traffic_monthly", Self.rangeClause(first: whole.lowerBound, last: whole.upperBound, column: "month"))
                    }
                    for range in months.dayRanges {
                        part("traffic_daily", Self.rangeClause(first: range.lowerBound, last: range.upperBound, column: "day"))
                    }
                }
                for range in plan.hourRanges {
                    part("traffic", Self.windowClause(range))
                }
                var sums: [GroupKey: TrafficCounts] = [:]
                let result = try connection.query("""
                    SELECT \(Self.groupKey), sum(requests)::bigint, sum(timed_requests)::bigint, sum(duration_us)::bigint
                    FROM (\(parts.joined(separator: " UNION ALL "))) AS t GROUP BY \(Self.groupKey)
                    """, binaryResults: true)
                for row in result.rows {
                    let key = GroupKey(host: row.int64(0), route: row.int64(1), method: row.int64(2), status: row.int64(3),
                                       code: row.int64(4), flags: row.int64(5))
                    sums[key] = TrafficCounts(requests: row.int64(6), timedRequests: row.int64(7), durationMicros: row.int64(8))
                }
                // In the order of the names, as every store gives them (`TrafficGroup.inNameOrder`).
                return sums.map { key, counts in
                    TrafficGroup(route: routes[key.route] ?? "?", method: methods[key.method] ?? "",
                                 status: Int(key.status), code: key.code == 0 ? nil : codes[key.code],
                                 flags: UInt8(truncatingIfNeeded: key.flags), counts: counts, host: hosts[key.host] ?? "?")
                }.sorted(by: TrafficGroup.inNameOrder)
            }
        }
    }

    /// Requests per hour and status of the traffic `filter` matches, ordered by hour and
    /// status. Without route, method, code or status filters the per-hour status sums are
    /// read (`status_hourly`); otherwise the hourly traffic rows.
    public func hourlyStatusCounts(in window: HourWindow, matching filter: TrafficFilter) throws -> [HourlyStatusCount] {
        try snapshot {
            try neutral {
                var parts = Self.windowClause(window)
                let hostIDs = try hostIDs(matching: filter)
                if let hostIDs {
                    if hostIDs.isEmpty { return [] }
                    parts.append(Self.hostClause(hostIDs)!)
                }
                var table = "status_hourly"
                if !filter.routes.isEmpty || !filter.methods.isEmpty || !filter.codes.isEmpty || !filter.statuses.isEmpty {
                    table = "traffic"
                    // Names are matched in Swift, by the same rules as `TrafficFilter.matches`,
                    // and handed to SQL as lists of ids (integers, safe to inline).
                    for (names, table, column, include) in [
                        (filter.routes, "routes", "route_id", filter.matches(route:)),
                        (filter.methods, "methods", "method_id", filter.matches(method:)),
                        (filter.codes, "codes", "code_id", { filter.matches(code: $0) }),
                    ] as [([String], String, String, (String) -> Bool)] where !names.isEmpty {
                        let ids = try self.names(table).filter { include($0.value) }.map(\.key)
                        if ids.isEmpty { return [] }
                        parts.append("\(column) = ANY('{\(ids.map(String.init).joined(separator: ","))}'::integer[])")
                    }
                    if !filter.statuses.isEmpty {
                        parts.append("(" + filter.statuses.map { "status BETWEEN \($0.lower) AND \($0.upper)" }.joined(separator: " OR ") + ")")
                    }
                }
                return try connection.query("""
                    SELECT hour, status, sum(requests)::bigint FROM \(table) \(Self.whereClause(parts))
                    GROUP BY hour, status ORDER BY hour, status
                    """, binaryResults: true).rows.map {
                        HourlyStatusCount(hour: Int32(truncatingIfNeeded: $0.int64(0)), status: Int($0.int64(1)), requests: $0.int64(2))
                    }
            }
        }
    }

    public func clientErrors(in window: HourWindow, limit: Int, matching filter: TrafficFilter) throws -> [ClientErrorTotal] {
        try topClients(.byErrors, in: window, limit: limit, matching: filter)
    }

    public func rateLimitedClients(in window: HourWindow, limit: Int, matching filter: TrafficFilter) throws -> [ClientErrorTotal] {
        try topClients(.byRateLimited, in: window, limit: limit, matching: filter)
    }

    /// The clients `ranking` lists. The server sums and narrows to `limit` candidates in the
    /// ranking's own order (a month's clients never cross the wire); `ranking.top` gives the
    /// final list, so the rule itself is ClientRanking's.
    private func topClients(_ ranking: ClientRanking, in window: HourWindow, limit: Int,
                            matching filter: TrafficFilter) throws -> [ClientErrorTotal] {
        guard limit > 0 else { return [] }
        let (measure, admits) = switch ranking {
        case .byErrors: ("sum(e.errors)", "sum(e.errors) <> 0 OR sum(e.rate_limited) <> 0")
        case .byRateLimited: ("sum(e.rate_limited)", "sum(e.rate_limited) > 0")
        }
        return try snapshot {
            try neutral {
                var parts = Self.windowClause(window, column: "e.hour")
                if let hostIDs = try hostIDs(matching: filter) {
                    if hostIDs.isEmpty { return [] }
                    parts.append(Self.hostClause(hostIDs, column: "e.host_id")!)
                }
                // Ties by name as bytes: COLLATE "C" is byte order in every encoding's locale.
                let candidates = try connection.query("""
                    SELECT c.value, sum(e.errors)::bigint, sum(e.rate_limited)::bigint
                    FROM client_errors e JOIN clients c ON c.id = e.client_id \(Self.whereClause(parts))
                    GROUP BY c.value HAVING \(admits)
                    ORDER BY \(measure) DESC, c.value COLLATE "C" LIMIT \(limit)
                    """).rows.map { ClientErrorTotal(client: $0.string(0), errors: $0.int64(1), rateLimited: $0.int64(2)) }
                return ranking.top(candidates, limit: limit)
            }
        }
    }

    /// Malformed lines of the files (of the selected hosts) whose time range overlaps the
    /// window; files with no readable request belong to every window.
    public func malformedSummary(in window: HourWindow, matching filter: TrafficFilter) throws -> MalformedSummary {
        try snapshot {
            try neutral {
                let rule = MalformedWindow(window)
                var parts = rule.sqlConditions(files: "f")
                if let hostIDs = try hostIDs(matching: filter) {
                    if hostIDs.isEmpty { return MalformedSummary() }
                    parts.append(Self.hostClause(hostIDs, column: "f.host_id")!)
                }
                var summary = MalformedSummary()
                for row in try connection.query("""
                    SELECT m.reason, sum(m.count)::bigint FROM malformed m JOIN files f ON f.id = m.file_id
                    \(Self.whereClause(parts)) GROUP BY m.reason
                    """).rows {
                    summary.add(reasonCode: row.int64(0), count: row.int64(1))
                }
                for row in try connection.query("""
                    SELECT f.path, s.line, s.reason, s.text FROM malformed_samples s JOIN files f ON f.id = s.file_id
                    \(Self.whereClause(parts)) \(rule.sqlSampleOrder(files: "f", samples: "s"))
                    """).rows {
                    summary.addSample(path: row.string(0), line: row.int64(1), reasonCode: row.int64(2), text: row.string(3))
                }
                return summary
            }
        }
    }

    /// The first and last hour that hold data (any host), or nil when there is none.
    public func dataHours() throws -> (first: Int32, last: Int32)? {
        try neutral {
            guard let row = try connection.query("SELECT min(hour), max(hour) FROM traffic").first, !row.isNull(0) else { return nil }
            return (Int32(row.int64(0)), Int32(row.int64(1)))
        }
    }
}
