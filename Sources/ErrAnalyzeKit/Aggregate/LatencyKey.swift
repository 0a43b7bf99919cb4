/// The key durations are counted by: hour × route × method × status × duration bucket. The
/// status (not only its class) is kept so that `--status` filters apply to latency exactly
/// and the report can split successes from client and server errors; the error code and the
/// request flags are left out (they would multiply the rows, and latency is not read by code).
/// Only non-empty buckets are ever stored: a key has at most as many rows as requests.
public struct LatencyKey: Hashable, Sendable {
    /// Hours since the epoch (UTC).
    public var hour: Int32
    public var route: Int32
    public var method: Int32
    public var status: Int16
    /// `LatencyBuckets` bucket.
    public var bucket: UInt16

    public init(hour: Int32, route: Int32, method: Int32, status: Int16, bucket: UInt16) {
        self.hour = hour
        self.route = route
        self.method = method
        self.status = status
        self.bucket = bucket
    }
}

/// Requests in one latency bucket.
public struct LatencyCount: Sendable, Equatable, CounterValue {
    public var requests: Int64 = 0

    public init() {}
    public init(requests: Int64) { self.requests = requests }

    @inline(__always)
    public static func += (lhs: inout LatencyCount, rhs: LatencyCount) {
        lhs.requests += rhs.requests
    }
}

extension LatencyKey: CounterKey {
    @inline(__always)
    public var counterHash: UInt64 {
        let a = UInt64(UInt32(bitPattern: hour)) | UInt64(UInt32(bitPattern: route)) &<< 32
        let b = UInt64(UInt32(bitPattern: method)) | UInt64(UInt16(bitPattern: status)) &<< 32 | UInt64(bucket) &<< 48
        return mixCounterHash(a, b)
    }
}
