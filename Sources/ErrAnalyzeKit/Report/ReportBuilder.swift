import Foundation

/// What to report on.
public struct ReportOptions: Sendable {
    public var window: Report.Window
    /// How many rows the ranked sections (routes, clients, hosts) keep.
    public var top: Int
    /// Restricts every section to part of the traffic (malformed input to the hosts only).
    public var filter: TrafficFilter
    /// The least requests a route needs to be ranked by error rate.
    public var minRequests: Int64
    /// Also measure the window before this one, of equal length.
    public var compare: Bool
    /// The present, in UTC seconds: the end of a window given only a start, for `compare`.
    public var now: Int64?
    /// The zone renderers show times in.
    public var timeZone: TimeZone
    /// `--fail-if` thresholds to evaluate against the report.
    public var thresholds: [Threshold]
    /// Requests slower than this (microseconds) count as slow (`--slow`).
    public var slowMicros: Int64 = 1_000_000
    /// Apdex T in microseconds (`--apdex-t`): satisfied ≤ T, tolerating ≤ 4T.
    public var apdexMicros: Int64 = 300_000
    /// The API's own description (`--openapi`): undocumented responses and routes.
    public var contract: APIContract?

    public init(window: Report.Window = Report.Window(), top: Int = 10, filter: TrafficFilter = TrafficFilter(),
                minRequests: Int64 = 20, compare: Bool = false, now: Int64? = nil,
                timeZone: TimeZone = TimeZone(identifier: "UTC")!, thresholds: [Threshold] = []) {
        self.window = window
        self.top = top
        self.filter = filter
        self.minRequests = minRequests
        self.compare = compare
        self.now = now
        self.timeZone = timeZone
        self.thresholds = thresholds
    }
}

/// Asks the store for a window's aggregates and classifies them with the catalogue, at
/// report time, so that a catalogue change applies to everything already ingested.
public struct ReportBuilder {
    private let store: any ReportStore
    private let classifier: Classifier

    public init(store: any ReportStore, classifier: Classifier) {
        self.store = store
        self.classifier = classifier
    }

    /// Methods whose requests may be repeated without changing the outcome (RFC 9110 §9.2.2);
    /// an empty method (not logged) is given the benefit of the doubt.
    static let idempotentMethods: Set<String> = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE", ""]

    /// The whole hours that a window touches (aggregates are hourly).
    public static func hours(of window: Report.Window) -> HourWindow {
        HourWindow(first: window.since.map(floorHour), last: window.until.map { floorHour($0 - 1) })
    }

    /// The window a report counts, and so the one it shows: `hours` in seconds. A window asked
    /// for is widened to whole UTC hours, by minutes (`--since 90m`) or, in a half-hour zone,
    /// by half an hour at each end (`--day` in Asia/Kolkata counts 25 hours).
    public static func window(of hours: HourWindow) -> Report.Window {
        Report.Window(since: hours.first.map { Int64($0) * 3600 }, until: hours.last.map { (Int64($0) + 1) * 3600 })
    }

    static func floorHour(_ t: Int64) -> Int32 { Int32(t >= 0 ? t / 3600 : (t - 3599) / 3600) }

    /// The window of equal length (in whole hours) just before `hours`, or nil when `hours`
    /// has no start or no end (and `now` gives none).
    public static func previousHours(of hours: HourWindow, now: Int64?) -> HourWindow? {
        guard let first = hours.first, let last = hours.last ?? now.map({ floorHour($0 - 1) }), last >= first else { return nil }
        let length = last - first + 1
        return HourWindow(first: first - length, last: first - 1)
    }

    /// Builds the report from one snapshot of the store: while an ingest commits, every
    /// section (totals, timeline, clients, malformed lines) counts the same commits.
    public func build(_ options: ReportOptions) throws -> Report {
        try store.snapshot { try assemble(options) }
    }

