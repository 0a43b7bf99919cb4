import ErrAnalyzeKit

/// One ingest step: the ledger move and the aggregates in one transaction.
extension PostgresStore {
    /// Adds a step's aggregate and moves the ledger, all or nothing. The host's row is locked
    /// first, so that two runs of the same host commit one after the other (as SQLite's writer
    /// lock makes them) while other hosts commit side by side; rows are upserted in key order,
    /// so that hosts adding to the same rows wait for each other instead of deadlocking. A
    /// serialization failure or deadlock runs the transaction again; a connection lost on the
    /// way is opened again and the step tried once more: if the lost COMMIT had in fact
    /// succeeded, the ledger check refuses the repeat (`StoreConflict`), so nothing is counted
    /// twice.
    @discardableResult
    public func commit(_ checkpoint: IngestCheckpoint) throws -> Int64 {
        try neutral {
            do {
                return try commitOnce(checkpoint)
            } catch let error as PostgresError where error.kind == .unreachable && !connection.isConnected {
                try connection.reconnect()
                return try commitOnce(checkpoint)
            }
        }
    }

    private func commitOnce(_ c: IngestCheckpoint) throws -> Int64 {
        var hours = Set<Int32>()
        for (key, _) in c.aggregate.traffic { hours.insert(key.hour) }
        for hour in c.aggregate.clients.totalsByHour.keys { hours.insert(hour) }
        var attempt = 1
        while true {
            // Partitions are made in their own short transaction: inside this one, creating
            // one would lock the parent table against every other host until COMMIT.
            try PostgresPartitions.ensure(hours: hours, on: connection)
            do {
                return try connection.transaction { connection in
                    // Shared with other commits, exclusive for prune (and for making a
                    // partition): no partition this step needs is dropped before COMMIT. A
                    // prune that dropped one since `ensure` (the step holds hours older than its
                    // cut) sends us round again.
                    try connection.query("SELECT pg_advisory_xact_lock_shared($1)", [.int64(Self.partitionLock)])
                    if try partitionsMissing(for: hours) { throw PartitionsDropped() }
                    try connection.query("UPDATE hosts SET last_commit = greatest(last_commit, $2) WHERE id = $1",
                                         [.int64(hostID), .int64(c.now)])
                    let fileID = try advanceLedger(c)
                    try writeAggregate(c.aggregate, fileID: fileID)
                    try pruneRecentMinutes(now: c.now)
                    beforeCommit?()
                    return fileID
                }
            } catch is PartitionsDropped where attempt < 100 {
                attempt += 1
            }
        }
    }

    struct PartitionsDropped: Error, CustomStringConvertible {
        var description: String { "a prune kept dropping the partitions of the hours being committed" }
    }

    /// Whether a partition of an hourly table is missing for one of `hours`.
    func partitionsMissing(for hours: Set<Int32>) throws -> Bool {
        guard !hours.isEmpty else { return false }
        let array = "{" + hours.sorted().map(String.init).joined(separator: ",") + "}"
        return try connection.query("""
            SELECT EXISTS (SELECT 1 FROM unnest($1::integer[]) AS h,
                                  unnest(ARRAY['traffic', 'client_errors', 'status_hourly', 'latency', 'latency_hourly']) AS t(parent)
                           WHERE NOT EXISTS (SELECT 1 FROM erranalyze_partitions p
                                             WHERE p.parent = t.parent AND h >= p.first_hour AND h < p.end_hour))
            """, [.text(array)]).first?.bool(0) ?? true
    }

