import ErrAnalyzeKit
import CSQLite
import Dispatch
import Glibc

/// The SQLite store (`IngestStore`, `ReportStore`, `MaintenanceStore`): one database file, WAL journal (readers
/// never block the writer), every ingest step in one `BEGIN IMMEDIATE` transaction.
public final class SQLiteStore: IngestStore, MaintenanceStore {
    public let connection: SQLiteConnection
    private var stringIDs: [String: [String: Int64]] = [:]

    /// The host this store writes for (ledger lookups and commits see only its entries):
    /// the machine's name unless the opener names another.
    public let host: String
    /// `host`'s id in `hosts`, recorded at the first commit.
    private var storedHostID: Int64?

    /// Distinct routes kept per hour; see `cappedRouteIDs`.
    public var maxRoutesPerHour = 2000
    /// Client rows kept per hour, `(other)` included; see `writeClients`.
    public var maxClientsPerHour = SQLiteStore.defaultMaxClientsPerHour

    /// Opens or creates the database at `path` (mode 0600), creating its folder, migrates it
    /// and checks that it is not damaged. A writer passes the `WriterLock` it holds: it stays
    /// held until the connection is closed.
    ///
    /// A reader (`readOnly`) never writes and never creates a file: it refuses, with one line,
    /// a missing, empty, foreign, older or newer database (`SchemaCheck`).
    public init(path: String, readOnly: Bool = false, holding writerLock: WriterLock? = nil, host: String? = nil) throws {
        self.host = host ?? HostName.machine()
        if readOnly {
            try DatabaseFiles.checkReadable(path)
        } else {
            try Self.createParentDirectory(of: path)
            var info = stat()
            if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
                throw StoreError(message: "\(path): is a directory, not a database file (pass --db FOLDER/erranalyze.sqlite)", code: 0)
            }
            try DatabaseFiles.createIfMissing(path)
        }
        connection = try SQLiteConnection(path: path, readOnly: readOnly, holding: writerLock)
        do {
            if readOnly {
                try SchemaCheck.requireReadable(connection)
            } else {
                try prepareForWriting()
            }
        } catch let error as StoreError where error.isNotADatabase {
            throw StoreError(message: "\(path): not an erranalyze database (file is not a database)", code: error.code)
        }
    }

    private func prepareForWriting() throws {
        // SQLite opens a file it may not write read-only without a word; the first commit
        // would then fail deep in a file. Say it now.
        if sqlite3_db_readonly(connection.handle, "main") == 1 {
            throw StoreError(message: "\(connection.path): \(DatabaseFiles.userName()) may not write the database", code: SQLITE_READONLY)
        }
        // Never touch another program's database (the migrations are atomic: a database of
        // ours at version 0 has no tables).
        if try SQLiteMigrations.version(of: connection) == 0, let table = try SchemaCheck.firstTable(connection) {
            throw StoreError(message: "\(connection.path): an SQLite database of another program (it has a table '\(table)'); not an erranalyze database", code: 0)
        }
        // cell_size_check: every page read is checked more closely, so that damage on the
        // pages a commit touches stops it rather than spreading. journal_size_limit: the kept
        // -wal (keepWriteAheadLogFiles) is emptied when the writer closes, not left at its size.
        try connection.execute("""
            PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
            PRAGMA cell_size_check = ON; PRAGMA journal_size_limit = 67108864;
            """)
        connection.keepWriteAheadLogFiles()
        DatabaseFiles.matchCompanionsToDatabase(connection.path)
        try SQLiteMigrations.migrate(connection)
        try requireUndamaged()
    }

    /// Refuses a damaged database before anything is written into it: `PRAGMA quick_check`
    /// reads every page once (docs/ingest.md gives its cost), a fraction of an ingest's work.
    func requireUndamaged() throws {
        let problems = try integrityProblems(full: false, limit: 3)
        guard problems.isEmpty else {
            throw StoreError(message: "\(connection.path): the database is damaged (\(problems.joined(separator: "; ")))", code: SQLITE_CORRUPT)
        }
    }

    /// What `PRAGMA quick_check` (or, `full`, `integrity_check`, which also compares every
    /// index with its table) finds wrong, at most `limit` lines; empty when all is well.
    public func integrityProblems(full: Bool, limit: Int = 100) throws -> [String] {
        var lines: [String] = []
        do {
            try connection.prepare("PRAGMA \(full ? "integrity_check" : "quick_check")(\(limit))").forEachRow { lines.append($0.string(0)) }
        } catch let error as StoreError where error.isCorrupt || error.isNotADatabase {
            return [String(cString: sqlite3_errstr(error.code))]
        }
        return lines == ["ok"] ? [] : lines
    }

    /// The default database path: `$ERRANALYZE_DB`, else `$XDG_DATA_HOME/erranalyze/erranalyze.sqlite`,
    /// else `$HOME/.local/share/erranalyze/erranalyze.sqlite`. A relative `XDG_DATA_HOME` is
    /// ignored, as the XDG Base Directory specification says; with no absolute `HOME` either
    /// there is no default (rather than a database in whatever folder the command ran from).
    public static func defaultPath(environment: [String: String]) throws -> String {
        if let explicit = environment["ERRANALYZE_DB"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return xdg + "/erranalyze/erranalyze.sqlite"
        }
        guard let home = environment["HOME"], home.hasPrefix("/") else {
            let why = environment["HOME"].map { $0.isEmpty ? "HOME is empty" : "HOME (\($0)) is not an absolute path" } ?? "HOME is not set"
            throw StoreError(message: "no default database: \(why); pass --db PATH or set ERRANALYZE_DB", code: 0)
        }
        return home + "/.local/share/erranalyze/erranalyze.sqlite"
    }

    static func createParentDirectory(of path: String) throws {
        guard let slash = path.lastIndex(of: "/") else { return }
        let directory = String(path[..<slash])
        guard !directory.isEmpty else { return }
        var partial = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o755) != 0 && errno != EEXIST {
                throw StoreError(message: "\(partial): cannot create folder for the database (\(String(cString: strerror(errno))))", code: 0)
            }
        }
    }

    // MARK: Hosts

    /// This store's host id, recording the host at its first use (inside a write transaction).
    func hostID() throws -> Int64 {
        if let storedHostID { return storedHostID }
        try connection.prepare("INSERT INTO hosts (name, first_seen) VALUES (?, strftime('%s','now')) ON CONFLICT (name) DO NOTHING")
            .bind([host]).run()
        guard let id = try connection.prepare("SELECT id FROM hosts WHERE name = ?").bind([host]).firstRow({ $0.int(0) }) else {
            throw StoreError(message: "\(connection.path): could not record the host", code: 0)
        }
        storedHostID = id
        return id
    }

    /// This store's host id if the host is recorded, else an id no row has (a host that
    /// never committed has no ledger entries).
    func hostIDIfKnown() throws -> Int64 {
        if let storedHostID { return storedHostID }
        return try connection.prepare("SELECT id FROM hosts WHERE name = ?").bind([host]).firstRow { $0.int(0) } ?? -1
    }

    /// Host names by id.
    func hostNames() throws -> [Int64: String] {
        var map: [Int64: String] = [:]
        try connection.prepare("SELECT id, name FROM hosts").forEachRow { map[$0.int(0)] = $0.string(1) }
        return map
    }

    /// The ids of the hosts `filter` selects, or nil when it selects every host.
    func hostIDs(matching filter: TrafficFilter) throws -> [Int64]? {
        guard !filter.hosts.isEmpty else { return nil }
        return try hostNames().filter { filter.matches(host: $0.value) }.map(\.key).sorted()
    }

    /// `host_id IN (…)` for `filter`'s hosts, or `1` when it selects every host.
    func hostClause(_ filter: TrafficFilter) throws -> String {
        guard let ids = try hostIDs(matching: filter) else { return "1" }
        return "host_id IN (\(ids.map(String.init).joined(separator: ",")))"
    }

    // MARK: Ledger

    public func ledgerLookup(head: [UInt8]) throws -> LedgerLookup {
        try StoreError.neutral { try lookUp(head: head) }
    }

    private func lookUp(head: [UInt8]) throws -> LedgerLookup {
        guard !head.isEmpty else { return LedgerLookup(candidates: [], lastFileID: try lastFileID()) }
        return try connection.readTransaction {
            let lengths = try connection.prepare(
                "SELECT DISTINCT fingerprint_length FROM files WHERE host_id = \(try hostIDIfKnown()) AND fingerprint_length BETWEEN 1 AND ? ORDER BY fingerprint_length DESC")
            var candidateLengths: [Int] = []
            try lengths.bind([head.count]).forEachRow { candidateLengths.append(Int($0.int(0))) }
            let lookup = try connection.prepare(
                "SELECT \(Self.ledgerColumns) FROM files WHERE host_id = \(try hostIDIfKnown()) AND fingerprint_length = ? AND fingerprint = ? ORDER BY last_ingested DESC, id DESC")
            var found: [LedgerEntry] = []
            for length in candidateLengths {
                let fingerprint = ContentFingerprint(of: Array(head[0..<length]))
                try lookup.bind([length, fingerprint.hash]).forEachRow { found.append(Self.ledgerEntry($0)) }
            }
            found.sort { ($0.lastIngested, $0.id) > ($1.lastIngested, $1.id) }
            return LedgerLookup(candidates: found, lastFileID: try lastFileID())
        }
    }

    public func ledgerEntry(sourceKey: String) throws -> LedgerEntry? {
        try StoreError.neutral { try connection.prepare("SELECT \(Self.ledgerColumns) FROM files WHERE host_id = \(try hostIDIfKnown()) AND source_key = ? ORDER BY id DESC LIMIT 1")
            .bind([sourceKey]).firstRow(Self.ledgerEntry) }
    }

    private func lastFileID() throws -> Int64 {
        try connection.prepare("SELECT coalesce(max(id), 0) FROM files").firstRow { $0.int(0) } ?? 0
    }

    static let ledgerColumns = """
        id, path, fingerprint_length, fingerprint, format, compressed, bytes_read, lines, requests, malformed,
        first_ts, last_ts, first_ingested, last_ingested, anchor_length, anchor, ends_mid_line, source_key
        """

    static func ledgerEntry(_ row: SQLiteRow) -> LedgerEntry {
        let anchorLength = Int(row.int(14))
        return LedgerEntry(
            id: row.int(0), path: row.string(1),
            fingerprint: ContentFingerprint(length: Int(row.int(2)), hash: row.blob(3)),
            format: row.string(4), compressed: row.int(5) != 0, bytesRead: row.int(6), lines: row.int(7),
            requests: row.int(8), malformed: row.int(9),
            firstTimestamp: row.isNull(10) ? nil : row.int(10), lastTimestamp: row.isNull(11) ? nil : row.int(11),
            firstIngested: row.int(12), lastIngested: row.int(13),
            anchor: anchorLength > 0 ? ContentFingerprint(length: anchorLength, hash: row.blob(15)) : nil,
            endsMidLine: row.int(16) != 0, sourceKey: row.optionalString(17), compression: Compression(ledgerCode: row.int(5)))
    }

    public func ledgerEntries() throws -> [LedgerEntry] {
        var entries: [LedgerEntry] = []
        try connection.prepare("SELECT \(Self.ledgerColumns) FROM files WHERE host_id = \(try hostIDIfKnown()) ORDER BY last_ingested, id").forEachRow {
            entries.append(Self.ledgerEntry($0))
        }
        return entries
    }

    // MARK: Commit

    /// Called inside each commit's transaction, after its writes and before COMMIT: lets a
    /// test stop the process at the worst moment.
    public var beforeCommit: (() -> Void)?

    @discardableResult
    public func commit(_ checkpoint: IngestCheckpoint) throws -> Int64 {
        try StoreError.neutral { try commitStep(checkpoint) }
    }

    private func commitStep(_ checkpoint: IngestCheckpoint) throws -> Int64 {
        do {
            return try connection.writeTransaction {
                let entryID = try advanceLedger(checkpoint)
                try connection.prepare("UPDATE hosts SET last_commit = ? WHERE id = ?").bind([checkpoint.now, try hostID()]).run()
                try writeAggregate(checkpoint.aggregate, fileID: entryID, threads: checkpoint.threads)
                try pruneRecentMinutes(now: checkpoint.now)
                beforeCommit?()
                return entryID
            }
        } catch {
            // Ids cached during a transaction that did not commit may not exist.
            invalidateNameCache()
            throw error
        }
    }

    /// Forgets the ids of interned names (after a rollback, or a prune that removed some).
    func invalidateNameCache() {
        stringIDs = [:]
        storedHostID = nil
    }

    /// Moves the ledger's read position, refusing if another process moved it first.
    private func advanceLedger(_ c: IngestCheckpoint) throws -> Int64 {
        let a = c.aggregate
        let first: Int64? = a.requests > 0 ? a.firstTimestamp : nil
        let last: Int64? = a.requests > 0 ? a.lastTimestamp : nil
        let anchorLength: Int = c.anchor?.length ?? 0
        let anchorHash: [UInt8]? = c.anchor?.hash
        if let id = c.entryID {
            let current = try connection.prepare("SELECT bytes_read FROM files WHERE id = ?").bind([id]).firstRow { $0.int(0) }
            guard current == c.expectedBytesRead else { throw StoreConflict(path: c.path) }
            try connection.prepare("""
                UPDATE files SET path = ?, fingerprint = ?, fingerprint_length = ?, format = ?, compressed = ?,
                    bytes_read = ?, lines = lines + ?, requests = requests + ?, malformed = malformed + ?,
                    first_ts = CASE WHEN first_ts IS NULL OR ? < first_ts THEN ? ELSE first_ts END,
                    last_ts = CASE WHEN last_ts IS NULL OR ? > last_ts THEN ? ELSE last_ts END,
                    last_ingested = ?, anchor = ?, anchor_length = ?, ends_mid_line = ?, source_key = coalesce(?, source_key)
                WHERE id = ?
                """).bind([c.path, c.fingerprint.hash, c.fingerprint.length, c.format, c.compressedCode,
                           c.bytesRead, a.lines, a.requests, a.malformed.total,
                           first, first, last, last, c.now, anchorHash, anchorLength, c.endsMidLine, c.sourceKey, id]).run()
            return id
        }
        // A new file: another process may have recorded the same content meanwhile.
        if let known = c.lastKnownFileID {
            let head = c.head.isEmpty ? nil : c.head
            var clash = false
            try connection.prepare("SELECT fingerprint_length, fingerprint FROM files WHERE id > ? AND host_id = ?").bind([known, try hostID()]).forEachRow { row in
                let length = Int(row.int(0))
                if let head {
                    if length <= head.count && ContentFingerprint(of: Array(head[0..<length])).hash == row.blob(1) { clash = true }
                } else if length == c.fingerprint.length && row.blob(1) == c.fingerprint.hash {
                    clash = true
                }
            }
            guard !clash else { throw StoreConflict(path: c.path) }
        } else {
            let clash = try connection.prepare("SELECT id FROM files WHERE host_id = \(try hostID()) AND fingerprint_length = ? AND fingerprint = ?")
                .bind([c.fingerprint.length, c.fingerprint.hash]).firstRow { $0.int(0) }
            guard clash == nil else { throw StoreConflict(path: c.path) }
        }
        try connection.prepare("""
            INSERT INTO files (fingerprint, fingerprint_length, path, format, compressed, bytes_read, lines, requests,
                               malformed, first_ts, last_ts, first_ingested, last_ingested, anchor, anchor_length, ends_mid_line,
                               source_key, host_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).bind([c.fingerprint.hash, c.fingerprint.length, c.path, c.format, c.compressedCode, c.bytesRead,
                       a.lines, a.requests, a.malformed.total, first, last, c.now, c.now,
                       anchorHash, anchorLength, c.endsMidLine, c.sourceKey, try hostID()]).run()
        return connection.lastInsertRowID
    }

    private func writeAggregate(_ a: TrafficAggregate, fileID: Int64, threads: Int) throws {
        let routeIDs = try cappedRouteIDs(a)
        let methodIDs = try storeStrings(a.methods, table: "methods")
        let codeIDs = try storeStrings(a.codes, table: "codes")
        // One step is one host's: every row of it has this host id.
        let host = try hostID()

        // A row's duration histogram rides on it (`latency`, packed; NULL when no request of it
        // had a duration): no second row, no second B-tree insert per key.
        let upsertTraffic = try connection.prepare("""
            INSERT INTO traffic (hour, host_id, route_id, method_id, status, code_id, flags, requests, timed_requests, duration_us, latency)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (hour, host_id, route_id, method_id, status, code_id, flags) DO UPDATE SET
                requests = requests + excluded.requests,
                timed_requests = timed_requests + excluded.timed_requests,
                duration_us = duration_us + excluded.duration_us,
                latency = CASE WHEN excluded.latency IS NULL THEN latency WHEN latency IS NULL THEN excluded.latency
                               ELSE latency_merge(latency, excluded.latency) END
            """)
        // Rows in primary-key order: each upsert lands next to the previous one in the
        // B-tree (the pages it needs are already in cache), about twice as fast as hash order.
        var rows: [TrafficRow] = []
        rows.reserveCapacity(a.traffic.count)
        for (index, (key, counts)) in a.traffic.enumerated() {
            rows.append(TrafficRow(hour: Int64(key.hour), route: routeIDs[HourRoute(hour: key.hour, route: key.route)]!,
                                   method: methodIDs[Int(key.method)], status: Int64(key.status),
                                   code: key.code == TrafficKey.noCode ? 0 : codeIDs[Int(key.code)], flags: Int64(key.flags),
                                   counts: counts, aggregateRow: Int32(index)))
        }
        TrafficRow.sortInKeyOrder(&rows)
        // The histograms in the rows' key order (read front to back below) and the latency
        // rollups summed from them: no database needed, so with a second thread they are made
        // while this one writes the rollups, clients and recent minutes that need none of them.
        var position = [Int32](repeating: 0, count: rows.count)
        for (i, row) in rows.enumerated() { position[Int(row.aggregateRow)] = Int32(i) }
        let latency = PreparedLatency()
        let prepareLatency = {
            let histograms = a.latencyHistograms(position: position)
            latency.packed = histograms.packedRows()
            latency.rollups = LatencyRollups(rows, histograms)
        }
        func writeOthers() throws {
            try writeRollups(rows, host: host)
            try writeRecentMinutes(a.recent, routeIDs: routeIDs, methodIDs: methodIDs, codeIDs: codeIDs, host: host)
            try writeClients(a.clients)
        }
        if threads > 1 && !a.latency.isEmpty {
            let done = DispatchSemaphore(value: 0)
            DispatchQueue.global().async { prepareLatency(); done.signal() }
            // Waited for on every way out: the closure holds this step's arrays.
            defer { done.wait() }
            try writeOthers()
        } else {
            prepareLatency()
            try writeOthers()
        }
        try latency.packed.bytes.withUnsafeBytes { packed in
            var from = 0
            for (i, row) in rows.enumerated() {
                upsertTraffic.bindIntegers(row.hour, host, row.route, row.method, row.status, row.code, row.flags,
                                           row.counts.requests, row.counts.timedRequests, row.counts.durationMicros)
                let to = Int(latency.packed.ends[i])
                upsertTraffic.bindBlobOrNull(11, UnsafeRawBufferPointer(rebasing: packed[from..<to]), static: true)
                from = to
                try upsertTraffic.run()
            }
        }
        try writeLatencyRollups(latency.rollups, host: host)
        let upsertMalformed = try connection.prepare("""
            INSERT INTO malformed (file_id, reason, count) VALUES (?, ?, ?)
            ON CONFLICT (file_id, reason) DO UPDATE SET count = count + excluded.count
            """)
        for (reason, count) in a.malformed.counts {
            upsertMalformed.bindIntegers(fileID, Int64(reason.rawValue), count)
            try upsertMalformed.run()
        }
        if !a.malformed.samples.isEmpty {
            let existing = try connection.prepare("SELECT count(*), coalesce(max(line), 0) FROM malformed_samples WHERE file_id = ?")
                .bind([fileID]).firstRow { ($0.int(0), $0.int(1)) } ?? (0, 0)
            let lineBase = try connection.prepare("SELECT lines FROM files WHERE id = ?").bind([fileID]).firstRow { $0.int(0) } ?? 0
            let insertSample = try connection.prepare("INSERT INTO malformed_samples (file_id, line, reason, text) VALUES (?, ?, ?, ?)")
            // Line numbers in the aggregate count from this step's first line; the ledger
            // already includes this step's lines, so the step began after (lines - a.lines).
            let offset = lineBase - a.lines
            for sample in a.malformed.samples.prefix(max(0, MalformedTally.sampleLimit - Int(existing.0))) {
                try insertSample.bind([fileID, sample.line + offset, Int(sample.reason.rawValue), sample.text]).run()
            }
        }
    }

    /// What `writeAggregate` prepares for the latency writes, on another thread or its own.
    private final class PreparedLatency: @unchecked Sendable {
        var packed: (bytes: [UInt8], ends: [Int32]) = ([], [])
        var rollups = LatencyRollups()
    }

    struct TrafficRow {
        /// An hour, or in a daily row the day.
        var hour, route, method, status, code, flags: Int64
        var counts: TrafficCounts
        /// The row's index in the step's aggregate (where its latency is), or -1 for a sum.
        var aggregateRow: Int32 = -1

        /// The key of a daily row (`time` a day) and of an hour × status row, summed in a
        /// `CounterTable`: a few multiplications a hash, where a `Dictionary` ran SipHash.
        struct DayKey: CounterKey {
            var day, route, method, status, code, flags: Int64
            var counterHash: UInt64 {
                mixCounterHash(UInt64(bitPattern: day) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: route),
                               (UInt64(bitPattern: method) &<< 48 ^ UInt64(bitPattern: status) &<< 32 ^ UInt64(bitPattern: code) &<< 8
                                ^ UInt64(bitPattern: flags)) &* 0xFF51_AFD7_ED55_8CCD)
            }
        }
        struct HourStatus: CounterKey {
            var hour, status: Int64
            var counterHash: UInt64 { mixCounterHash(UInt64(bitPattern: hour), UInt64(bitPattern: status)) }
        }

        /// Primary-key order (of `traffic`, or of `traffic_daily` for daily rows).
        static func inKeyOrder(_ a: TrafficRow, _ b: TrafficRow) -> Bool {
            (a.hour, a.route, a.method, a.status, a.code, a.flags) < (b.hour, b.route, b.method, b.status, b.code, b.flags)
        }

        /// Sorts `rows` into primary-key order. The six fields of a key fit two 64-bit words
        /// when the ids are as small as real databases' are (route < 2^32, method < 2^16,
        /// code < 2^24, and the step's hours within 2^32 of each other): then a sort of those
        /// words and the row's index, a third of a row's size, compared in two steps instead of
        /// six, and the rows moved once. Otherwise the rows are sorted field by field.
        static func sortInKeyOrder(_ rows: inout [TrafficRow]) {
            guard let firstHour = rows.lazy.map(\.hour).min() else { return }
            var keys: [(high: UInt64, low: UInt64, index: Int32)] = []
            keys.reserveCapacity(rows.count)
            for (index, row) in rows.enumerated() {
                let hour = row.hour &- firstHour
                guard hour >= 0, hour < 1 << 32, row.route >= 0, row.route < 1 << 32, row.method >= 0, row.method < 1 << 16,
                      row.status >= 0, row.status < 1 << 16, row.code >= 0, row.code < 1 << 24, row.flags >= 0, row.flags < 1 << 8
                else {
                    rows.sort(by: inKeyOrder)
                    return
                }
                keys.append((UInt64(hour) << 32 | UInt64(row.route),
                             UInt64(row.method) << 48 | UInt64(row.status) << 32 | UInt64(row.code) << 8 | UInt64(row.flags),
                             Int32(index)))
            }
            keys.sort { $0.high != $1.high ? $0.high < $1.high : $0.low < $1.low }
            // Each row moved once along the permutation's cycles, in place: a sorted copy of
            // ~50k rows of 88 bytes was 4 MB of fresh pages a step.
            var source = keys.map { Int($0.index) }
            for first in source.indices where source[first] >= 0 {
                let held = rows[first]
                var at = first
                while true {
                    let from = source[at]
                    source[at] = -1
                    if from == first { rows[at] = held; break }
                    rows[at] = rows[from]
                    at = from
                }
            }
        }
    }

    /// The same rows summed by day (`traffic_daily`) and by hour and status
    /// (`status_hourly`): see `DailyRollup`.
    private func writeRollups(_ rows: [TrafficRow], host: Int64) throws {
        var byDay = CounterTable<TrafficRow.DayKey, TrafficCounts>(capacity: rows.count / 2)
        var byStatus = CounterTable<TrafficRow.HourStatus, TrafficCounts>(capacity: 1024)
        for row in rows {
            byStatus.add(TrafficRow.HourStatus(hour: row.hour, status: row.status), TrafficCounts(requests: row.counts.requests))
            byDay.add(TrafficRow.DayKey(day: DailyRollup.day(ofHour: row.hour), route: row.route, method: row.method,
                                        status: row.status, code: row.code, flags: row.flags), row.counts)
        }
        var daily = byDay.map { key, counts in
            TrafficRow(hour: key.day, route: key.route, method: key.method, status: key.status, code: key.code, flags: key.flags,
                       counts: counts)
        }
        TrafficRow.sortInKeyOrder(&daily)
        let upsertDaily = try connection.prepare("""
            INSERT INTO traffic_daily (day, host_id, route_id, method_id, status, code_id, flags, requests, timed_requests, duration_us)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (day, host_id, route_id, method_id, status, code_id, flags) DO UPDATE SET
                requests = requests + excluded.requests,
                timed_requests = timed_requests + excluded.timed_requests,
                duration_us = duration_us + excluded.duration_us
            """)
        for row in daily {
            upsertDaily.bindIntegers(row.hour, host, row.route, row.method, row.status, row.code, row.flags,
                                     row.counts.requests, row.counts.timedRequests, row.counts.durationMicros)
            try upsertDaily.run()
        }
        // In primary-key order, as the daily rows.
        let statuses = byStatus.map { (hour: $0.key.hour, status: $0.key.status, requests: $0.value.requests) }
            .sorted { ($0.hour, $0.status) < ($1.hour, $1.status) }
        let upsertStatus = try connection.prepare("""
            INSERT INTO status_hourly (hour, host_id, status, requests) VALUES (?, ?, ?, ?)
            ON CONFLICT (hour, host_id, status) DO UPDATE SET requests = requests + excluded.requests
            """)
        for entry in statuses {
            upsertStatus.bindIntegers(entry.hour, host, entry.status, entry.requests)
            try upsertStatus.run()
        }
    }

    private typealias HourRoute = PerHourCap.HourRoute

    /// Database route ids for each hour × route of an aggregate, with at most
    /// `maxRoutesPerHour` distinct routes per hour in the database: past that, an hour's
    /// quieter new routes count as `(other)`, so that a scanner requesting random URLs cannot
    /// grow the database without bound. Busiest routes keep their names; folded routes are
    /// never written to the routes table.
    private func cappedRouteIDs(_ a: TrafficAggregate) throws -> [HourRoute: Int64] {
        let select = try connection.prepare("SELECT id FROM routes WHERE value = ?")
        let insert = try connection.prepare("INSERT INTO routes (value) VALUES (?) ON CONFLICT (value) DO NOTHING")
        // The cap is per hour and host: one host's scanners never crowd out another's routes.
        let host = try hostID()
        let present = try connection.prepare(
            "SELECT value FROM routes WHERE id IN (SELECT route_id FROM traffic WHERE hour = ? AND host_id = ?)")
        var cache = stringIDs["routes"] ?? [:]
        func existingID(_ value: String) throws -> Int64? {
            if let known = cache[value] { return known }
            let id = try select.bind([value]).firstRow { $0.int(0) }
            if let id { cache[value] = id }
            return id
        }
        func id(_ value: String) throws -> Int64 {
            if let known = try existingID(value) { return known }
            try insert.bind([value]).run()
            guard let id = try existingID(value) else {
                throw StoreError(message: "\(connection.path): could not record a route", code: 0)
            }
            return id
        }

        // Which of the step's routes keep their names: the rule every store shares (PerHourCap).
        var volume: [HourRoute: Int64] = [:]
        volume.reserveCapacity(a.traffic.count / 4)
        for (key, counts) in a.traffic { volume[HourRoute(hour: key.hour, route: key.route), default: 0] += counts.requests }
        let kept = try PerHourCap.keptRoutes(volumes: volume, maxRoutes: maxRoutesPerHour, name: { a.routes.string(Int($0)) }) { hour in
            var names = Set<String>()
            try present.bind([Int64(hour), host]).forEachRow { names.insert($0.string(0)) }
            return names
        }
        var result: [HourRoute: Int64] = [:]
        result.reserveCapacity(kept.count)
        for (pair, keep) in kept {
            result[pair] = try id(keep ? a.routes.string(Int(pair.route)) : TrafficAggregate.otherRoute)
        }
        stringIDs["routes"] = cache
        return result
    }

    /// Database ids for an aggregate's interned strings, adding the new ones.
    private func storeStrings(_ interner: ByteInterner, table: String) throws -> [Int64] {
        guard interner.count > 0 else { return [] }
        let insert = try connection.prepare("INSERT INTO \(table) (value) VALUES (?) ON CONFLICT (value) DO NOTHING")
        let select = try connection.prepare("SELECT id FROM \(table) WHERE value = ?")
        var cache = stringIDs[table] ?? [:]
        var ids = [Int64](repeating: 0, count: interner.count)
        for local in 0..<interner.count {
            let value = interner.string(local)
            if let known = cache[value] { ids[local] = known; continue }
            try insert.bind([value]).run()
            guard let id = try select.bind([value]).firstRow({ $0.int(0) }) else {
                throw StoreError(message: "\(connection.path): could not record \(table) value", code: 0)
            }
            ids[local] = id
            cache[value] = id
        }
        stringIDs[table] = cache
        return ids
    }

    // MARK: Queries

    private func windowClause(_ days: ClosedRange<Int64>, column: String) -> (String, [Any?]) {
        rangeClause(first: days.lowerBound == .min ? nil : days.lowerBound,
                    last: days.upperBound == .max ? nil : days.upperBound, column: column)
    }

    private func windowClause(_ window: HourWindow, column: String = "hour") -> (String, [Any?]) {
        rangeClause(first: window.first.map(Int64.init), last: window.last.map(Int64.init), column: column)
    }

    /// `column` between two inclusive bounds, either of which may be open.
    private func rangeClause(first: Int64?, last: Int64?, column: String) -> (String, [Any?]) {
        var parts: [String] = []
        var values: [Any?] = []
        if let first { parts.append("\(column) >= ?"); values.append(first) }
        if let last { parts.append("\(column) <= ?"); values.append(last) }
        return (parts.isEmpty ? "1" : parts.joined(separator: " AND "), values)
    }

    private func names(_ table: String) throws -> [Int64: String] {
        var map: [Int64: String] = [:]
        try connection.prepare("SELECT id, value FROM \(table)").forEachRow { map[$0.int(0)] = $0.string(1) }
        return map
    }

    // Reports sum a window's rows in Swift rather than with GROUP BY: SQLite would sort every
    // row of the window into a temporary B-tree, while a range scan of the primary key into a
    // hash table costs a fraction of that. Whole days come from `traffic_daily` (DailyRollup):
    // 90 days of 103M requests are 146k daily rows instead of 670k hourly ones (docs/benchmarks.md).
    public func trafficGroups(in window: HourWindow) throws -> [TrafficGroup] {
        try connection.readTransaction {
            let routes = try names("routes"), methods = try names("methods"), codes = try names("codes")
            let hosts = try hostNames()
            var sums = CounterTable<StoredGroupKey, TrafficCounts>(capacity: 4096)
            func scan(_ sql: String, _ values: [Any?]) throws {
                try connection.prepare(sql).bind(values).forEachRow { row in
                    sums.add(StoredGroupKey(route: row.int(0), method: row.int(1), status: row.int(2), code: row.int(3), flags: row.int(4),
                                            host: row.int(8)),
                             TrafficCounts(requests: row.int(5), timedRequests: row.int(6), durationMicros: row.int(7)))
                }
            }
            let columns = "route_id, method_id, status, code_id, flags, requests, timed_requests, duration_us, host_id"
            let plan = DailyRollup.plan(window)
            if let days = plan.days {
                let (clause, values) = windowClause(days, column: "day")
                try scan("SELECT \(columns) FROM traffic_daily WHERE \(clause)", values)
            }
            for range in plan.hourRanges {
                let (clause, values) = windowClause(range)
                try scan("SELECT \(columns) FROM traffic WHERE \(clause)", values)
            }
            // In the order of the names, not of the ids, which depend on the order names were
            // first stored: every store gives the same groups in the same order.
            return sums.map { key, counts in
                TrafficGroup(route: routes[key.route] ?? "?", method: methods[key.method] ?? "", status: Int(key.status),
                             code: key.code == 0 ? nil : codes[key.code], flags: UInt8(truncatingIfNeeded: key.flags), counts: counts,
                             host: hosts[key.host] ?? "")
            }.sorted(by: TrafficGroup.inNameOrder)
        }
    }

    public func hourlyStatusCounts(in window: HourWindow) throws -> [HourlyStatusCount] {
        try hourlyStatusCounts(in: window, hosts: TrafficFilter())
    }

    /// Requests per hour and status of the hosts `filter` selects (its other parts ignored).
    func hourlyStatusCounts(in window: HourWindow, hosts filter: TrafficFilter) throws -> [HourlyStatusCount] {
        var (clause, values) = windowClause(window)
        clause += " AND " + (try hostClause(filter))
        var hourly = HourlyStatusAccumulator()
        try connection.readTransaction {
            try connection.prepare("SELECT hour, status, requests FROM status_hourly WHERE \(clause) ORDER BY hour, status")
                .bind(values).forEachRow { hourly.add(hour: $0.int(0), status: $0.int(1), requests: $0.int(2)) }
        }
        return hourly.finish()
    }

    /// Requests per hour and status of the rows matching `clause`, ordered by hour and status.
    func hourlyStatusCounts(where clause: String, _ values: [Any?]) throws -> [HourlyStatusCount] {
        var hourly = HourlyStatusAccumulator()
        try connection.readTransaction {
            try connection.prepare("SELECT hour, status, requests FROM traffic WHERE \(clause) ORDER BY hour")
                .bind(values).forEachRow { hourly.add(hour: $0.int(0), status: $0.int(1), requests: $0.int(2)) }
        }
        return hourly.finish()
    }

    public func clientErrors(in window: HourWindow, limit: Int) throws -> [ClientErrorTotal] {
        try clientErrors(in: window, limit: limit, matching: TrafficFilter())
    }

    public func clientErrors(in window: HourWindow, limit: Int, matching filter: TrafficFilter) throws -> [ClientErrorTotal] {
        try topClients(.byErrors, in: window, limit: limit, hosts: filter)
    }

    /// The clients `ranking` lists. Sums are made here by client id; only the names of the
    /// clients that can make the list are read, and `ranking.top` gives the final list.
    func topClients(_ ranking: ClientRanking, in window: HourWindow, limit: Int,
                    hosts filter: TrafficFilter = TrafficFilter()) throws -> [ClientErrorTotal] {
        guard limit > 0 else { return [] }
        return try connection.readTransaction {
            var (clause, values) = windowClause(window)
            clause += " AND " + (try hostClause(filter))
            let largestID = try connection.prepare("SELECT coalesce(max(id), 0) FROM clients").firstRow { $0.int(0) } ?? 0
            var sums = ClientSums(largestID: largestID)
            try connection.prepare("SELECT client_id, errors, rate_limited FROM client_errors WHERE \(clause)")
                .bind(values).forEachRow { row in
                    sums.add(row.int(0), ClientCounts(errors: row.int(1), rateLimited: row.int(2)))
                }
            var measures: [Int64] = []
            sums.forEach { _, counts in if ranking.admits(counts) { measures.append(ranking.measure(counts)) } }
            guard let floor = ClientRanking.floor(of: measures, limit: limit) else { return [] }
            func isTied(_ counts: ClientCounts) -> Bool { ranking.admits(counts) && ranking.measure(counts) == floor }
            var candidates: [ClientErrorTotal] = []
            func add(_ name: String, _ counts: ClientCounts) {
                candidates.append(ClientErrorTotal(client: name, errors: counts.errors, rateLimited: counts.rateLimited))
            }
            var tied = 0
            let name = try connection.prepare("SELECT value FROM clients WHERE id = ?")
            try sums.forEach { id, counts in
                if ranking.admits(counts) && ranking.measure(counts) > floor {
                    guard let value = try name.bind([id]).firstRow({ $0.string(0) }) else { return }  // as a JOIN would
                    add(value, counts)
                } else if isTied(counts) {
                    tied += 1
                }
            }
            // Ties with the last that fits go by name as bytes: few are looked up one by one;
            // many (a scan's one-error addresses) by walking the names in the `value` index's
            // order (BINARY collation: bytes) until enough are found.
            let needed = limit - candidates.count
            if tied <= max(needed, 64) {
                try sums.forEach { id, counts in
                    guard isTied(counts), let value = try name.bind([id]).firstRow({ $0.string(0) }) else { return }
                    add(value, counts)
                }
            } else {
                struct Enough: Error {}
                var found = 0
                do {
                    try connection.prepare("SELECT id, value FROM clients ORDER BY value").forEachRow { row in
                        guard let counts = sums[row.int(0)], isTied(counts) else { return }
                        add(row.string(1), counts)
                        found += 1
                        if found == needed { throw Enough() }
                    }
                } catch is Enough {}
            }
            return ranking.top(candidates, limit: limit)
        }
    }

    public func malformedSummary(in window: HourWindow) throws -> MalformedSummary {
        try malformedSummary(in: window, matching: TrafficFilter())
    }

    /// Malformed lines of the files of the hosts `filter` selects (its other parts ignored).
    public func malformedSummary(in window: HourWindow, matching filter: TrafficFilter) throws -> MalformedSummary {
        // The rule (which files' lines belong to the window) is MalformedWindow's.
        let rule = MalformedWindow(window)
        var parts = rule.sqlConditions(files: "f")
        if let hosts = try hostIDs(matching: filter) {
            parts.append("f.host_id IN (\(hosts.map(String.init).joined(separator: ",")))")
        }
        let clause = parts.isEmpty ? "1" : parts.joined(separator: " AND ")
        var summary = MalformedSummary()
        try connection.prepare("SELECT m.reason, sum(m.count) FROM malformed m JOIN files f ON f.id = m.file_id WHERE \(clause) GROUP BY m.reason")
            .forEachRow { summary.add(reasonCode: $0.int(0), count: $0.int(1)) }
        try connection.prepare("""
            SELECT f.path, s.line, s.reason, s.text FROM malformed_samples s JOIN files f ON f.id = s.file_id
            WHERE \(clause) \(rule.sqlSampleOrder(files: "f", samples: "s"))
            """).forEachRow { summary.addSample(path: $0.string(0), line: $0.int(1), reasonCode: $0.int(2), text: $0.string(3)) }
        return summary
    }

    public func dataHours() throws -> (first: Int32, last: Int32)? {
        try connection.prepare("SELECT min(hour), max(hour) FROM traffic").firstRow { row in
            row.isNull(0) ? nil : (Int32(row.int(0)), Int32(row.int(1)))
        } ?? nil
    }
}

/// The stored dimensions of a traffic row (ids), the key reports sum by.
struct StoredGroupKey: CounterKey {
    var route: Int64
    var method: Int64
    var status: Int64
    var code: Int64
    var flags: Int64
    var host: Int64

    var counterHash: UInt64 {
        mixCounterHash(UInt64(bitPattern: route) &+ UInt64(bitPattern: method) &<< 40 &+ UInt64(bitPattern: host) &<< 20,
                       UInt64(bitPattern: code) &+ UInt64(bitPattern: status) &<< 40 &+ UInt64(bitPattern: flags) &<< 56)
    }
}

/// A client id, the key reports sum client errors by.
struct StoredClientKey: CounterKey {
    var id: Int64
    var counterHash: UInt64 { mixCounterHash(UInt64(bitPattern: id), 0) }
}

/// Sums requests by hour and status from rows in hour order (the primary key starts with the
/// hour, so `ORDER BY hour` costs no sort), sorted by status within each hour.
struct HourlyStatusAccumulator {
    private var result: [HourlyStatusCount] = []
    private var hour: Int64 = .min
    /// The current hour's requests by status (0–999), and the statuses seen in it.
    private var byStatus = [Int64](repeating: 0, count: 1000)
    private var present = [Bool](repeating: false, count: 1000)
    private var seen: [Int] = []
    /// Statuses outside 0–999, which no parser produces but a database might hold.
    private var odd: [Int64: Int64] = [:]

    @inline(__always)
    mutating func add(hour h: Int64, status: Int64, requests: Int64) {
        if h != hour {
            flush()
            hour = h
        }
        if status >= 0 && status < 1000 {
            let s = Int(status)
            if !present[s] {
                present[s] = true
                seen.append(s)
            }
            byStatus[s] += requests
        } else {
            odd[status, default: 0] += requests
        }
    }

    private mutating func flush() {
        var counts = seen.map { (Int64($0), byStatus[$0]) }
        for s in seen {
            byStatus[s] = 0
            present[s] = false
        }
        seen.removeAll(keepingCapacity: true)
        counts += odd.map { ($0.key, $0.value) }
        odd.removeAll()
        for (status, requests) in counts.sorted(by: { $0.0 < $1.0 }) {
            result.append(HourlyStatusCount(hour: Int32(truncatingIfNeeded: hour), status: Int(status), requests: requests))
        }
    }

    mutating func finish() -> [HourlyStatusCount] {
        flush()
        return result
    }
}
