import Glibc

/// The last hour of traffic per minute of request time, counted at ingest beside the hourly
/// aggregates, for `erranalyze top` with no files (the database's latest minutes, and with a
/// fleet database the whole fleet's): requests per minute × route × method × status × code,
/// 429 responses per minute × client, and the durations of timed requests per minute ×
/// `LatencyBuckets` bucket (`top`'s p95).
///
/// Only lines stamped at or after `floor` (the step's wall clock less `retentionSeconds`)
/// count here: a cron ingest of old logs pays one integer comparison per line and writes no
/// recent rows; a follower, or a cron run every minute, keeps the database's last hour.
/// Lines stamped more than `retentionSeconds` after the wall clock (a wrong clock) are left
/// out too, so that nothing lingers in the store from the future.
///
/// Route, method and code ids are those of the `TrafficAggregate` that holds this tally
/// (its `merge` re-maps them the same way as the traffic table's). Client names are kept
/// for at most `maxClients` (minute, client) pairs; later ones count under `(other)`.
public struct RecentMinutes {
    /// How far back the database keeps recent minutes, and how far back a step counts them.
    public static let retentionSeconds: Int64 = 3600
    /// Named (minute, client) pairs per step.
    public static let maxClients = 1000
    public static let otherClient = "(other)"

    /// Seconds since the epoch: lines stamped before are not recent.
    public var floor: Int64
    /// Seconds since the epoch: lines stamped at or after are not counted (a wrong clock).
    public var ceiling: Int64
    public private(set) var traffic = CounterTable<RecentKey, RecentCount>(capacity: 16)
    /// 429 responses per minute and client (ids in `clientNames`).
    public private(set) var rateLimited = CounterTable<RecentClientKey, RecentCount>(capacity: 16)
    public private(set) var clientNames = ByteInterner(capacity: 16)
    /// Timed requests per minute and duration bucket.
    public private(set) var latency = CounterTable<RecentLatencyKey, RecentCount>(capacity: 16)
    private var otherClientID: Int32 = -1

    /// A tally of the lines stamped within `retentionSeconds` of `now` (seconds since the
    /// epoch; default: the wall clock).
    public init(now: Int64 = Int64(time(nil))) {
        floor = now - Self.retentionSeconds
        ceiling = now + Self.retentionSeconds
    }

    public var isEmpty: Bool { traffic.isEmpty && rateLimited.isEmpty && latency.isEmpty }

    public static func minute(of time: Int64) -> Int32 {
        Int32(truncatingIfNeeded: time >= 0 ? time / 60 : (time - 59) / 60)
    }

    /// Counts one recent request (the caller has checked `time >= floor`), with its
    /// aggregate's ids; `client` only matters for a 429, `durationBucket` (the
    /// `LatencyBuckets` bucket of its logged duration, the aggregate's) when ≥ 0.
    @inline(__always)
    public mutating func add(time: Int64, route: Int32, method: Int32, status: Int16, code: Int32,
                             client: UnsafeRawBufferPointer, durationBucket: Int = -1) {
        guard time < ceiling else { return }
        let minute = Self.minute(of: time)
        traffic.add(RecentKey(minute: minute, route: route, method: method, status: status, code: code), RecentCount(requests: 1))
        if status == 429 && client.count > 0 { addRateLimited(minute: minute, client: client, RecentCount(requests: 1)) }
        if durationBucket >= 0 {
            latency.add(RecentLatencyKey(minute: minute, bucket: UInt16(truncatingIfNeeded: durationBucket)), RecentCount(requests: 1))
        }
    }

    private mutating func addRateLimited(minute: Int32, client: UnsafeRawBufferPointer, _ count: RecentCount) {
        var id = clientNames.lookup(client).map { Int32($0) } ?? -1
        if id < 0 {
            if clientNames.count < Self.maxClients {
                id = Int32(clientNames.intern(client))
            } else {
                if otherClientID < 0 { otherClientID = Int32(clientNames.intern(Self.otherClient)) }
                id = otherClientID
            }
        }
        rateLimited.add(RecentClientKey(minute: minute, client: id), count)
    }

    /// Adds `other`, whose route, method and code ids map to this tally's through the maps
    /// (`map[otherID] == ownID`), as `TrafficAggregate.merge` makes them.
    public mutating func merge(_ other: RecentMinutes, routes: [Int], methods: [Int], codes: [Int]) {
        for (key, count) in other.traffic {
            var moved = key
            moved.route = Int32(routes[Int(key.route)])
            moved.method = Int32(methods[Int(key.method)])
            if key.code != TrafficKey.noCode { moved.code = Int32(codes[Int(key.code)]) }
            traffic.add(moved, count)
        }
        for (key, count) in other.latency { latency.add(key, count) }
        for (key, count) in other.rateLimited {
            other.clientNames.bytes(Int(key.client)).withUnsafeBytes { addRateLimited(minute: key.minute, client: $0, count) }
        }
    }

    /// 429s per minute and client name.
    public func forEachRateLimited(_ body: (Int32, String, Int64) throws -> Void) rethrows {
        for (key, count) in rateLimited { try body(key.minute, clientNames.string(Int(key.client)), count.requests) }
    }
}

/// Minute × route × method × status × code (ids of the aggregate; `TrafficKey.noCode`: none).
public struct RecentKey: Hashable, Sendable, CounterKey {
    /// Minutes since the epoch.
    public var minute: Int32
    public var route: Int32
    public var method: Int32
    public var status: Int16
    public var code: Int32

    public init(minute: Int32, route: Int32, method: Int32, status: Int16, code: Int32) {
        self.minute = minute
        self.route = route
        self.method = method
        self.status = status
        self.code = code
    }

    @inline(__always)
    public var counterHash: UInt64 {
        let a = UInt64(UInt32(bitPattern: minute)) | UInt64(UInt32(bitPattern: route)) &<< 32
        let b = UInt64(UInt32(bitPattern: code)) | UInt64(UInt16(bitPattern: status)) &<< 32
            | UInt64(UInt16(truncatingIfNeeded: method)) &<< 48
        return mixCounterHash(a, b)
    }
}

public struct RecentClientKey: Hashable, Sendable, CounterKey {
    public var minute: Int32
    public var client: Int32

    @inline(__always)
    public var counterHash: UInt64 {
        mixCounterHash(UInt64(UInt32(bitPattern: minute)), UInt64(UInt32(bitPattern: client)))
    }
}

public struct RecentLatencyKey: Hashable, Sendable, CounterKey {
    public var minute: Int32
    /// `LatencyBuckets` bucket.
    public var bucket: UInt16

    @inline(__always)
    public var counterHash: UInt64 {
        mixCounterHash(UInt64(UInt32(bitPattern: minute)), UInt64(bucket))
    }
}

public struct RecentCount: Sendable, Equatable, CounterValue {
    public var requests: Int64 = 0

    public init() {}
    public init(requests: Int64) { self.requests = requests }

    @inline(__always)
    public static func += (lhs: inout RecentCount, rhs: RecentCount) {
        lhs.requests += rhs.requests
    }
}
