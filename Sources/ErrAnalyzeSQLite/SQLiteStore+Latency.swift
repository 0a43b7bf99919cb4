import ErrAnalyzeKit
import CSQLite

/// Latency histograms (migration 6): written with each step's aggregates, read by the report.
extension SQLiteStore: LatencyReportStore {
    /// Adds a step's latency counts: hourly rows (with the route ids the per-hour cap chose for
    /// the traffic rows, so folded routes fold here identically), daily rows and per-hour ×
    /// status rows. Rows in primary-key order, as for traffic.
    func writeLatency(_ a: TrafficAggregate, routeIDs: [PerHourCap.HourRoute: Int64], methodIDs: [Int64], host: Int64) throws {
        guard !a.latency.isEmpty else { return }
        // One flat array sorted once by (month, route, method, status, hour, bucket): each
        // month key's rows are contiguous, inside them each day key's, inside those each hour
        // key's, so the three levels are packed in one pass with dense per-bucket sums (no
        // hash table per level: ErrAnalyzeKit's generic CounterTable is not specialised
        // across modules, and profiled as the main cost here). Rows that share a key (two local
        // routes folded into one `(other)` id) are added by the packer.
        var rows: [LatencyRowValues] = []
        rows.reserveCapacity(a.latency.count)
        var monthOfDay: [Int64: Int64] = [:]
        for (key, count) in a.latency {
            guard let route = routeIDs[PerHourCap.HourRoute(hour: key.hour, route: key.route)] else { continue }
            let hour = Int64(key.hour)
            let day = DailyRollup.day(ofHour: hour)
            let month: Int64
            if let known = monthOfDay[day] { month = known } else { month = MonthlyRollup.month(ofDay: day); monthOfDay[day] = month }
            rows.append(LatencyRowValues(key: LatencyRowValues.Key(time: hour, route: route, method: methodIDs[Int(key.method)],
                                                                   status: Int64(key.status), bucket: Int64(key.bucket)),
                                         requests: count.requests, month: month))
        }
        rows.sort { x, y in
            (x.month, x.key.route, x.key.method, x.key.status, x.key.time, x.key.bucket)
                < (y.month, y.key.route, y.key.method, y.key.status, y.key.time, y.key.bucket)
        }
        var hourly: [LatencyPackedRow] = [], daily: [LatencyPackedRow] = [], monthly: [LatencyPackedRow] = []
        var dayBuckets = DenseLatencySums(), monthBuckets = DenseLatencySums()
        var outcomes: [Int64: DenseLatencySums] = [:]   // hour * 8 + outcome
        var i = 0
        while i < rows.count {
            let monthKey = rows[i].key
            let month = rows[i].month
            while i < rows.count, rows[i].month == month, rows[i].key.sameRoute(as: monthKey) {
                let day = DailyRollup.day(ofHour: rows[i].key.time)
                while i < rows.count, rows[i].month == month, rows[i].key.sameRoute(as: monthKey),
                      DailyRollup.day(ofHour: rows[i].key.time) == day {
                    let hourKey = rows[i].key
                    var builder = PackedLatencyBuckets.Builder()
                    let outcome = hourKey.time * 8 + LatencyOutcome.code(ofStatus: hourKey.status)
                    while i < rows.count, rows[i].key.sameHistogram(as: hourKey) {
                        let bucket = Int(rows[i].key.bucket), n = rows[i].requests
                        builder.add(bucket: bucket, n)
                        dayBuckets.add(bucket, n)
                        outcomes[outcome, default: DenseLatencySums()].add(bucket, n)
                        i += 1
                    }
                    hourly.append(LatencyPackedRow(time: hourKey.time, route: hourKey.route, method: hourKey.method,
                                                   status: hourKey.status, buckets: builder.finish()))
                }
                daily.append(LatencyPackedRow(time: day, route: monthKey.route, method: monthKey.method, status: monthKey.status,
                                              buckets: dayBuckets.packed()))
                monthBuckets.add(dayBuckets)
                dayBuckets.clear()
            }
            monthly.append(LatencyPackedRow(time: month, route: monthKey.route, method: monthKey.method, status: monthKey.status,
                                            buckets: monthBuckets.packed()))
            monthBuckets.clear()
        }
        rows = []
        // One row per key, its buckets packed; a key already stored adds bucket by bucket.
        // Primary-key order: each upsert lands next to the previous one in the B-tree.
        func upsert(_ table: String, _ timeColumn: String, _ packed: [LatencyPackedRow]) throws {
            let statement = try connection.prepare("""
                INSERT INTO \(table) (\(timeColumn), host_id, route_id, method_id, status, buckets) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (\(timeColumn), host_id, route_id, method_id, status) DO UPDATE SET buckets = latency_merge(buckets, excluded.buckets)
                """)
            for row in packed.sorted(by: { ($0.time, $0.route, $0.method, $0.status) < ($1.time, $1.route, $1.method, $1.status) }) {
                try statement.bind([row.time, host, row.route, row.method, row.status, row.buckets]).run()
            }
        }
        try upsert("latency", "hour", hourly)
        try upsert("latency_daily", "day", daily)
        try upsert("latency_monthly", "month", monthly)
        let statusRows = try connection.prepare("""
            INSERT INTO latency_hourly (hour, host_id, outcome, buckets) VALUES (?, ?, ?, ?)
            ON CONFLICT (hour, host_id, outcome) DO UPDATE SET buckets = latency_merge(buckets, excluded.buckets)
            """)
        for key in outcomes.keys.sorted() {
            try statusRows.bind([key >> 3, host, key & 7, outcomes[key]!.packed()]).run()
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

/// One (key, bucket) count of a step, with stored ids (`time` an hour) and the key's month.
struct LatencyRowValues {
    struct Key {
        var time, route, method, status, bucket: Int64
    }
    var key: Key
    var requests: Int64
    var month: Int64
}

/// One row to upsert: a key (`time` an hour, day or month) and its packed buckets.
struct LatencyPackedRow {
    var time, route, method, status: Int64
    var buckets: [UInt8]
}

extension LatencyRowValues.Key {
    /// Same route × method × status.
    func sameRoute(as other: Self) -> Bool { route == other.route && method == other.method && status == other.status }
    /// Same stored hourly row: everything but the bucket equal.
    func sameHistogram(as other: Self) -> Bool { time == other.time && sameRoute(as: other) }
}

/// Requests per bucket, dense, remembering which buckets it touched so that packing and
/// clearing cost the non-empty buckets only.
struct DenseLatencySums {
    private var counts = [Int64](repeating: 0, count: LatencyBuckets.count)
    private var touched: [Int] = []

    mutating func add(_ bucket: Int, _ n: Int64) {
        if counts[bucket] == 0 { touched.append(bucket) }
        counts[bucket] += n
    }

    mutating func add(_ other: DenseLatencySums) {
        for bucket in other.touched { add(bucket, other.counts[bucket]) }
    }

    func packed() -> [UInt8] {
        var builder = PackedLatencyBuckets.Builder()
        for bucket in touched.sorted() { builder.add(bucket: bucket, counts[bucket]) }
        return builder.finish()
    }

    mutating func clear() {
        for bucket in touched { counts[bucket] = 0 }
        touched.removeAll(keepingCapacity: true)
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
