/// `report --format json`: the `erranalyze.report/v1` schema of docs/reports.md, keys in a fixed
/// order. Fields are only ever added to this schema, never renamed or removed.
public struct JSONReportRenderer {
    public var pretty: Bool

    public init(pretty: Bool = true) {
        self.pretty = pretty
    }

    public func render(_ report: Report) -> String {
        var w = JSONWriter(pretty: pretty)
        w.object { w in
            w.field("schema", .string(Report.schema))
            w.object("window") { w in
                w.field("since", report.window.since.map { .string(TimeFormatting.iso8601($0)) } ?? .null)
                w.field("until", report.window.until.map { .string(TimeFormatting.iso8601($0)) } ?? .null)
            }
            w.object("filters") { w in
                w.array("routes") { w in for r in report.filter.routes { w.field(nil, .string(r)) } }
                w.array("codes") { w in for c in report.filter.codes { w.field(nil, .string(c)) } }
                w.array("statuses") { w in for s in report.filter.statuses { w.field(nil, .string(s.description)) } }
                w.array("methods") { w in for m in report.filter.methods { w.field(nil, .string(m)) } }
                w.array("hosts") { w in for h in report.filter.hosts { w.field(nil, .string(h)) } }
            }
            w.object("parameters") { w in
                w.field("top", .int(Int64(report.top)))
                w.field("min_requests", .int(report.minRequests))
            }
            w.array("catalogues") { w in for name in report.catalogues { w.field(nil, .string(name)) } }
            w.object("totals") { w in Self.totals(report.totals, &w) }
            if let comparison = report.comparison {
                w.object("comparison") { w in
                    w.object("window") { w in
                        w.field("since", comparison.window.since.map { .string(TimeFormatting.iso8601($0)) } ?? .null)
                        w.field("until", comparison.window.until.map { .string(TimeFormatting.iso8601($0)) } ?? .null)
                    }
                    w.object("totals") { w in Self.totals(comparison.totals, &w) }
                    let now = report.totals, before = comparison.totals
                    w.object("change") { w in
                        func change(_ key: String, _ a: Int64, _ b: Int64) {
                            w.field(key, Report.Comparison.change(a, b).map { .double($0) } ?? .null)
                        }
                        change("requests", now.requests, before.requests)
                        change("errors", now.errors, before.errors)
                        change("client_errors", now.clientErrors, before.clientErrors)
                        change("server_errors", now.serverErrors, before.serverErrors)
                        change("retriable", now.retriable, before.retriable)
                        change("fatal", now.fatal, before.fatal)
                        w.field("error_rate", .double(now.errorRate - before.errorRate))
                    }
                }
            } else {
                w.field("comparison", .null)
            }
            let withoutKey = report.retriableWithoutIdempotencyKey
            w.object("retriable_without_idempotency_key") { w in
                w.field("errors", .int(withoutKey.errors))
                w.field("not_retriable", .int(withoutKey.notRetriable))
                w.field("share", .double(withoutKey.share))
            }
            w.array("by_status") { w in
                for s in report.byStatus { w.object { w in w.field("status", .int(Int64(s.status))); w.field("count", .int(s.count)) } }
            }
            w.array("by_status_class") { w in
                for s in report.byStatusClass { w.object { w in w.field("class", .string(s.statusClass)); w.field("count", .int(s.count)) } }
            }
            w.array("by_category") { w in
                for c in report.byCategory {
                    w.object { w in
                        w.field("category", .string(c.category))
                        w.field("count", .int(c.count))
                        w.field("retriable", .int(c.retriable))
                        w.field("fatal", .int(c.fatal))
                    }
                }
            }
            w.array("codes") { w in
                for c in report.codes {
                    w.object { w in
                        w.field("code", .string(c.code))
                        w.field("status", .int(Int64(c.status)))
                        w.field("count", .int(c.count))
                        w.field("share", .double(c.share))
                        w.field("category", .string(c.category))
                        w.field("retriable", .int(c.retriable))
                        w.field("fatal", .int(c.fatal))
                        w.field("known", .bool(c.known))
                        w.field("meaning", .string(c.meaning))
                        w.field("advice", .string(c.advice))
                        w.field("catalogue", c.catalogue.isEmpty ? .null : .string(c.catalogue))
                        w.field("previous_count", c.previousCount.map { .int($0) } ?? .null)
                    }
                }
            }
            w.array("routes") { w in for r in report.routes { Self.route(r, &w) } }
            w.array("routes_by_rate") { w in for r in report.routesByRate { Self.route(r, &w) } }
            w.array("hosts") { w in for h in report.hosts { Self.host(h, &w) } }
            w.array("unknown_codes") { w in
                for u in report.unknownCodes {
                    w.object { w in
                        w.field("code", .string(u.code)); w.field("status", .int(Int64(u.status))); w.field("count", .int(u.count))
                    }
                }
            }
            w.array("status_drift") { w in
                for d in report.statusDrift {
                    w.object { w in
                        w.field("code", .string(d.code))
                        w.field("status", .int(Int64(d.status)))
                        w.array("documented_statuses") { w in for s in d.documentedStatuses { w.field(nil, .int(Int64(s))) } }
                        w.field("count", .int(d.count))
                    }
                }
            }
            if let contract = report.contract { Self.contract(contract, &w) }
            w.field("clients_available", .bool(report.clientsAvailable))
            w.array("clients") { w in for c in report.clients { Self.client(c, &w) } }
            w.array("clients_rate_limited") { w in for c in report.rateLimitedClients { Self.client(c, &w) } }
            w.array("timeline") { w in
                for p in report.timeline {
                    w.object { w in
                        w.field("start", .string(TimeFormatting.iso8601(p.start)))
                        w.field("requests", .int(p.requests))
                        w.field("errors", .int(p.errors))
                        w.field("p95_ms", p.p95.map { .double(DurationText.milliseconds($0)) } ?? .null)
                    }
                }
            }
            Self.latency(report.latency, &w)
            w.object("malformed") { w in
                w.field("total", .int(report.malformed.total))
                w.object("by_reason") { w in
                    for (reason, count) in report.malformed.byReason.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                        w.field(reason.name, .int(count))
                    }
                }
                w.array("samples") { w in
                    for s in report.malformed.samples {
                        w.object { w in
                            w.field("file", .string(s.path)); w.field("line", .int(s.line))
                            w.field("reason", .string(s.reason.name)); w.field("text", .string(s.text))
                        }
                    }
                }
            }
            w.array("thresholds") { w in
                for r in report.thresholds {
                    w.object { w in
                        w.field("expression", .string(r.threshold.text))
                        w.field("metric", .string(r.threshold.metric.name))
                        w.field("operator", .string(r.threshold.op.rawValue))
                        w.field("limit", .double(r.threshold.limit))
                        w.field("value", .double(r.value))
                        w.field("crossed", .bool(r.crossed))
                    }
                }
            }
        }
        return w.output + "\n"
    }

    static func totals(_ t: Report.Totals, _ w: inout JSONWriter) {
        w.field("requests", .int(t.requests))
        w.field("errors", .int(t.errors))
        w.field("client_errors", .int(t.clientErrors))
        w.field("server_errors", .int(t.serverErrors))
        w.field("error_rate", .double(t.errorRate))
        w.field("retriable", .int(t.retriable))
        w.field("fatal", .int(t.fatal))
        w.field("malformed_lines", .int(t.malformedLines))
        w.field("retriable_rate", .double(t.retriableRate))
    }

    static func route(_ r: Report.RouteCount, _ w: inout JSONWriter) {
        w.object { w in
            w.field("method", .string(r.method))
            w.field("route", .string(r.route))
            w.field("requests", .int(r.requests))
            w.field("errors", .int(r.errors))
            w.field("error_rate", .double(r.errorRate))
        }
    }

    static func host(_ h: Report.HostCount, _ w: inout JSONWriter) {
        w.object { w in
            w.field("host", .string(h.host))
            w.field("requests", .int(h.requests))
            w.field("errors", .int(h.errors))
            w.field("client_errors", .int(h.clientErrors))
            w.field("server_errors", .int(h.serverErrors))
            w.field("error_rate", .double(h.errorRate))
            w.field("retriable", .int(h.retriable))
            w.field("fatal", .int(h.fatal))
            if let top = h.topCode {
                w.object("top_code") { w in
                    w.field("code", .string(top.code)); w.field("status", .int(Int64(top.status))); w.field("count", .int(top.count))
                }
            } else {
                w.field("top_code", .null)
            }
        }
    }

    static func client(_ c: Report.ClientCount, _ w: inout JSONWriter) {
        w.object { w in
            w.field("client", .string(c.client)); w.field("errors", .int(c.errors)); w.field("rate_limited", .int(c.rateLimited))
        }
    }
}
