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
        public static let trafficMonthly = Table(
            name: "traffic_monthly", keyColumns: ["month", "host_id", "route_id", "method_id", "status", "code_id", "flags"],
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

    /// Sorts the rows by key and sums the rows that share a key, so that the server receives
    /// each key once, already in the order it locks them (no GROUP BY, a cheap sort).
    public mutating func sortAndMergeKeys() {
        let width = table.width, keyWidth = table.keyColumns.count
        let count = self.count
        guard count > 1 else { return }
        var order = Array(0..<Int32(count))
        values.withUnsafeBufferPointer { v in
            order.sort { a, b in
                let x = Int(a) * width, y = Int(b) * width
                for column in 0..<keyWidth where v[x + column] != v[y + column] {
                    return v[x + column] < v[y + column]
                }
                return false
            }
        }
        var merged: [Int64] = []
        merged.reserveCapacity(values.count)
        values.withUnsafeBufferPointer { v in
            var last = -1  // start of the last row written to merged
            for row in order {
                let start = Int(row) * width
                if last >= 0, (0..<keyWidth).allSatisfy({ merged[last + $0] == v[start + $0] }) {
                    for column in keyWidth..<width { merged[last + column] += v[start + column] }
                } else {
                    last = merged.count
                    merged.append(contentsOf: v[start..<start + width])
                }
            }
        }
        values = merged
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
    /// one `INSERT … SELECT … ORDER BY key ON CONFLICT DO UPDATE SET c = t.c +
    /// excluded.c`. The rows are first sorted and merged by key here (`sortAndMergeKeys`), so
    /// the server neither groups nor sorts much. Every writer locks the rows it upserts in the same (key) order, so two hosts
    /// committing the same keys at the same moment wait for each other instead of deadlocking,
    /// and neither loses the other's counts. Outside a transaction it runs in its own. Partitions
    /// for the hours of a partitioned table must exist (`PostgresPartitions.ensure`).
    /// Returns the number of distinct keys written.
    @discardableResult
    public func addSums(_ unsorted: AdditiveRows) throws -> Int64 {
        guard !unsorted.isEmpty else { return 0 }
        guard inTransaction else { return try transaction { try $0.addSums(unsorted) } }
        var rows = unsorted
        rows.sortAndMergeKeys()
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
        let updates = table.counterColumns.map { "\($0) = \(table.name).\($0) + excluded.\($0)" }.joined(separator: ", ")
        // The ORDER BY is what makes the lock order certain (the rows arrive sorted, so it is
        // cheap); JIT compiling this plan costs more than it saves.
        try execute("SET LOCAL jit = off")
        return try execute("""
            INSERT INTO \(table.name) (\(columns.joined(separator: ", ")))
            SELECT \(columns.joined(separator: ", ")) FROM \(stage) ORDER BY \(keys)
            ON CONFLICT (\(keys)) DO UPDATE SET \(updates)
            """).affectedRows
    }
}
