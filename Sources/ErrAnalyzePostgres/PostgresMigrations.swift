import ErrAnalyzeKit
/// The PostgreSQL schema as an ordered list of migrations, recorded in `erranalyze_meta`
/// (`schema_version`, and `application = erranalyze` so that another program's database is
/// recognised and refused). It mirrors the SQLite schema (ErrAnalyzeSQLite's `SQLiteMigrations`) with a
/// `host` on every aggregate and ledger row, hourly tables partitioned by month, and views for
/// dashboards. Migrations run in one transaction under an advisory lock: two hosts upgrading
/// at the same moment apply them once. Everything lives in the connection's current schema
/// (the first of `search_path`).
public enum PostgresMigrations {
    /// `{schema}` stands for the quoted name of the current schema (functions that run with
    /// their owner's rights pin their search_path to it).
    static let all: [String] = [
        // 1: interned strings, hosts, aggregates (hourly ones partitioned by month), the
        // per-host ledger, malformed lines, prunes, daily rollups, partition bookkeeping, views.
        """
        CREATE TABLE hosts (
            id          serial PRIMARY KEY,
            name        text NOT NULL UNIQUE,
            first_seen  bigint NOT NULL DEFAULT extract(epoch FROM now())::bigint,
            -- Seconds since the epoch of the host's last commit: status shows quiet hosts.
            last_commit bigint
        );
        CREATE TABLE routes  (id serial PRIMARY KEY, value text NOT NULL UNIQUE);
        CREATE TABLE methods (id serial PRIMARY KEY, value text NOT NULL UNIQUE);
        CREATE TABLE codes   (id serial PRIMARY KEY, value text NOT NULL UNIQUE);
        CREATE TABLE clients (id serial PRIMARY KEY, value text NOT NULL UNIQUE);

        -- Additive counters per hour × host × route × method × status × code × request flags.
        -- code_id 0 means no code was logged. Never averages: sums merge by addition.
        CREATE TABLE traffic (
            hour           integer NOT NULL,
            host_id        integer NOT NULL,
            route_id       integer NOT NULL,
            method_id      integer NOT NULL,
            status         integer NOT NULL,
            code_id        integer NOT NULL,
            flags          integer NOT NULL,
            requests       bigint NOT NULL,
            timed_requests bigint NOT NULL,
            duration_us    bigint NOT NULL,
            PRIMARY KEY (hour, host_id, route_id, method_id, status, code_id, flags)
        ) PARTITION BY RANGE (hour);

        -- Errors per client per hour and host.
        CREATE TABLE client_errors (
            hour         integer NOT NULL,
            host_id      integer NOT NULL,
            client_id    integer NOT NULL,
            errors       bigint NOT NULL,
            rate_limited bigint NOT NULL,
            PRIMARY KEY (hour, host_id, client_id)
        ) PARTITION BY RANGE (hour);

        -- Requests per hour, host and status (the report's timeline).
        CREATE TABLE status_hourly (
            hour     integer NOT NULL,
            host_id  integer NOT NULL,
            status   integer NOT NULL,
            requests bigint NOT NULL,
            PRIMARY KEY (hour, host_id, status)
        ) PARTITION BY RANGE (hour);

        -- Daily sums of traffic (day = days since the epoch, UTC), for long windows.
        CREATE TABLE traffic_daily (
            day            integer NOT NULL,
            host_id        integer NOT NULL,
            route_id       integer NOT NULL,
            method_id      integer NOT NULL,
            status         integer NOT NULL,
            code_id        integer NOT NULL,
            flags          integer NOT NULL,
            requests       bigint NOT NULL,
            timed_requests bigint NOT NULL,
            duration_us    bigint NOT NULL,
            PRIMARY KEY (day, host_id, route_id, method_id, status, code_id, flags)
        );

        -- Monthly sums of traffic (month = UTC calendar months since January 1970), so that a
        -- fleet's long windows read a few rows per key and host (MonthlyRollup).
        CREATE TABLE traffic_monthly (
            month          integer NOT NULL,
            host_id        integer NOT NULL,
            route_id       integer NOT NULL,
            method_id      integer NOT NULL,
            status         integer NOT NULL,
            code_id        integer NOT NULL,
            flags          integer NOT NULL,
            requests       bigint NOT NULL,
            timed_requests bigint NOT NULL,
            duration_us    bigint NOT NULL,
            PRIMARY KEY (month, host_id, route_id, method_id, status, code_id, flags)
        );

        -- The ledger, per host: one row per distinct file content on that host, found again
        -- by the fingerprint of its first bytes (and its anchor) whatever it is called later.
        CREATE TABLE files (
            id                 bigserial PRIMARY KEY,
            host_id            integer NOT NULL REFERENCES hosts (id),
            fingerprint        bytea NOT NULL,
            fingerprint_length integer NOT NULL,
            path               text NOT NULL,
            format             text NOT NULL,
            -- 0 plain, else how the file is compressed (Compression.ledgerCode), as in SQLite.
            compressed         integer NOT NULL,
            bytes_read         bigint NOT NULL,
            lines              bigint NOT NULL,
            requests           bigint NOT NULL,
            malformed          bigint NOT NULL,
            first_ts           bigint,
            last_ts            bigint,
            first_ingested     bigint NOT NULL,
            last_ingested      bigint NOT NULL,
            anchor             bytea,
            anchor_length      integer NOT NULL DEFAULT 0,
            ends_mid_line      boolean NOT NULL DEFAULT false,
            source_key         text
        );
        CREATE INDEX files_by_fingerprint ON files (host_id, fingerprint_length, fingerprint);
        CREATE INDEX files_by_source_key ON files (host_id, source_key) WHERE source_key IS NOT NULL;

        CREATE TABLE malformed (
            file_id bigint NOT NULL REFERENCES files (id) ON DELETE CASCADE,
            reason  integer NOT NULL,
            count   bigint NOT NULL,
            PRIMARY KEY (file_id, reason)
        );
        CREATE TABLE malformed_samples (
            file_id bigint NOT NULL REFERENCES files (id) ON DELETE CASCADE,
            line    bigint NOT NULL,
            reason  integer NOT NULL,
            text    text NOT NULL
        );
        CREATE INDEX malformed_samples_by_file ON malformed_samples (file_id);

        CREATE TABLE prunes (
            at                 bigint NOT NULL,
            before_hour        integer NOT NULL,
            traffic_rows       bigint NOT NULL,
            client_rows        bigint NOT NULL,
            dropped_partitions integer NOT NULL DEFAULT 0
        );

        -- The monthly partitions of the hourly tables: [first_hour, end_hour).
        CREATE TABLE erranalyze_partitions (
            name       text PRIMARY KEY,
            parent     text NOT NULL,
            first_hour integer NOT NULL,
            end_hour   integer NOT NULL
        );

        -- Creates the missing monthly partitions of traffic, client_errors and status_hourly
        -- for the given hours; returns how many it created. Runs with its owner's rights, so
        -- that an ingest role needs only EXECUTE (creating a partition needs ownership of the
        -- parent). Call it in its own short transaction, before the ingest transaction:
        -- creating a partition locks the parent table until commit.
        \(ensurePartitions(replacing: false, parents: ["traffic", "client_errors", "status_hourly"]))

        -- Drops the partitions that hold only hours before before_hour; returns their names.
        -- Prune's cheap part: hours of the month that remains are deleted row by row.
        CREATE FUNCTION erranalyze_drop_partitions_before(before_hour integer) RETURNS SETOF text
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
        DECLARE
            victim record;
        BEGIN
            PERFORM pg_advisory_xact_lock(7306086361445937410);
            FOR victim IN SELECT name FROM erranalyze_partitions WHERE end_hour <= before_hour ORDER BY name LOOP
                EXECUTE format('DROP TABLE IF EXISTS %I', victim.name);
                DELETE FROM erranalyze_partitions WHERE name = victim.name;
                RETURN NEXT victim.name;
            END LOOP;
        END $$;
        REVOKE ALL ON FUNCTION erranalyze_ensure_partitions(integer[]) FROM PUBLIC;
        REVOKE ALL ON FUNCTION erranalyze_drop_partitions_before(integer) FROM PUBLIC;

        -- The stable read interface for dashboards (Grafana, Metabase): names joined, a
        -- timestamp column `time`, the same columns in every erranalyze store.
        CREATE VIEW hourly_traffic AS
            SELECT to_timestamp(t.hour::bigint * 3600) AS time, t.hour, h.name AS host, r.value AS route,
                   m.value AS method, t.status, c.value AS code, t.flags,
                   t.requests, t.timed_requests, t.duration_us
            FROM traffic t
            JOIN hosts h ON h.id = t.host_id
            JOIN routes r ON r.id = t.route_id
            JOIN methods m ON m.id = t.method_id
            LEFT JOIN codes c ON c.id = t.code_id;
        CREATE VIEW daily_traffic AS
            SELECT to_timestamp(d.day::bigint * 86400) AS time, d.day, h.name AS host, r.value AS route,
                   m.value AS method, d.status, c.value AS code, d.flags,
                   d.requests, d.timed_requests, d.duration_us
            FROM traffic_daily d
            JOIN hosts h ON h.id = d.host_id
            JOIN routes r ON r.id = d.route_id
            JOIN methods m ON m.id = d.method_id
            LEFT JOIN codes c ON c.id = d.code_id;
        COMMENT ON VIEW hourly_traffic IS 'erranalyze: requests per hour, host, route, method, status, error code (NULL: none logged) and flags (1 idempotency key, 2 Retry-After); duration_us sums the durations of timed_requests';
        COMMENT ON VIEW daily_traffic IS 'erranalyze: hourly_traffic summed per UTC day';
        """,
        // 2: latency histograms (issue 13), as SQLite's migration 6: requests per hour × host ×
        // route × method × status × duration bucket (LatencyBuckets; the layout version in
        // erranalyze_meta), only non-empty buckets, partitioned by month like the other hourly
        // tables (prune drops them); per day and per month; and per hour × host × outcome (2:
        // below 400, 4: 4xx, 5: 5xx; the timeline's p95).
        // The partition function now makes the latency tables' partitions too.
        """
        CREATE TABLE latency (
            hour integer NOT NULL, host_id integer NOT NULL, route_id integer NOT NULL, method_id integer NOT NULL,
            status integer NOT NULL, bucket integer NOT NULL, requests bigint NOT NULL,
            PRIMARY KEY (hour, host_id, route_id, method_id, status, bucket)
        ) PARTITION BY RANGE (hour);
        CREATE TABLE latency_hourly (
            hour integer NOT NULL, host_id integer NOT NULL, outcome integer NOT NULL, bucket integer NOT NULL,
            requests bigint NOT NULL,
            PRIMARY KEY (hour, host_id, outcome, bucket)
        ) PARTITION BY RANGE (hour);
        CREATE TABLE latency_daily (
            day integer NOT NULL, host_id integer NOT NULL, route_id integer NOT NULL, method_id integer NOT NULL,
            status integer NOT NULL, bucket integer NOT NULL, requests bigint NOT NULL,
            PRIMARY KEY (day, host_id, route_id, method_id, status, bucket)
        );
        CREATE TABLE latency_monthly (
            month integer NOT NULL, host_id integer NOT NULL, route_id integer NOT NULL, method_id integer NOT NULL,
            status integer NOT NULL, bucket integer NOT NULL, requests bigint NOT NULL,
            PRIMARY KEY (month, host_id, route_id, method_id, status, bucket)
        );
        INSERT INTO erranalyze_meta (key, value) VALUES ('latency_layout', '\(LatencyBuckets.layoutVersion)');
        \(ensurePartitions(replacing: true, parents: ["traffic", "client_errors", "status_hourly", "latency", "latency_hourly"]))
        REVOKE ALL ON FUNCTION erranalyze_ensure_partitions(integer[]) FROM PUBLIC;
        -- The latency partitions of the months already stored.
        SELECT erranalyze_ensure_partitions(array_agg(first_hour)) FROM erranalyze_partitions WHERE parent = 'traffic';
        COMMENT ON TABLE latency IS 'erranalyze: requests per hour, host, route, method, status and duration bucket (layout in erranalyze_meta.latency_layout; docs/reports.md)';
        """,
        // 3: recent minutes (issue 14, `top` with no files: the fleet's live view), as SQLite's
        // migration 7: requests per minute × host × route × method × status × code, and 429s per
        // minute × host × client (by name: the rows live an hour), and timed requests per minute
        // × host × duration bucket (top's p95), of the lines stamped within the last hour of
        // each commit; each commit deletes its host's rows older than an hour.
        // Small and short-lived: plain tables, keyed by minute first.
        """
        CREATE TABLE recent_traffic (
            minute integer NOT NULL, host_id integer NOT NULL, route_id integer NOT NULL, method_id integer NOT NULL,
            status integer NOT NULL, code_id integer NOT NULL, requests bigint NOT NULL,
            PRIMARY KEY (minute, host_id, route_id, method_id, status, code_id)
        );
        CREATE TABLE recent_rate_limited (
            minute integer NOT NULL, host_id integer NOT NULL, client text NOT NULL, requests bigint NOT NULL,
            PRIMARY KEY (minute, host_id, client)
        );
        CREATE TABLE recent_latency (
            minute integer NOT NULL, host_id integer NOT NULL, bucket integer NOT NULL, requests bigint NOT NULL,
            PRIMARY KEY (minute, host_id, bucket)
        );
        COMMENT ON TABLE recent_traffic IS 'erranalyze: requests per minute of the last hour, host, route, method, status and code (docs/live.md)';
        """,
    ]

