import Foundation

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
        /// Retriable errors ÷ requests.
        public var retriableRate: Double { requests == 0 ? 0 : Double(retriable) / Double(requests) }
        public var clientErrorRate: Double { requests == 0 ? 0 : Double(clientErrors) / Double(requests) }
        public var serverErrorRate: Double { requests == 0 ? 0 : Double(serverErrors) / Double(requests) }

        public init() {}
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
        /// The count in the comparison window; nil when there is no comparison.
        public var previousCount: Int64?
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
        /// The hour's p95 duration in microseconds (nil without timed requests); see `Latency`.
        public var p95: Int64? = nil
    }

    public struct ClientCount: Sendable, Equatable {
        public var client: String
        public var errors: Int64
        public var rateLimited: Int64
    }

    /// One host's traffic in the window (the machine that ingested it, or `ingest --host`).
    public struct HostCount: Sendable, Equatable {
        /// The host's most frequent error code, with the status it was sent with.
        public struct TopCode: Sendable, Equatable {
            public var code: String
            public var status: Int
            public var count: Int64
        }

        public var host: String
        public var requests: Int64 = 0
        public var errors: Int64 = 0
        public var clientErrors: Int64 = 0
        public var serverErrors: Int64 = 0
        public var retriable: Int64 = 0
        public var fatal: Int64 = 0
        /// Nil when none of the host's errors carried a code.
        public var topCode: TopCode?
        public var errorRate: Double { requests == 0 ? 0 : Double(errors) / Double(requests) }

        public init(host: String) {
            self.host = host
        }
    }

    /// The window before this one, of equal length, and its totals (`--compare`).
    public struct Comparison: Sendable, Equatable {
        public var window: Window
        public var totals: Totals

        /// Relative change of a count (0.25 = 25 % more); nil when the previous count was 0.
        public static func change(_ now: Int64, _ before: Int64) -> Double? {
            before == 0 ? nil : Double(now - before) / Double(before)
        }
    }

    /// Errors on non-idempotent requests (POST, PATCH…) sent without an Idempotency-Key that
    /// the catalogue would let a client retry had the key been sent: the retries those
    /// clients are missing, or risking.
    public struct RetriableWithoutIdempotencyKey: Sendable, Equatable {
        public var errors: Int64 = 0
        /// Of `errors`, those counted as fatal because no key was sent.
        public var notRetriable: Int64 = 0
        /// `errors` ÷ every error that is (or with a key would be) retriable.
        public var share: Double = 0

        public init() {}
    }

    /// Errors by status × code × category × retriable: the finest grouping the store and
    /// the catalogue give, for metrics (`--format prometheus`).
    public struct ErrorSeries: Sendable, Equatable {
        public var status: Int
        /// Empty when no code was logged.
        public var code: String
        public var category: String
        public var retriable: Bool
        public var count: Int64
    }

    /// The window counted: the one asked for, widened to whole UTC hours (`ReportBuilder.window(of:)`).
    public var window: Window
    /// The report's restriction to part of the traffic; empty = all traffic.
    public var filter = TrafficFilter()
    /// The zone times are shown in by the text, Markdown and HTML renderers (JSON is UTC).
    public var timeZone: TimeZone = TimeZone(identifier: "UTC")!
    /// How many rows the ranked sections keep, and the least requests a route needs to be
    /// ranked by error rate.
    public var top = 10
    public var minRequests: Int64 = 20
    public var totals = Totals()
    public var comparison: Comparison?
    public var retriableWithoutIdempotencyKey = RetriableWithoutIdempotencyKey()
    public var errorSeries: [ErrorSeries] = []
    /// Every status seen, most frequent first.
    public var byStatus: [StatusCount] = []
    public var byStatusClass: [StatusClassCount] = []
    public var byCategory: [CategoryCount] = []
    /// Every (code, status) seen, most frequent first.
    public var codes: [CodeCount] = []
    /// Routes with the most errors (at most `top`).
    public var routes: [RouteCount] = []
    /// Routes with at least `minRequests` requests and some errors, highest error rate first (at most `top`).
    public var routesByRate: [RouteCount] = []
    public var unknownCodes: [UnknownCode] = []
    public var statusDrift: [StatusDrift] = []
    /// Hourly, covering the window (or the data when the window is open).
    public var timeline: [TimelinePoint] = []
    /// Hosts with the most errors, then the most requests (at most `top`).
    public var hosts: [HostCount] = []
    /// How many hosts had traffic in the window (and matched the filters), before `top`.
    public var hostsSeen = 0
    /// Clients with the most errors, and with the most 429s (at most `top` each). Both are
    /// empty when a route, code, status or method filter is set: the store counts clients' errors per
    /// hour and host only (a host filter applies to them).
    public var clients: [ClientCount] = []
    public var rateLimitedClients: [ClientCount] = []
    /// Whether the client sections apply to this report (false when route, code, status or method filters are set).
    public var clientsAvailable = true
    public var malformed = MalformedSummary()
    /// The catalogues that classified this report, in precedence order.
    public var catalogues: [String] = []
    /// `--fail-if` thresholds and how this report measured against them.
    public var thresholds: [ThresholdResult] = []
    /// Durations: percentiles overall, by outcome and route, slow requests, Apdex.
    public var latency = Latency()
    /// The traffic held against the API's own description (`--openapi`); nil without one.
    public var contract: ContractFindings?

    public init(window: Window) {
        self.window = window
    }
}
