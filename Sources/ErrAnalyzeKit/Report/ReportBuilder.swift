/// What to report on.
public struct ReportOptions: Sendable {
    public var window: Report.Window
    /// How many rows the ranked sections (routes, clients) keep.
    public var top: Int

    public init(window: Report.Window = Report.Window(), top: Int = 10) {
        self.window = window
        self.top = top
    }
}

/// Asks the store for a window's aggregates and classifies them with the catalogue, at
/// report time, so that a catalogue change applies to everything already ingested.
public struct ReportBuilder {
    private let store: AggregateStore
    private let classifier: Classifier

    public init(store: AggregateStore, classifier: Classifier) {
        self.store = store
        self.classifier = classifier
    }

    /// The whole hours that a window touches (aggregates are hourly).
    public static func hours(of window: Report.Window) -> HourWindow {
        func floorHour(_ t: Int64) -> Int32 { Int32(t >= 0 ? t / 3600 : (t - 3599) / 3600) }
        return HourWindow(first: window.since.map(floorHour), last: window.until.map { floorHour($0 - 1) })
    }

    public func build(_ options: ReportOptions) throws -> Report {
        let hours = Self.hours(of: options.window)
        var report = Report(window: options.window)
        let groups = try store.trafficGroups(in: hours)

        var statuses: [Int: Int64] = [:]
        var categories: [String: Report.CategoryCount] = [:]
        struct CodeKey: Hashable { var code: String; var status: Int }
        var codes: [CodeKey: Report.CodeCount] = [:]
        struct RouteKey: Hashable { var method: String; var route: String }
        var routes: [RouteKey: Report.RouteCount] = [:]

        for group in groups {
            let n = group.counts.requests
            report.totals.requests += n
            statuses[group.status, default: 0] += n
            let routeKey = RouteKey(method: group.method, route: group.route)
            routes[routeKey, default: Report.RouteCount(method: group.method, route: group.route, requests: 0, errors: 0)].requests += n
            guard group.status >= 400 else { continue }

            let input = ClassificationInput(status: group.status, code: group.code, method: group.method,
                                            idempotencyKeySent: group.flags & TrafficFlags.idempotencyKey != 0,
                                            retryAfterSent: group.flags & TrafficFlags.retryAfter != 0)
            let c = classifier.classify(input)
            report.totals.errors += n
            if group.status < 500 { report.totals.clientErrors += n } else { report.totals.serverErrors += n }
            let retriable = c.retriable ? n : 0
            report.totals.retriable += retriable
            report.totals.fatal += n - retriable
            routes[routeKey]!.errors += n

            var category = categories[c.category] ?? Report.CategoryCount(category: c.category, count: 0, retriable: 0, fatal: 0)
            category.count += n
            category.retriable += retriable
            category.fatal += n - retriable
            categories[c.category] = category

            if let code = group.code {
                let key = CodeKey(code: code, status: group.status)
                var entry = codes[key] ?? Report.CodeCount(
                    code: code, status: group.status, count: 0, share: 0, category: c.category, retriable: 0, fatal: 0,
                    known: c.knownCode, meaning: c.meaning, advice: c.advice, catalogue: c.catalogue)
                entry.count += n
                entry.retriable += retriable
                entry.fatal += n - retriable
                codes[key] = entry
            }
        }

        let errors = report.totals.errors
        report.byStatus = statuses.map { Report.StatusCount(status: $0.key, count: $0.value) }
            .sorted { ($0.count, -$0.status) > ($1.count, -$1.status) }
        var classes: [Int: Int64] = [:]
        for (status, count) in statuses { classes[status / 100, default: 0] += count }
        report.byStatusClass = classes.sorted { $0.key < $1.key }.map { Report.StatusClassCount(statusClass: "\($0.key)xx", count: $0.value) }
        report.byCategory = categories.values.sorted { ($0.count, $1.category) > ($1.count, $0.category) }
        report.codes = codes.values.map { entry -> Report.CodeCount in
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
        report.routes = Array(routes.values.filter { $0.errors > 0 }
            .sorted { ($0.errors, $0.requests, $1.route, $1.method) > ($1.errors, $1.requests, $0.route, $0.method) }
            .prefix(options.top))

        report.timeline = try timeline(hours: hours)
        report.clients = try store.clientErrors(in: hours, limit: options.top)
            .map { Report.ClientCount(client: $0.client, errors: $0.errors, rateLimited: $0.rateLimited) }
        report.malformed = try store.malformedSummary(in: hours)
        report.totals.malformedLines = report.malformed.total
        return report
    }

    /// Hourly requests and errors, with empty hours filled in so that gaps show.
    private func timeline(hours: HourWindow) throws -> [Report.TimelinePoint] {
        let counts = try store.hourlyStatusCounts(in: hours)
        var byHour: [Int32: (Int64, Int64)] = [:]
        for c in counts {
            var value = byHour[c.hour] ?? (0, 0)
            value.0 += c.requests
            if c.status >= 400 { value.1 += c.requests }
            byHour[c.hour] = value
        }
        guard let dataFirst = byHour.keys.min(), let dataLast = byHour.keys.max() else { return [] }
        // From the window's start (or the first data) to its end (or the last data); hours
        // before the first data are left out, empty hours inside are kept so that gaps show.
        let start = max(hours.first ?? dataFirst, dataFirst)
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
