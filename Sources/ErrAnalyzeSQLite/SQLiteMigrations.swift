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
    ]

    /// Steps SQL cannot do, run after the SQL of the migration of the same index.
    static let afterSQL: [Int: (SQLiteConnection) throws -> Void] = [3: redactStoredSamples]

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