    /// Moves the ledger's read position (refusing if another run of this host moved it first)
    /// or records a new file (refusing if another run of this host recorded the same content
    /// since the lookup). Returns the file's id.
    private func advanceLedger(_ c: IngestCheckpoint) throws -> Int64 {
        let a = c.aggregate
        let first: Int64? = a.requests > 0 ? a.firstTimestamp : nil
        let last: Int64? = a.requests > 0 ? a.lastTimestamp : nil
        let anchorLength = Int64(c.anchor?.length ?? 0)
        let anchorHash = PostgresValue(c.anchor?.hash)
        let sourceKey = PostgresValue(c.sourceKey.map(PostgresConnection.storable))
        let path = PostgresValue.text(PostgresConnection.storable(c.path))
        if let id = c.entryID {
            let current = try connection.query("SELECT bytes_read FROM files WHERE id = $1 AND host_id = $2 FOR UPDATE",
                                               [.int64(id), .int64(hostID)]).first?.int64(0)
            guard current == c.expectedBytesRead else { throw StoreConflict(path: c.path) }
            try connection.query("""
                UPDATE files SET path = $1, fingerprint = $2, fingerprint_length = $3, format = $4, compressed = $5,
                    bytes_read = $6, lines = lines + $7, requests = requests + $8, malformed = malformed + $9,
                    first_ts = least(first_ts, $10::bigint), last_ts = greatest(last_ts, $11::bigint),
                    last_ingested = $12, anchor = $13, anchor_length = $14, ends_mid_line = $15,
                    source_key = coalesce($16, source_key)
                WHERE id = $17
                """, [path, .bytes(c.fingerprint.hash), .int64(Int64(c.fingerprint.length)), .text(c.format),
                      .int64(Int64(c.compressedCode)), .int64(c.bytesRead), .int64(a.lines), .int64(a.requests),
                      .int64(a.malformed.total), PostgresValue(first), PostgresValue(last), .int64(c.now), anchorHash,
                      .int64(anchorLength), .bool(c.endsMidLine), sourceKey, .int64(id)])
            return id
        }
        if let known = c.lastKnownFileID {
            let head = c.head.isEmpty ? nil : c.head
            let later = try connection.query("SELECT fingerprint_length, fingerprint FROM files WHERE host_id = $1 AND id > $2",
                                             [.int64(hostID), .int64(known)]).rows
            for row in later {
                let length = row.int(0)
                let clash: Bool
                if let head {
                    clash = length <= head.count && ContentFingerprint(of: Array(head[0..<length])).hash == row.bytes(1)
                } else {
                    clash = length == c.fingerprint.length && row.bytes(1) == c.fingerprint.hash
                }
                if clash { throw StoreConflict(path: c.path) }
            }
        } else if try connection.query("""
            SELECT 1 FROM files WHERE host_id = $1 AND fingerprint_length = $2 AND fingerprint = $3 LIMIT 1
            """, [.int64(hostID), .int64(Int64(c.fingerprint.length)), .bytes(c.fingerprint.hash)]).first != nil {
            throw StoreConflict(path: c.path)
        }
        let inserted = try connection.query("""
            INSERT INTO files (host_id, fingerprint, fingerprint_length, path, format, compressed, bytes_read, lines, requests,
                               malformed, first_ts, last_ts, first_ingested, last_ingested, anchor, anchor_length, ends_mid_line,
                               source_key)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::bigint, $12::bigint, $13, $13, $14, $15, $16, $17)
            RETURNING id
            """, [.int64(hostID), .bytes(c.fingerprint.hash), .int64(Int64(c.fingerprint.length)), path, .text(c.format),
                  .int64(Int64(c.compressedCode)), .int64(c.bytesRead), .int64(a.lines), .int64(a.requests),
                  .int64(a.malformed.total), PostgresValue(first), PostgresValue(last), .int64(c.now), anchorHash,
                  .int64(anchorLength), .bool(c.endsMidLine), sourceKey])
        guard let id = inserted.first?.int64(0) else {
            throw PostgresError(kind: .other, server: connection.server, detail: "\(c.path): the ledger did not return an id")
        }
        return id
    }

    /// The names a table already holds for each of `hours` of this host: `SELECT DISTINCT`
    /// of the hour and the joined name.
    private func presentNames(_ sql: String, hours: Set<Int32>) throws -> [Int32: Set<String>] {
        guard !hours.isEmpty else { return [:] }
        let array = "{" + hours.sorted().map(String.init).joined(separator: ",") + "}"
        var present: [Int32: Set<String>] = [:]
        for row in try connection.query(sql, [.int64(hostID), .text(array)]).rows {
            present[Int32(row.int64(0)), default: []].insert(row.string(1))
        }
        return present
    }

