import ErrAnalyzeKit
import CSQLite

/// Latency histograms (migration 6): written with each step's aggregates, read by the report.
extension SQLiteStore: LatencyReportStore {
    /// Adds a step's latency rollups: per day and per calendar month × route × method ×
    /// status, and per hour × outcome. `rows` are the step's traffic rows as stored (hour and
    /// stored ids: routes folded by the per-hour cap fold here identically) with each one's
    /// row in `histograms`; the hourly histograms themselves ride on the traffic rows.
    func writeLatencyRollups<Rows: Sequence>(_ rows: Rows, _ histograms: LatencyRowHistograms, host: Int64) throws
        where Rows.Element == (hour: Int64, route: Int64, method: Int64, status: Int64, row: Int) {
        guard !histograms.buckets.isEmpty else { return }
        var daily = LatencyGroupSums<LatencyRollupKey>(), outcomes = LatencyGroupSums<LatencyRollupKey>()
        for (hour, route, method, status, row) in rows {
            let range = histograms.range(ofRow: row)
            guard !range.isEmpty else { continue }
            let day = daily.group(LatencyRollupKey(time: DailyRollup.day(ofHour: hour), route: route, method: method, status: status))
            let outcome = outcomes.group(LatencyRollupKey(time: hour, route: 0, method: 0, status: LatencyOutcome.code(ofStatus: status)))
            for i in range {
                daily.add(group: day, bucket: histograms.buckets[i], count: histograms.counts[i])
                outcomes.add(group: outcome, bucket: histograms.buckets[i], count: histograms.counts[i])
            }
        }
        let days = daily.histograms()
        var monthly = LatencyGroupSums<LatencyRollupKey>()
        var monthOfDay: [Int64: Int64] = [:]
        for (group, key) in daily.keys.enumerated() {
            let month: Int64
            if let known = monthOfDay[key.time] { month = known } else { month = MonthlyRollup.month(ofDay: key.time); monthOfDay[key.time] = month }
            let id = monthly.group(LatencyRollupKey(time: month, route: key.route, method: key.method, status: key.status))
            for i in days.range(ofRow: group) { monthly.add(group: id, bucket: days.buckets[i], count: days.counts[i]) }
        }
        // One row per key, its buckets packed; a key already stored adds bucket by bucket.
        // Primary-key order: each upsert lands next to the previous one in the B-tree.
        func upsert(_ table: String, _ timeColumn: String, _ keys: [LatencyRollupKey], _ sums: LatencyRowHistograms) throws {
            let statement = try connection.prepare("""
                INSERT INTO \(table) (\(timeColumn), host_id, route_id, method_id, status, buckets) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (\(timeColumn), host_id, route_id, method_id, status) DO UPDATE SET buckets = latency_merge(buckets, excluded.buckets)
                """)
            var packed: [UInt8] = []
            for group in keys.indices.sorted(by: { keys[$0] < keys[$1] }) {
                let key = keys[group]
                statement.bindIntegers(key.time, host, key.route, key.method, key.status)
                sums.pack(row: group, into: &packed)
                statement.bindBlobOrNull(6, packed)
                try statement.run()
            }
        }
        try upsert("latency_daily", "day", daily.keys, days)
        try upsert("latency_monthly", "month", monthly.keys, monthly.histograms())
        let statusRows = try connection.prepare("""
            INSERT INTO latency_hourly (hour, host_id, outcome, buckets) VALUES (?, ?, ?, ?)
            ON CONFLICT (hour, host_id, outcome) DO UPDATE SET buckets = latency_merge(buckets, excluded.buckets)
            """)
        let byOutcome = outcomes.histograms()
        var packed: [UInt8] = []
        for group in outcomes.keys.indices.sorted(by: { outcomes.keys[$0] < outcomes.keys[$1] }) {
            let key = outcomes.keys[group]
            statusRows.bindIntegers(key.time, host, key.status)
            byOutcome.pack(row: group, into: &packed)
            statusRows.bindBlobOrNull(4, packed)
            try statusRows.run()
        }
    }

