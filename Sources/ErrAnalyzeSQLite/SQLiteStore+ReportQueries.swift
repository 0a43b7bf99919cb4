import ErrAnalyzeKit
extension SQLiteStore: ReportStore {
    /// One read transaction around the whole report: WAL gives it the state of the last
    /// commit when it began, whatever an ingest commits meanwhile.
    public func snapshot<T>(_ body: () throws -> T) throws -> T {
        try connection.readTransaction(body)
    }

    public func hourlyStatusCounts(in window: HourWindow, matching filter: TrafficFilter) throws -> [HourlyStatusCount] {
        let (clause, values): (String, [Any?]) = try connection.readTransaction {
            var parts: [String] = []
            var values: [Any?] = []
            if let first = window.first { parts.append("hour >= ?"); values.append(Int64(first)) }
            if let last = window.last { parts.append("hour <= ?"); values.append(Int64(last)) }
            // Names are matched in Swift, by the same rules as `TrafficFilter.matches`, and
            // handed to SQL as lists of ids (integers, so they are safe to inline).
            if !filter.routes.isEmpty {
                let ids = try matchingIDs("routes") { filter.matches(route: $0) }
                if ids.isEmpty { return ("0", []) }
                parts.append("route_id IN (\(ids.map(String.init).joined(separator: ",")))")
            }
            if !filter.methods.isEmpty {
                let ids = try matchingIDs("methods") { filter.matches(method: $0) }
                if ids.isEmpty { return ("0", []) }
                parts.append("method_id IN (\(ids.map(String.init).joined(separator: ",")))")
            }
            if !filter.codes.isEmpty {
                let ids = try matchingIDs("codes") { filter.matches(code: $0) }
                if ids.isEmpty { return ("0", []) }
                parts.append("code_id IN (\(ids.map(String.init).joined(separator: ",")))")
            }
            if let hosts = try hostIDs(matching: filter) {
                if hosts.isEmpty { return ("0", []) }
                parts.append("host_id IN (\(hosts.map(String.init).joined(separator: ",")))")
            }
            if !filter.statuses.isEmpty {
                let ranges = filter.statuses.map { "status BETWEEN \($0.lower) AND \($0.upper)" }
                parts.append("(" + ranges.joined(separator: " OR ") + ")")
            }
            return (parts.isEmpty ? "1" : parts.joined(separator: " AND "), values)
        }
        return try hourlyStatusCounts(where: clause, values)
    }

    public func rateLimitedClients(in window: HourWindow, limit: Int) throws -> [ClientErrorTotal] {
        try rateLimitedClients(in: window, limit: limit, matching: TrafficFilter())
    }

    public func rateLimitedClients(in window: HourWindow, limit: Int, matching filter: TrafficFilter) throws -> [ClientErrorTotal] {
        try topClients(.byRateLimited, in: window, limit: limit, hosts: filter)
    }

    /// The ids of a string table's values that `include` accepts.
    private func matchingIDs(_ table: String, _ include: (String) -> Bool) throws -> [Int64] {
        var ids: [Int64] = []
        try connection.prepare("SELECT id, value FROM \(table)").forEachRow { row in
            if include(row.string(1)) { ids.append(row.int(0)) }
        }
        return ids
    }
}
