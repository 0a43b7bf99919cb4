/// Builds the report's latency section from the store's histograms (`LatencyReportStore`) and
/// the traffic groups already read (their exact duration sums give the means).
enum LatencySection {
    /// What a log needs so that erranalyze can read durations, said when none were found.
    static let howToLogDurations = "no request in this window logged a duration: add $request_time to the nginx log_format, "
        + "%D (microseconds) or %T to the Apache LogFormat, keep request_processing_time/target_processing_time/"
        + "response_processing_time in ALB logs, or map a JSON field with --json-fields duration=PATH (duration, duration_ms, "
        + "request_time…); then ingest again"

    static func outcome(_ status: Int) -> String {
        status >= 500 ? "5xx" : status >= 400 ? "4xx" : "2xx/3xx"
    }
    static let outcomeOrder = ["2xx/3xx", "4xx", "5xx"]

    struct RouteKey: Hashable { var method: String; var route: String }

    static func build(store: any LatencyReportStore, hours: HourWindow, options: ReportOptions, traffic: [TrafficGroup],
                      minRequests: Int64) throws -> Report.Latency {
        var latency = Report.Latency()
        latency.slowThreshold = options.slowMicros
        latency.apdex.threshold = options.apdexMicros
        guard options.filter.codes.isEmpty else {
            latency.note = "durations are not kept per error code: the latency section is left out with --code"
            return latency
        }
        let version = try store.latencyLayoutVersion()
        guard version == LatencyBuckets.layoutVersion else {
            latency.note = "the stored histograms use bucket layout \(version), this erranalyze reads layout \(LatencyBuckets.layoutVersion)"
            return latency
        }
        let groups = try store.latencyGroups(in: hours, matching: options.filter)

        // Exact sums of durations, per route and outcome, from the traffic rows.
        var sums: [RouteKey: [String: (sum: Int64, timed: Int64)]] = [:]
        var outcomeSums: [String: (sum: Int64, timed: Int64)] = [:]
        var timedInTraffic: Int64 = 0
        for g in traffic where g.counts.timedRequests > 0 {
            let o = outcome(g.status)
            sums[RouteKey(method: g.method, route: g.route), default: [:]][o, default: (0, 0)].sum += g.counts.durationMicros
            sums[RouteKey(method: g.method, route: g.route), default: [:]][o, default: (0, 0)].timed += g.counts.timedRequests
            outcomeSums[o, default: (0, 0)].sum += g.counts.durationMicros
            outcomeSums[o, default: (0, 0)].timed += g.counts.timedRequests
            timedInTraffic += g.counts.timedRequests
        }

        var overall = LatencyHistogram()
        var byOutcome: [String: LatencyHistogram] = [:]
        var byRoute: [RouteKey: LatencyHistogram] = [:]
        var byRouteOutcome: [RouteKey: [String: LatencyHistogram]] = [:]
        var routeOrder: [RouteKey] = []
        for g in groups {
            let key = RouteKey(method: g.method, route: g.route)
            let o = outcome(g.status)
            overall.add(bucket: g.bucket, g.requests)
            byOutcome[o, default: LatencyHistogram()].add(bucket: g.bucket, g.requests)
            if byRoute[key] == nil { routeOrder.append(key); byRoute[key] = LatencyHistogram() }
            byRoute[key]!.add(bucket: g.bucket, g.requests)
            byRouteOutcome[key, default: [:]][o, default: LatencyHistogram()].add(bucket: g.bucket, g.requests)
        }
        guard !overall.isEmpty else {
            latency.note = timedInTraffic > 0
                ? "\(HumanNumber.count(timedInTraffic)) requests in this window have durations, ingested before latency histograms existed (schema 6): only what is ingested from now on has percentiles"
                : howToLogDurations
            return latency
        }
        latency.available = true
        if timedInTraffic > overall.total {
            latency.note = "\(HumanNumber.count(timedInTraffic - overall.total)) timed requests ingested before latency histograms existed (schema 6) are not in these percentiles"
        }
        let total = outcomeSums.values.reduce((sum: Int64(0), timed: Int64(0))) { ($0.sum + $1.sum, $0.timed + $1.timed) }
        latency.histogram = overall
        latency.durationSum = total.sum
        latency.overall = Report.Latency.Stats(overall, sum: total.sum, timed: total.timed)
        latency.outcomes = outcomeOrder.compactMap { o in
            guard let h = byOutcome[o] else { return nil }
            return Report.Latency.Outcome(outcome: o, stats: Report.Latency.Stats(h, sum: outcomeSums[o]?.sum, timed: outcomeSums[o]?.timed))
        }

        // Slow requests: those above the threshold; exact when it is a bucket bound.
        let (fastEnough, slowExact) = overall.count(atMost: options.slowMicros)
        latency.slow = overall.total - fastEnough
        latency.slowExact = slowExact
        let (satisfied, tExact) = overall.count(atMost: options.apdexMicros)
        let (tolerable, fourTExact) = overall.count(atMost: options.apdexMicros * 4)
        latency.apdex = Report.Latency.Apdex(threshold: options.apdexMicros, satisfied: satisfied, tolerating: tolerable - satisfied,
                                             frustrated: overall.total - tolerable, exact: tExact && fourTExact)

        var routes: [Report.Latency.Route] = []
        for key in routeOrder {
            let h = byRoute[key]!
            let routeSums = sums[key] ?? [:]
            let timed = routeSums.values.reduce((sum: Int64(0), timed: Int64(0))) { ($0.sum + $1.sum, $0.timed + $1.timed) }
            let outcomes = outcomeOrder.compactMap { o -> Report.Latency.Outcome? in
                guard let oh = byRouteOutcome[key]?[o] else { return nil }
                return Report.Latency.Outcome(outcome: o, stats: Report.Latency.Stats(oh, sum: routeSums[o]?.sum, timed: routeSums[o]?.timed))
            }
            routes.append(Report.Latency.Route(method: key.method, route: key.route, stats: Report.Latency.Stats(h, sum: timed.sum, timed: timed.timed),
                                               outcomes: outcomes, slow: h.total - h.count(atMost: options.slowMicros).count))
            latency.routeHistograms.append(Report.Latency.RouteHistogram(method: key.method, route: key.route, histogram: h))
        }
        func nameOrder(_ a: Report.Latency.Route, _ b: Report.Latency.Route) -> Bool {
            if a.route != b.route { return a.route.utf8.lexicographicallyPrecedes(b.route.utf8) }
            return a.method.utf8.lexicographicallyPrecedes(b.method.utf8)
        }
        latency.routes = Array(routes.filter { $0.stats.count >= minRequests }
            .sorted { $0.stats.p95 != $1.stats.p95 ? $0.stats.p95 > $1.stats.p95
                      : $0.stats.count != $1.stats.count ? $0.stats.count > $1.stats.count : nameOrder($0, $1) }
            .prefix(options.top))
        latency.slowRoutes = Array(routes.filter { $0.slow > 0 }
            .sorted { $0.slow != $1.slow ? $0.slow > $1.slow : nameOrder($0, $1) }
            .prefix(options.top)
            .map { Report.Latency.SlowRoute(method: $0.method, route: $0.route, slow: $0.slow, requests: $0.stats.count) })

        var hourly: [Int32: LatencyHistogram] = [:]
        for row in try store.hourlyLatency(in: hours, matching: options.filter) {
            hourly[row.hour, default: LatencyHistogram()].add(bucket: row.bucket, row.requests)
        }
        latency.timeline = hourly.keys.sorted().map { hour in
            let h = hourly[hour]!
            return Report.Latency.Hour(start: Int64(hour) * 3600, count: h.total, p50: h.percentile(0.5) ?? 0,
                                       p95: h.percentile(0.95) ?? 0, p99: h.percentile(0.99) ?? 0)
        }
        return latency
    }
}
