import ErrAnalyzeKit
import CSQLite

/// Latency histograms (migration 6): written with each step's aggregates, read by the report.
extension SQLiteStore: LatencyReportStore {
    /// Adds a step's latency rollups (`LatencyRollups`); a key already stored adds bucket by
    /// bucket. Primary-key order: each upsert lands next to the previous one in the B-tree.
    func writeLatencyRollups(_ rollups: LatencyRollups, host: Int64) throws {
        func upsert(_ table: String, _ timeColumn: String, _ rows: [LatencyPackedRow]) throws {
            let statement = try connection.prepare("""
                INSERT INTO \(table) (\(timeColumn), host_id, route_id, method_id, status, buckets) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (\(timeColumn), host_id, route_id, method_id, status) DO UPDATE SET buckets = latency_merge(buckets, excluded.buckets)
                """)
            try rollups.bytes.withUnsafeBytes { bytes in
                for row in rows {
                    statement.bindIntegers(row.time, host, row.route, row.method, row.status)
                    statement.bindBlobOrNull(6, UnsafeRawBufferPointer(rebasing: bytes[row.bytes]))
                    try statement.run()
                }
            }
        }
        try upsert("latency_daily", "day", rollups.daily)
        try upsert("latency_monthly", "month", rollups.monthly)
        let statusRows = try connection.prepare("""
            INSERT INTO latency_hourly (hour, host_id, outcome, buckets) VALUES (?, ?, ?, ?)
            ON CONFLICT (hour, host_id, outcome) DO UPDATE SET buckets = latency_merge(buckets, excluded.buckets)
            """)
        try rollups.bytes.withUnsafeBytes { bytes in
            for row in rollups.byOutcome {
                statusRows.bindIntegers(row.time, host, row.status)
                statusRows.bindBlobOrNull(4, UnsafeRawBufferPointer(rebasing: bytes[row.bytes]))
                try statusRows.run()
            }
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

/// A step's latency rollups, summed from its traffic rows' histograms with no database: per
/// day and per calendar month × route × method × status, and per hour × outcome, each list in
/// its table's primary-key order, their packed buckets in one buffer (no array per row).
struct LatencyRollups {
    var daily: [LatencyPackedRow] = []
    var monthly: [LatencyPackedRow] = []
    var byOutcome: [LatencyPackedRow] = []
    var bytes: [UInt8] = []

    /// None.
    init() {}

    /// `rows` are the step's traffic rows as stored (hour and stored ids: routes folded by the
    /// per-hour cap fold here identically), in primary-key order, row `i`'s histogram the
    /// `histograms`' row `i`; the hourly histograms themselves ride on the traffic rows. Each
    /// level is summed in one pass over rows in an order that makes its keys contiguous, into
    /// dense per-bucket sums: no hash table per bucket, no comparison sort of the rows.
    init(_ rows: [SQLiteStore.TrafficRow], _ histograms: LatencyRowHistograms) {
        guard !histograms.buckets.isEmpty else { return }
        func add(row: Int, to sums: DenseLatencySums) {
            for i in histograms.range(ofRow: row) { sums.add(Int(histograms.buckets[i]), Int64(histograms.counts[i])) }
        }
        // Per hour × outcome: the rows come in hour order.
        let outcomeSums = [DenseLatencySums(), DenseLatencySums(), DenseLatencySums()]   // 2, 4, 5
        func flushOutcomes(hour: Int64) {
            for (slot, code) in [Int64(2), 4, 5].enumerated() where !outcomeSums[slot].isEmpty {
                byOutcome.append(append(time: hour, route: 0, method: 0, status: code, outcomeSums[slot]))
                outcomeSums[slot].clear()
            }
        }
        var currentHour = Int64.min
        for (i, row) in rows.enumerated() where !histograms.range(ofRow: i).isEmpty {
            if row.hour != currentHour { flushOutcomes(hour: currentHour); currentHour = row.hour }
            let code = LatencyOutcome.code(ofStatus: row.status)
            add(row: i, to: outcomeSums[code == 2 ? 0 : code == 4 ? 1 : 2])
        }
        flushOutcomes(hour: currentHour)

        // Per day and month: grouped by route × method × status (in that order), each group's
        // rows keeping their hour order, its days are contiguous, and inside them its hours.
        let groups = LatencyRouteGroups(rows) { !histograms.range(ofRow: $0).isEmpty }
        daily.reserveCapacity(groups.count * 8)
        monthly.reserveCapacity(groups.count * 2)
        let daySums = DenseLatencySums(), monthSums = DenseLatencySums()
        for group in 0..<groups.count {
            let members = groups.members(group)
            let first = rows[Int(members[members.startIndex])]
            var month = MonthlyRollup.month(ofDay: DailyRollup.day(ofHour: first.hour))
            var k = members.startIndex
            while k < members.endIndex {
                let day = DailyRollup.day(ofHour: rows[Int(members[k])].hour)
                let dayMonth = MonthlyRollup.month(ofDay: day)
                if dayMonth != month {
                    monthly.append(append(time: month, route: first.route, method: first.method, status: first.status, monthSums))
                    monthSums.clear()
                    month = dayMonth
                }
                while k < members.endIndex, DailyRollup.day(ofHour: rows[Int(members[k])].hour) == day {
                    add(row: Int(members[k]), to: daySums)
                    k += 1
                }
                daily.append(append(time: day, route: first.route, method: first.method, status: first.status, daySums))
                monthSums.add(daySums)
                daySums.clear()
            }
            monthly.append(append(time: month, route: first.route, method: first.method, status: first.status, monthSums))
            monthSums.clear()
        }
        // Made in (route, method, status, time) order: a stable sort on time alone gives the
        // primary-key order.
        daily = LatencyPackedRow.stablySortedByTime(daily)
        monthly = LatencyPackedRow.stablySortedByTime(monthly)
    }

    /// Packs `sums` into `bytes` and returns its row.
    private mutating func append(time: Int64, route: Int64, method: Int64, status: Int64, _ sums: DenseLatencySums) -> LatencyPackedRow {
        let from = bytes.count
        sums.pack(into: &bytes)
        return LatencyPackedRow(time: time, route: route, method: method, status: status, bytes: from..<bytes.count)
    }
}

/// A step's timed rows grouped by route × method × status, the groups in that order and each
/// group's rows in the order given (hour order): the key order of the daily and monthly
/// rollups. The few distinct keys are numbered (a lookup only where the key changes from one
/// row to the next) and ranked, then the rows placed by a counting sort on the rank: linear,
/// where a comparison sort of ~50k rows on four fields cost more than the summing.
struct LatencyRouteGroups {
    private var start: [Int32] = [0]
    private var order: [Int32] = []

    /// A route × method × status, numbered in a `CounterTable` (its counters unused).
    private struct Key: CounterKey, Comparable {
        var route, method, status: Int64
        var counterHash: UInt64 {
            mixCounterHash(UInt64(bitPattern: route), UInt64(bitPattern: method) &<< 32 ^ UInt64(bitPattern: status))
        }
        static func < (a: Key, b: Key) -> Bool { (a.route, a.method, a.status) < (b.route, b.method, b.status) }
    }

    /// The rows whose index passes `including`, grouped.
    init(_ rows: [SQLiteStore.TrafficRow], including: (Int) -> Bool) {
        var ids = CounterTable<Key, TrafficCounts>(capacity: 256)
        var idOfRow = [Int32](repeating: -1, count: rows.count)
        var last: Key?, lastID: Int32 = -1
        for (i, row) in rows.enumerated() where including(i) {
            let key = Key(route: row.route, method: row.method, status: row.status)
            if key != last {
                lastID = Int32(ids.add(key, TrafficCounts()))
                last = key
            }
            idOfRow[i] = lastID
        }
        let keys = ids.keys
        // Ranks in key order.
        var rank = [Int32](repeating: 0, count: keys.count)
        for (r, id) in keys.indices.sorted(by: { keys[$0] < keys[$1] }).enumerated() { rank[id] = Int32(r) }
        start = [Int32](repeating: 0, count: keys.count + 1)
        var included = 0
        for id in idOfRow where id >= 0 { start[Int(rank[Int(id)]) + 1] += 1; included += 1 }
        for g in 0..<keys.count { start[g + 1] += start[g] }
        var next = start
        order = [Int32](repeating: 0, count: included)
        for (i, id) in idOfRow.enumerated() where id >= 0 {
            let g = Int(rank[Int(id)])
            order[Int(next[g])] = Int32(i)
            next[g] += 1
        }
    }

    var count: Int { start.count - 1 }

    /// Group `group`'s rows (indices into the rows given), in their given order.
    func members(_ group: Int) -> ArraySlice<Int32> { order[Int(start[group])..<Int(start[group + 1])] }
}

/// One rollup row to upsert: a key (`time` a day, month or hour; the per-outcome rows keep the
/// outcome in `status`) and where its packed buckets are in `LatencyRollups.bytes`.
struct LatencyPackedRow {
    var time, route, method, status: Int64
    var bytes: Range<Int>

    /// `rows` (in route × method × status × time order) in time order, the others kept: the
    /// rollups' primary-key order. A step spans few days and months: one bucket each.
    static func stablySortedByTime(_ rows: [LatencyPackedRow]) -> [LatencyPackedRow] {
        guard let least = rows.lazy.map(\.time).min(), let greatest = rows.lazy.map(\.time).max() else { return rows }
        let span = greatest - least
        guard span < 1 << 20 else {
            return rows.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        }
        var start = [Int](repeating: 0, count: Int(span) + 2)
        for row in rows { start[Int(row.time - least) + 1] += 1 }
        for i in 0...Int(span) { start[i + 1] += start[i] }
        var result = rows
        for row in rows {
            let slot = Int(row.time - least)
            result[start[slot]] = row
            start[slot] += 1
        }
        return result
    }
}

/// Requests per bucket, dense, remembering which buckets it touched so that packing and
/// clearing cost the non-empty buckets only. A class over two fixed buffers: counting is a
/// load and a store with no branch on whether the bucket is new, no array to grow.
final class DenseLatencySums {
    private let counts = UnsafeMutablePointer<Int64>.allocate(capacity: LatencyBuckets.count)
    private let touched = UnsafeMutablePointer<Int>.allocate(capacity: LatencyBuckets.count + 1)
    private var distinct = 0
    private var least = Int.max, greatest = -1

    init() { counts.initialize(repeating: 0, count: LatencyBuckets.count) }

    deinit {
        counts.deallocate()
        touched.deallocate()
    }

    var isEmpty: Bool { distinct == 0 }

    /// Adds `n` (> 0) requests to `bucket` (< `LatencyBuckets.count`).
    @inline(__always)
    func add(_ bucket: Int, _ n: Int64) {
        let seen = counts[bucket]
        touched[distinct] = bucket
        distinct &+= seen == 0 ? 1 : 0
        counts[bucket] = seen &+ n
        least = min(least, bucket)
        greatest = max(greatest, bucket)
    }

    func add(_ other: DenseLatencySums) {
        for i in 0..<other.distinct { add(other.touched[i], other.counts[other.touched[i]]) }
    }

    /// Appends the packed buckets (`PackedLatencyBuckets`) to `bytes`: in bucket order, by a
    /// scan of the touched span (at most `LatencyBuckets.count`), no sort.
    func pack(into bytes: inout [UInt8]) {
        guard distinct > 0 else { return }
        var last = -1
        for bucket in least...greatest where counts[bucket] != 0 {
            PackedLatencyBuckets.appendVarint(UInt64(last < 0 ? bucket : bucket - last), to: &bytes)
            PackedLatencyBuckets.appendVarint(UInt64(counts[bucket]), to: &bytes)
            last = bucket
        }
    }

    func clear() {
        for i in 0..<distinct { counts[touched[i]] = 0 }
        distinct = 0
        least = .max
        greatest = -1
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
