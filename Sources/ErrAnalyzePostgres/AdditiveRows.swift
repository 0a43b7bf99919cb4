/// Rows of additive counters for one table (traffic, traffic_daily, status_hourly,
/// client_errors): key columns, then counter columns, all integers, kept flat (one array for
/// all rows, no per-row allocation). `PostgresConnection.addSums` adds them to the table.
public struct AdditiveRows {
    /// The table's name, its key (the primary key's columns, in its order) and its counters.
    public struct Table: Sendable, Equatable {
        public var name: String
        public var keyColumns: [String]
        public var counterColumns: [String]

        public init(name: String, keyColumns: [String], counterColumns: [String]) {
            self.name = name
            self.keyColumns = keyColumns
            self.counterColumns = counterColumns
        }

        public var width: Int { keyColumns.count + counterColumns.count }

        public static let traffic = Table(
            name: "traffic", keyColumns: ["hour", "host_id", "route_id", "method_id", "status", "code_id", "flags"],
            counterColumns: ["requests", "timed_requests", "duration_us"])
        public static let trafficDaily = Table(
            name: "traffic_daily", keyColumns: ["day", "host_id", "route_id", "method_id", "status", "code_id", "flags"],
            counterColumns: ["requests", "timed_requests", "duration_us"])
        public static let statusHourly = Table(
            name: "status_hourly", keyColumns: ["hour", "host_id", "status"], counterColumns: ["requests"])
        public static let clientErrors = Table(
            name: "client_errors", keyColumns: ["hour", "host_id", "client_id"], counterColumns: ["errors", "rate_limited"])
    }

    public let table: Table
    /// Row after row: `table.width` values each, keys first.
    public private(set) var values: [Int64] = []

    public init(_ table: Table, reservingRows rows: Int = 0) {
        self.table = table
        values.reserveCapacity(rows * table.width)
    }

    public var count: Int { values.count / table.width }
    public var isEmpty: Bool { values.isEmpty }

    /// Appends one row: `row.count` must be `table.width`, keys first.
    @inline(__always)
    public mutating func append(_ row: Int64...) {
        precondition(row.count == table.width, "\(table.name): \(row.count) values for \(table.width) columns")
        values.append(contentsOf: row)
    }

    /// Appends one row from a buffer of `table.width` values (no variadic array).
    @inline(__always)
    public mutating func append<C: Collection>(contentsOf row: C) where C.Element == Int64 {
        values.append(contentsOf: row)
    }
}

extension PostgresConnection {
    /// Adds `rows` to their table: existing keys get the counters added, new keys are
    /// inserted. Rows may repeat a key (they are summed first).
    ///
    /// The fast path for many rows: COPY (binary) into a session-private staging table, then
    /// one `INSERT … SELECT … GROUP BY key ORDER BY key ON CONFLICT DO UPDATE SET c = t.c +
    /// excluded.c`. Every writer locks the rows it upserts in the same (key) order, so two hosts
    /// committing the same keys at the same moment wait for each other instead of deadlocking,
    /// and neither loses the other's counts. Outside a transaction it runs in its own. Partitions
    /// for the hours of a partitioned table must exist (`PostgresPartitions.ensure`).
    /// Returns the number of distinct keys written.
    @discardableResult
    public func addSums(_ rows: AdditiveRows) throws -> Int64 {
        guard !rows.isEmpty else { return 0 }
        guard inTransaction else { return try transaction { try $0.addSums(rows) } }
        let table = rows.table
        let stage = "erranalyze_stage_" + table.name
        let columns = table.keyColumns + table.counterColumns
        // A temporary table lives as long as the session; emptied before each use, so that
        // two calls in one transaction do not add the first rows twice.
        try execute("""
            CREATE TEMPORARY TABLE IF NOT EXISTS \(stage) (\(columns.map { "\($0) bigint NOT NULL" }.joined(separator: ", ")));
            TRUNCATE \(stage);
            """)
        let width = table.width
        try copyIn("COPY \(stage) (\(columns.joined(separator: ", "))) FROM STDIN WITH (FORMAT binary)", format: .binary) { writer in
            try rows.values.withUnsafeBufferPointer { values in
                var offset = 0
                while offset < values.count {
                    try writer.beginRow(fields: width)
                    for column in 0..<width { writer.append(values[offset + column]) }
                    offset += width
                }
            }
        }
        let keys = table.keyColumns.joined(separator: ", ")
        let sums = table.counterColumns.map { "sum(\($0))::bigint" }.joined(separator: ", ")
        let updates = table.counterColumns.map { "\($0) = \(table.name).\($0) + excluded.\($0)" }.joined(separator: ", ")
        return try execute("""
            INSERT INTO \(table.name) (\(columns.joined(separator: ", ")))
            SELECT \(keys), \(sums) FROM \(stage) GROUP BY \(keys) ORDER BY \(keys)
            ON CONFLICT (\(keys)) DO UPDATE SET \(updates)
            """).affectedRows
    }
}