    /// Latency rows before `beforeHour` go; a day cut in two is summed again from its hours,
    /// a month cut in two from its days.
    func pruneLatency(beforeHour: Int64) throws {
        try pruneLatencyHoursAndDays(beforeHour: beforeHour)
        let day = DailyRollup.day(ofHour: beforeHour)
        let month = MonthlyRollup.month(ofDay: day)
        try connection.prepare("DELETE FROM latency_monthly WHERE month < ?").bind([month]).run()
        guard beforeHour != MonthlyRollup.firstDay(ofMonth: month) * 24 else { return }
        try connection.prepare("DELETE FROM latency_monthly WHERE month = ?").bind([month]).run()
        try connection.prepare("""
            INSERT INTO latency_monthly (month, host_id, route_id, method_id, status, buckets)
                SELECT ?, host_id, route_id, method_id, status, buckets FROM latency_daily WHERE day >= ? AND day < ?
            ON CONFLICT (month, host_id, route_id, method_id, status) DO UPDATE SET buckets = latency_merge(buckets, excluded.buckets)
            """).bind([month, MonthlyRollup.firstDay(ofMonth: month), MonthlyRollup.firstDay(ofMonth: month + 1)]).run()
    }

    private func pruneLatencyHoursAndDays(beforeHour: Int64) throws {
        try connection.prepare("DELETE FROM latency_hourly WHERE hour < ?").bind([beforeHour]).run()
        let day = DailyRollup.day(ofHour: beforeHour)
        try connection.prepare("DELETE FROM latency_daily WHERE day < ?").bind([day]).run()
        guard beforeHour != day * 24 else { return }
        try connection.prepare("DELETE FROM latency_daily WHERE day = ?").bind([day]).run()
        try connection.prepare("""
            INSERT INTO latency_daily (day, host_id, route_id, method_id, status, buckets)
                SELECT ?, host_id, route_id, method_id, status, latency FROM traffic WHERE latency IS NOT NULL AND hour >= ? AND hour < ?
            ON CONFLICT (day, host_id, route_id, method_id, status) DO UPDATE SET buckets = latency_merge(buckets, excluded.buckets)
            """).bind([day, day * 24, day * 24 + 24]).run()
    }

    public func latencyLayoutVersion() throws -> Int {
        try StoreError.neutral {
            Int(try connection.prepare("SELECT version FROM latency_layout").firstRow { $0.int(0) } ?? Int64(LatencyBuckets.layoutVersion))
        }
    }

    private func latencyRange(_ first: Int64?, _ last: Int64?, column: String) -> (String, [Any?]) {
        var parts: [String] = []
        var values: [Any?] = []
        if let first { parts.append("\(column) >= ?"); values.append(first) }
        if let last { parts.append("\(column) <= ?"); values.append(last) }
        return (parts.isEmpty ? "1" : parts.joined(separator: " AND "), values)
    }

    private func idNames(_ table: String) throws -> [Int64: String] {
        var map: [Int64: String] = [:]
        try connection.prepare("SELECT id, value FROM \(table)").forEachRow { map[$0.int(0)] = $0.string(1) }
        return map
    }

