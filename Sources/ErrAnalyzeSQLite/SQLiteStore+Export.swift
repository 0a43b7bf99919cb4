import ErrAnalyzeKit

/// Reading a host's history out of the database, names instead of ids (`HostHistory`), for
/// `erranalyze copy`. Days are read one at a time by range scans of the primary keys (which
/// lead with the hour or day), so a long history never sits in memory whole.
extension SQLiteStore: HostHistorySource {
    public func historyHosts() throws -> [HostHistory.Host] {
        try StoreError.neutral {
            var hosts: [HostHistory.Host] = []
            // Hosts with a ledger entry or an hourly or daily row: a name recorded by an ingest
            // that never committed anything has no history.
            try connection.prepare("""
                SELECT name, first_seen, last_commit FROM hosts h
                WHERE EXISTS (SELECT 1 FROM files f WHERE f.host_id = h.id)
                   OR EXISTS (SELECT 1 FROM traffic_daily d WHERE d.host_id = h.id)
                   OR EXISTS (SELECT 1 FROM traffic t WHERE t.host_id = h.id)
                ORDER BY name
                """).forEachRow { row in
                    hosts.append(HostHistory.Host(name: row.string(0), firstSeen: row.isNull(1) ? nil : row.int(1),
                                                  lastCommit: row.isNull(2) ? nil : row.int(2)))
                }
            return hosts
        }
    }

    public func historyFiles(host: String) throws -> [HostHistory.File] {
        try StoreError.neutral {
            let id = try historyHostID(host)
            var files: [HostHistory.File] = []
            var index: [Int64: Int] = [:]
            try connection.prepare("SELECT \(Self.ledgerColumns) FROM files WHERE host_id = ? ORDER BY id").bind([id]).forEachRow { row in
                index[row.int(0)] = files.count
                files.append(HostHistory.File(entry: Self.ledgerEntry(row), compressionCode: row.int(5), malformed: [], samples: []))
            }
            try connection.prepare("""
                SELECT m.file_id, m.reason, m.count FROM malformed m JOIN files f ON f.id = m.file_id
                WHERE f.host_id = ? ORDER BY m.file_id, m.reason
                """).bind([id]).forEachRow { row in
                    guard let at = index[row.int(0)] else { return }
                    files[at].malformed.append((row.int(1), row.int(2)))
                }
            try connection.prepare("""
                SELECT s.file_id, s.line, s.reason, s.text FROM malformed_samples s JOIN files f ON f.id = s.file_id
                WHERE f.host_id = ? ORDER BY s.file_id, s.rowid
                """).bind([id]).forEachRow { row in
                    guard let at = index[row.int(0)] else { return }
                    files[at].samples.append(.init(line: row.int(1), reason: row.int(2), text: row.string(3)))
                }
            return files
        }
    }

    public func historyDays(host: String) throws -> [Int64] {
        try StoreError.neutral {
            let id = try historyHostID(host)
            var days: [Int64] = []
            try connection.prepare("""
                SELECT day FROM traffic_daily WHERE host_id = ?1
                UNION SELECT \(DailyRollup.daySQL("hour")) FROM traffic WHERE host_id = ?1
                UNION SELECT \(DailyRollup.daySQL("hour")) FROM status_hourly WHERE host_id = ?1
                UNION SELECT \(DailyRollup.daySQL("hour")) FROM client_errors WHERE host_id = ?1
                ORDER BY 1
                """).bind([id]).forEachRow { days.append($0.int(0)) }
            return days
        }
    }

    public func historyDay(_ day: Int64, host: String) throws -> HostHistory.Day {
        try StoreError.neutral {
            let id = try historyHostID(host)
            let firstHour = day * 24, lastHour = day * 24 + 23
            var result = HostHistory.Day(day: day)
            func traffic(_ row: SQLiteRow) -> HostHistory.TrafficRow {
                HostHistory.TrafficRow(period: row.int(0), route: row.string(1), method: row.string(2), status: row.int(3),
                                       code: row.optionalString(4), flags: row.int(5),
                                       counts: TrafficCounts(requests: row.int(6), timedRequests: row.int(7), durationMicros: row.int(8)))
            }
            // Names by primary-key lookups per row: cheaper than reading whole name tables
            // (clients may be many) for every day.
            func select(_ period: String, _ table: String) -> String {
                """
                SELECT t.\(period), r.value, m.value, t.status, c.value, t.flags, t.requests, t.timed_requests, t.duration_us
                FROM \(table) t JOIN routes r ON r.id = t.route_id JOIN methods m ON m.id = t.method_id
                LEFT JOIN codes c ON c.id = t.code_id AND t.code_id <> 0
                """
            }
            try connection.prepare(select("hour", "traffic") + " WHERE t.hour BETWEEN ? AND ? AND t.host_id = ?")
                .bind([firstHour, lastHour, id]).forEachRow { result.hourly.append(traffic($0)) }
            try connection.prepare(select("day", "traffic_daily") + " WHERE t.day = ? AND t.host_id = ?")
                .bind([day, id]).forEachRow { result.daily.append(traffic($0)) }
            try connection.prepare("SELECT hour, status, requests FROM status_hourly WHERE hour BETWEEN ? AND ? AND host_id = ?")
                .bind([firstHour, lastHour, id]).forEachRow {
                    result.statuses.append(HostHistory.StatusRow(hour: $0.int(0), status: $0.int(1), requests: $0.int(2)))
                }
            try connection.prepare("""
                SELECT e.hour, c.value, e.errors, e.rate_limited FROM client_errors e JOIN clients c ON c.id = e.client_id
                WHERE e.hour BETWEEN ? AND ? AND e.host_id = ?
                """).bind([firstHour, lastHour, id]).forEachRow {
                    result.clients.append(HostHistory.ClientRow(hour: $0.int(0), client: $0.string(1), errors: $0.int(2), rateLimited: $0.int(3)))
                }
            try connection.prepare("""
                SELECT l.hour, r.value, m.value, l.status, l.latency
                FROM traffic l JOIN routes r ON r.id = l.route_id JOIN methods m ON m.id = l.method_id
                WHERE l.latency IS NOT NULL AND l.hour BETWEEN ? AND ? AND l.host_id = ?
                """).bind([firstHour, lastHour, id]).forEachRow { row in
                    let hour = row.int(0), route = row.string(1), method = row.string(2), status = row.int(3)
                    row.forEachLatencyBucket(4) { bucket, requests in
                        result.latency.append(HostHistory.LatencyRow(hour: hour, route: route, method: method,
                                                                     status: status, bucket: Int64(bucket), requests: requests))
                    }
                }
            return result
        }
    }

    /// The id of a host by name (an id no row has when unknown).
    private func historyHostID(_ name: String) throws -> Int64 {
        try connection.prepare("SELECT id FROM hosts WHERE name = ?").bind([name]).firstRow { $0.int(0) } ?? -1
    }
}
