import ErrAnalyzeKit
import Glibc

/// `status` and `prune`: reading the ledger whole, and removing old aggregates.
extension SQLiteStore {
    /// The schema version of the open database.
    public func schemaVersion() throws -> Int {
        try SQLiteMigrations.version(of: connection)
    }

    /// Whether the database was made by an older erranalyze and needs migrating (which a
    /// read-only store cannot do).
    public func needsMigration() throws -> Bool {
        try schemaVersion() < SQLiteMigrations.currentVersion
    }

    /// The size of the database file and its write-ahead log, in bytes.
    public func fileSize() -> Int64 {
        var total: Int64 = 0
        for suffix in ["", "-wal"] {
            var info = stat()
            if stat(connection.path + suffix, &info) == 0 { total += Int64(info.st_size) }
        }
        return total
    }

    public func status() throws -> StoreStatus {
        try connection.readTransaction {
            var files: [StoreStatus.File] = []
            var index: [Int64: Int] = [:]
            try connection.prepare("SELECT \(Self.ledgerColumns) FROM files ORDER BY first_ingested, id").forEachRow {
                let entry = Self.ledgerEntry($0)
                index[entry.id] = files.count
                files.append(StoreStatus.File(entry: entry, malformedByReason: [:]))
            }
            var totals: [MalformedReason: (count: Int64, files: Int)] = [:]
            try connection.prepare("SELECT file_id, reason, count FROM malformed WHERE count > 0").forEachRow { row in
                guard let reason = MalformedReason(rawValue: UInt8(truncatingIfNeeded: row.int(1))),
                      let at = index[row.int(0)] else { return }
                files[at].malformedByReason[reason, default: 0] += row.int(2)
                totals[reason, default: (0, 0)].count += row.int(2)
                totals[reason, default: (0, 0)].files += 1
            }
            var samples: [MalformedReason: MalformedSummary.Sample] = [:]
            try connection.prepare("""
                SELECT f.path, s.line, s.reason, s.text FROM malformed_samples s JOIN files f ON f.id = s.file_id
                ORDER BY f.last_ingested DESC, f.id DESC, s.line
                """).forEachRow { row in
                    guard let reason = MalformedReason(rawValue: UInt8(truncatingIfNeeded: row.int(2))),
                          samples[reason] == nil else { return }
                    samples[reason] = MalformedSummary.Sample(path: row.string(0), line: row.int(1), reason: reason, text: row.string(3))
                }
            let malformed = totals.map { StoreStatus.MalformedReasonTotal(reason: $0.key, count: $0.value.count, files: $0.value.files, sample: samples[$0.key]) }
                .sorted { ($0.count, $1.reason.rawValue) > ($1.count, $0.reason.rawValue) }
            let hours = try dataHours()
            let lastIngest = try connection.prepare("SELECT max(last_ingested) FROM files").firstRow { $0.isNull(0) ? nil : $0.int(0) } ?? nil
            let prune = try connection.prepare("SELECT at, before_hour FROM prunes ORDER BY at DESC, rowid DESC LIMIT 1")
                .firstRow { ($0.int(0), Int32($0.int(1))) }
            var hosts: [StoreStatus.Host] = []
            try connection.prepare("""
                SELECT h.name, count(f.id), coalesce(sum(f.requests), 0), h.last_commit
                FROM hosts h LEFT JOIN files f ON f.host_id = h.id GROUP BY h.id ORDER BY h.name
                """).forEachRow { row in
                    hosts.append(StoreStatus.Host(name: row.string(0), files: Int(row.int(1)), requests: row.int(2),
                                                  lastIngest: row.isNull(3) ? nil : row.int(3)))
                }
            return StoreStatus(path: connection.path, schemaVersion: try schemaVersion(), sizeBytes: fileSize(), files: files,
                               malformed: malformed, firstHour: hours?.first, lastHour: hours?.last, lastIngest: lastIngest,
                               lastPrune: prune?.0, prunedBeforeHour: prune?.1, hosts: hosts)
        }
    }