    /// The schema version this build writes.
    public static var currentVersion: Int { all.count }

    /// The value of `application` in `erranalyze_meta`.
    public static let application = "erranalyze"

    /// The advisory lock key migrations hold (pg_advisory_xact_lock): 'errnlz' 1.
    /// `erranalyze_ensure_partitions(hours)`: creates the missing monthly partitions of the
    /// `parents` for the given hours. Migrations that partition another table redefine it
    /// with the longer list (`replacing`).
    static func ensurePartitions(replacing: Bool, parents: [String]) -> String {
        """
        \(replacing ? "CREATE OR REPLACE" : "CREATE") FUNCTION erranalyze_ensure_partitions(hours integer[]) RETURNS integer
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
        DECLARE
            month timestamp;
            parent text;
            partition text;
            created integer := 0;
        BEGIN
            FOR month IN
                SELECT DISTINCT date_trunc('month', to_timestamp(h::bigint * 3600) AT TIME ZONE 'UTC')
                FROM unnest(hours) AS h ORDER BY 1
            LOOP
                FOREACH parent IN ARRAY ARRAY[\(parents.map { "'\($0)'" }.joined(separator: ", "))] LOOP
                    partition := parent || '_' || to_char(month, 'YYYY_MM');
                    CONTINUE WHEN EXISTS (SELECT 1 FROM erranalyze_partitions WHERE name = partition);
                    -- One creator at a time; look again once it is ours.
                    PERFORM pg_advisory_xact_lock(7306086361445937410);
                    CONTINUE WHEN EXISTS (SELECT 1 FROM erranalyze_partitions WHERE name = partition);
                    -- Room in each page so that adding to a counter is usually a HOT update (no new
                    -- index entry): recent hours are updated by every ingest step.
                    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s) WITH (fillfactor = 80)', partition, parent,
                                   (extract(epoch FROM month) / 3600)::integer,
                                   (extract(epoch FROM month + interval '1 month') / 3600)::integer);
                    INSERT INTO erranalyze_partitions VALUES (partition, parent,
                        (extract(epoch FROM month) / 3600)::integer,
                        (extract(epoch FROM month + interval '1 month') / 3600)::integer);
                    created := created + 1;
                END LOOP;
            END LOOP;
            RETURN created;
        END $$;
        """
    }

