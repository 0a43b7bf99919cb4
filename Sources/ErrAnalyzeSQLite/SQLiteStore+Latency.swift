import ErrAnalyzeKit
import CSQLite

/// Latency histograms (migration 6): written with each step's aggregates, read by the report.
extension SQLiteStore: LatencyReportStore {
    /// Adds a step's latency rollups: per day and per calendar month × route × method ×
    /// status, and per hour × outcome. `rows` are the step's traffic rows as stored (hour and
    /// stored ids: routes folded by the per-hour cap fold here identically), in primary-key
    /// order, with each one's row in `histograms`; the hourly histograms themselves ride on
    /// the traffic rows. Each level is summed in one pass over rows in an order that makes its
    /// keys contiguous, into dense per-bucket sums: no hash table, no sort of the buckets.
    func writeLatencyRollups(_ rows: [LatencyRowRef], _ histograms: LatencyRowHistograms, host: Int64) throws {
        guard !histograms.buckets.isEmpty else { return }
        func add(_ ref: LatencyRowRef, to sums: inout DenseLatencySums) {
            for i in histograms.range(ofRow: Int(ref.row)) { sums.add(Int(histograms.buckets[i]), Int64(histograms.counts[i])) }
        }
        // Per hour × outcome: the rows come in hour order.
        var byOutcome: [LatencyPackedRow] = []
        var outcomeSums = [DenseLatencySums(), DenseLatencySums(), DenseLatencySums()]   // 2, 4, 5
        func flushOutcomes(hour: Int64) {
            for (slot, code) in [Int64(2), 4, 5].enumerated() where !outcomeSums[slot].isEmpty {
                byOutcome.append(LatencyPackedRow(time: hour, route: 0, method: 0, status: code, buckets: outcomeSums[slot].packed()))
                outcomeSums[slot].clear()
            }
        }
        var currentHour = Int64.min
        for ref in rows where !histograms.range(ofRow: Int(ref.row)).isEmpty {
            if ref.hour != currentHour { flushOutcomes(hour: currentHour); currentHour = ref.hour }
            let code = LatencyOutcome.code(ofStatus: ref.status)
            add(ref, to: &outcomeSums[code == 2 ? 0 : code == 4 ? 1 : 2])
        }
        flushOutcomes(hour: currentHour)

        // Per day and month: in (route, method, status, hour) order each route's days are
        // contiguous, and inside them its hours.
        let timed = rows.filter { !histograms.range(ofRow: Int($0.row)).isEmpty }
            .sorted { ($0.route, $0.method, $0.status, $0.hour) < ($1.route, $1.method, $1.status, $1.hour) }
        var daily: [LatencyPackedRow] = [], monthly: [LatencyPackedRow] = []
        var daySums = DenseLatencySums(), monthSums = DenseLatencySums()
        var i = 0
        while i < timed.count {
            let first = timed[i]
            var month = MonthlyRollup.month(ofDay: DailyRollup.day(ofHour: first.hour))
            while i < timed.count, timed[i].sameRoute(as: first) {
                let day = DailyRollup.day(ofHour: timed[i].hour)
                let dayMonth = MonthlyRollup.month(ofDay: day)
                if dayMonth != month {
                    monthly.append(LatencyPackedRow(time: month, route: first.route, method: first.method, status: first.status, buckets: monthSums.packed()))
                    monthSums.clear()
                    month = dayMonth
                }
                while i < timed.count, timed[i].sameRoute(as: first), DailyRollup.day(ofHour: timed[i].hour) == day {
                    add(timed[i], to: &daySums)
                    i += 1
                }
                daily.append(LatencyPackedRow(time: day, route: first.route, method: first.method, status: first.status, buckets: daySums.packed()))
                monthSums.add(daySums)
                daySums.clear()
            }
            monthly.append(LatencyPackedRow(time: month, route: first.route, method: first.method, status: first.status, buckets: monthSums.packed()))
            monthSums.clear()
        }
        // One row per key, its buckets packed; a key already stored adds bucket by bucket.
        // Primary-key order: each upsert lands next to the previous one in the B-tree.
        func upsert(_ table: String, _ timeColumn: String, _ packed: [LatencyPackedRow]) throws {
            let statement = try connection.prepare("""
                INSERT INTO \(table) (\(timeColumn), host_id, route_id, method_id, status, buckets) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (\(timeColumn), host_id, route_id, method_id, status) DO UPDATE SET buckets = latency_merge(buckets, excluded.buckets)
                """)
            for row in packed.sorted(by: { ($0.time, $0.route, $0.method, $0.status) < ($1.time, $1.route, $1.method, $1.status) }) {
                statement.bindIntegers(row.time, host, row.route, row.method, row.status)
                statement.bindBlobOrNull(6, row.buckets)
                try statement.run()
            }
        }
        try upsert("latency_daily", "day", daily)
        try upsert("latency_monthly", "month", monthly)
        let statusRows = try connection.prepare("""
            INSERT INTO latency_hourly (hour, host_id, outcome, buckets) VALUES (?, ?, ?, ?)
            ON CONFLICT (hour, host_id, outcome) DO UPDATE SET buckets = latency_merge(buckets, excluded.buckets)
            """)
        for row in byOutcome {
            statusRows.bindIntegers(row.time, host, row.status)
            statusRows.bindBlobOrNull(4, row.buckets)
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

/// A stored traffic row of a step (hour, stored ids) and its row in the step's histograms.
struct LatencyRowRef {
    var hour, route, method, status: Int64
    var row: Int32

    /// Same route × method × status.
    func sameRoute(as other: Self) -> Bool { route == other.route && method == other.method && status == other.status }
}

/// One rollup row to upsert: a key (`time` a day, month or hour; the per-outcome rows keep the
/// outcome in `status`) and its packed buckets.
struct LatencyPackedRow {
    var time, route, method, status: Int64
    var buckets: [UInt8]
}

/// Requests per bucket, dense, remembering which buckets it touched so that packing and
/// clearing cost the non-empty buckets only.
struct DenseLatencySums {
    private var counts = [Int64](repeating: 0, count: LatencyBuckets.count)
    private var touched: [Int] = []

    var isEmpty: Bool { touched.isEmpty }

    @inline(__always)
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
