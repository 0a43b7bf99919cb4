import Foundation

/// The live view's model (`erranalyze top`): minutes of traffic kept in memory, and for a
/// window of 1, 5 or 15 minutes a `LiveSnapshot` — totals and rates, a sparkline, error
/// codes against the window before (new codes and spikes first), routes, hosts and the
/// clients with the most 429s.
///
/// Memory is bounded: the last `keptMinutes` minutes (two of the longest window), each capped
/// (`LiveMinute.maxRows`, `maxClients`). Safe to use from two threads (the follower adds, the
/// screen reads).
public final class LiveView: @unchecked Sendable {
    public static let windows = [1, 5, 15]
    public static let keptMinutes: Int64 = 30
    public static let sparklineMinutes: Int64 = 15

    private let lock = NSLock()
    private var minutes: [Int64: LiveMinute] = [:]
    /// Since when (seconds since the epoch) the view has seen all traffic.
    public let startedAt: Int64
    /// Requests and errors added since the start (for per-interval summary lines).
    public private(set) var totalRequests: Int64 = 0
    public private(set) var totalErrors: Int64 = 0

    public init(startedAt: Int64) {
        self.startedAt = startedAt
    }

    /// Adds what an ingest step counted, read at `time` (seconds since the epoch) by `host`.
    public func add(_ aggregate: TrafficAggregate, host: String, at time: Int64) {
        var minute = LiveMinute(minute: Self.minute(of: time))
        minute.add(aggregate, host: host)
        add(minute)
    }

    /// Adds a minute of traffic (merged with what the view has for that minute).
    public func add(_ minute: LiveMinute) {
        lock.lock()
        defer { lock.unlock() }
        minutes[minute.minute, default: LiveMinute(minute: minute.minute)].merge(minute)
        for (key, count) in minute.requests {
            totalRequests += count
            if key.status >= 400 { totalErrors += count }
        }
        if let newest = minutes.keys.max() {
            for old in minutes.keys where old <= newest - Self.keptMinutes { minutes[old] = nil }
        }
    }

    /// Replaces the minutes from `first` on with `fresh` (the database view reads its latest
    /// minutes again at each refresh).
    public func replace(from first: Int64, with fresh: [LiveMinute]) {
        lock.lock()
        defer { lock.unlock() }
        for old in minutes.keys where old >= first { minutes[old] = nil }
        for minute in fresh { minutes[minute.minute, default: LiveMinute(minute: minute.minute)].merge(minute) }
        if let newest = minutes.keys.max() {
            for old in minutes.keys where old <= newest - Self.keptMinutes { minutes[old] = nil }
        }
    }

    public static func minute(of time: Int64) -> Int64 { time >= 0 ? time / 60 : (time - 59) / 60 }

