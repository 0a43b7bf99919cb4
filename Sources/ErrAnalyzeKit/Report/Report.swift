/// A report as plain data: what every renderer (text, JSON, Markdown…) shows. Built by
/// `ReportBuilder` from the store and the catalogue; it holds no behaviour of its own.
public struct Report: Sendable, Equatable {
    public static let schema = "erranalyze.report/v1"

    public struct Window: Sendable, Equatable {
        /// UTC seconds; nil = open.
        public var since: Int64?
        public var until: Int64?

        public init(since: Int64? = nil, until: Int64? = nil) {
            self.since = since
            self.until = until
        }
    }

    public struct Totals: Sendable, Equatable {
        public var requests: Int64 = 0
        public var errors: Int64 = 0
        public var clientErrors: Int64 = 0
        public var serverErrors: Int64 = 0
        public var retriable: Int64 = 0
        public var fatal: Int64 = 0
        public var malformedLines: Int64 = 0
        /// Errors ÷ requests (0 when there are no requests).
        public var errorRate: Double { requests == 0 ? 0 : Double(errors) / Double(requests) }
    }

    public struct StatusCount: Sendable, Equatable {
        public var status: Int
        public var count: Int64
    }

    public struct StatusClassCount: Sendable, Equatable {
        /// `2xx`, `4xx`…
        public var statusClass: String
        public var count: Int64
    }

    public struct CategoryCount: Sendable, Equatable {
        public var category: String
        public var count: Int64
        public var retriable: Int64
        public var fatal: Int64
    }

    public struct CodeCount: Sendable, Equatable {
        public var code: String
        public var status: Int
        public var count: Int64
        /// Share of all errors.
        public var share: Double
        public var category: String
        public var retriable: Int64
        public var fatal: Int64
        public var known: Bool
        public var meaning: String
        public var advice: String
        public var catalogue: String
    }

    public struct RouteCount: Sendable, Equatable {
        public var method: String
        public var route: String
        public var requests: Int64
        public var errors: Int64
        public var errorRate: Double { requests == 0 ? 0 : Double(errors) / Double(requests) }
    }

    public struct UnknownCode: Sendable, Equatable {
        public var code: String
        public var status: Int
        public var count: Int64
    }

    public struct StatusDrift: Sendable, Equatable {
        public var code: String
        public var status: Int
        public var documentedStatuses: [Int]
        public var count: Int64
    }

    public struct TimelinePoint: Sendable, Equatable {
        /// UTC seconds at the start of the bucket.
        public var start: Int64
        public var requests: Int64
        public var errors: Int64
    }

    public struct ClientCount: Sendable, Equatable {
        public var client: String
        public var errors: Int64
        public var rateLimited: Int64
    }

    public var window: Window
    public var totals = Totals()
    /// Every status seen, most frequent first.
    public var byStatus: [StatusCount] = []
    public var byStatusClass: [StatusClassCount] = []
    public var byCategory: [CategoryCount] = []
    /// Every (code, status) seen, most frequent first.
    public var codes: [CodeCount] = []
    /// Routes with the most errors (at most `top`).
    public var routes: [RouteCount] = []
    public var unknownCodes: [UnknownCode] = []
    public var statusDrift: [StatusDrift] = []
    /// Hourly, covering the window (or the data when the window is open).
    public var timeline: [TimelinePoint] = []
    public var clients: [ClientCount] = []
    public var malformed = MalformedSummary()
    /// The catalogues that classified this report, in precedence order.
    public var catalogues: [String] = []

    public init(window: Window) {
        self.window = window
    }
}
