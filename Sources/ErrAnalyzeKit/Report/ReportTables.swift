/// A report section as a table of typed cells: the one place that decides what each section
/// shows, so that text, Markdown, HTML and CSV agree. People's tables are compact and
/// ranked (`top` rows); machines' tables (CSV) have every column, raw values and all rows.
public struct ReportTable: Sendable {
    public enum Kind: Sendable { case text, count, ratio, time, change }

    public struct Column: Sendable {
        /// The machine name (the CSV header, the JSON key).
        public var id: String
        /// The title people see.
        public var title: String
        public var kind: Kind
    }

    public enum Cell: Sendable, Equatable {
        case text(String)
        case count(Int64)
        case ratio(Double)
        /// UTC seconds.
        case time(Int64)
        /// A count now and in the comparison window.
        case change(now: Int64, before: Int64)
        case empty
    }

    /// The section name `--section` takes.
    public var id: String
    public var title: String
    public var columns: [Column]
    public var rows: [[Cell]] = []
    /// A line under the title (`routes with at least 20 requests`).
    public var note: String?

    public init(id: String, title: String, columns: [(String, String, Kind)], note: String? = nil) {
        self.id = id
        self.title = title
        self.columns = columns.map { Column(id: $0.0, title: $0.1, kind: $0.2) }
        self.note = note
    }

    public var isEmpty: Bool { rows.isEmpty }

    public func columnIndex(_ id: String) -> Int? { columns.firstIndex { $0.id == id } }

    /// The same table without some columns.
    public func dropping(_ ids: Set<String>) -> ReportTable {
        var copy = self
        let keep = columns.indices.filter { !ids.contains(columns[$0].id) }
        copy.columns = keep.map { columns[$0] }
        copy.rows = rows.map { row in keep.map { $0 < row.count ? row[$0] : .empty } }
        return copy
    }
}

/// Builds the sections of a report as tables.
public enum ReportTables {
    public enum Audience: Sendable { case person, machine }

    /// Every section `--section` accepts, in report order.
    public static let sectionNames = [
        "codes", "statuses", "status_classes", "categories", "routes", "routes_by_rate", "hosts", "clients",
        "clients_rate_limited", "unknown_codes", "status_drift", "timeline", "thresholds", "malformed",
        "latency", "latency_routes", "slow_routes", "latency_timeline",
        "undocumented_responses", "undocumented_routes",
    ]

