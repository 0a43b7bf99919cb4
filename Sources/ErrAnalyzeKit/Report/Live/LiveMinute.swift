/// One minute of live traffic (by when it was read, or for the database view by the minute
/// rows' time): requests per host × method × route × status × code, and 429s per client.
/// Additive: two minutes of the same time merge by adding.
public struct LiveMinute: Sendable, Equatable {
    public struct Key: Hashable, Sendable {
        public var host: String
        public var method: String
        public var route: String
        public var status: Int16
        /// The error code, or "" when the response carried none.
        public var code: String

        public init(host: String, method: String, route: String, status: Int16, code: String) {
            self.host = host
            self.method = method
            self.route = route
            self.status = status
            self.code = code
        }
    }

    /// Minutes since the epoch.
    public var minute: Int64
    public private(set) var requests: [Key: Int64] = [:]
    public private(set) var rateLimitedClients: [String: Int64] = [:]
    /// Timed requests per `LatencyBuckets` bucket (of every route and status: the p95 of the
    /// totals).
    public private(set) var latency: [Int: Int64] = [:]

    /// Rows kept before further routes count as `(other)`, and clients kept: a scanner
    /// requesting random URLs cannot grow memory.
    public static let maxRows = 20_000
    public static let maxClients = 2_000
    public static let otherClient = "(other)"

    public init(minute: Int64) {
        self.minute = minute
    }

    public mutating func add(_ key: Key, requests count: Int64) {
        guard count != 0 else { return }
        if requests[key] == nil && requests.count >= Self.maxRows {
            var other = key
            other.route = TrafficAggregate.otherRoute
            requests[other, default: 0] += count
            return
        }
        requests[key, default: 0] += count
    }

    public mutating func addRateLimited(client: String, count: Int64) {
        guard count != 0 else { return }
        let name = rateLimitedClients[client] == nil && rateLimitedClients.count >= Self.maxClients ? Self.otherClient : client
        rateLimitedClients[name, default: 0] += count
    }

    public mutating func addLatency(bucket: Int, count: Int64) {
        guard count != 0 else { return }
        latency[bucket, default: 0] += count
    }

    public mutating func merge(_ other: LiveMinute) {
        for (bucket, count) in other.latency { addLatency(bucket: bucket, count: count) }
        for (key, count) in other.requests { add(key, requests: count) }
        for (client, count) in other.rateLimitedClients { addRateLimited(client: client, count: count) }
    }

    /// Everything an ingest step counted, as read in this minute by `host`.
    public mutating func add(_ aggregate: TrafficAggregate, host: String) {
        for (key, counts) in aggregate.traffic {
            let code = key.code == TrafficKey.noCode ? "" : aggregate.codes.string(Int(key.code))
            add(Key(host: host, method: aggregate.methods.string(Int(key.method)), route: aggregate.routes.string(Int(key.route)),
                    status: key.status, code: code), requests: counts.requests)
        }
        aggregate.clients.forEachNamed { _, client, counts in
            if counts.rateLimited > 0 { addRateLimited(client: String(decoding: client, as: UTF8.self), count: counts.rateLimited) }
        }
        // Durations of the step's lines of the last hour (RecentMinutes): live traffic is.
        for (key, count) in aggregate.recent.latency { addLatency(bucket: Int(key.bucket), count: count.requests) }
    }
}
