import ErrAnalyzeKit

/// `erranalyze copy`: one host's history (`HostHistory`, read from another store) written
/// into this fleet database with its ledger, so that the host's next ingest here continues
/// where the other store stopped.
extension PostgresStore {
    /// Rows buffered before they are sent (COPY and one upsert per table): bounds memory
    /// however long the history, while keeping round trips few.
    public static let importFlushRows = 200_000

    /// Copies `host`'s history from `source` in ONE transaction (partitions made before it):
    /// a failure leaves nothing of it behind. Follows `HostHistory.decide`: a host whose ledger
    /// here already holds the same files is `alreadyCopied` (nothing written); a host that has
    /// other history here is refused (`StoreFailure`). Call it inside `source.snapshot`.
    /// `flushRows`: rows buffered before they are sent (tests make it small).
    public func importHistory(of host: HostHistory.Host, from source: HostHistorySource,
                              flushRows: Int = PostgresStore.importFlushRows) throws -> HostHistory.Outcome {
        try neutral {
            let files = try source.historyFiles(host: host.name)
            let days = try source.historyDays(host: host.name)
            // One hour per day is enough for the partitions to know the months.
            let hours = days.map { Int32(clamping: $0 * 24) }
            var attempt = 1
            while true {
                try PostgresPartitions.ensure(hours: hours, on: connection)
                do {
                    return try connection.transaction { connection in
                        // As a commit does: no prune drops a partition these hours need before COMMIT.
                        try connection.query("SELECT pg_advisory_xact_lock_shared($1)", [.int64(Self.partitionLock)])
                        if try partitionsMissing(for: Set(hours)) { throw PartitionsDropped() }
                        return try importLocked(host, files: files, days: days, from: source, flushRows: flushRows)
                    }
                } catch is PartitionsDropped where attempt < 100 {
                    attempt += 1
                }
            }
        }
    }

    private func importLocked(_ host: HostHistory.Host, files: [HostHistory.File], days: [Int64],
                              from source: HostHistorySource, flushRows: Int) throws -> HostHistory.Outcome {
        guard let hostID = try connection.internedIDs(table: "hosts", column: "name", values: [host.name])[host.name] else {
            throw PostgresError(kind: .other, server: connection.server, detail: "could not register host \(host.name)")
        }
        // The host's row lock, which every commit of the host takes first: an ingest of this
        // host waits for the copy, and two copies of it run one after the other.
        try connection.query("SELECT id FROM hosts WHERE id = $1 FOR UPDATE", [.int64(hostID)])
        let target = try connection.query("SELECT \(Self.ledgerColumns) FROM files WHERE host_id = $1", [.int64(hostID)])
            .rows.map(Self.ledgerEntry)
        let hasTraffic = try connection.query("""
            SELECT EXISTS (SELECT 1 FROM traffic_daily WHERE host_id = $1) OR EXISTS (SELECT 1 FROM traffic WHERE host_id = $1)
            """, [.int64(hostID)]).first?.bool(0) ?? false
        switch HostHistory.decide(source: files.map(\.entry), target: target, targetHasTraffic: hasTraffic) {
        case .alreadyCopied:
            return .alreadyCopied(files: files.count)
        case .refuse(let why):
            throw HostHistory.Refused(host: host.name, description: "\(connection.server): host \(host.name): not copied: \(why)")
        case .copy:
            break
        }
        try connection.query("""
            UPDATE hosts SET first_seen = coalesce($2, first_seen), last_commit = greatest(last_commit, $3) WHERE id = $1
            """, [.int64(hostID), PostgresValue(host.firstSeen), PostgresValue(host.lastCommit)])
        for file in files { try importFile(file, hostID: hostID) }

        var rows = ImportBuffers(hostID: hostID)
        var names = ImportNames()
        for day in days {
            let history = try source.historyDay(day, host: host.name)
            try names.learn(history, on: connection)
            rows.append(history, names: names)
            if rows.count >= flushRows { try rows.flush(to: connection) }
        }
        try rows.flush(to: connection)
        return .copied(files: files.count, requests: rows.hourlyRequests, hourlyRows: rows.hourlyRows)
    }

    /// One ledger entry with its malformed-line counts and samples, as the source recorded them.
    private func importFile(_ file: HostHistory.File, hostID: Int64) throws {
        let e = file.entry
        let inserted = try connection.query("""
            INSERT INTO files (host_id, fingerprint, fingerprint_length, path, format, compressed, bytes_read, lines, requests,
                               malformed, first_ts, last_ts, first_ingested, last_ingested, anchor, anchor_length, ends_mid_line,
                               source_key)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::bigint, $12::bigint, $13, $14, $15, $16, $17, $18)
            RETURNING id
            """, [.int64(hostID), .bytes(e.fingerprint.hash), .int64(Int64(e.fingerprint.length)),
                  .text(PostgresConnection.storable(e.path)), .text(e.format), .int64(file.compressionCode), .int64(e.bytesRead),
                  .int64(e.lines), .int64(e.requests), .int64(e.malformed), PostgresValue(e.firstTimestamp),
                  PostgresValue(e.lastTimestamp), .int64(e.firstIngested), .int64(e.lastIngested), PostgresValue(e.anchor?.hash),
                  .int64(Int64(e.anchor?.length ?? 0)), .bool(e.endsMidLine),
                  PostgresValue(e.sourceKey.map(PostgresConnection.storable))])
        guard let id = inserted.first?.int64(0) else {
            throw PostgresError(kind: .other, server: connection.server, detail: "\(e.path): the ledger did not return an id")
        }
        for (reason, count) in file.malformed {
            try connection.query("INSERT INTO malformed (file_id, reason, count) VALUES ($1, $2, $3)",
                                 [.int64(id), .int64(reason), .int64(count)])
        }
        for sample in file.samples {
            try connection.query("INSERT INTO malformed_samples (file_id, line, reason, text) VALUES ($1, $2, $3, $4)",
                                 [.int64(id), .int64(sample.line), .int64(sample.reason), .text(PostgresConnection.storable(sample.text))])
        }
    }
}

