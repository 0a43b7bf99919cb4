import Glibc

/// The monthly partitions of the hourly tables (traffic, client_errors, status_hourly),
/// created on demand and dropped by prune (see `PostgresMigrations`).
public enum PostgresPartitions {
    /// Creates the partitions the given hours need, if missing, in its own transaction:
    /// call it before the transaction that writes those hours. Returns how many it created.
    @discardableResult
    public static func ensure<S: Sequence>(hours: S, on connection: PostgresConnection) throws -> Int where S.Element == Int32 {
        // One hour per month is enough; months are 672 hours or more.
        var months = Set<Int32>()
        var sample: [Int32] = []
        for hour in hours {
            let month = Self.monthKey(hour)
            if months.insert(month).inserted { sample.append(hour) }
        }
        guard !sample.isEmpty else { return 0 }
        guard !connection.inTransaction else {
            // Inside a longer transaction, the parent tables would stay locked to its end.
            throw PostgresError(kind: .other, server: connection.server,
                                detail: "partitions are created in their own transaction: call PostgresPartitions.ensure before BEGIN")
        }
        let array = "{" + sample.map(String.init).joined(separator: ",") + "}"
        return try connection.query("SELECT erranalyze_ensure_partitions($1::integer[])", [.text(array)]).first?.int(0) ?? 0
    }

    /// Drops every partition that holds only hours before `hour`; returns their names.
    public static func dropWhollyBefore(hour: Int32, on connection: PostgresConnection) throws -> [String] {
        try connection.query("SELECT erranalyze_drop_partitions_before($1)", [.int32(hour)]).rows.map { $0.string(0) }
    }

    /// A number distinct per UTC calendar month of `hour`.
    static func monthKey(_ hour: Int32) -> Int32 {
        var seconds = Int(hour) * 3600
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return (parts.tm_year + 1900) * 12 + parts.tm_mon
    }

    /// The partitions that exist: name, parent, first hour, end hour (exclusive).
    public static func list(on connection: PostgresConnection) throws -> [(name: String, parent: String, firstHour: Int32, endHour: Int32)] {
        try connection.query("SELECT name, parent, first_hour, end_hour FROM erranalyze_partitions ORDER BY parent, first_hour").rows.map {
            ($0.string(0), $0.string(1), Int32($0.int64(2)), Int32($0.int64(3)))
        }
    }
}
