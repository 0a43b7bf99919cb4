/// `report --format json`: the `erranalyze.report/v1` schema of DESIGN.md, keys in a fixed
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
            w.array("catalogues") { w in for name in report.catalogues { w.field(nil, .string(name)) } }
            let t = report.totals
            w.object("totals") { w in
                w.field("requests", .int(t.requests))
                w.field("errors", .int(t.errors))
                w.field("client_errors", .int(t.clientErrors))
                w.field("server_errors", .int(t.serverErrors))
                w.field("error_rate", .double(t.errorRate))
                w.field("retriable", .int(t.retriable))
                w.field("fatal", .int(t.fatal))
                w.field("malformed_lines", .int(t.malformedLines))
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
                    }
                }
            }
            w.array("routes") { w in
                for r in report.routes {
                    w.object { w in
                        w.field("method", .string(r.method))
                        w.field("route", .string(r.route))
                        w.field("requests", .int(r.requests))
                        w.field("errors", .int(r.errors))
                        w.field("error_rate", .double(r.errorRate))
                    }
                }
            }
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
            w.array("clients") { w in
                for c in report.clients {
                    w.object { w in
                        w.field("client", .string(c.client)); w.field("errors", .int(c.errors)); w.field("rate_limited", .int(c.rateLimited))
                    }
                }
            }
            w.array("timeline") { w in
                for p in report.timeline {
                    w.object { w in
                        w.field("start", .string(TimeFormatting.iso8601(p.start)))
                        w.field("requests", .int(p.requests))
                        w.field("errors", .int(p.errors))
                    }
                }
            }
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
        }
        return w.output + "\n"
    }
}
