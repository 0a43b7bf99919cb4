import Foundation

/// The report's latency section as plain data (built by `LatencySection`): percentiles read
/// from additive histograms (`LatencyHistogram`, `LatencyBuckets`), so that they merge across
/// files, workers, days and hosts. Durations are whole microseconds.
extension Report {
    public struct Latency: Sendable, Equatable {
        /// Percentiles of one set of requests. Each is within `LatencyBuckets.relativeErrorBound`
        /// of the exact (nearest-rank) percentile of the logged durations.
        public struct Stats: Sendable, Equatable {
            public var count: Int64 = 0
            public var p50: Int64 = 0
            public var p90: Int64 = 0
            public var p95: Int64 = 0
            public var p99: Int64 = 0
            /// The upper bound of the highest non-empty bucket; nil when it is the overflow.
            public var maxBucket: Int64?
            /// Sum of durations ÷ timed requests, from the stored sums (exact); nil when none.
            public var mean: Int64?

            public init() {}

            public init(_ histogram: LatencyHistogram, sum: Int64?, timed: Int64?) {
                count = histogram.total
                p50 = histogram.percentile(0.50) ?? 0
                p90 = histogram.percentile(0.90) ?? 0
                p95 = histogram.percentile(0.95) ?? 0
                p99 = histogram.percentile(0.99) ?? 0
                if let top = histogram.highestBucket, top < LatencyBuckets.upperBounds.count {
                    maxBucket = LatencyBuckets.upperBounds[top]
                }
                if let sum, let timed, timed > 0 { mean = (sum + timed / 2) / timed }
            }
        }

        /// Successes and redirects (`2xx/3xx`, statuses below 400), `4xx` or `5xx`: errors are
        /// kept apart so that a fast 404 or a slow timeout does not distort the successes.
        public struct Outcome: Sendable, Equatable {
            public var outcome: String
            public var stats: Stats
        }

        public struct Route: Sendable, Equatable {
            public var method: String
            public var route: String
            public var stats: Stats
            public var outcomes: [Outcome]
            /// Requests slower than the slow threshold.
            public var slow: Int64
        }

        public struct SlowRoute: Sendable, Equatable {
            public var method: String
            public var route: String
            public var slow: Int64
            public var requests: Int64
            public var share: Double { requests == 0 ? 0 : Double(slow) / Double(requests) }
        }

        /// Apdex: (satisfied + tolerating / 2) ÷ requests, satisfied ≤ T < tolerating ≤ 4T.
        public struct Apdex: Sendable, Equatable {
            public var threshold: Int64
            public var satisfied: Int64
            public var tolerating: Int64
            public var frustrated: Int64
            /// Whether T and 4T are bucket bounds (or fall in empty buckets): the counts are then exact.
            public var exact: Bool
            public var score: Double {
                let n = satisfied + tolerating + frustrated
                return n == 0 ? 1 : (Double(satisfied) + Double(tolerating) / 2) / Double(n)
            }
        }

        /// One hour of the timeline: percentiles of every timed request in it.
        public struct Hour: Sendable, Equatable {
            public var start: Int64
            public var count: Int64
            public var p50: Int64
            public var p95: Int64
            public var p99: Int64
        }

        /// A route's whole histogram, for `p95:ROUTE>…` thresholds over route patterns.
        public struct RouteHistogram: Sendable, Equatable {
            public var method: String
            public var route: String
            public var histogram: LatencyHistogram
        }

        /// Whether the window holds any request with a logged duration.
        public var available = false
        /// Why there are no percentiles, and what would give them (which log field or
        /// directive), when `available` is false; or a caveat when it is true.
        public var note: String?
        public var layoutVersion = LatencyBuckets.layoutVersion
        public var overall = Stats()
        public var histogram = LatencyHistogram()
        /// Sum of the durations of the timed requests (exact), for Prometheus' `_sum`.
        public var durationSum: Int64 = 0
        public var outcomes: [Outcome] = []
        /// The routes with the highest p95 (at least `Report.minRequests` timed requests; top N).
        public var routes: [Route] = []
        public var routeHistograms: [RouteHistogram] = []
        public var slowThreshold: Int64 = 1_000_000
        public var slow: Int64 = 0
        public var slowExact = true
        public var slowShare: Double { overall.count == 0 ? 0 : Double(slow) / Double(overall.count) }
        /// Routes with the most slow requests (top N).
        public var slowRoutes: [SlowRoute] = []
        public var apdex = Apdex(threshold: 300_000, satisfied: 0, tolerating: 0, frustrated: 0, exact: true)
        public var timeline: [Hour] = []

        public init() {}

        /// A route pattern's percentile (`p95:/v1/payments/*`), over every route it matches.
        public func percentile(_ q: Double, routes pattern: String) -> Int64? {
            let filter = TrafficFilter(routes: [pattern])
            var merged = LatencyHistogram()
            for r in routeHistograms where filter.matches(route: r.route) { merged.merge(r.histogram) }
            return merged.percentile(q)
        }
    }
}

/// Durations as people and flags write them.
public enum DurationText {
    /// `300ms`, `1s`, `1.5s`, `250us`, `250µs`, `2m`, `1h` → microseconds; nil if not a duration.
    public static func micros(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 1_000), ("us", 1), ("µs", 1), ("min", 60_000_000), ("s", 1_000_000),
                                         ("m", 60_000_000), ("h", 3_600_000_000)]
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            let number = String(t.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value.isFinite, value >= 0, value * scale < 1e15 else { return nil }
            return Int64((value * scale).rounded())
        }
        return nil
    }

    /// `0 ms`, `842 µs`, `12.3 ms`, `1.24 s`, `2.1 min`: three significant digits.
    public static func human(_ micros: Int64) -> String {
        if micros == 0 { return "0 ms" }
        if micros < 1_000 { return "\(micros) µs" }
        if micros < 1_000_000 { return significant(Double(micros) / 1_000) + " ms" }
        if micros < 60_000_000 { return significant(Double(micros) / 1_000_000) + " s" }
        return significant(Double(micros) / 60_000_000) + " min"
    }

    /// Milliseconds, as JSON and CSV carry them: microsecond precision, no trailing zeros.
    public static func milliseconds(_ micros: Int64) -> Double { Double(micros) / 1_000 }

    private static func significant(_ value: Double) -> String {
        let decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2
        var s = String(format: "%.\(decimals)f", value)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }
}