    static let migrationLock: Int64 = 0x6572_726E_6C7A_0001

    /// What a database holds, as far as erranalyze is concerned.
    public enum State: Equatable, Sendable {
        /// No erranalyze tables and no other tables: first use.
        case empty
        case erranalyze(version: Int)
        /// Tables of another program (the first one named), or an `erranalyze_meta` of
        /// another application.
        case foreign(String)
    }

    /// Reads the marker and version, or looks for other tables.
    public static func state(of connection: PostgresConnection) throws -> State {
        // From pg_class under the statement's snapshot, not to_regclass: after waiting for the
        // migration lock, the catalogue cache may still say "no such table" about the one
        // another host just created.
        let meta = try connection.query("""
            SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                           WHERE n.nspname = current_schema() AND c.relname = 'erranalyze_meta')
            """).first?.bool(0) ?? false
        if meta {
            var values: [String: String] = [:]
            for row in try connection.query("SELECT key, value FROM erranalyze_meta").rows {
                values[row.string(0)] = row.string(1)
            }
            guard values["application"] == application else {
                return .foreign("erranalyze_meta says application \(values["application"] ?? "(none)")")
            }
            return .erranalyze(version: Int(values["schema_version"] ?? "") ?? 0)
        }
        let other = try connection.query("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname LIMIT 1
            """).first?.string(0)
        return other.map { .foreign("it has a table '\($0)'") } ?? .empty
    }

    /// Refuses another program's database or a newer schema; returns the version found.
    @discardableResult
    public static func check(_ connection: PostgresConnection) throws -> State {
        let state = try state(of: connection)
        switch state {
        case .foreign(let why):
            throw PostgresError(kind: .notErrAnalyzeDatabase, server: connection.server, detail: why)
        case .erranalyze(let version) where version > currentVersion:
            throw PostgresError(kind: .newerSchema, server: connection.server,
                                detail: "schema \(version), this one knows \(currentVersion)")
        default:
            return state
        }
    }

    /// Creates or upgrades the schema. Needs the right to create tables in the schema (the
    /// owner role, docs/fleet.md); a database already current needs only reading.
    public static func migrate(_ connection: PostgresConnection) throws {
        if case .erranalyze(let version) = try check(connection), version == currentVersion { return }
        let schema = try connection.query("SELECT quote_ident(current_schema())").first?.string(0) ?? "public"
        try connection.transaction { connection in
            try connection.query("SELECT pg_advisory_xact_lock($1)", [.int64(migrationLock)])
            // Again under the lock: another host may have migrated meanwhile.
            var version = 0
            if case .erranalyze(let found) = try check(connection) { version = found }
            guard version < currentVersion else { return }
            if version == 0 {
                try connection.execute("CREATE TABLE erranalyze_meta (key text PRIMARY KEY, value text NOT NULL)")
                try connection.query("INSERT INTO erranalyze_meta VALUES ('application', $1), ('schema_version', '0')", [.text(application)])
            }
            for index in version..<currentVersion {
                try connection.execute(all[index].replacingOccurrences(of: "{schema}", with: schema))
            }
            try connection.query("UPDATE erranalyze_meta SET value = $1 WHERE key = 'schema_version'", [.text(String(currentVersion))])
        }
    }
}