    private func assemble(_ options: ReportOptions) throws -> Report {
        let hours = Self.hours(of: options.window)
        var report = Report(window: Self.window(of: hours))
        report.catalogues = classifier.catalogueSet.catalogues.map(\.name)
        report.filter = options.filter
        report.timeZone = options.timeZone
        report.top = options.top
        report.minRequests = options.minRequests

        let groups = try store.trafficGroups(in: hours).filter(options.filter.matches)
        let current = tally(groups)
        report.totals.requests = current.totals.requests
        report.totals.errors = current.totals.errors
        report.totals.clientErrors = current.totals.clientErrors
        report.totals.serverErrors = current.totals.serverErrors
        report.totals.retriable = current.totals.retriable
        report.totals.fatal = current.totals.fatal
        report.retriableWithoutIdempotencyKey = current.withoutKey

        let errors = report.totals.errors
        report.byStatus = current.statuses.map { Report.StatusCount(status: $0.key, count: $0.value) }
            .sorted { ($0.count, -$0.status) > ($1.count, -$1.status) }
        var classes: [Int: Int64] = [:]
        for (status, count) in current.statuses { classes[status / 100, default: 0] += count }
        report.byStatusClass = classes.sorted { $0.key < $1.key }.map { Report.StatusClassCount(statusClass: "\($0.key)xx", count: $0.value) }
        report.byCategory = current.categories.values.sorted { ($0.count, $1.category) > ($1.count, $0.category) }
        report.codes = current.codes.values.map { entry -> Report.CodeCount in
            var entry = entry
            entry.share = errors == 0 ? 0 : Double(entry.count) / Double(errors)
            return entry
        }.sorted { ($0.count, $1.code, $1.status) > ($1.count, $0.code, $0.status) }
        report.unknownCodes = report.codes.filter { !$0.known }.map { Report.UnknownCode(code: $0.code, status: $0.status, count: $0.count) }
        report.statusDrift = report.codes.compactMap { entry in
            let c = classifier.classify(ClassificationInput(status: entry.status, code: entry.code, method: ""))
            guard c.isStatusDrift(status: entry.status) else { return nil }
            return Report.StatusDrift(code: entry.code, status: entry.status, documentedStatuses: c.documentedStatuses, count: entry.count)
        }
        report.errorSeries = current.series.values.sorted {
            ($0.status, $0.code, $0.category, $0.retriable ? 1 : 0) < ($1.status, $1.code, $1.category, $1.retriable ? 1 : 0)
        }
        let routes = Array(current.routes.values)
        report.routes = Array(routes.filter { $0.errors > 0 }
            .sorted { ($0.errors, $0.requests, $1.route, $1.method) > ($1.errors, $1.requests, $0.route, $0.method) }
            .prefix(options.top))
        report.routesByRate = Array(routes.filter { $0.errors > 0 && $0.requests >= options.minRequests }
            .sorted { lhs, rhs in
                // Compared as cross products so that equal rates (1/2 and 2/4) tie exactly.
                let l = lhs.errors * rhs.requests, r = rhs.errors * lhs.requests
                if l != r { return l > r }
                return (lhs.errors, rhs.route, rhs.method) > (rhs.errors, lhs.route, lhs.method)
            }
            .prefix(options.top))

        report.hostsSeen = current.hosts.count
        report.hosts = Array(current.hosts.values.sorted {
            ($0.errors, $0.requests, $1.host) > ($1.errors, $1.requests, $0.host)
        }.prefix(options.top))

        report.timeline = try timeline(hours: hours, filter: options.filter)
        if let latencyStore = store as? any LatencyReportStore {
            report.latency = try LatencySection.build(store: latencyStore, hours: hours, options: options, traffic: groups,
                                                      minRequests: options.minRequests)
            let p95ByHour = Dictionary(uniqueKeysWithValues: report.latency.timeline.map { ($0.start, $0.p95) })
            for index in report.timeline.indices { report.timeline[index].p95 = p95ByHour[report.timeline[index].start] }
        }
        // Clients are counted per hour and host, without route, method, status or code: only
        // a host filter can narrow them.
        if !options.filter.restrictsRequests {
            report.clients = try clientErrors(in: hours, limit: options.top, matching: options.filter)
                .map { Report.ClientCount(client: $0.client, errors: $0.errors, rateLimited: $0.rateLimited) }
            report.rateLimitedClients = try rateLimitedClients(in: hours, limit: options.top, matching: options.filter)
                .map { Report.ClientCount(client: $0.client, errors: $0.errors, rateLimited: $0.rateLimited) }
        } else {
            report.clientsAvailable = false
        }
        report.malformed = try malformedSummary(in: hours, matching: options.filter)
        report.totals.malformedLines = report.malformed.total

        if options.compare, let previous = Self.previousHours(of: hours, now: options.now) {
            let before = tally(try store.trafficGroups(in: previous).filter(options.filter.matches))
            var totals = before.totals
            totals.malformedLines = try malformedSummary(in: previous, matching: options.filter).total
            report.comparison = Report.Comparison(
                window: Report.Window(since: Int64(previous.first!) * 3600, until: (Int64(previous.last!) + 1) * 3600),
                totals: totals)
            for index in report.codes.indices {
                let code = report.codes[index]
                report.codes[index].previousCount = before.codes[CodeKey(code: code.code, status: code.status)]?.count ?? 0
            }
        }

        if let contract = options.contract { report.contract = ContractCheck(contract: contract).findings(for: groups) }
        report.thresholds = options.thresholds.map { $0.evaluate(report) }
        return report
    }