/// The target's ids of the names a copy meets, asked for once per name (new names in sorted
/// order, as ingest adds them). Clients can be many over a long history: past a bound their
/// ids are forgotten and asked for again when met.
private struct ImportNames {
    var routes: [String: Int64] = [:]
    var methods: [String: Int64] = [:]
    var codes: [String: Int64] = [:]
    var clients: [String: Int64] = [:]
    static let clientBound = 100_000

    mutating func learn(_ day: HostHistory.Day, on connection: PostgresConnection) throws {
        func missing(_ known: [String: Int64], _ values: some Sequence<String>) -> [String] {
            Set(values.filter { known[$0] == nil }).sorted()
        }
        let traffic = day.hourly + day.daily
        try add(&routes, "routes", missing(routes, traffic.lazy.map(\.route) + day.latency.map(\.route)), connection)
        try add(&methods, "methods", missing(methods, traffic.lazy.map(\.method) + day.latency.map(\.method)), connection)
        try add(&codes, "codes", missing(codes, traffic.lazy.compactMap(\.code)), connection)
        if clients.count > Self.clientBound { clients = [:] }
        try add(&clients, "clients", missing(clients, day.clients.lazy.map(\.client)), connection)
    }

    private func add(_ known: inout [String: Int64], _ table: String, _ values: [String], _ connection: PostgresConnection) throws {
        guard !values.isEmpty else { return }
        for (value, id) in try connection.internedIDs(table: table, values: values) { known[value] = id }
    }
}

/// The rows of the days read so far, as additive sums per table; months summed from the days
/// (days are the months' source, as at ingest). Sums may be sent in several parts: adding
/// is what the upsert does.
private struct ImportBuffers {
    let hostID: Int64
    var traffic = AdditiveRows(.traffic)
    var daily = AdditiveRows(.trafficDaily)
    var monthly = AdditiveRows(.trafficMonthly)
    var statuses = AdditiveRows(.statusHourly)
    var clients = AdditiveRows(.clientErrors)
    var latency = AdditiveRows(.latency)
    var latencyDaily = AdditiveRows(.latencyDaily)
    var latencyMonthly = AdditiveRows(.latencyMonthly)
    var latencyHourly = AdditiveRows(.latencyHourly)
    private(set) var hourlyRows: Int64 = 0
    private(set) var hourlyRequests: Int64 = 0

    init(hostID: Int64) { self.hostID = hostID }

    var count: Int { traffic.count + daily.count + monthly.count + statuses.count + clients.count + latency.count }

    mutating func append(_ day: HostHistory.Day, names: ImportNames) {
        func rest(_ row: HostHistory.TrafficRow) -> [Int64] {
            [names.routes[row.route]!, names.methods[row.method]!, row.status, row.code.map { names.codes[$0]! } ?? 0, row.flags,
             row.counts.requests, row.counts.timedRequests, row.counts.durationMicros]
        }
        for row in day.hourly {
            traffic.append(contentsOf: [row.period, hostID] + rest(row))
            hourlyRows += 1
            hourlyRequests += row.counts.requests
        }
        let month = MonthlyRollup.month(ofDay: day.day)
        for row in day.daily {
            let values = rest(row)
            daily.append(contentsOf: [row.period, hostID] + values)
            monthly.append(contentsOf: [month, hostID] + values)
        }
        for row in day.statuses { statuses.append(row.hour, hostID, row.status, row.requests) }
        for row in day.clients { clients.append(row.hour, hostID, names.clients[row.client]!, row.errors, row.rateLimited) }
        for row in day.latency {
            let route = names.routes[row.route]!, method = names.methods[row.method]!
            latency.append(row.hour, hostID, route, method, row.status, row.bucket, row.requests)
            latencyDaily.append(DailyRollup.day(ofHour: row.hour), hostID, route, method, row.status, row.bucket, row.requests)
            latencyMonthly.append(month, hostID, route, method, row.status, row.bucket, row.requests)
            latencyHourly.append(row.hour, hostID, LatencyOutcome.code(ofStatus: row.status), row.bucket, row.requests)
        }
    }

    /// Sends the buffered sums (in key order, `addSums`) and empties the buffers.
    mutating func flush(to connection: PostgresConnection) throws {
        for rows in [traffic, daily, monthly, statuses, clients, latency, latencyDaily, latencyMonthly, latencyHourly] where !rows.isEmpty {
            try connection.addSums(rows)
        }
        traffic = AdditiveRows(.traffic)
        daily = AdditiveRows(.trafficDaily)
        monthly = AdditiveRows(.trafficMonthly)
        statuses = AdditiveRows(.statusHourly)
        clients = AdditiveRows(.clientErrors)
        latency = AdditiveRows(.latency)
        latencyDaily = AdditiveRows(.latencyDaily)
        latencyMonthly = AdditiveRows(.latencyMonthly)
        latencyHourly = AdditiveRows(.latencyHourly)
    }
}