    /// Removes the aggregates of every hour before `beforeHour`, the malformed-line details of
    /// files whose requests all fall before it, and names no longer used. The ledger stays:
    /// the files it lists are still recognised, so a pruned file is never counted again.
    public func prune(beforeHour: Int32, now: Int64, dryRun: Bool = false) throws -> PruneResult {
        let cutoff = Int64(beforeHour) * 3600
        let body = { () throws -> PruneResult in
            let hourFilter = "hour < \(beforeHour)"
            let traffic = try self.connection.prepare("SELECT count(*), coalesce(sum(requests), 0), min(hour), max(hour) FROM traffic WHERE \(hourFilter)")
                .firstRow { ($0.int(0), $0.int(1), $0.isNull(2) ? nil : Int32($0.int(2)), $0.isNull(3) ? nil : Int32($0.int(3))) }
                ?? (0, 0, nil, nil)
            let clients = try self.connection.prepare("SELECT count(*) FROM client_errors WHERE \(hourFilter)").firstRow { $0.int(0) } ?? 0
            // Files with no request at all belong to no hour: their ingest time decides.
            let oldFiles = "SELECT id FROM files WHERE coalesce(last_ts, last_ingested) < \(cutoff)"
            let detailed = try self.connection.prepare("""
                SELECT count(DISTINCT file_id) FROM (SELECT file_id FROM malformed UNION ALL SELECT file_id FROM malformed_samples)
                WHERE file_id IN (\(oldFiles))
                """).firstRow { Int($0.int(0)) } ?? 0
            let filesKept = try self.connection.prepare("SELECT count(*) FROM files").firstRow { Int($0.int(0)) } ?? 0
            var names: Int64 = 0
            if !dryRun {
                try self.connection.execute("DELETE FROM traffic WHERE \(hourFilter)")
                try self.connection.execute("DELETE FROM status_hourly WHERE \(hourFilter)")
                try self.pruneDailyRollup(beforeHour: Int64(beforeHour))
                try self.pruneLatency(beforeHour: Int64(beforeHour))
                try self.connection.execute("DELETE FROM client_errors WHERE \(hourFilter)")
                try self.pruneRecentMinutes(before: Int64(beforeHour) * 60)
                try self.connection.execute("DELETE FROM malformed WHERE file_id IN (\(oldFiles))")
                try self.connection.execute("DELETE FROM malformed_samples WHERE file_id IN (\(oldFiles))")
                for (table, column, source) in [("routes", "route_id", "traffic"), ("methods", "method_id", "traffic"),
                                                ("codes", "code_id", "traffic"), ("clients", "client_id", "client_errors")] {
                    try self.connection.execute("DELETE FROM \(table) WHERE id NOT IN (SELECT DISTINCT \(column) FROM \(source))")
                    names += Int64(self.connection.changes)
                }
                try self.connection.prepare("INSERT INTO prunes (at, before_hour, traffic_rows, client_rows) VALUES (?, ?, ?, ?)")
                    .bind([now, Int64(beforeHour), traffic.0, clients]).run()
            }
            return PruneResult(beforeHour: beforeHour, firstRemovedHour: traffic.2, lastRemovedHour: traffic.3,
                               trafficRows: traffic.0, clientRows: clients, requests: traffic.1,
                               filesWithDetailsRemoved: detailed, namesRemoved: names, filesKept: filesKept, dryRun: dryRun)
        }
        do {
            let result = dryRun ? try connection.readTransaction(body) : try connection.writeTransaction(body)
            if !dryRun { invalidateNameCache() }
            return result
        } catch {
            invalidateNameCache()
            throw error
        }
    }

    /// Days wholly before `beforeHour` go; a day it cuts in two is summed again from the
    /// hours that remain (call after removing the hourly rows).
    private func pruneDailyRollup(beforeHour: Int64) throws {
        let day = DailyRollup.day(ofHour: beforeHour)
        try connection.prepare("DELETE FROM traffic_daily WHERE day < ?").bind([day]).run()
        guard beforeHour != day * 24 else { return }
        try connection.prepare("DELETE FROM traffic_daily WHERE day = ?").bind([day]).run()
        try connection.prepare("""
            INSERT INTO traffic_daily (day, host_id, route_id, method_id, status, code_id, flags, requests, timed_requests, duration_us)
                SELECT ?, host_id, route_id, method_id, status, code_id, flags, sum(requests), sum(timed_requests), sum(duration_us)
                FROM traffic WHERE hour >= ? AND hour < ? GROUP BY host_id, route_id, method_id, status, code_id, flags
            """).bind([day, day * 24, day * 24 + 24]).run()
    }

    /// Rewrites the database file without the free pages that pruning left.
    public func vacuum() throws {
        try connection.execute("VACUUM")
        try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }
}
