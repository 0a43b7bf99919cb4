import ErrAnalyzeKit

/// `status`, `prune` and the integrity check of a fleet database.
extension PostgresStore {
    public func schemaVersion() throws -> Int {
        try neutral {
            if case .erranalyze(let version) = try PostgresMigrations.state(of: connection) { return version }
            return 0
        }
    }

    /// The ledger of every host (oldest first ingest first), malformed lines, the span of the
    /// aggregates, the last prune, and the hosts with their files, requests and last commit.
    public func status() throws -> StoreStatus {
        try snapshot {
            try neutral {
                var files: [StoreStatus.File] = []
                var index: [Int64: Int] = [:]
                for row in try connection.query("SELECT \(Self.ledgerColumns) FROM files ORDER BY first_ingested, id").rows {
                    let entry = Self.ledgerEntry(row)
                    index[entry.id] = files.count
                    files.append(StoreStatus.File(entry: entry, malformedByReason: [:]))
                }
                var totals: [MalformedReason: (count: Int64, files: Int)] = [:]
                for row in try connection.query("SELECT file_id, reason, count FROM malformed WHERE count > 0").rows {
                    guard let reason = MalformedReason(rawValue: UInt8(truncatingIfNeeded: row.int64(1))),
                          let at = index[row.int64(0)] else { continue }
                    files[at].malformedByReason[reason, default: 0] += row.int64(2)
                    totals[reason, default: (0, 0)].count += row.int64(2)
                    totals[reason, default: (0, 0)].files += 1
                }
                var samples: [MalformedReason: MalformedSummary.Sample] = [:]
                for row in try connection.query("""
                    SELECT f.path, s.line, s.reason, s.text FROM malformed_samples s JOIN files f ON f.id = s.file_id
                    ORDER BY f.last_ingested DESC, f.id DESC, s.line
                    """).rows {
                    guard let reason = MalformedReason(rawValue: UInt8(truncatingIfNeeded: row.int64(2))),
                          samples[reason] == nil else { continue }
                    samples[reason] = MalformedSummary.Sample(path: row.string(0), line: row.int64(1), reason: reason, text: row.string(3))
                }
                let malformed = totals.map {
                    StoreStatus.MalformedReasonTotal(reason: $0.key, count: $0.value.count, files: $0.value.files, sample: samples[$0.key])
                }.sorted { ($0.count, $1.reason.rawValue) > ($1.count, $0.reason.rawValue) }
                let hours = try dataHours()
                let lastIngest = try connection.query("SELECT max(last_ingested) FROM files").first?.optionalInt64(0)
                let prune = try connection.query("SELECT at, before_hour FROM prunes ORDER BY at DESC, before_hour DESC LIMIT 1").first
                let hosts = try connection.query("""
                    SELECT h.name, count(f.id), coalesce(sum(f.requests), 0)::bigint, h.last_commit
                    FROM hosts h LEFT JOIN files f ON f.host_id = h.id GROUP BY h.id ORDER BY h.name COLLATE "C"
                    """).rows.map {
                        StoreStatus.Host(name: $0.string(0), files: $0.int(1), requests: $0.int64(2),
                                         lastIngest: $0.optionalInt64(3))
                    }
                let size = try connection.query("SELECT pg_database_size(current_database())").first?.int64(0) ?? 0
                return StoreStatus(path: connection.server, schemaVersion: try schemaVersion(), sizeBytes: size, files: files,
                                   malformed: malformed, firstHour: hours?.first, lastHour: hours?.last, lastIngest: lastIngest,
                                   lastPrune: prune?.int64(0), prunedBeforeHour: prune.map { Int32($0.int64(1)) }, hosts: hosts)
            }
        }
    }

