extension SQLiteStore: ReportQueries {
    public func hourlyStatusCounts(in window: HourWindow, matching filter: TrafficFilter) throws -> [HourlyStatusCount] {
        try connection.readTransaction {
            var parts: [String] = []
            var values: [Any?] = []
            if let first = window.first { parts.append("hour >= ?"); values.append(Int64(first)) }
            if let last = window.last { parts.append("hour <= ?"); values.append(Int64(last)) }
            // Names are matched in Swift, by the same rules as `TrafficFilter.matches`, and
            // handed to SQL as lists of ids (integers, so they are safe to inline).
            if !filter.routes.isEmpty {
                let ids = try matchingIDs("routes") { filter.matches(route: $0) }
                if ids.isEmpty { return [] }
                parts.append("route_id IN (\(ids.map(String.init).joined(separator: ",")))")
            }
            if !filter.methods.isEmpty {
                let ids = try matchingIDs("methods") { filter.matches(method: $0) }
                if ids.isEmpty { return [] }
                parts.append("method_id IN (\(ids.map(String.init).joined(separator: ",")))")
            }
            if !filter.codes.isEmpty {
                let ids = try matchingIDs("codes") { filter.matches(code: $0) }
                if ids.isEmpty { return [] }
                parts.append("code_id IN (\(ids.map(String.init).joined(separator: ",")))")
            }
            if !filter.statuses.isEmpty {
                let ranges = filter.statuses.map { "status BETWEEN \($0.lower) AND \($0.upper)" }
                parts.append("(" + ranges.joined(separator: " OR ") + ")")
            }
            let clause = parts.isEmpty ? "1" : parts.joined(separator: " AND ")
            var result: [HourlyStatusCount] = []
            try connection.prepare("""
                SELECT hour, status, sum(requests) FROM traffic WHERE \(clause) GROUP BY hour, status ORDER BY hour, status
                """).bind(values).forEachRow {
                    result.append(HourlyStatusCount(hour: Int32($0.int(0)), status: Int($0.int(1)), requests: $0.int(2)))
                }
            return result
        }
    }

    public func rateLimitedClients(in window: HourWindow, limit: Int) throws -> [ClientErrorTotal] {
        var parts: [String] = []
        var values: [Any?] = []
        if let first = window.first { parts.append("e.hour >= ?"); values.append(Int64(first)) }
        if let last = window.last { parts.append("e.hour <= ?"); values.append(Int64(last)) }
        let clause = parts.isEmpty ? "1" : parts.joined(separator: " AND ")
        var result: [ClientErrorTotal] = []
        try connection.prepare("""
            SELECT c.value, sum(e.errors), sum(e.rate_limited) AS limited FROM client_errors e JOIN clients c ON c.id = e.client_id
            WHERE \(clause) GROUP BY e.client_id HAVING limited > 0 ORDER BY limited DESC, c.value LIMIT ?
            """).bind(values + [limit]).forEachRow {
                result.append(ClientErrorTotal(client: $0.string(0), errors: $0.int(1), rateLimited: $0.int(2)))
            }
        return result
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
