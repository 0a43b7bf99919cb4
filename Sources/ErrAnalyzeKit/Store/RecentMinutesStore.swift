/// The store seam's recent minutes (`RecentMinutes`, written with each step's aggregates in
/// the same transaction, so the ledger's exactly-once covers them): what `erranalyze top`
/// with no files shows. Both stores implement it (SQLite migration 7, PostgreSQL migration 3)
/// and the contract tests hold them to the same minutes.
public protocol RecentMinutesStore: AnyObject {
    /// Every host's minutes from `firstMinute` on (minutes since the epoch), in minute order,
    /// names resolved, read from one state of the store.
    func recentMinutes(since firstMinute: Int64) throws -> [LiveMinute]
}

/// The rules every store shares for its recent rows.
public enum RecentMinutesRules {
    /// Client names kept per minute and host in the store (`(other)` among them): a scan
    /// from many addresses answered with 429s cannot grow the table past this.
    public static let maxClientsPerMinute = 200

    /// The oldest minute a commit at `now` (seconds since the epoch) keeps: rows before it
    /// are deleted at that commit.
    public static func oldestKeptMinute(now: Int64) -> Int64 {
        Int64(RecentMinutes.minute(of: now - RecentMinutes.retentionSeconds))
    }

    public struct ClientRow: Equatable, Sendable {
        public var minute: Int32
        public var client: String
        public var requests: Int64
    }

    /// The step's 429s per minute and client as rows to add, at most `maxPerMinute` names per
    /// minute with what the store already has (`present(minute)`: the host's names of that
    /// minute): names present are added to; then new names, most 429s first (then by name),
    /// while there is room beside `(other)`; the rest go to `(other)`. Every minute's sum is
    /// exact. Rows in (minute, client UTF-8) order.
    public static func clientRows(_ tally: RecentMinutes, maxPerMinute: Int = maxClientsPerMinute,
                                  present: (Int32) throws -> Set<String>) rethrows -> [ClientRow] {
        var byMinute: [Int32: [(String, Int64)]] = [:]
        tally.forEachRateLimited { minute, client, count in byMinute[minute, default: []].append((client, count)) }
        var rows: [ClientRow] = []
        for (minute, clients) in byMinute {
            let stored = try present(minute)
            var named = stored.subtracting([RecentMinutes.otherClient]).count
            var sums: [String: Int64] = [:]
            for (client, count) in clients.sorted(by: { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }) {
                if stored.contains(client) || client == RecentMinutes.otherClient {
                    sums[client, default: 0] += count
                } else if named < maxPerMinute - 1 {
                    named += 1
                    sums[client, default: 0] += count
                } else {
                    sums[RecentMinutes.otherClient, default: 0] += count
                }
            }
            for (client, count) in sums { rows.append(ClientRow(minute: minute, client: client, requests: count)) }
        }
        return rows.sorted { $0.minute != $1.minute ? $0.minute < $1.minute : $0.client.utf8.lexicographicallyPrecedes($1.client.utf8) }
    }

    /// The three reads of `recentMinutes(since:)`, the same SQL in both stores but for the
    /// parameter's spelling (`?` or `$1`): traffic rows with names (minute, host, method,
    /// route, status, code, requests), 429s per minute and client, requests per minute and
    /// duration bucket — every host's, from the minute given on.
    public static func readQueries(minuteParameter p: String) -> (traffic: String, rateLimited: String, latency: String) {
        (traffic: """
            SELECT t.minute, h.name, m.value, r.value, t.status, coalesce(c.value, ''), t.requests
            FROM recent_traffic t
            JOIN hosts h ON h.id = t.host_id
            JOIN routes r ON r.id = t.route_id
            JOIN methods m ON m.id = t.method_id
            LEFT JOIN codes c ON c.id = t.code_id
            WHERE t.minute >= \(p)
            """,
         rateLimited: "SELECT minute, client, CAST(sum(requests) AS bigint) FROM recent_rate_limited WHERE minute >= \(p) GROUP BY minute, client",
         latency: "SELECT minute, bucket, CAST(sum(requests) AS bigint) FROM recent_latency WHERE minute >= \(p) GROUP BY minute, bucket")
    }

    /// Builds `LiveMinute`s from a store's rows, whatever order they came in (each minute's
    /// caps then fold the same rows in every store).
    public struct Collector {
        private var rows: [(minute: Int64, key: LiveMinute.Key, requests: Int64)] = []
        private var clients: [(minute: Int64, client: String, requests: Int64)] = []
        private var latency: [(minute: Int64, bucket: Int, requests: Int64)] = []

        public init() {}

        public mutating func add(minute: Int64, host: String, method: String, route: String, status: Int, code: String, requests: Int64) {
            rows.append((minute, LiveMinute.Key(host: host, method: method, route: route, status: Int16(truncatingIfNeeded: status),
                                                code: code), requests))
        }

        public mutating func addRateLimited(minute: Int64, client: String, requests: Int64) {
            clients.append((minute, client, requests))
        }

        public mutating func addLatency(minute: Int64, bucket: Int, requests: Int64) {
            latency.append((minute, bucket, requests))
        }

        public var result: [LiveMinute] {
            var minutes: [Int64: LiveMinute] = [:]
            let ordered = rows.sorted { a, b in
                if a.minute != b.minute { return a.minute < b.minute }
                if a.requests != b.requests { return a.requests > b.requests }
                return (a.key.host, a.key.route, a.key.method, a.key.status, a.key.code)
                    < (b.key.host, b.key.route, b.key.method, b.key.status, b.key.code)
            }
            for row in ordered { minutes[row.minute, default: LiveMinute(minute: row.minute)].add(row.key, requests: row.requests) }
            let orderedClients = clients.sorted { ($0.minute, -$0.requests, $0.client) < ($1.minute, -$1.requests, $1.client) }
            for row in orderedClients {
                minutes[row.minute, default: LiveMinute(minute: row.minute)].addRateLimited(client: row.client, count: row.requests)
            }
            for row in latency { minutes[row.minute, default: LiveMinute(minute: row.minute)].addLatency(bucket: row.bucket, count: row.requests) }
            return minutes.keys.sorted().map { minutes[$0]! }
        }
    }
}
