/// In-memory additive counters for the requests of one worker (a file, or a chunk of one).
///
/// Strings are interned to ids local to this aggregate; `merge` re-maps another aggregate's
/// ids by value, so that workers never share mutable state and results add up exactly.
public struct TrafficAggregate {
    public var routes = ByteInterner()
    public var methods = ByteInterner()
    public var codes = ByteInterner()
    public private(set) var traffic = CounterTable<TrafficKey, TrafficCounts>()
    /// The duration bucket (`LatencyBuckets`) of each request whose log gave a duration, by
    /// its traffic row: `latencyHistograms()` per row, `latencyCounts()` per `LatencyKey`.
    public private(set) var latency = LatencyTally()
    /// Errors per hour and client, at most `maxClients` of them named (see `ClientTally`).
    public private(set) var clients: ClientTally
    /// The requests of the last hour by minute (`RecentMinutes`), for `top` on the database.
    public var recent = RecentMinutes()
    public var malformed = MalformedTally()
    /// Lines seen, including malformed and skipped ones.
    public private(set) var lines: Int64 = 0
    public private(set) var requests: Int64 = 0
    public private(set) var firstTimestamp: Int64 = .max
    public private(set) var lastTimestamp: Int64 = .min

    /// Routes beyond this many distinct ones are counted under `otherRoute`, so that a
    /// scanner requesting random URLs cannot grow memory and the database without bound.
    public let maxRoutes: Int
    public static let otherRoute = "(other)"
    /// The route of requests whose request line had no usable target.
    public static let noRoute = "(none)"

    private let templater: RouteTemplater
    /// Recent targets' route ids, recent methods' ids and templating scratch space; made by
    /// the first `add` (aggregates that only merge never need one), never shared with a copy
    /// that adds.
    private var memoOwner: RouteMemo?
    private var memo: RouteMemo.View?
    private var otherRouteID = -1
    private let latencyBuckets = LatencyBucketIndex.shared

    public init(templater: RouteTemplater = RouteTemplater(), maxRoutes: Int = 5000,
                maxClients: Int = ClientTally.defaultCapacity) {
        self.templater = templater
        self.maxRoutes = maxRoutes
        clients = ClientTally(capacity: maxClients)
    }

    /// Named (hour, client) pairs kept before the lightest fold into `(other)`.
    public var maxClients: Int { clients.capacity }

    public var isEmpty: Bool { lines == 0 }

    /// A new, empty aggregate with the same templating rules and caps.
    public func emptyCopy() -> TrafficAggregate {
        TrafficAggregate(templater: templater, maxRoutes: maxRoutes, maxClients: maxClients)
    }

    /// Makes room for the durations of up to `bytes` of input, so that the list of them
    /// (`LatencyTally`) grows in place instead of copying itself at every doubling: one entry
    /// per 48 bytes, shorter than any timed access-log line; room that is never written is
    /// address space, not memory.
    public mutating func reserve(forInputBytes bytes: Int64) {
        latency.reserveCapacity(Int(min(bytes / 48, 1 << 24)))
    }

    /// Lets go of the duration list (after `merge` took it), so that the aggregate that took
    /// it holds the only reference and appends to it in place.
    public mutating func releaseLatency() {
        latency = LatencyTally()
    }

    /// Counts one parsed request.
    @inline(__always)
    public mutating func add(_ record: RequestRecord) {
        lines += 1
        requests += 1
        let ts = record.timestamp
        if ts < firstTimestamp { firstTimestamp = ts }
        if ts > lastTimestamp { lastTimestamp = ts }
        let hour = Int32(truncatingIfNeeded: ts >= 0 ? ts / 3600 : (ts - 3599) / 3600)

        // A copy (`var b = a`) shares the memo; the first of the two to add takes a fresh
        // one, since the ids it remembers may come to differ.
        if !isKnownUniquelyReferenced(&memoOwner) { takeMemo() }
        let memo = self.memo.unsafelyUnwrapped
        let route = routeID(record.path, memo)
        let method = memo.method(record.method) { methods.intern($0) }
        let code = record.errorCode.count == 0 ? TrafficKey.noCode : Int32(codes.intern(record.errorCode))
        var flags: UInt8 = 0
        if record.hasIdempotencyKey { flags |= TrafficFlags.idempotencyKey }
        if record.hasRetryAfter { flags |= TrafficFlags.retryAfter }
        let key = TrafficKey(hour: hour, route: Int32(route), method: Int32(method),
                             status: Int16(truncatingIfNeeded: record.status), code: code, flags: flags)
        let timed = record.durationMicros >= 0
        let row = traffic.add(key, TrafficCounts(requests: 1, timedRequests: timed ? 1 : 0, durationMicros: timed ? record.durationMicros : 0))
        let bucket = timed ? latencyBuckets.bucket(record.durationMicros) : -1
        if timed { latency.add(row: row, bucket: bucket) }

        if record.status >= 400 && record.client.count > 0 {
            clients.add(hour: hour, client: record.client, ClientCounts(errors: 1, rateLimited: record.status == 429 ? 1 : 0))
        }
        // Lines of the last hour, also by minute (`top` on the database): one comparison otherwise.
        if ts >= recent.floor {
            recent.add(time: ts, route: key.route, method: key.method, status: key.status, code: code, client: record.client,
                       durationBucket: bucket)
        }
    }


