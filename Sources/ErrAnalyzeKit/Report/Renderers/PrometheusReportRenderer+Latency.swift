/// Latency for Prometheus as a histogram (`_bucket{le=…}`, `_sum`, `_count`), not as
/// summary quantiles: quantiles computed on one host cannot be combined with another's,
/// while histogram buckets from every host's textfile add up, and `histogram_quantile()`
/// gives the fleet's p95. The `le` bounds are bounds of the stored layout (`LatencyBuckets`),
/// so each cumulative count is exact; `erranalyze_apdex` and the slow share come as gauges.
extension PrometheusReportRenderer {
    /// Seconds; every one is a `LatencyBuckets` bound.
    static let latencyBounds: [(le: String, micros: Int64)] = [
        ("0.005", 5_000), ("0.01", 10_000), ("0.025", 25_000), ("0.05", 50_000), ("0.1", 100_000), ("0.25", 250_000),
        ("0.5", 500_000), ("1", 1_000_000), ("2.5", 2_500_000), ("5", 5_000_000), ("10", 10_000_000),
    ]

    static func latency(_ report: Report, scope: String) -> String {
        let l = report.latency
        guard l.available else { return "" }
        let name = "erranalyze_request_duration_seconds"
        var out = "# HELP \(name) Durations of the requests \(scope) that logged one (cumulative buckets; histogram_quantile() gives percentiles).\n"
        out += "# TYPE \(name) histogram\n"
        for bound in latencyBounds {
            out += "\(name)_bucket{le=\"\(bound.le)\"} \(l.histogram.count(atMost: bound.micros).count)\n"
        }
        out += "\(name)_bucket{le=\"+Inf\"} \(l.histogram.total)\n"
        out += "\(name)_sum \(JSONWriter.number(Double(l.durationSum) / 1_000_000))\n"
        out += "\(name)_count \(l.histogram.total)\n"
        out += "# HELP erranalyze_apdex Apdex score \(scope) at T = \(DurationText.human(l.apdex.threshold)).\n# TYPE erranalyze_apdex gauge\n"
        out += "erranalyze_apdex \(JSONWriter.number(l.apdex.score))\n"
        out += "# HELP erranalyze_slow_requests Requests \(scope) slower than \(DurationText.human(l.slowThreshold)).\n# TYPE erranalyze_slow_requests gauge\n"
        out += "erranalyze_slow_requests \(l.slow)\n"
        return out
    }
}
