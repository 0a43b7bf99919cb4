/// A `--fail-if` expression: `METRIC OP VALUE`, e.g. `error_rate>2%`, `server_errors>100`,
/// `code:PROVIDER_ERROR>50`, `status:503>=10`, `requests<100`.
///
///     expression := metric op value
///     metric     := name | "code:" CODE | "status:" (NNN | Nxx | NNN-NNN) | "category:" NAME
///     op         := ">" | ">=" | "<" | "<="
///     value      := count (for counts) | number "%" or a fraction 0…1 (for rates)
///
/// Spaces around the operator are allowed. Rates are compared as fractions (2% = 0.02).
public struct Threshold: Sendable, Equatable, CustomStringConvertible {
    public enum Metric: Sendable, Equatable {
        case requests, errors, clientErrors, serverErrors, retriable, fatal
        case errorRate, clientErrorRate, serverErrorRate, retriableRate
        case malformedLines, unknownCodes, statusDrift
        /// Responses the API's description does not declare, and requests on routes it does not know (`--openapi`).
        case undocumentedResponses, undocumentedRoutes
        /// Errors logged with this code, whatever their status.
        case code(String)
        /// Responses with a status in this range (errors or not).
        case status(TrafficFilter.StatusRange)
        /// Errors the catalogue puts in this category.
        case category(String)
        /// A duration percentile (50, 90, 95, 99) in milliseconds, overall or over the routes a
        /// pattern matches (`p95:/v1/payments/*`); see `Report.Latency`.
        case latencyPercentile(Int, route: String?)
        /// The Apdex score (0…1) at `--apdex-t`.
        case apdex
        /// Requests slower than `--slow`, as a share of the timed requests, or as a count.
        case slowRate, slowRequests

        static let named: [(String, Metric)] = [
            ("requests", .requests), ("errors", .errors),
            ("client_errors", .clientErrors), ("4xx", .clientErrors),
            ("server_errors", .serverErrors), ("5xx", .serverErrors),
            ("retriable", .retriable), ("fatal", .fatal),
            ("error_rate", .errorRate),
            ("client_error_rate", .clientErrorRate), ("4xx_rate", .clientErrorRate),
            ("server_error_rate", .serverErrorRate), ("5xx_rate", .serverErrorRate),
            ("retriable_rate", .retriableRate),
            ("malformed_lines", .malformedLines), ("malformed", .malformedLines),
            ("unknown_codes", .unknownCodes), ("status_drift", .statusDrift),
            ("p50", .latencyPercentile(50, route: nil)), ("p90", .latencyPercentile(90, route: nil)),
            ("p95", .latencyPercentile(95, route: nil)), ("p99", .latencyPercentile(99, route: nil)),
            ("apdex", .apdex), ("slow_rate", .slowRate), ("slow_requests", .slowRequests),
            ("undocumented_responses", .undocumentedResponses), ("undocumented_routes", .undocumentedRoutes),
        ]

        public var isRate: Bool {
            switch self {
            case .errorRate, .clientErrorRate, .serverErrorRate, .retriableRate, .apdex, .slowRate: return true
            default: return false
            }
        }

        /// Compared in milliseconds, written with a unit (`2s`, `800ms`).
        public var isDuration: Bool {
            if case .latencyPercentile = self { return true }
            return false
        }

        /// The canonical spelling, used in messages.
        public var name: String {
            switch self {
            case .code(let code): return "code:" + code
            case .status(let range): return "status:" + range.description
            case .category(let name): return "category:" + name
            case .latencyPercentile(let q, let route?): return "p\(q):" + route
            default: return Self.named.first { $0.1 == self }!.0
            }
        }
    }

    public enum Operator: String, Sendable, Equatable, CaseIterable {
        case greaterOrEqual = ">="
        case lessOrEqual = "<="
        case greater = ">"
        case less = "<"