    /// Counts a line that is not a request (a header, a comment, a blank line).
    @inline(__always)
    public mutating func addSkipped() {
        lines += 1
    }

    /// Counts a line that should have been a request but could not be read.
    public mutating func addMalformed(_ reason: MalformedReason, line: UnsafeRawBufferPointer) {
        lines += 1
        malformed.record(reason, line: lines, text: line)
    }

    @inline(never)
    private mutating func takeMemo() {
        let owner = RouteMemo()
        memoOwner = owner
        memo = owner.view
    }

    @inline(__always)
    private mutating func routeID(_ path: UnsafeRawBufferPointer, _ memo: RouteMemo.View) -> Int {
        if path.count == 0 { return routes.intern(Self.noRoute) }
        let hash = RouteMemo.hash(path)
        let remembered = memo.lookup(path, hash: hash)
        if remembered >= 0 { return remembered }
        let route = templatedRouteID(path)
        memo.remember(path, hash: hash, route: route)
        return route
    }

    private mutating func templatedRouteID(_ path: UnsafeRawBufferPointer) -> Int {
        let scratch = memoOwner.unsafelyUnwrapped.scratch(capacity: templater.scratchCapacity(forPathLength: path.count))
        let bytes = templater.template(path, scratch: scratch)
        if routes.count >= maxRoutes, routes.lookup(bytes) == nil {
            if otherRouteID < 0 { otherRouteID = routes.lookup(Self.otherRoute) ?? routes.intern(Self.otherRoute) }
            return otherRouteID
        }
        return routes.intern(bytes)
    }

    /// Adds `other`, whose line numbers follow this aggregate's lines.
    public mutating func merge(_ other: TrafficAggregate) {
        var routeMap = [Int](repeating: 0, count: other.routes.count)
        for id in 0..<other.routes.count {
            routeMap[id] = other.routes.bytes(id).withUnsafeBytes { bytes in
                if routes.count >= maxRoutes, routes.lookup(bytes) == nil {
                    return routes.lookup(Self.otherRoute) ?? routes.intern(Self.otherRoute)
                }
                return routes.intern(bytes)
            }
        }
        let methodMap = Self.remap(other.methods, into: &methods)
        let codeMap = Self.remap(other.codes, into: &codes)
        var rowMap = [Int](repeating: 0, count: other.traffic.count)
        for (row, (key, counts)) in other.traffic.enumerated() {
            var moved = key
            moved.route = Int32(routeMap[Int(key.route)])
            moved.method = Int32(methodMap[Int(key.method)])
            if key.code != TrafficKey.noCode { moved.code = Int32(codeMap[Int(key.code)]) }
            rowMap[row] = traffic.add(moved, counts)
        }
        latency.merge(other.latency, rowMap: rowMap)
        clients.merge(other.clients)
        recent.merge(other.recent, routes: routeMap, methods: methodMap, codes: codeMap)
        malformed.merge(other.malformed, lineOffset: lines)
        lines += other.lines
        requests += other.requests
        firstTimestamp = min(firstTimestamp, other.firstTimestamp)
        lastTimestamp = max(lastTimestamp, other.lastTimestamp)
    }

    /// Each traffic row's duration histogram (`traffic.keys[r]` is row `r`'s key).
    public func latencyHistograms() -> LatencyRowHistograms {
        latency.histograms(rows: traffic.count)
    }

    /// Each traffic row's duration histogram laid out in a writer's order: row `r`'s is the
    /// result's row `position[r]` (see `LatencyTally.histograms(position:)`). Each row's
    /// timed requests are already counted (`TrafficCounts.timedRequests`): the grouping starts
    /// from them.
    public func latencyHistograms(position: [Int32]) -> LatencyRowHistograms {
        traffic.values.withUnsafeBufferPointer { values in
            latency.histograms(position: position) { Int(values[$0].timedRequests) }
        }
    }

    /// Requests per hour × route × method × status × bucket (the rows of different codes and
    /// flags summed), keyed as the stores key their histograms: for tests and tools that check
    /// the counts by key (the stores write from `latencyHistograms()`, without this table).
    public func latencyCounts() -> CounterTable<LatencyKey, LatencyCount> {
        let histograms = latencyHistograms()
        var counts = CounterTable<LatencyKey, LatencyCount>(capacity: histograms.buckets.count)
        for (row, key) in traffic.keys.enumerated() {
            for i in histograms.range(ofRow: row) {
                counts.add(LatencyKey(hour: key.hour, route: key.route, method: key.method, status: key.status,
                                      bucket: histograms.buckets[i]), LatencyCount(requests: Int64(histograms.counts[i])))
            }
        }
        return counts
    }

    private static func remap(_ source: ByteInterner, into target: inout ByteInterner) -> [Int] {
        (0..<source.count).map { id in source.bytes(id).withUnsafeBytes { target.intern($0) } }
    }
}