    /// Removes the aggregates of every hour before `beforeHour` (of every host): the monthly
    /// partitions wholly before it are dropped (no row by row DELETE at fleet size), the
    /// month it cuts is deleted from row by row, whole days before it leave `traffic_daily`
    /// and a day it cuts is summed again from the hours that remain. Malformed-line details of
    /// files whose requests all fall before it go, and names no row uses. The ledger stays,
    /// so that a pruned file is never counted again.
    public func prune(beforeHour: Int32, now: Int64, dryRun: Bool = false) throws -> PruneResult {
        let cutoff = Int64(beforeHour) * 3600
        let body = { (connection: PostgresConnection) throws -> PruneResult in
            if !dryRun { try Self.lockForPrune(connection) }
            let hourFilter = "hour < \(beforeHour)"
            let traffic = try connection.query("""
                SELECT count(*), coalesce(sum(requests), 0)::bigint, min(hour), max(hour) FROM traffic WHERE \(hourFilter)
                """).first!
            let trafficRows = traffic.int64(0), requests = traffic.int64(1)
            let firstRemoved = traffic.optionalInt64(2).map { Int32($0) }, lastRemoved = traffic.optionalInt64(3).map { Int32($0) }
            let clientRows = try connection.query("SELECT count(*) FROM client_errors WHERE \(hourFilter)").first?.int64(0) ?? 0
            // Files with no request at all belong to no hour: their ingest time decides.
            let oldFiles = "SELECT id FROM files WHERE coalesce(last_ts, last_ingested) < \(cutoff)"
            let detailed = try connection.query("""
                SELECT count(DISTINCT file_id) FROM (SELECT file_id FROM malformed UNION ALL SELECT file_id FROM malformed_samples) d
                WHERE file_id IN (\(oldFiles))
                """).first?.int(0) ?? 0
            let filesKept = try connection.query("SELECT count(*) FROM files").first?.int(0) ?? 0
            var names: Int64 = 0
            if !dryRun {
                let dropped = try PostgresPartitions.dropWhollyBefore(hour: beforeHour, on: connection)
                for table in ["traffic", "status_hourly", "client_errors", "latency", "latency_hourly"] {
                    try connection.execute("DELETE FROM \(table) WHERE \(hourFilter)")
                }
                try self.pruneRecentMinutes(before: Int64(beforeHour) * 60, on: connection)
                try self.pruneDailyRollup(beforeHour: Int64(beforeHour), on: connection)
                try self.pruneMonthlyRollup(beforeHour: Int64(beforeHour), on: connection)
                try self.pruneLatencyDaily(beforeHour: Int64(beforeHour), on: connection)
                try connection.execute("DELETE FROM malformed WHERE file_id IN (\(oldFiles))")
                try connection.execute("DELETE FROM malformed_samples WHERE file_id IN (\(oldFiles))")
                for (table, column, source) in [("routes", "route_id", "traffic"), ("methods", "method_id", "traffic"),
                                                ("codes", "code_id", "traffic"), ("clients", "client_id", "client_errors")] {
                    names += try connection.execute("""
                        DELETE FROM \(table) n WHERE NOT EXISTS (SELECT 1 FROM \(source) s WHERE s.\(column) = n.id)
                        """).affectedRows
                }
                try connection.query("""
                    INSERT INTO prunes (at, before_hour, traffic_rows, client_rows, dropped_partitions) VALUES ($1, $2, $3, $4, $5)
                    """, [.int64(now), .int32(beforeHour), .int64(trafficRows), .int64(clientRows), .int64(Int64(dropped.count))])
            }
            return PruneResult(beforeHour: beforeHour, firstRemovedHour: firstRemoved, lastRemovedHour: lastRemoved,
                               trafficRows: trafficRows, clientRows: clientRows, requests: requests,
                               filesWithDetailsRemoved: detailed, namesRemoved: names, filesKept: filesKept, dryRun: dryRun)
        }
        return try neutral {
            if dryRun { return try snapshot { try body(connection) } }
            return try connection.transaction { try body($0) }
        }
    }

    /// The partition lock of `erranalyze_ensure_partitions` and `…_drop_partitions_before`
    /// (PostgresMigrations).
    static let partitionLock: Int64 = 7_306_086_361_445_937_410