        func holds(_ value: Double, _ limit: Double) -> Bool {
            switch self {
            case .greater: return value > limit
            case .greaterOrEqual: return value >= limit
            case .less: return value < limit
            case .lessOrEqual: return value <= limit
            }
        }
    }

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var expression: String
        public var problem: String
        public var description: String { "--fail-if '\(expression)': \(problem)" }
    }

    /// The expression as typed.
    public var text: String
    public var metric: Metric
    public var op: Operator
    /// A count, or a rate as a fraction.
    public var limit: Double

    public var description: String { text }

    static let grammar = "write METRIC>VALUE, METRIC>=VALUE, METRIC<VALUE or METRIC<=VALUE, e.g. error_rate>2%, server_errors>100"

    public static func parse(_ text: String) throws(ParseError) -> Threshold {
        func fail(_ problem: String) -> ParseError { ParseError(expression: text, problem: problem) }
        let chars = Array(text)
        guard let opIndex = chars.firstIndex(where: { $0 == ">" || $0 == "<" }) else {
            throw fail("no comparison; " + grammar)
        }
        let hasEquals = opIndex + 1 < chars.count && chars[opIndex + 1] == "="
        let op = Operator(rawValue: String(chars[opIndex]) + (hasEquals ? "=" : ""))!
        let left = String(chars[..<opIndex]).trimmingWhitespace()
        let right = String(chars[(opIndex + (hasEquals ? 2 : 1))...]).trimmingWhitespace()
        if right.contains(where: { $0 == ">" || $0 == "<" || $0 == "=" }) { throw fail("more than one comparison; " + grammar) }
        guard !left.isEmpty else { throw fail("no metric before '\(op.rawValue)'; " + grammar) }
        guard !right.isEmpty else { throw fail("no value after '\(op.rawValue)'; " + grammar) }

        let metric = try parseMetric(left, fail)
        let limit: Double
        if metric.isDuration {
            guard let micros = DurationText.micros(right) else {
                throw fail("'\(right)' is not a duration; write it with its unit, e.g. 2s, 800ms, 1.5s")
            }
            limit = DurationText.milliseconds(micros)
        } else if right.hasSuffix("%") {
            guard metric.isRate else {
                throw fail("\(metric.name) is a count, not a rate; compare it with a number (\(metric.name)>100)"
                           + (rateCounterpart(metric).map { ", or use \($0) for a percentage" } ?? ""))
            }
            guard let percent = Double(right.dropLast().trimmingWhitespace()), percent.isFinite, percent >= 0, percent <= 100 else {
                throw fail("'\(right)' is not a percentage between 0% and 100%")
            }
            limit = percent / 100
        } else if metric.isRate {
            guard let fraction = Double(right), fraction.isFinite, fraction >= 0 else {
                throw fail("'\(right)' is not a rate; write a percentage (2%) or a fraction (0.02)")
            }
            guard fraction <= 1 else {
                throw fail("a rate above 1 would never be crossed; write a percentage (\(right)%) or a fraction (0.02)")
            }
            limit = fraction
        } else {
            guard let count = Int64(right.removingUnderscores()), count >= 0 else {
                throw fail("'\(right)' is not a count (a whole number, 0 or more)")
            }
            limit = Double(count)
        }
        return Threshold(text: text, metric: metric, op: op, limit: limit)
    }

    private static func parseMetric(_ text: String, _ fail: (String) -> ParseError) throws(ParseError) -> Metric {
        let lower = text.lowercased()
        if let colon = text.firstIndex(of: ":") {
            let kind = String(text[..<colon]).trimmingWhitespace().lowercased()
            let value = String(text[text.index(after: colon)...]).trimmingWhitespace()
            guard !value.isEmpty else { throw fail("'\(kind):' needs a value, e.g. code:PROVIDER_ERROR, status:503, category:rate_limit") }
            switch kind {
            case "code": return .code(value)
            case "category": return .category(value)
            case "p50", "p90", "p95", "p99": return .latencyPercentile(Int(kind.dropFirst())!, route: value)
            case "status":
                guard let range = ReportFilters.status(value) else {
                    throw fail("'\(value)' is not a status; use 503, 5xx or 500-504")
                }
                return .status(range)
            default:
                throw fail("unknown metric '\(text)'; \(knownMetrics)")
            }
        }
        if let (_, metric) = Metric.named.first(where: { $0.0 == lower }) { return metric }
        if ReportFilters.status(lower) != nil { throw fail("unknown metric '\(text)'; did you mean status:\(text)? \(knownMetrics)") }
        throw fail("unknown metric '\(text)'; \(knownMetrics)")
    }

    static var knownMetrics: String {
        "known: " + Metric.named.map(\.0).joined(separator: ", ") + ", code:CODE, status:NNN|Nxx, category:NAME, p95:ROUTE"
    }

    private static func rateCounterpart(_ metric: Metric) -> String? {
        switch metric {
        case .errors: return "error_rate"
        case .clientErrors: return "client_error_rate"
        case .serverErrors: return "server_error_rate"
        case .retriable: return "retriable_rate"
        default: return nil
        }
    }

    /// The value of this threshold's metric in `report`.
    public func measure(_ report: Report) -> Double {
        let t = report.totals
        switch metric {
        case .requests: return Double(t.requests)
        case .errors: return Double(t.errors)
        case .clientErrors: return Double(t.clientErrors)
        case .serverErrors: return Double(t.serverErrors)
        case .retriable: return Double(t.retriable)
        case .fatal: return Double(t.fatal)
        case .errorRate: return t.errorRate
        case .clientErrorRate: return t.clientErrorRate
        case .serverErrorRate: return t.serverErrorRate
        case .retriableRate: return t.retriableRate
        case .malformedLines: return Double(t.malformedLines)
        case .unknownCodes: return Double(report.unknownCodes.reduce(0) { $0 + $1.count })
        case .statusDrift: return Double(report.statusDrift.reduce(0) { $0 + $1.count })
        case .undocumentedResponses: return Double(report.contract?.undocumentedResponseCount ?? 0)
        case .undocumentedRoutes: return Double(report.contract?.undocumentedRouteRequests ?? 0)
        case .code(let code):
            return Double(report.codes.filter { $0.code.caseInsensitiveEquals(code) }.reduce(0) { $0 + $1.count })
        case .status(let range):
            return Double(report.byStatus.filter { range.contains($0.status) }.reduce(0) { $0 + $1.count })
        case .category(let name):
            return Double(report.byCategory.filter { $0.category.caseInsensitiveEquals(name) }.reduce(0) { $0 + $1.count })
        case .latencyPercentile(let q, let route):
            let micros = route.map { report.latency.percentile(Double(q) / 100, routes: $0) }
                ?? report.latency.histogram.percentile(Double(q) / 100)
            return DurationText.milliseconds(micros ?? 0)
        case .apdex: return report.latency.apdex.score
        case .slowRate: return report.latency.slowShare
        case .slowRequests: return Double(report.latency.slow)
        }
    }

    public func evaluate(_ report: Report) -> ThresholdResult {
        let value = measure(report)
        return ThresholdResult(threshold: self, value: value, crossed: op.holds(value, limit))
    }
}

/// How a report measured against one threshold.
public struct ThresholdResult: Sendable, Equatable {
    public var threshold: Threshold
    public var value: Double
    public var crossed: Bool

    /// `error_rate is 3.41%`, `server_errors is 120`.
    public var measured: String {
"\(threshold.metric.name) is \(threshold.metric.isDuration ? DurationText.human(Int64((value * 1000).rounded())) : threshold.metric == .apdex ? JSONWriter.number(value) : threshold.metric.isRate ? HumanNumber.percent(value) : HumanNumber.count(Int64(value)))"
    }

    /// `error_rate>2% (error_rate is 3.41%)`.
    public var message: String { "\(threshold.text) (\(measured))" }
}

extension String {
    /// `10_000` → `10000`, as Swift and many shells' users write large numbers.
    func removingUnderscores() -> String { filter { $0 != "_" } }
}
