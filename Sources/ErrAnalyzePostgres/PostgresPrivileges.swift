/// The privileges of the roles a fleet uses besides the owner (who runs the migrations and
/// prune): the statements docs/fleet.md shows, checked by the tests on a real server.
///
/// - An **ingest** role (one per host, or one for all) reads the ledger and the strings,
///   adds aggregates, moves the ledger, and creates partitions through
///   `erranalyze_ensure_partitions` (which runs with the owner's rights).
/// - A **report** role only reads, tables and views.
public enum PostgresPrivileges {
    /// Tables an ingest writes (INSERT, UPDATE) and reads.
    static let ingestTables = ["hosts", "routes", "methods", "codes", "clients", "traffic", "client_errors",
                               "status_hourly", "traffic_daily", "traffic_monthly", "files", "malformed", "malformed_samples",
                               "latency", "latency_hourly", "latency_daily", "latency_monthly",
                               "recent_traffic", "recent_rate_limited", "recent_latency"]
    /// Tables whose old rows an ingest deletes (the recent minutes it keeps for an hour).
    static let ingestDeletes = ["recent_traffic", "recent_rate_limited", "recent_latency"]

    /// GRANT statements for an ingest role, for a database and schema.
    public static func ingestGrants(role: String, database: String, schema: String = "public") -> [String] {
        [
            "GRANT CONNECT, TEMPORARY ON DATABASE \(database) TO \(role)",
            "GRANT USAGE ON SCHEMA \(schema) TO \(role)",
            "GRANT SELECT ON ALL TABLES IN SCHEMA \(schema) TO \(role)",
            "GRANT INSERT, UPDATE ON \(ingestTables.map { "\(schema).\($0)" }.joined(separator: ", ")) TO \(role)",
            "GRANT DELETE ON \(ingestDeletes.map { "\(schema).\($0)" }.joined(separator: ", ")) TO \(role)",
            "GRANT USAGE ON ALL SEQUENCES IN SCHEMA \(schema) TO \(role)",
            "GRANT EXECUTE ON FUNCTION \(schema).erranalyze_ensure_partitions(integer[]) TO \(role)",
        ]
    }

    /// GRANT statements for a report-only role.
    public static func reportGrants(role: String, database: String, schema: String = "public") -> [String] {
        [
            "GRANT CONNECT ON DATABASE \(database) TO \(role)",
            "GRANT USAGE ON SCHEMA \(schema) TO \(role)",
            "GRANT SELECT ON ALL TABLES IN SCHEMA \(schema) TO \(role)",
        ]
    }
}
