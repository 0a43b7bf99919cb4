/// `report --format prometheus`: the text exposition format, for node_exporter's textfile
/// collector (write it to `*.prom` with `--output`, which replaces the file atomically).
///
/// Over all data (no window) the sums only grow as logs are ingested, so they are typed as
/// counters and `rate()` applies; over a window (`--since`, `--day`) they are the window's
/// sums, typed as gauges. The names stay the same either way.
public struct PrometheusReportRenderer {
    public init() {}

    public func render(_ report: Report) -> String {
        let open = report.window.since == nil && report.window.until == nil
        let sumType = open ? "counter" : "gauge"
        var out = ""
        func family(_ name: String, _ help: String, _ type: String, _ samples: [(labels: [(String, String)], value: String)]) {
            guard !samples.isEmpty else { return }
            out += "# HELP \(name) \(Self.escapeHelp(help))\n"
            out += "# TYPE \(name) \(type)\n"
            for sample in samples {
                let labels = sample.labels.isEmpty ? ""
                    : "{" + sample.labels.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
                out += "\(name)\(labels) \(sample.value)\n"
            }
        }
        func int(_ n: Int64) -> String { String(n) }
        func number(_ d: Double) -> String { JSONWriter.number(d) }

        let t = report.totals
        let scope = open ? "ingested so far" : "in the report window"
        family("erranalyze_requests_total", "Requests \(scope).", sumType, [([], int(t.requests))])
        family("erranalyze_errors_total", "Error responses (status >= 400) \(scope), by status, code, category and retriability.", sumType,
               report.errorSeries.map { s in
                   ([("status", String(s.status)), ("code", s.code), ("category", s.category), ("retriable", s.retriable ? "true" : "false")],
                    int(s.count))
               })
        family("erranalyze_responses_total", "Responses \(scope), by status.", sumType,
               report.byStatus.sorted { $0.status < $1.status }.map { ([("status", String($0.status))], int($0.count)) })
        family("erranalyze_retriable_errors_total", "Errors a client may retry \(scope).", sumType, [([], int(t.retriable))])
        family("erranalyze_fatal_errors_total", "Errors a client must not retry unchanged, \(scope).", sumType, [([], int(t.fatal))])
        family("erranalyze_malformed_lines_total", "Log lines that could not be read \(scope).", sumType, [([], int(t.malformedLines))])
        family("erranalyze_error_rate", "Errors divided by requests \(scope).", "gauge", [([], number(t.errorRate))])
        family("erranalyze_retriable_rate", "Retriable errors divided by requests \(scope).", "gauge", [([], number(t.retriableRate))])
        family("erranalyze_retriable_without_idempotency_key_errors",
               "Errors on non-idempotent requests without an Idempotency-Key that would be retriable with one, \(scope).",
               "gauge", [([], int(report.retriableWithoutIdempotencyKey.errors))])
        family("erranalyze_route_requests", "Requests \(scope) on the routes with the most errors (top \(report.top)).", "gauge",
               report.routes.map { ([("method", $0.method), ("route", $0.route)], int($0.requests)) })
        family("erranalyze_route_errors", "Errors \(scope) on the routes with the most errors (top \(report.top)).", "gauge",
               report.routes.map { ([("method", $0.method), ("route", $0.route)], int($0.errors)) })
        family("erranalyze_host_requests", "Requests \(scope) per host, on the hosts with the most errors (top \(report.top)).", "gauge",
               report.hosts.map { ([("host", $0.host)], int($0.requests)) })
        family("erranalyze_host_errors", "Errors \(scope) per host, on the hosts with the most errors (top \(report.top)).", "gauge",
               report.hosts.map { ([("host", $0.host)], int($0.errors)) })
        family("erranalyze_host_server_errors", "5xx responses \(scope) per host, on the hosts with the most errors (top \(report.top)).",
               "gauge", report.hosts.map { ([("host", $0.host)], int($0.serverErrors)) })
        family("erranalyze_unknown_code_errors", "Errors \(scope) with a code no active catalogue defines.", "gauge",
               report.unknownCodes.map { ([("code", $0.code), ("status", String($0.status))], int($0.count)) })
        family("erranalyze_status_drift_errors", "Errors \(scope) whose code was sent with a status its catalogue does not document.", "gauge",
               report.statusDrift.map { ([("code", $0.code), ("status", String($0.status))], int($0.count)) })
        if let contract = report.contract {
            family("erranalyze_undocumented_responses", "Responses \(scope) that the API's OpenAPI document does not declare for their operation.", "gauge",
                   contract.undocumentedResponses.map { u in
                       ([("method", u.method), ("route", u.route), ("status", String(u.status)), ("code", u.code ?? ""), ("kind", u.kind.rawValue)],
                        int(u.count))
                   })
            family("erranalyze_undocumented_route_requests", "Requests \(scope) on routes the API's OpenAPI document does not describe.", "gauge",
                   contract.undocumentedRoutes.map { ([("method", $0.method), ("route", $0.route)], int($0.requests)) })
        }
        if let since = report.window.since {
            family("erranalyze_report_window_start_seconds", "Start of the report window, in seconds since the epoch.", "gauge",
                   [([], int(since))])
        }
        if let until = report.window.until {
            family("erranalyze_report_window_end_seconds", "End of the report window (exclusive), in seconds since the epoch.", "gauge",
                   [([], int(until))])
        }
        out += Self.latency(report, scope: scope)
        family("erranalyze_threshold_crossed", "1 when a --fail-if threshold is crossed, else 0.", "gauge",
               report.thresholds.map { ([("expression", $0.threshold.text)], $0.crossed ? "1" : "0") })
        return out
    }

    /// Label values: backslash, double quote and line feed are escaped.
    static func escapeLabel(_ value: String) -> String {
        var out = ""
        for ch in value.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// HELP text: backslash and line feed are escaped.
    static func escapeHelp(_ value: String) -> String {
        var out = ""
        for ch in value.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