    /// Every lock a prune needs, taken first and in the order an ingest's transaction first
    /// touches the same tables (traffic, routes, methods, codes, status_hourly, client_errors,
    /// clients), after the partition lock that creating partitions takes first too: prune and
    /// ingests then wait for each other and never deadlock. Dropping a partition needs its
    /// parent exclusively; the name tables are locked against additions, so that no ingest
    /// is between looking a name's id up and using it when unused names are removed. Reports
    /// wait while a prune runs (it is short: partitions are dropped, not emptied).
    static func lockForPrune(_ connection: PostgresConnection) throws {
        try connection.query("SELECT pg_advisory_xact_lock($1)", [.int64(partitionLock)])
        try connection.execute("""
            LOCK TABLE traffic IN ACCESS EXCLUSIVE MODE;
            LOCK TABLE routes, methods, codes IN SHARE ROW EXCLUSIVE MODE;
            LOCK TABLE status_hourly, latency, latency_hourly, client_errors IN ACCESS EXCLUSIVE MODE;
            LOCK TABLE clients IN SHARE ROW EXCLUSIVE MODE
            """)
    }

    /// Days wholly before `beforeHour` go; a day it cuts in two is summed again, per host,
    /// from the hours that remain (call after removing the hourly rows).
    private func pruneDailyRollup(beforeHour: Int64, on connection: PostgresConnection) throws {
        let day = DailyRollup.day(ofHour: beforeHour)
        try connection.query("DELETE FROM traffic_daily WHERE day < $1", [.int64(day)])
        guard beforeHour != day * 24 else { return }
        try connection.query("DELETE FROM traffic_daily WHERE day = $1", [.int64(day)])
        try connection.query("""
            INSERT INTO traffic_daily
                SELECT $1::integer, host_id, route_id, method_id, status, code_id, flags,
                       sum(requests), sum(timed_requests), sum(duration_us)
                FROM traffic WHERE hour >= $2 AND hour < $3 GROUP BY host_id, route_id, method_id, status, code_id, flags
            """, [.int64(day), .int64(day * 24), .int64(day * 24 + 24)])
    }

    /// Months wholly before `beforeHour` go; a month it cuts in two is summed again, per
    /// host, from the days that remain (call after pruning the daily rows).
    private func pruneMonthlyRollup(beforeHour: Int64, on connection: PostgresConnection) throws {
        let day = DailyRollup.day(ofHour: beforeHour)
        let month = MonthlyRollup.month(ofDay: day)
        try connection.query("DELETE FROM traffic_monthly WHERE month < $1", [.int64(month)])
        guard beforeHour != MonthlyRollup.firstDay(ofMonth: month) * 24 else { return }
        try connection.query("DELETE FROM traffic_monthly WHERE month = $1", [.int64(month)])
        try connection.query("""
            INSERT INTO traffic_monthly
                SELECT $1::integer, host_id, route_id, method_id, status, code_id, flags,
                       sum(requests), sum(timed_requests), sum(duration_us)
                FROM traffic_daily WHERE day >= $2 AND day < $3 GROUP BY host_id, route_id, method_id, status, code_id, flags
            """, [.int64(month), .int64(MonthlyRollup.firstDay(ofMonth: month)), .int64(MonthlyRollup.firstDay(ofMonth: month + 1))])
    }

    /// What is wrong with the database. PostgreSQL has no `integrity_check`: its pages carry
    /// checksums the server verifies as it reads them. With the `amcheck` extension installed,
    /// every B-tree index of the erranalyze tables is checked against its rules; without it
    /// there is nothing to ask, and the answer is empty.
    public func checkIntegrity() throws -> [String] {
        try neutral {
            guard try connection.query("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'").first != nil else { return [] }
            var problems: [String] = []
            let indexes = try connection.query("""
                SELECT c.oid, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam
                WHERE n.nspname = current_schema() AND a.amname = 'btree' AND c.relkind = 'i' ORDER BY c.relname
                """).rows.map { ($0.int64(0), $0.string(1)) }
            for (oid, name) in indexes {
                do {
                    try connection.query("SELECT bt_index_check($1::oid)", [.int64(oid)])
                } catch let error as PostgresError {
                    problems.append("\(name): \(error.detail)")
                }
            }
            return problems
        }
    }
}
