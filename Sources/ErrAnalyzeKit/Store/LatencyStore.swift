/// The store seam's latency questions (histograms of durations, `LatencyBuckets`), asked by
/// the report's latency section. Both stores implement it (SQLite migration 6, PostgreSQL
/// migration 2); a store that does not leaves the section out.
public protocol LatencyReportStore: AnyObject {
    /// The `LatencyBuckets.layoutVersion` the stored histograms were counted in.
    func latencyLayoutVersion() throws -> Int
    /// Requests per route × method × status × bucket over the window, of the hosts, routes,
    /// methods and statuses `filter` selects (its codes do not apply: durations are not kept
    /// per code), in `LatencyGroup.inNameOrder`.
    func latencyGroups(in window: HourWindow, matching filter: TrafficFilter) throws -> [LatencyGroup]
    /// Requests per hour × bucket, of the traffic `filter` selects (codes aside), by hour then bucket.
    func hourlyLatency(in window: HourWindow, matching filter: TrafficFilter) throws -> [HourlyLatency]
}

/// Requests in one duration bucket for one route × method × status, over a window.
public struct LatencyGroup: Sendable, Equatable {
    public var route: String
    public var method: String
    public var status: Int
    public var bucket: Int
    public var requests: Int64

    public init(route: String, method: String, status: Int, bucket: Int, requests: Int64) {
        self.route = route
        self.method = method
        self.status = status
        self.bucket = bucket
        self.requests = requests
    }

    /// The order every store gives groups in: route, method (UTF-8 bytes), status, bucket.
    public static func inNameOrder(_ a: LatencyGroup, _ b: LatencyGroup) -> Bool {
        if a.route != b.route { return a.route.utf8.lexicographicallyPrecedes(b.route.utf8) }
        if a.method != b.method { return a.method.utf8.lexicographicallyPrecedes(b.method.utf8) }
        if a.status != b.status { return a.status < b.status }
        return a.bucket < b.bucket
    }
}

/// Requests in one duration bucket in one hour.
public struct HourlyLatency: Sendable, Equatable {
    public var hour: Int32
    public var bucket: Int
    public var requests: Int64

    public init(hour: Int32, bucket: Int, requests: Int64) {
        self.hour = hour
        self.bucket = bucket
        self.requests = requests
    }
}

extension TrafficFilter {
    /// Whether the filter restricts by route or method (what the per-hour latency rollup,
    /// kept per host × outcome only, cannot answer alone).
    package var restrictsLatencyKeys: Bool { !routes.isEmpty || !methods.isEmpty }
}

/// The outcome classes the per-hour latency rows (`latency_hourly`) are kept by, rather than
/// by status: the timeline needs no finer split, and a class fills fewer rows than its
/// statuses (the rarer statuses' few requests share buckets).
package enum LatencyOutcome {
    /// 2: statuses below 400 (successes and redirects); 4: 4xx; 5: 5xx and above.
    package static func code(ofStatus status: Int64) -> Int64 { status >= 500 ? 5 : status >= 400 ? 4 : 2 }

    /// The outcome codes `filter`'s statuses select whole (all three without statuses), or
    /// nil when they select part of a class (`--status 503`): the per-hour rows cannot answer
    /// that, the hourly route rows can.
    package static func codes(selectedBy filter: TrafficFilter) -> Set<Int64>? {
        guard !filter.statuses.isEmpty else { return [2, 4, 5] }
        var result = Set<Int64>()
        // HTTP statuses; a stored status outside 100–599 (none a parser gives) is counted with
        // its class here.
        for (code, range) in [(Int64(2), 100...399), (Int64(4), 400...499), (Int64(5), 500...599)] {
            let matched = range.reduce(0) { $0 + (filter.matches(status: $1) ? 1 : 0) }
            if matched == range.count { result.insert(code) } else if matched > 0 { return nil }
        }
        return result
    }
}

/// Sums of latency rows by stored ids, the stores' common accumulator (reports sum in Swift
/// rather than with GROUP BY, as for traffic).
package struct LatencySums {
    package struct Key: CounterKey {
        var route: Int64, method: Int64, status: Int64, bucket: Int64
        package var counterHash: UInt64 {
            mixCounterHash(UInt64(bitPattern: route) &+ UInt64(bitPattern: method) &<< 32,
                           UInt64(bitPattern: status) &+ UInt64(bitPattern: bucket) &<< 32)
        }
    }
    private var table = CounterTable<Key, LatencyCount>(capacity: 4096)

    package init() {}

    @inline(__always)
    package mutating func add(route: Int64, method: Int64, status: Int64, bucket: Int64, requests: Int64) {
        table.add(Key(route: route, method: method, status: status, bucket: bucket), LatencyCount(requests: requests))
    }

    /// The groups `filter` selects, named, in `LatencyGroup.inNameOrder`.
    package func groups(routes: [Int64: String], methods: [Int64: String], filter: TrafficFilter) -> [LatencyGroup] {
        var matched: [Int64: Bool] = [:]
        var result: [LatencyGroup] = []
        for (key, count) in table where count.requests != 0 {
            let route = routes[key.route] ?? "?", method = methods[key.method] ?? ""
            if !filter.isEmpty {
                if !filter.matches(status: Int(key.status)) || !filter.matches(method: method) { continue }
                if let known = matched[key.route] {
                    if !known { continue }
                } else {
                    let ok = filter.matches(route: route)
                    matched[key.route] = ok
                    if !ok { continue }
                }
            }
            result.append(LatencyGroup(route: route, method: method, status: Int(key.status), bucket: Int(key.bucket), requests: count.requests))
        }
        return result.sorted(by: LatencyGroup.inNameOrder)
    }
}

/// Sums per hour × bucket, in hour then bucket order. Rows usually arrive in hour order (the
/// tables' keys start with the hour): the current hour's buckets are a dense array.
package struct HourlyLatencySums {
    private var hours: [Int64: [Int64]] = [:]
    private var currentHour: Int64 = .min
    private var current: [Int64] = []

    package init() {}

    @inline(__always)
    package mutating func add(hour: Int64, bucket: Int64, requests: Int64) {
        if hour != currentHour { switchTo(hour) }
        let index = Int(bucket)
        guard index >= 0 && index < current.count else { return }
        current[index] += requests
    }

    private mutating func switchTo(_ hour: Int64) {
        if currentHour != .min { hours[currentHour] = current }
        currentHour = hour
        current = hours[hour] ?? [Int64](repeating: 0, count: LatencyBuckets.count)
    }

    package func rows() -> [HourlyLatency] {
        var all = hours
        if currentHour != .min { all[currentHour] = current }
        var result: [HourlyLatency] = []
        for hour in all.keys.sorted() {
            for (bucket, n) in all[hour]!.enumerated() where n != 0 {
                result.append(HourlyLatency(hour: Int32(truncatingIfNeeded: hour), bucket: bucket, requests: n))
            }
        }
        return result
    }
}
