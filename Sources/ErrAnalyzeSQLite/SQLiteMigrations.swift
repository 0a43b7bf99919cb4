import ErrAnalyzeKit
/// The database schema as an ordered list of migrations, applied in order and recorded in
/// `PRAGMA user_version`, so that a database made by an older erranalyze is upgraded in
/// place and one made by a newer erranalyze is refused rather than damaged.
public enum SQLiteMigrations {
    /// `PRAGMA user_version` of the databases this build writes; older ones are upgraded by a
    /// writer, newer ones refused.
    public static var schemaVersion: Int { currentVersion }

    static let all: [String] = [
        // 1: aggregates, interned strings, the ledger of ingested files, malformed lines.
        """
        CREATE TABLE routes  (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
        CREATE TABLE methods (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
        CREATE TABLE codes   (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
        CREATE TABLE clients (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);

        -- Additive counters per hour × route × method × status × code × request flags.
        -- code_id 0 means no code was logged. Never averages: sums merge by addition.
        CREATE TABLE traffic (
            hour           INTEGER NOT NULL,
            route_id       INTEGER NOT NULL,
            method_id      INTEGER NOT NULL,
            status         INTEGER NOT NULL,
            code_id        INTEGER NOT NULL,
            flags          INTEGER NOT NULL,
            requests       INTEGER NOT NULL,
            timed_requests INTEGER NOT NULL,
            duration_us    INTEGER NOT NULL,
            PRIMARY KEY (hour, route_id, method_id, status, code_id, flags)
        ) WITHOUT ROWID;

        -- Errors per client per hour (only errors: all requests per client would dwarf the rest).
        CREATE TABLE client_errors (
            hour         INTEGER NOT NULL,
            client_id    INTEGER NOT NULL,
            errors       INTEGER NOT NULL,
            rate_limited INTEGER NOT NULL,
            PRIMARY KEY (hour, client_id)
        ) WITHOUT ROWID;

        -- The ledger: one row per distinct file content, found again by the fingerprint of
        -- its first bytes whatever it is called later (rotation, compression).
        CREATE TABLE files (
            id                 INTEGER PRIMARY KEY,
            fingerprint        BLOB NOT NULL,
            fingerprint_length INTEGER NOT NULL,
            path               TEXT NOT NULL,
            format             TEXT NOT NULL,
            compressed         INTEGER NOT NULL,
            bytes_read         INTEGER NOT NULL,
            lines              INTEGER NOT NULL,
            requests           INTEGER NOT NULL,
            malformed          INTEGER NOT NULL,
            first_ts           INTEGER,
            last_ts            INTEGER,
            first_ingested     INTEGER NOT NULL,
            last_ingested      INTEGER NOT NULL
        );
        CREATE INDEX files_by_fingerprint ON files (fingerprint_length, fingerprint);

        CREATE TABLE malformed (
            file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
            reason  INTEGER NOT NULL,
            count   INTEGER NOT NULL,
            PRIMARY KEY (file_id, reason)
        ) WITHOUT ROWID;

        CREATE TABLE malformed_samples (
            file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
            line    INTEGER NOT NULL,
            reason  INTEGER NOT NULL,
            text    TEXT NOT NULL
        );
        """,
        // 2: the ledger's anchor (a fingerprint of the bytes just before the read position,
        // so that two files with the same first bytes are told apart), whether the read
        // position is inside a line already counted, the identity of a compressed file read
        // to its end, and the history of prunes.
        """
        ALTER TABLE files ADD COLUMN anchor BLOB;
        ALTER TABLE files ADD COLUMN anchor_length INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE files ADD COLUMN ends_mid_line INTEGER NOT NULL DEFAULT 0;
        -- A compressed file read to its end: its device, inode, size and modification time,
        -- so that later runs know it unchanged without decompressing it again.
        ALTER TABLE files ADD COLUMN source_key TEXT;
        CREATE INDEX files_by_source_key ON files (source_key) WHERE source_key IS NOT NULL;
        CREATE TABLE prunes (
            at           INTEGER NOT NULL,
            before_hour  INTEGER NOT NULL,
            traffic_rows INTEGER NOT NULL,
            client_rows  INTEGER NOT NULL
        );
        """,
        // 3: daily sums of traffic, and requests per hour and status, so that reports over
        // long windows read a few rows per day (DailyRollup), filled from the hours already
        // stored.
        """
        CREATE TABLE traffic_daily (
            day            INTEGER NOT NULL,
            route_id       INTEGER NOT NULL,
            method_id      INTEGER NOT NULL,
            status         INTEGER NOT NULL,
            code_id        INTEGER NOT NULL,
            flags          INTEGER NOT NULL,
            requests       INTEGER NOT NULL,
            timed_requests INTEGER NOT NULL,
            duration_us    INTEGER NOT NULL,
            PRIMARY KEY (day, route_id, method_id, status, code_id, flags)
        ) WITHOUT ROWID;
        CREATE TABLE status_hourly (
            hour     INTEGER NOT NULL,
            status   INTEGER NOT NULL,
            requests INTEGER NOT NULL,
            PRIMARY KEY (hour, status)
        ) WITHOUT ROWID;
        INSERT INTO traffic_daily
            SELECT \(DailyRollup.daySQL("hour")), route_id, method_id, status, code_id, flags,
                   sum(requests), sum(timed_requests), sum(duration_us)
            FROM traffic GROUP BY 1, 2, 3, 4, 5, 6;
        INSERT INTO status_hourly SELECT hour, status, sum(requests) FROM traffic GROUP BY hour, status;
        """,
        // 4: at most `defaultMaxClientsPerHour` client rows per hour, as ingest now keeps
        // them (SQLiteStore+Clients.swift): an hour's lightest clients beyond that fold into
        // `(other)`, names no row uses any more go; and malformed-line samples stored before
        // redaction are redacted (`redactStoredSamples`, after this SQL).
        """
        INSERT INTO clients (value) VALUES ('\(SQLiteStore.otherClient)') ON CONFLICT (value) DO NOTHING;
        CREATE TEMP TABLE folded_clients AS
            SELECT hour, client_id, errors, rate_limited FROM (
                SELECT e.hour, e.client_id, e.errors, e.rate_limited,
                       row_number() OVER (PARTITION BY e.hour ORDER BY e.errors DESC, e.rate_limited DESC, c.value) AS rank,
                       count(*) OVER (PARTITION BY e.hour) + EXISTS (
                           SELECT 1 FROM client_errors o WHERE o.hour = e.hour AND o.client_id = \(otherClientID)) AS hour_rows
                FROM client_errors e JOIN clients c ON c.id = e.client_id
                WHERE e.client_id <> \(otherClientID))
            WHERE hour_rows > \(SQLiteStore.defaultMaxClientsPerHour) AND rank >= \(SQLiteStore.defaultMaxClientsPerHour);
        INSERT INTO client_errors (hour, client_id, errors, rate_limited)
            SELECT hour, \(otherClientID), sum(errors), sum(rate_limited) FROM folded_clients WHERE 1 GROUP BY hour
            ON CONFLICT (hour, client_id) DO UPDATE SET
                errors = errors + excluded.errors, rate_limited = rate_limited + excluded.rate_limited;
        DELETE FROM client_errors WHERE (hour, client_id) IN (SELECT hour, client_id FROM folded_clients);
        DROP TABLE folded_clients;
        DELETE FROM clients WHERE id NOT IN (SELECT client_id FROM client_errors);
        """,
        // 5: hosts. Every aggregate row and ledger entry belongs to the host that ingested it
        // (the machine's name, or `ingest --host`), as in the PostgreSQL store, so that both
        // give the same reports and a database can be copied into the fleet's. Rows already
        // stored belong to host 1, this machine (named by `nameFirstHost`). The keys lead
        // with the hour, then the host: a window's range scan stays one range.
        """
        CREATE TABLE hosts (
            id          INTEGER PRIMARY KEY,
            name        TEXT NOT NULL UNIQUE,
            first_seen  INTEGER,
            last_commit INTEGER
        );
        CREATE TABLE traffic_v5 (
            hour INTEGER NOT NULL, host_id INTEGER NOT NULL, route_id INTEGER NOT NULL, method_id INTEGER NOT NULL,
            status INTEGER NOT NULL, code_id INTEGER NOT NULL, flags INTEGER NOT NULL,
            requests INTEGER NOT NULL, timed_requests INTEGER NOT NULL, duration_us INTEGER NOT NULL,
            PRIMARY KEY (hour, host_id, route_id, method_id, status, code_id, flags)
        ) WITHOUT ROWID;
        INSERT INTO traffic_v5 SELECT hour, 1, route_id, method_id, status, code_id, flags, requests, timed_requests, duration_us FROM traffic;
        DROP TABLE traffic;
        ALTER TABLE traffic_v5 RENAME TO traffic;
        CREATE TABLE traffic_daily_v5 (
            day INTEGER NOT NULL, host_id INTEGER NOT NULL, route_id INTEGER NOT NULL, method_id INTEGER NOT NULL,
            status INTEGER NOT NULL, code_id INTEGER NOT NULL, flags INTEGER NOT NULL,
            requests INTEGER NOT NULL, timed_requests INTEGER NOT NULL, duration_us INTEGER NOT NULL,
            PRIMARY KEY (day, host_id, route_id, method_id, status, code_id, flags)
        ) WITHOUT ROWID;
        INSERT INTO traffic_daily_v5 SELECT day, 1, route_id, method_id, status, code_id, flags, requests, timed_requests, duration_us FROM traffic_daily;
        DROP TABLE traffic_daily;
        ALTER TABLE traffic_daily_v5 RENAME TO traffic_daily;
        CREATE TABLE status_hourly_v5 (
            hour INTEGER NOT NULL, host_id INTEGER NOT NULL, status INTEGER NOT NULL, requests INTEGER NOT NULL,
            PRIMARY KEY (hour, host_id, status)
        ) WITHOUT ROWID;
        INSERT INTO status_hourly_v5 SELECT hour, 1, status, requests FROM status_hourly;
        DROP TABLE status_hourly;
        ALTER TABLE status_hourly_v5 RENAME TO status_hourly;
        CREATE TABLE client_errors_v5 (
            hour INTEGER NOT NULL, host_id INTEGER NOT NULL, client_id INTEGER NOT NULL,
            errors INTEGER NOT NULL, rate_limited INTEGER NOT NULL,
            PRIMARY KEY (hour, host_id, client_id)
        ) WITHOUT ROWID;
        INSERT INTO client_errors_v5 SELECT hour, 1, client_id, errors, rate_limited FROM client_errors;
        DROP TABLE client_errors;
        ALTER TABLE client_errors_v5 RENAME TO client_errors;
        ALTER TABLE files ADD COLUMN host_id INTEGER NOT NULL DEFAULT 1;
        DROP INDEX files_by_fingerprint;
        CREATE INDEX files_by_fingerprint ON files (host_id, fingerprint_length, fingerprint);
        -- The read interface for dashboards, the same as PostgreSQL's (docs/fleet.md).
        CREATE VIEW hourly_traffic AS
            SELECT datetime(t.hour * 3600, 'unixepoch') AS time, t.hour, h.name AS host, r.value AS route,
                   m.value AS method, t.status, c.value AS code, t.flags,
                   t.requests, t.timed_requests, t.duration_us
            FROM traffic t
            JOIN hosts h ON h.id = t.host_id
            JOIN routes r ON r.id = t.route_id
            JOIN methods m ON m.id = t.method_id
            LEFT JOIN codes c ON c.id = t.code_id;
        CREATE VIEW daily_traffic AS
            SELECT date(d.day * 86400, 'unixepoch') AS time, d.day, h.name AS host, r.value AS route,
                   m.value AS method, d.status, c.value AS code, d.flags,
                   d.requests, d.timed_requests, d.duration_us
            FROM traffic_daily d
            JOIN hosts h ON h.id = d.host_id
            JOIN routes r ON r.id = d.route_id
            JOIN methods m ON m.id = d.method_id
            LEFT JOIN codes c ON c.id = d.code_id;
        """,
        // 6: latency histograms (issue 13). Each traffic row carries the histogram of its
        // requests' durations in `latency`: the non-empty duration buckets (LatencyBuckets,
        // layout version recorded in latency_layout) packed as varint (bucket delta, count)
        // pairs (PackedLatencyBuckets; upserts add with latency_merge()), NULL when none of its
        // requests had a duration. On the row, not in a table of its own, so that an ingest
        // writes no second row per key (docs/latency.md). Summed per day and per calendar month
        // × route × method × status (whole days and months of long reports), and per hour ×
        // host × outcome (2: below 400, 4: 4xx, 5: 5xx; the timeline's p95). Rows stored before
        // this migration have no histogram.
        """
        ALTER TABLE traffic ADD COLUMN latency BLOB;
        CREATE TABLE latency_daily (
            day INTEGER NOT NULL, host_id INTEGER NOT NULL, route_id INTEGER NOT NULL, method_id INTEGER NOT NULL,
            status INTEGER NOT NULL, buckets BLOB NOT NULL,
            PRIMARY KEY (day, host_id, route_id, method_id, status)
        ) WITHOUT ROWID;
        CREATE TABLE latency_monthly (
            month INTEGER NOT NULL, host_id INTEGER NOT NULL, route_id INTEGER NOT NULL, method_id INTEGER NOT NULL,
            status INTEGER NOT NULL, buckets BLOB NOT NULL,
            PRIMARY KEY (month, host_id, route_id, method_id, status)
        ) WITHOUT ROWID;
        CREATE TABLE latency_hourly (
            hour INTEGER NOT NULL, host_id INTEGER NOT NULL, outcome INTEGER NOT NULL, buckets BLOB NOT NULL,
            PRIMARY KEY (hour, host_id, outcome)
        ) WITHOUT ROWID;
        CREATE TABLE latency_layout (version INTEGER NOT NULL);
        INSERT INTO latency_layout (version) VALUES (\(LatencyBuckets.layoutVersion));
        """,
        // 7: recent minutes (issue 14, `top` with no files): requests per minute × host × route ×
        // method × status × code, and 429s per minute × host × client (by name: the rows live an
        // hour), and timed requests per minute × host × duration bucket (LatencyBuckets; top's
        // p95), of the lines stamped within the last hour of each commit (RecentMinutes); each
        // commit deletes its host's rows older than an hour.
        """
        CREATE TABLE recent_traffic (
            minute INTEGER NOT NULL, host_id INTEGER NOT NULL, route_id INTEGER NOT NULL, method_id INTEGER NOT NULL,
            status INTEGER NOT NULL, code_id INTEGER NOT NULL, requests INTEGER NOT NULL,
            PRIMARY KEY (minute, host_id, route_id, method_id, status, code_id)
        ) WITHOUT ROWID;
        CREATE TABLE recent_rate_limited (
            minute INTEGER NOT NULL, host_id INTEGER NOT NULL, client TEXT NOT NULL, requests INTEGER NOT NULL,
            PRIMARY KEY (minute, host_id, client)
        ) WITHOUT ROWID;
        CREATE TABLE recent_latency (
            minute INTEGER NOT NULL, host_id INTEGER NOT NULL, bucket INTEGER NOT NULL, requests INTEGER NOT NULL,
            PRIMARY KEY (minute, host_id, bucket)
        ) WITHOUT ROWID;
        """,
    ]