    /// The view of the `windowMinutes` minutes up to `now` (seconds since the epoch), of the
    /// traffic `filter` matches, routes and hosts sorted by `sort`, each list at most `limit` long.
    public func snapshot(windowMinutes: Int, now: Int64, filter: LiveFilter = LiveFilter(""), sort: LiveSort = .errors,
                         limit: Int = 50) -> LiveSnapshot {
        lock.lock()
        defer { lock.unlock() }
        let window = Int64(max(1, windowMinutes))
        let nowMinute = Self.minute(of: now)
        let windowStart = (nowMinute - window + 1) * 60
        let seen = max(startedAt, windowStart)
        let seconds = max(1, now + 1 - seen)
        let previousStart = windowStart - window * 60
        let previousSeen = startedAt <= previousStart

        var snapshot = LiveSnapshot(windowMinutes: Int(window), seconds: seconds)
        var codes: [CodeKey: (current: Int64, previous: Int64)] = [:]
        var routes: [RouteKey: (Int64, Int64)] = [:]
        var hosts: [String: (Int64, Int64)] = [:]
        var clients: [String: Int64] = [:]
        var spark: [Int64: (Int64, Int64)] = [:]
        var durations = LatencyHistogram()
        for (minuteNumber, minute) in minutes {
            let inWindow = minuteNumber > nowMinute - window && minuteNumber <= nowMinute
            let inPrevious = minuteNumber > nowMinute - 2 * window && minuteNumber <= nowMinute - window
            let inSpark = minuteNumber > nowMinute - Self.sparklineMinutes && minuteNumber <= nowMinute
            guard inWindow || inPrevious || inSpark else { continue }
            for (key, count) in minute.requests where filter.matches(key) {
                let error = key.status >= 400
                if inSpark {
                    spark[minuteNumber, default: (0, 0)].0 += count
                    if error { spark[minuteNumber, default: (0, 0)].1 += count }
                }
                if inPrevious && error { codes[CodeKey(code: key.code, status: key.status), default: (0, 0)].previous += count }
                guard inWindow else { continue }
                snapshot.requests += count
                let routeKey = RouteKey(method: key.method, route: key.route)
                routes[routeKey, default: (0, 0)].0 += count
                hosts[key.host, default: (0, 0)].0 += count
                if error {
                    snapshot.errors += count
                    codes[CodeKey(code: key.code, status: key.status), default: (0, 0)].current += count
                    routes[routeKey, default: (0, 0)].1 += count
                    hosts[key.host, default: (0, 0)].1 += count
                }
            }
            if inWindow {
                for (client, count) in minute.rateLimitedClients { clients[client, default: 0] += count }
                for (bucket, count) in minute.latency where bucket >= 0 && bucket < LatencyBuckets.count {
                    durations.add(bucket: bucket, count)
                }
            }
        }
        snapshot.p95Micros = filter.isEmpty ? durations.percentile(0.95) : nil
        snapshot.sparkline = (0..<Self.sparklineMinutes).map { offset in
            let minute = nowMinute - Self.sparklineMinutes + 1 + offset
            let point = spark[minute] ?? (0, 0)
            return LiveSnapshot.SparkPoint(minute: minute, requests: point.0, errors: point.1)
        }
        snapshot.codes = codes.filter { $0.value.current > 0 }.map { key, value in
            LiveSnapshot.CodeRow(code: key.code, status: key.status, count: value.current, previous: previousSeen ? value.previous : nil,
                                 change: LiveChange.of(current: value.current, previous: previousSeen ? value.previous : nil,
                                                       currentSeconds: seconds, previousSeconds: window * 60))
        }.sorted { a, b in
            if a.change.rank != b.change.rank { return a.change.rank < b.change.rank }
            if a.count != b.count { return a.count > b.count }
            return (a.code, a.status) < (b.code, b.status)
        }.prefix(limit).map { $0 }
        let routeRows = routes.map { LiveSnapshot.RouteRow(method: $0.key.method, route: $0.key.route, requests: $0.value.0, errors: $0.value.1) }
        snapshot.routes = Array(routeRows.sorted { Self.ordered(($0.requests, $0.errors, $0.route + " " + $0.method), ($1.requests, $1.errors, $1.route + " " + $1.method), by: sort) }.prefix(limit))
        let hostRows = hosts.map { LiveSnapshot.HostRow(host: $0.key, requests: $0.value.0, errors: $0.value.1) }
        snapshot.hosts = Array(hostRows.sorted { Self.ordered(($0.requests, $0.errors, $0.host), ($1.requests, $1.errors, $1.host), by: sort) }.prefix(limit))
        snapshot.rateLimitedClients = Array(clients.map { LiveSnapshot.ClientRow(client: $0.key, rateLimited: $0.value) }
            .sorted { ($0.rateLimited, $1.client) > ($1.rateLimited, $0.client) }.prefix(limit))
        return snapshot
    }

    private struct CodeKey: Hashable {
        var code: String
        var status: Int16
    }

    private struct RouteKey: Hashable {
        var method: String
        var route: String
    }

    /// Whether a row (requests, errors, name) comes before another under `sort`; ties by name.
    private static func ordered(_ a: (Int64, Int64, String), _ b: (Int64, Int64, String), by sort: LiveSort) -> Bool {
        func key(_ row: (Int64, Int64, String)) -> Double {
            switch sort {
            case .errors: return Double(row.1)
            case .requests: return Double(row.0)
            case .errorRate: return row.0 > 0 ? Double(row.1) / Double(row.0) : 0
            }
        }
        let (ka, kb) = (key(a), key(b))
        if ka != kb { return ka > kb }
        if a.0 != b.0 { return a.0 > b.0 }
        return a.2 < b.2
    }
}