    private func writeAggregate(_ a: TrafficAggregate, fileID: Int64) throws {
        // Routes: at most `maxRoutesPerHour` per hour and host (the shared rule), then ids.
        var volume: [PerHourCap.HourRoute: Int64] = [:]
        for (key, counts) in a.traffic { volume[PerHourCap.HourRoute(hour: key.hour, route: key.route), default: 0] += counts.requests }
        let presentRoutes = try presentNames("""
            SELECT DISTINCT t.hour, r.value FROM traffic t JOIN routes r ON r.id = t.route_id
            WHERE t.host_id = $1 AND t.hour = ANY($2::integer[])
            """, hours: Set(volume.keys.map(\.hour)))
        let routeName = { (route: Int32) in PostgresConnection.storable(a.routes.string(Int(route))) }
        let kept = PerHourCap.keptRoutes(volumes: volume, maxRoutes: maxRoutesPerHour, name: routeName) { presentRoutes[$0] ?? [] }
        var routeNames = Set<String>()
        for (pair, isKept) in kept { routeNames.insert(isKept ? routeName(pair.route) : TrafficAggregate.otherRoute) }
        let routeIDs = try connection.internedIDs(table: "routes", values: routeNames.sorted())
        let methodIDs = try ids(of: a.methods, table: "methods")
        let codeIDs = try ids(of: a.codes, table: "codes")

        var traffic = AdditiveRows(.traffic, reservingRows: a.traffic.count)
        var daily = AdditiveRows(.trafficDaily, reservingRows: a.traffic.count)
        var monthly = AdditiveRows(.trafficMonthly, reservingRows: a.traffic.count)
        var monthOfDay: [Int64: Int64] = [:]
        var statuses = AdditiveRows(.statusHourly)
        for (key, counts) in a.traffic {
            let pair = PerHourCap.HourRoute(hour: key.hour, route: key.route)
            let route = routeIDs[kept[pair]! ? routeName(key.route) : TrafficAggregate.otherRoute]!
            let code = key.code == TrafficKey.noCode ? 0 : codeIDs[Int(key.code)]
            let hour = Int64(key.hour)
            let rest = [route, methodIDs[Int(key.method)], Int64(key.status), code, Int64(key.flags),
                        counts.requests, counts.timedRequests, counts.durationMicros]
            traffic.append(contentsOf: [hour, hostID] + rest)
            let day = DailyRollup.day(ofHour: hour)
            daily.append(contentsOf: [day, hostID] + rest)
            if monthOfDay[day] == nil { monthOfDay[day] = MonthlyRollup.month(ofDay: day) }
            monthly.append(contentsOf: [monthOfDay[day]!, hostID] + rest)
            statuses.append(hour, hostID, Int64(key.status), counts.requests)
        }
        try connection.addSums(traffic)
        try connection.addSums(daily)
        try connection.addSums(monthly)
        try connection.addSums(statuses)
        try writeLatency(a, route: { pair in routeIDs[kept[pair]! ? routeName(pair.route) : TrafficAggregate.otherRoute]! }, methodIDs: methodIDs)
        try writeRecentMinutes(a.recent, route: { pair in kept[pair].map { routeIDs[$0 ? routeName(pair.route) : TrafficAggregate.otherRoute]! } },
                               methodIDs: methodIDs, codeIDs: codeIDs)
        try writeClients(a.clients)
        try writeMalformed(a, fileID: fileID)
    }

    /// Database ids for an aggregate's interned strings, adding the new ones.
    private func ids(of interner: ByteInterner, table: String) throws -> [Int64] {
        guard interner.count > 0 else { return [] }
        let values = (0..<interner.count).map { PostgresConnection.storable(interner.string($0)) }
        let ids = try connection.internedIDs(table: table, values: values)
        return values.map { ids[$0]! }
    }

    /// Client rows, at most `maxClientsPerHour` per hour and host (the shared rule).
    private func writeClients(_ tally: ClientTally) throws {
        guard !tally.isEmpty else { return }
        let present = try presentNames("""
            SELECT DISTINCT e.hour, c.value FROM client_errors e JOIN clients c ON c.id = e.client_id
            WHERE e.host_id = $1 AND e.hour = ANY($2::integer[])
            """, hours: Set(tally.totalsByHour.keys))
        let rows = PerHourCap.clientRows(tally, maxClients: maxClientsPerHour) { present[$0] ?? [] }
        guard !rows.isEmpty else { return }
        let names = rows.map { PostgresConnection.storable($0.name) }
        let ids = try connection.internedIDs(table: "clients", values: Array(Set(names)).sorted())
        var sums = AdditiveRows(.clientErrors, reservingRows: rows.count)
        for (row, name) in zip(rows, names) {
            sums.append(Int64(row.hour), hostID, ids[name]!, row.counts.errors, row.counts.rateLimited)
        }
        try connection.addSums(sums)
    }

    /// Malformed-line counts by reason, and the first samples of the file.
    private func writeMalformed(_ a: TrafficAggregate, fileID: Int64) throws {
        for (reason, count) in a.malformed.counts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            try connection.query("""
                INSERT INTO malformed (file_id, reason, count) VALUES ($1, $2, $3)
                ON CONFLICT (file_id, reason) DO UPDATE SET count = malformed.count + excluded.count
                """, [.int64(fileID), .int64(Int64(reason.rawValue)), .int64(count)])
        }
        guard !a.malformed.samples.isEmpty else { return }
        let existing = try connection.query("SELECT count(*) FROM malformed_samples WHERE file_id = $1", [.int64(fileID)]).first?.int64(0) ?? 0
        let lineBase = try connection.query("SELECT lines FROM files WHERE id = $1", [.int64(fileID)]).first?.int64(0) ?? 0
        // Line numbers in the aggregate count from this step's first line; the ledger already
        // includes this step's lines, so the step began after (lines - a.lines).
        let offset = lineBase - a.lines
        for sample in a.malformed.samples.prefix(max(0, MalformedTally.sampleLimit - Int(existing))) {
            try connection.query("INSERT INTO malformed_samples (file_id, line, reason, text) VALUES ($1, $2, $3, $4)",
                                 [.int64(fileID), .int64(sample.line + offset), .int64(Int64(sample.reason.rawValue)),
                                  .text(PostgresConnection.storable(sample.text))])
        }
    }
}