    public func latencyGroups(in window: HourWindow, matching filter: TrafficFilter) throws -> [LatencyGroup] {
        try StoreError.neutral {
            try connection.readTransaction {
                let hosts = try hostClause(filter)
                var sums = LatencySums()
                func scan(_ sql: String, _ values: [Any?]) throws {
                    try connection.prepare(sql).bind(values).forEachRow { row in
                        let route = row.int(0), method = row.int(1), status = row.int(2)
                        row.forEachLatencyBucket(3) { sums.add(route: route, method: method, status: status, bucket: Int64($0), requests: $1) }
                    }
                }
                let columns = "route_id, method_id, status, buckets"
                // Whole months from the monthly rows, whole days around them from the daily
                // rows, the hours at the ends from the hourly ones.
                let plan = DailyRollup.plan(window)
                if let days = plan.days {
                    let months = MonthlyRollup.plan(days)
                    if let whole = months.months {
                        let (clause, values) = latencyRange(whole.lowerBound == .min ? nil : whole.lowerBound,
                                                            whole.upperBound == .max ? nil : whole.upperBound, column: "month")
                        try scan("SELECT \(columns) FROM latency_monthly WHERE \(clause) AND \(hosts)", values)
                    }
                    for range in months.dayRanges {
                        let (clause, values) = latencyRange(range.lowerBound == .min ? nil : range.lowerBound,
                                                            range.upperBound == .max ? nil : range.upperBound, column: "day")
                        try scan("SELECT \(columns) FROM latency_daily WHERE \(clause) AND \(hosts)", values)
                    }
                }
                for range in plan.hourRanges {
                    let (clause, values) = latencyRange(range.first.map(Int64.init), range.last.map(Int64.init), column: "hour")
                    try scan("SELECT route_id, method_id, status, latency FROM traffic WHERE latency IS NOT NULL AND \(clause) AND \(hosts)", values)
                }
                return sums.groups(routes: try idNames("routes"), methods: try idNames("methods"), filter: filter)
            }
        }
    }

    public func hourlyLatency(in window: HourWindow, matching filter: TrafficFilter) throws -> [HourlyLatency] {
        try StoreError.neutral {
            try connection.readTransaction {
                let hosts = try hostClause(filter)
                let (clause, values) = latencyRange(window.first.map(Int64.init), window.last.map(Int64.init), column: "hour")
                var sums = HourlyLatencySums()
                if !filter.restrictsLatencyKeys, let outcomes = LatencyOutcome.codes(selectedBy: filter) {
                    try connection.prepare("SELECT hour, outcome, buckets FROM latency_hourly WHERE \(clause) AND \(hosts)")
                        .bind(values).forEachRow { row in
                            guard outcomes.contains(row.int(1)) else { return }
                            let hour = row.int(0)
                            row.forEachLatencyBucket(2) { sums.add(hour: hour, bucket: Int64($0), requests: $1) }
                        }
                } else {
                    let routes = try idNames("routes"), methods = try idNames("methods")
                    var routeMatches: [Int64: Bool] = [:]
                    try connection.prepare("SELECT hour, route_id, method_id, status, latency FROM traffic WHERE latency IS NOT NULL AND \(clause) AND \(hosts)")
                        .bind(values).forEachRow { row in
                            let routeID = row.int(1)
                            let routeOK = routeMatches[routeID] ?? filter.matches(route: routes[routeID] ?? "?")
                            routeMatches[routeID] = routeOK
                            guard routeOK, filter.matches(status: Int(row.int(3))), filter.matches(method: methods[row.int(2)] ?? "") else { return }
                            let hour = row.int(0)
                            row.forEachLatencyBucket(4) { sums.add(hour: hour, bucket: Int64($0), requests: $1) }
                        }
                }
                return sums.rows()
            }
        }
    }
}

/// The key of a latency rollup row: a day, month or hour, and stored ids (the per-hour ×
/// outcome rows use only `time` and `status`, the outcome code).
struct LatencyRollupKey: Hashable, Comparable {
    var time, route, method, status: Int64

    static func < (a: Self, b: Self) -> Bool { (a.time, a.route, a.method, a.status) < (b.time, b.route, b.method, b.status) }
}

extension SQLiteRow {
    /// Each (bucket, count) of the packed histogram in `column`, read in place.
    func forEachLatencyBucket(_ column: Int32, _ body: (Int, Int64) -> Void) {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let base = sqlite3_column_blob(statement, column) else { return }
        PackedLatencyBuckets.forEach(UnsafeRawBufferPointer(start: base, count: count), body)
    }
}
