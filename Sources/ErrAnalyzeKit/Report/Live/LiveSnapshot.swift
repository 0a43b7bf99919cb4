/// What the live view shows for one window at one moment: plain data, drawn by the dashboard
/// and by the one-line summary alike.
public struct LiveSnapshot: Sendable, Equatable {
    /// The window, in minutes (1, 5 or 15).
    public var windowMinutes: Int
    /// Seconds the window covers so far (less than the window while the view is young).
    public var seconds: Int64
    public var requests: Int64 = 0
    public var errors: Int64 = 0
    /// The window's 95th percentile duration in microseconds, of the requests whose log gave
    /// one; nil when none did, or under a filter (durations are not kept per route or status).
    public var p95Micros: Int64?
    /// Requests and errors of the last 15 minutes, one point per minute, oldest first.
    public var sparkline: [SparkPoint] = []
    /// Error codes (statuses ≥ 400): new ones first, then spikes, then the rest by count.
    public var codes: [CodeRow] = []
    public var routes: [RouteRow] = []
    public var hosts: [HostRow] = []
    /// Clients with the most 429 responses, most first (the route filter does not apply).
    public var rateLimitedClients: [ClientRow] = []

    public var requestsPerSecond: Double { seconds > 0 ? Double(requests) / Double(seconds) : 0 }
    public var errorsPerSecond: Double { seconds > 0 ? Double(errors) / Double(seconds) : 0 }
    /// Errors per request, 0…1.
    public var errorRate: Double { requests > 0 ? Double(errors) / Double(requests) : 0 }

    public struct SparkPoint: Sendable, Equatable {
        public var minute: Int64
        public var requests: Int64
        public var errors: Int64
    }

    public struct CodeRow: Sendable, Equatable {
        /// The error code, or "" when the responses carried none (shown by status).
        public var code: String
        public var status: Int16
        public var count: Int64
        /// The same code in the window before, or nil when the view did not see all of it.
        public var previous: Int64?
        public var change: LiveChange
    }

    public struct RouteRow: Sendable, Equatable {
        public var method: String
        public var route: String
        public var requests: Int64
        public var errors: Int64
        public var errorRate: Double { requests > 0 ? Double(errors) / Double(requests) : 0 }
    }

    public struct HostRow: Sendable, Equatable {
        public var host: String
        public var requests: Int64
        public var errors: Int64
        public var errorRate: Double { requests > 0 ? Double(errors) / Double(requests) : 0 }
    }

    public struct ClientRow: Sendable, Equatable {
        public var client: String
        public var rateLimited: Int64
    }
}

/// How an error code's count in a window compares with the window before.
public enum LiveChange: Sendable, Equatable {
    /// Not seen in the window before (which the view saw whole).
    case new
    /// At least twice as frequent as in the window before, and by at least `spikeMinimum` more.
    case spike(ratio: Double)
    /// Up or down by this fraction (−1 … +1 or more).
    case change(Double)
    /// The window before was not seen whole (the view is younger than two windows).
    case unknown

    public static let spikeMinimum: Int64 = 5

    /// `current` (over `currentSeconds`) against `previous` (over `previousSeconds`): rates
    /// are compared, since the window under way is not over yet.
    public static func of(current: Int64, previous: Int64?, currentSeconds: Int64, previousSeconds: Int64) -> LiveChange {
        guard let previous else { return .unknown }
        if previous == 0 { return current > 0 ? .new : .change(0) }
        guard currentSeconds > 0, previousSeconds > 0 else { return .unknown }
        let expected = Double(previous) * Double(currentSeconds) / Double(previousSeconds)
        let ratio = Double(current) / expected
        if ratio >= 2 && Double(current) - expected >= Double(spikeMinimum) { return .spike(ratio: ratio) }
        return .change(ratio - 1)
    }

    /// New codes first, then spikes, then the rest.
    var rank: Int {
        switch self {
        case .new: return 0
        case .spike: return 1
        case .change, .unknown: return 2
        }
    }
}

/// What the routes and hosts panels are sorted by (the dashboard's `s`).
public enum LiveSort: String, Sendable, CaseIterable {
    case errors, requests, errorRate = "error rate"

    public var next: LiveSort {
        let all = LiveSort.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}