    struct CodeKey: Hashable { var code: String; var status: Int }
    struct RouteKey: Hashable { var method: String; var route: String }
    struct SeriesKey: Hashable { var status: Int; var code: String; var category: String; var retriable: Bool }

    /// Everything that adds up over traffic groups.
    struct Tally {
        var totals = Report.Totals()
        var statuses: [Int: Int64] = [:]
        var categories: [String: Report.CategoryCount] = [:]
        var codes: [CodeKey: Report.CodeCount] = [:]
        var routes: [RouteKey: Report.RouteCount] = [:]
        var series: [SeriesKey: Report.ErrorSeries] = [:]
        var withoutKey = Report.RetriableWithoutIdempotencyKey()
        var hosts: [String: Report.HostCount] = [:]
        /// Errors per host and (code, status), for each host's top code.
        var hostCodes: [String: [CodeKey: Int64]] = [:]
    }

    private func tally(_ groups: [TrafficGroup]) -> Tally {
        var t = Tally()
        for group in groups {
            let n = group.counts.requests
            t.totals.requests += n
            t.hosts[group.host, default: Report.HostCount(host: group.host)].requests += n
            t.statuses[group.status, default: 0] += n
            let routeKey = RouteKey(method: group.method, route: group.route)
            t.routes[routeKey, default: Report.RouteCount(method: group.method, route: group.route, requests: 0, errors: 0)].requests += n
            guard group.status >= 400 else { continue }

            let keySent = group.flags & TrafficFlags.idempotencyKey != 0
            let input = ClassificationInput(status: group.status, code: group.code, method: group.method,
                                            idempotencyKeySent: keySent,
                                            retryAfterSent: group.flags & TrafficFlags.retryAfter != 0)
            let c = classifier.classify(input)
            t.totals.errors += n
            if group.status < 500 { t.totals.clientErrors += n } else { t.totals.serverErrors += n }
            let retriable = c.retriable ? n : 0
            t.totals.retriable += retriable
            t.totals.fatal += n - retriable
            t.routes[routeKey]!.errors += n
            t.hosts[group.host]!.add(errors: n, status: group.status, retriable: retriable)

            // A mutation without a key: would the catalogue let the client retry with one?
            if !keySent && !Self.idempotentMethods.contains(group.method.uppercased()) {
                var withKey = input
                withKey.idempotencyKeySent = true
                if c.retriable || classifier.classify(withKey).retriable {
                    t.withoutKey.errors += n
                    if !c.retriable { t.withoutKey.notRetriable += n }
                }
            }

            var category = t.categories[c.category] ?? Report.CategoryCount(category: c.category, count: 0, retriable: 0, fatal: 0)
            category.count += n
            category.retriable += retriable
            category.fatal += n - retriable
            t.categories[c.category] = category

            let seriesKey = SeriesKey(status: group.status, code: group.code ?? "", category: c.category, retriable: c.retriable)
            t.series[seriesKey, default: Report.ErrorSeries(status: group.status, code: group.code ?? "", category: c.category,
                                                            retriable: c.retriable, count: 0)].count += n

            if let code = group.code {
                let key = CodeKey(code: code, status: group.status)
                t.hostCodes[group.host, default: [:]][key, default: 0] += n
                var entry = t.codes[key] ?? Report.CodeCount(
                    code: code, status: group.status, count: 0, share: 0, category: c.category, retriable: 0, fatal: 0,
                    known: c.knownCode, meaning: c.meaning, advice: c.advice, catalogue: c.catalogue)
                entry.count += n
                entry.retriable += retriable
                entry.fatal += n - retriable
                t.codes[key] = entry
            }
        }
        // Of every error a client could retry (now, or with a key), the share held back by a missing key.
        let retriableKind = t.totals.retriable + t.withoutKey.notRetriable
        t.withoutKey.share = retriableKind == 0 ? 0 : Double(t.withoutKey.errors) / Double(retriableKind)
        for (host, codes) in t.hostCodes {
            // Ranked as the codes section is: most errors, then code and status.
            guard let top = codes.max(by: { ($0.value, $1.key.code, $1.key.status) < ($1.value, $0.key.code, $0.key.status) }) else { continue }
            t.hosts[host]!.topCode = Report.HostCount.TopCode(code: top.key.code, status: top.key.status, count: top.value)
        }
        return t
    }