    /// Steps SQL cannot do, run after the SQL of the migration of the same index.
    static let afterSQL: [Int: (SQLiteConnection) throws -> Void] = [3: redactStoredSamples, 4: nameFirstHost]

    /// Rows stored before hosts existed were this machine's: host 1 gets its name, when
    /// there are such rows.
    static func nameFirstHost(_ db: SQLiteConnection) throws {
        let used = try db.prepare("SELECT EXISTS (SELECT 1 FROM files) OR EXISTS (SELECT 1 FROM traffic)").firstRow { $0.int(0) } ?? 0
        guard used != 0 else { return }
        try db.prepare("INSERT INTO hosts (id, name, first_seen, last_commit) SELECT 1, ?, min(first_ingested), max(last_ingested) FROM files")
            .bind([HostName.machine()]).run()
    }

    private static let otherClientID = "(SELECT id FROM clients WHERE value = '\(SQLiteStore.otherClient)')"

    /// Redacts the malformed-line samples of databases written before redaction existed.
    static func redactStoredSamples(_ db: SQLiteConnection) throws {
        var changed: [(rowid: Int64, text: String)] = []
        try db.prepare("SELECT rowid, text FROM malformed_samples").forEachRow { row in
            let text = row.string(1)
            let redacted = Redaction.redact(text)
            if redacted != text { changed.append((row.int(0), redacted)) }
        }
        let update = try db.prepare("UPDATE malformed_samples SET text = ? WHERE rowid = ?")
        for (rowid, text) in changed { try update.bind([text, rowid]).run() }
    }

    /// The schema version this build writes.
    static var currentVersion: Int { all.count }

    static func version(of db: SQLiteConnection) throws -> Int {
        try db.prepare("PRAGMA user_version").firstRow { Int($0.int(0)) } ?? 0
    }

    /// Brings the database up to the current schema.
    static func migrate(_ db: SQLiteConnection) throws {
        let version = try version(of: db)
        if version > all.count {
            throw StoreError(message: "\(db.path): made by a newer erranalyze (schema \(version), this one knows \(all.count))", code: 0)
        }
        guard version < all.count else { return }
        try db.writeTransaction {
            // Read again under the write lock: another process may have migrated meanwhile.
            let locked = try Self.version(of: db)
            guard locked < all.count else { return }
            for index in locked..<all.count {
                try db.execute(all[index])
                try afterSQL[index]?(db)
            }
            try db.execute("PRAGMA user_version = \(all.count)")
        }
    }
}
