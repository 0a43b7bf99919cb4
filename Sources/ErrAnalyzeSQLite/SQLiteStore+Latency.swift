import ErrAnalyzeKit
import CSQLite

/// Latency histograms (migration 6): written with each step's aggregates, read by the report.
extension SQLiteStore: LatencyReportStore {
    /// Adds a step's latency counts: hourly rows (with the route ids the per-hour cap chose for
    /// the traffic rows, so folded routes fold here identically), daily rows and per-hour ×
    /// status rows. Rows in primary-key order, as for traffic.
    func writeLatency(_ a: TrafficAggregate, routeIDs: [PerHourCap.HourRoute: Int64], methodIDs: [Int64], host: Int64) throws {
        guard !a.latency.isEmpty else { return }
        // Flat arrays sorted by key, no dictionaries: a sparse step (few requests per key)
        // has about as many latency keys as requests. Rows that share a key (two local routes
        // folded into one `(other)` id) are simply upserted twice: the upsert adds.
        var hourly: [LatencyRowValues] = []
        hourly.reserveCapacity(a.latency.count)
        var daily = CounterTable<LatencyRowValues.Key, LatencyCount>(capacity: a.latency.count / 4)
        var monthly = CounterTable<LatencyRowValues.Key, LatencyCount>(capacity: a.latency.count / 8)
        var monthOfDay: [Int64: Int64] = [:]
        var byStatus = CounterTable<LatencyRowValues.Key, LatencyCount>(capacity: a.latency.count / 4)
        for (key, count) in a.latency {
            guard let route = routeIDs[PerHourCap.HourRoute(hour: key.hour, route: key.route)] else { continue }
            let row = LatencyRowValues.Key(time: Int64(key.hour), route: route, method: methodIDs[Int(key.method)],
                                           status: Int64(key.status), bucket: Int64(key.bucket))
            hourly.append(LatencyRowValues(key: row, requests: count.requests))
            var day = row
            day.time = DailyRollup.day(ofHour: row.time)
            daily.add(day, count)
            if monthOfDay[day.time] == nil { monthOfDay[day.time] = MonthlyRollup.month(ofDay: day.time) }
            var month = day
            month.time = monthOfDay[day.time]!
            monthly.add(month, count)
            byStatus.add(LatencyRowValues.Key(time: row.time, route: 0, method: 0, status: LatencyOutcome.code(ofStatus: row.status),
                                              bucket: row.bucket), count)
        }
        // One row per key, its buckets packed; a key already stored adds bucket by bucket.
        func upsert(_ table: String, _ timeColumn: String, _ rows: [LatencyRowValues]) throws {
            let statement = try connection.prepare("""
                INSERT INTO \(table) (\(timeColumn), host_id, route_id, method_id, status, buckets) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (\(timeColumn), host_id, route_id, method_id, status) DO UPDATE SET buckets = latency_merge(buckets, excluded.buckets)
                """)
            try LatencyRowValues.packed(rows) { key, buckets in
                try statement.bind([key.time, host, key.route, key.method, key.status, buckets]).run()
            }
        }
        // Primary-key order: each upsert lands next to the previous one in the B-tree.
        hourly.sort { $0.key < $1.key }
        try upsert("latency", "hour", hourly)
        try upsert("latency_daily", "day", daily.map { LatencyRowValues(key: $0.key, requests: $0.value.requests) }.sorted { $0.key < $1.key })
        try upsert("latency_monthly", "month", monthly.map { LatencyRowValues(key: $0.key, requests: $0.value.requests) }.sorted { $0.key < $1.key })
        let statusRows = try connection.prepare("""
            INSERT INTO latency_hourly (hour, host_id, outcome, buckets) VALUES (?, ?, ?, ?)
            ON CONFLICT (hour, host_id, outcome) DO UPDATE SET buckets = latency_merge(buckets, excluded.buckets)
            """)
        try LatencyRowValues.packed(byStatus.map({ LatencyRowValues(key: $0.key, requests: $0.value.requests) }).sorted(by: { $0.key < $1.key })) { key, buckets in
            try statusRows.bind([key.time, host, key.status, buckets]).run()
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
        try connection.prepare("DELETE FROM latency WHERE hour < ?").bind([beforeHour]).run()
        try connection.prepare("DELETE FROM latency_hourly WHERE hour < ?").bind([beforeHour]).run()
        let day = DailyRollup.day(ofHour: beforeHour)
        try connection.prepare("DELETE FROM latency_daily WHERE day < ?").bind([day]).run()
        guard beforeHour != day * 24 else { return }
        try connection.prepare("DELETE FROM latency_daily WHERE day = ?").bind([day]).run()
        try connection.prepare("""
            INSERT INTO latency_daily (day, host_id, route_id, method_id, status, buckets)
                SELECT ?, host_id, route_id, method_id, status, buckets FROM latency WHERE hour >= ? AND hour < ?
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
                    try scan("SELECT \(columns) FROM latency WHERE \(clause) AND \(hosts)", values)
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
                    try connection.prepare("SELECT hour, route_id, method_id, status, buckets FROM latency WHERE \(clause) AND \(hosts)")
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

/// One latency row to upsert: its key (stored ids; `time` an hour or a day) and its count.
struct LatencyRowValues {
    struct Key: CounterKey, Comparable {
        var time, route, method, status, bucket: Int64
        var counterHash: UInt64 {
            mixCounterHash(UInt64(bitPattern: time) &+ UInt64(bitPattern: route) &<< 24 &+ UInt64(bitPattern: method) &<< 48,
                           UInt64(bitPattern: status) &+ UInt64(bitPattern: bucket) &<< 16)
        }
        static func < (x: Key, y: Key) -> Bool {
            (x.time, x.route, x.method, x.status, x.bucket) < (y.time, y.route, y.method, y.status, y.bucket)
        }
    }
    var key: Key
    var requests: Int64
}

extension LatencyRowValues {
    /// Calls `body` once per key of `rows` (sorted by key, bucket last) with that key's
    /// buckets packed (`PackedLatencyBuckets`); equal (key, bucket) rows are added.
    static func packed(_ rows: [LatencyRowValues], _ body: (Key, [UInt8]) throws -> Void) throws {
        var i = 0
        while i < rows.count {
            let key = rows[i].key
            var builder = PackedLatencyBuckets.Builder()
            while i < rows.count, rows[i].key.sameHistogram(as: key) {
                builder.add(bucket: Int(rows[i].key.bucket), rows[i].requests)
                i += 1
            }
            try body(key, builder.finish())
        }
    }
}

extension LatencyRowValues.Key {
    /// Same stored row: everything but the bucket equal.
    func sameHistogram(as other: Self) -> Bool {
        time == other.time && route == other.route && method == other.method && status == other.status
    }
}

extension SQLiteRow {
    /// Each (bucket, count) of the packed histogram in `column`, read in place.
    func forEachLatencyBucket(_ column: Int32, _ body: (Int, Int64) -> Void) {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let base = sqlite3_column_blob(statement, column) else { return }
        PackedLatencyBuckets.forEach(UnsafeRawBufferPointer(start: base, count: count), body)
    }
}