    // MARK: Questions restricted to hosts

    private func clientErrors(in hours: HourWindow, limit: Int, matching filter: TrafficFilter) throws -> [ClientErrorTotal] {
        try store.clientErrors(in: hours, limit: limit, matching: filter)
    }

    private func rateLimitedClients(in hours: HourWindow, limit: Int, matching filter: TrafficFilter) throws -> [ClientErrorTotal] {
        try store.rateLimitedClients(in: hours, limit: limit, matching: filter)
    }

    private func malformedSummary(in hours: HourWindow, matching filter: TrafficFilter) throws -> MalformedSummary {
        try store.malformedSummary(in: hours, matching: filter)
    }

    /// Hourly requests and errors, with empty hours filled in so that gaps show.
    private func timeline(hours: HourWindow, filter: TrafficFilter) throws -> [Report.TimelinePoint] {
        let counts = filter.isEmpty ? try store.hourlyStatusCounts(in: hours)
                                    : try store.hourlyStatusCounts(in: hours, matching: filter)
        var byHour: [Int32: (Int64, Int64)] = [:]
        for c in counts {
            var value = byHour[c.hour] ?? (0, 0)
            value.0 += c.requests
            if c.status >= 400 { value.1 += c.requests }
            byHour[c.hour] = value
        }
        guard let dataFirst = byHour.keys.min(), let dataLast = byHour.keys.max() else { return [] }
        // A closed window is shown whole (a day has 24 cells, quiet hours included); an open
        // one runs from the first data, or the window's start if later, to the last data.
        // Empty hours inside are kept so that gaps show.
        let start = hours.last != nil ? (hours.first ?? dataFirst) : max(hours.first ?? dataFirst, dataFirst)
        let end = hours.last ?? dataLast
        guard start <= end, end - start < 24 * 400 else {
            return byHour.keys.sorted().map { Report.TimelinePoint(start: Int64($0) * 3600, requests: byHour[$0]!.0, errors: byHour[$0]!.1) }
        }
        return (start...end).map { hour in
            let value = byHour[hour] ?? (0, 0)
            return Report.TimelinePoint(start: Int64(hour) * 3600, requests: value.0, errors: value.1)
        }
    }
}

extension Report.HostCount {
    /// Counts `n` error responses with `status`, of which `retriable` a client may retry.
    fileprivate mutating func add(errors n: Int64, status: Int, retriable: Int64) {
        errors += n
        if status < 500 { clientErrors += n } else { serverErrors += n }
        self.retriable += retriable
        fatal += n - retriable
    }
}
