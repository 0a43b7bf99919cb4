/// The dimensions requests are counted by: one hour × route × method × status × code × the
/// request facts classification needs. Small integers (interned ids) keep it cheap to hash.
public struct TrafficKey: Hashable, Sendable {
    /// Hours since the epoch (UTC).
    public var hour: Int32
    public var route: Int32
    public var method: Int32
    public var status: Int16
    /// Interned error code; `TrafficKey.noCode` when none was logged.
    public var code: Int32
    /// `TrafficFlags` bits.
    public var flags: UInt8

    public static let noCode: Int32 = -1

    public init(hour: Int32, route: Int32, method: Int32, status: Int16, code: Int32, flags: UInt8) {
        self.hour = hour
        self.route = route
        self.method = method
        self.status = status
        self.code = code
        self.flags = flags
    }
}

/// Request facts that change whether an error may be retried.
public enum TrafficFlags {
    public static let idempotencyKey: UInt8 = 1
    public static let retryAfter: UInt8 = 2
}

/// Additive counters for one `TrafficKey`. Only sums: averages are derived at report time,
/// so that chunks, files, threads and hosts merge by addition.
public struct TrafficCounts: Sendable, Equatable {
    public var requests: Int64 = 0
    /// How many of the requests had a logged duration, and the sum of those durations.
    public var timedRequests: Int64 = 0
    public var durationMicros: Int64 = 0

    public init(requests: Int64 = 0, timedRequests: Int64 = 0, durationMicros: Int64 = 0) {
        self.requests = requests
        self.timedRequests = timedRequests
        self.durationMicros = durationMicros
    }

    @inline(__always)
    public static func += (lhs: inout TrafficCounts, rhs: TrafficCounts) {
        lhs.requests += rhs.requests
        lhs.timedRequests += rhs.timedRequests
        lhs.durationMicros += rhs.durationMicros
    }
}

/// Errors per client per hour: who is failing, and who is being rate limited.
public struct ClientKey: Hashable, Sendable {
    public var hour: Int32
    public var client: Int32
}

public struct ClientCounts: Sendable, Equatable {
    public var errors: Int64 = 0
    public var rateLimited: Int64 = 0

    public init() {}

    public init(errors: Int64, rateLimited: Int64) {
        self.errors = errors
        self.rateLimited = rateLimited
    }

    @inline(__always)
    public static func += (lhs: inout ClientCounts, rhs: ClientCounts) {
        lhs.errors += rhs.errors
        lhs.rateLimited += rhs.rateLimited
    }
}

extension TrafficKey: CounterKey {
    @inline(__always)
    public var counterHash: UInt64 {
        let a = UInt64(UInt32(bitPattern: hour)) | UInt64(UInt32(bitPattern: route)) &<< 32
        let b = UInt64(UInt32(bitPattern: code)) | UInt64(UInt16(bitPattern: status)) &<< 32 | UInt64(flags) &<< 48
        return mixCounterHash(a, b ^ UInt64(UInt32(bitPattern: method)) &* 0xFF51_AFD7_ED55_8CCD)
    }
}

extension TrafficCounts: CounterValue {
    public init() { self.init(requests: 0) }
}

extension ClientKey: CounterKey {
    @inline(__always)
    public var counterHash: UInt64 {
        mixCounterHash(UInt64(UInt32(bitPattern: hour)) | UInt64(UInt32(bitPattern: client)) &<< 32, 0)
    }
}

extension ClientCounts: CounterValue {}