    public static func table(_ section: String, of report: Report, for audience: Audience) -> ReportTable? {
        let person = audience == .person
        let rank = person ? report.top : Int.max
        switch section {
        case "statuses":
            var t = ReportTable(id: section, title: "Statuses",
                                columns: [("status", "Status", .text), ("count", "Requests", .count), ("share", "Share", .ratio)])
            t.rows = report.byStatus.map { [.text(String($0.status)), .count($0.count), .ratio(share($0.count, report.totals.requests))] }
            return t

        case "status_classes":
            var t = ReportTable(id: section, title: "Status classes",
                                columns: [("class", "Class", .text), ("count", "Requests", .count), ("share", "Share", .ratio)])
            t.rows = report.byStatusClass.map { [.text($0.statusClass), .count($0.count), .ratio(share($0.count, report.totals.requests))] }
            return t

        case "categories":
            var t = ReportTable(id: section, title: "Error categories",
                                columns: [("category", "Category", .text), ("count", "Errors", .count),
                                          ("retriable", "Retriable", .count), ("fatal", "Fatal", .count)])
            t.rows = report.byCategory.map { [.text($0.category), .count($0.count), .count($0.retriable), .count($0.fatal)] }
            return t

        case "codes":
            if person {
                let compare = report.comparison != nil
                var columns: [(String, String, ReportTable.Kind)] = [("code", "Code", .text), ("status", "Status", .text),
                                                                      ("count", "Errors", .count), ("share", "Share", .ratio)]
                if compare { columns.append(("previous_count", "Change", .change)) }
                columns += [("retry", "Retry", .text), ("meaning", "Meaning", .text), ("advice", "Advice", .text)]
                var t = ReportTable(id: section, title: "Top error codes", columns: columns)
                for c in report.codes.prefix(rank) {
                    var row: [ReportTable.Cell] = [.text(c.code), .text(String(c.status)), .count(c.count), .ratio(c.share)]
                    if compare { row.append(.change(now: c.count, before: c.previousCount ?? 0)) }
                    row += [.text(ReportFormat.retry(retriable: c.retriable, fatal: c.fatal)), .text(ReportFormat.meaning(c)), .text(c.advice)]
                    t.rows.append(row)
                }
                return t
            }
            var t = ReportTable(id: section, title: "Error codes", columns: [
                ("code", "Code", .text), ("status", "Status", .count), ("count", "Count", .count), ("share", "Share", .ratio),
                ("category", "Category", .text), ("retriable", "Retriable", .count), ("fatal", "Fatal", .count),
                ("known", "Known", .text), ("meaning", "Meaning", .text), ("advice", "Advice", .text),
                ("catalogue", "Catalogue", .text), ("previous_count", "Previous count", .count),
            ])
            t.rows = report.codes.map { c in
                [.text(c.code), .count(Int64(c.status)), .count(c.count), .ratio(c.share), .text(c.category), .count(c.retriable),
                 .count(c.fatal), .text(c.known ? "true" : "false"), .text(c.meaning), .text(c.advice), .text(c.catalogue),
                 c.previousCount.map { .count($0) } ?? .empty]
            }
            return t

        case "routes", "routes_by_rate":
            let byRate = section == "routes_by_rate"
            var t = ReportTable(id: section, title: byRate ? "Routes with the highest error rate" : "Routes with the most errors",
                                columns: [("method", "Method", .text), ("route", "Route", .text), ("requests", "Requests", .count),
                                          ("errors", "Errors", .count), ("error_rate", "Error rate", .ratio)],
                                note: byRate ? "routes with at least \(HumanNumber.count(report.minRequests)) requests" : nil)
            t.rows = (byRate ? report.routesByRate : report.routes).prefix(rank).map { r in
                [.text(r.method.isEmpty && person ? "-" : r.method), .text(r.route), .count(r.requests), .count(r.errors), .ratio(r.errorRate)]
            }
            return t

        case "hosts":
            let note = report.hostsSeen > report.hosts.count ? "top \(report.hosts.count) of \(HumanNumber.count(Int64(report.hostsSeen)))" : nil
            if person {
                var t = ReportTable(id: section, title: "Hosts", columns: [
                    ("host", "Host", .text), ("requests", "Requests", .count), ("errors", "Errors", .count), ("error_rate", "Error rate", .ratio),
                    ("client_errors", "4xx", .count), ("server_errors", "5xx", .count), ("top_code", "Top code", .text),
                ], note: note)
                // A database that records no hosts holds one, unnamed: nothing to show people.
                guard !report.hosts.allSatisfy({ $0.host.isEmpty }) else { return t }
                t.rows = report.hosts.prefix(rank).map { h in
                    [.text(hostName(h.host)), .count(h.requests), .count(h.errors), .ratio(h.errorRate), .count(h.clientErrors),
                     .count(h.serverErrors), .text(h.topCode.map { "\($0.code) (\($0.status)): \(HumanNumber.count($0.count))" } ?? "")]
                }
                return t
            }
            var t = ReportTable(id: section, title: "Hosts", columns: [
                ("host", "Host", .text), ("requests", "Requests", .count), ("errors", "Errors", .count),
                ("client_errors", "4xx", .count), ("server_errors", "5xx", .count), ("error_rate", "Error rate", .ratio),
                ("retriable", "Retriable", .count), ("fatal", "Fatal", .count), ("top_code", "Top code", .text),
                ("top_code_status", "Top code status", .count), ("top_code_count", "Top code errors", .count),
            ], note: note)
            t.rows = report.hosts.map { h in
                [.text(h.host), .count(h.requests), .count(h.errors), .count(h.clientErrors), .count(h.serverErrors), .ratio(h.errorRate),
                 .count(h.retriable), .count(h.fatal), h.topCode.map { .text($0.code) } ?? .empty,
                 h.topCode.map { .count(Int64($0.status)) } ?? .empty, h.topCode.map { .count($0.count) } ?? .empty]
            }
            return t

        case "clients", "clients_rate_limited":
            let limited = section == "clients_rate_limited"
            var t = ReportTable(id: section, title: limited ? "Clients with the most 429s" : "Clients with the most errors",
                                columns: limited
                                    ? [("client", "Client", .text), ("rate_limited", "429s", .count), ("errors", "Errors", .count)]
                                    : [("client", "Client", .text), ("errors", "Errors", .count), ("rate_limited", "429s", .count)],
                                note: report.clientsAvailable ? nil : "not available with --route, --code, --status or --method")
            t.rows = (limited ? report.rateLimitedClients : report.clients).prefix(rank).map { c in
                limited ? [.text(c.client), .count(c.rateLimited), .count(c.errors)] : [.text(c.client), .count(c.errors), .count(c.rateLimited)]
            }
            return t

        case "unknown_codes":
            var t = ReportTable(id: section, title: "Codes not in the catalogue",
                                columns: [("code", "Code", .text), ("status", "Status", person ? .text : .count), ("count", "Errors", .count)])
            t.rows = report.unknownCodes.prefix(rank).map { [.text($0.code), person ? .text(String($0.status)) : .count(Int64($0.status)), .count($0.count)] }
            return t

        case "status_drift":
            var t = ReportTable(id: section, title: "Status drift (documented codes sent with another status)",
                                columns: [("code", "Code", .text), ("status", "Status", person ? .text : .count),
                                          ("documented_statuses", "Documented", .text), ("count", "Errors", .count)])
            t.rows = report.statusDrift.prefix(rank).map { d in
                [.text(d.code), person ? .text(String(d.status)) : .count(Int64(d.status)),
                 .text(d.documentedStatuses.map(String.init).joined(separator: person ? ", " : " ")), .count(d.count)]
            }
            return t

        case "timeline":
            var t = ReportTable(id: section, title: "Timeline", columns: [
                ("start", "Hour", .time), ("requests", "Requests", .count), ("errors", "Errors", .count), ("error_rate", "Error rate", .ratio),
            ])
            t.rows = report.timeline.map { [.time($0.start), .count($0.requests), .count($0.errors), .ratio(share($0.errors, $0.requests))] }
            return withP95(t, report, for: audience)

        case "thresholds":
            var t = ReportTable(id: section, title: "Thresholds", columns: [
                ("expression", "Threshold", .text), ("value", "Measured", .text), ("crossed", "Result", .text),
            ])
            t.rows = report.thresholds.map { r in
                let value = person ? r.measured : JSONWriter.number(r.value)
                return [.text(r.threshold.text), .text(value), .text(person ? (r.crossed ? "CROSSED" : "ok") : (r.crossed ? "true" : "false"))]
            }
            return t

        case "malformed":
            var t = ReportTable(id: section, title: "Malformed lines", columns: [("reason", "Reason", .text), ("count", "Lines", .count)])
            t.rows = report.malformed.byReason.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }.map {
                [.text(person ? $0.key.description : $0.key.name), .count($0.value)]
            }
            return t

        case "undocumented_responses", "undocumented_routes":
            return contractTable(section, of: report, for: audience)

        default:
            return latencyTable(section, of: report, for: audience)
        }
    }

    /// A host as people read it: traffic recorded without a host name shows as `-`.
    public static func hostName(_ host: String) -> String { host.isEmpty ? "-" : host }

    static func share(_ part: Int64, _ whole: Int64) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }
}
