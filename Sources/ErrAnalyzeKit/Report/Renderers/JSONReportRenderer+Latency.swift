/// The `latency` object of `erranalyze.report/v1` (docs/reports.md): durations in
/// milliseconds (`"unit": "ms"`, microsecond precision), percentiles nearest-rank, each
/// within `relative_error` of the exact value.
extension JSONReportRenderer {
    /// Also used alone: the store contract tests compare this object between stores.
    public static func latency(_ l: Report.Latency, _ w: inout JSONWriter) {
        func ms(_ micros: Int64) -> JSONWriter.Value { .double(DurationText.milliseconds(micros)) }
        func stats(_ s: Report.Latency.Stats, _ w: inout JSONWriter) {
            // No timed request: nulls, never zeros that would read as "instant".
            let timed = s.count > 0
            w.field("count", .int(s.count))
            w.field("p50", timed ? ms(s.p50) : .null)
            w.field("p90", timed ? ms(s.p90) : .null)
            w.field("p95", timed ? ms(s.p95) : .null)
            w.field("p99", timed ? ms(s.p99) : .null)
            w.field("max", s.maxBucket.map(ms) ?? .null)
            w.field("mean", s.mean.map(ms) ?? .null)
        }
        func outcomes(_ list: [Report.Latency.Outcome], _ w: inout JSONWriter) {
            w.array("by_outcome") { w in
                for o in list { w.object { w in w.field("outcome", .string(o.outcome)); stats(o.stats, &w) } }
            }
        }
        w.object("latency") { w in
            w.field("unit", .string("ms"))
            w.field("available", .bool(l.available))
            w.field("note", l.note.map { .string($0) } ?? .null)
            w.object("layout") { w in
                w.field("version", .int(Int64(l.layoutVersion)))
                w.field("relative_error", .double(LatencyBuckets.relativeErrorBound))
            }
            stats(l.overall, &w)
            outcomes(l.outcomes, &w)
            w.array("routes") { w in
                for r in l.routes {
                    w.object { w in
                        w.field("method", .string(r.method))
                        w.field("route", .string(r.route))
                        stats(r.stats, &w)
                        w.field("slow", .int(r.slow))
                        outcomes(r.outcomes, &w)
                    }
                }
            }
            w.object("slow") { w in
                w.field("threshold", ms(l.slowThreshold))
                w.field("count", .int(l.slow))
                w.field("share", l.available ? .double(l.slowShare) : .null)
                w.field("exact", .bool(l.slowExact))
                w.array("routes") { w in
                    for r in l.slowRoutes {
                        w.object { w in
                            w.field("method", .string(r.method)); w.field("route", .string(r.route))
                            w.field("count", .int(r.slow)); w.field("requests", .int(r.requests)); w.field("share", .double(r.share))
                        }
                    }
                }
            }
            w.object("apdex") { w in
                w.field("t", ms(l.apdex.threshold))
                w.field("score", l.available ? .double(l.apdex.score) : .null)
                w.field("satisfied", .int(l.apdex.satisfied))
                w.field("tolerating", .int(l.apdex.tolerating))
                w.field("frustrated", .int(l.apdex.frustrated))
                w.field("exact", .bool(l.apdex.exact))
            }
            w.array("timeline") { w in
                for h in l.timeline {
                    w.object { w in
                        w.field("start", .string(TimeFormatting.iso8601(h.start)))
                        w.field("count", .int(h.count))
                        w.field("p50", ms(h.p50)); w.field("p95", ms(h.p95)); w.field("p99", ms(h.p99))
                    }
                }
            }
        }
    }
}
