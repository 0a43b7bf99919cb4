/// How the contract findings (`report --openapi`) show in each format: one place for the
/// tables (text, Markdown, HTML, CSV), the summary line and the JSON keys.
extension ReportTables {
    static func contractTable(_ section: String, of report: Report, for audience: ReportTables.Audience) -> ReportTable? {
        let person = audience == .person
        let rank = person ? report.top : Int.max
        let findings = report.contract
        if section == "undocumented_responses" {
            let all = findings?.undocumentedResponses ?? []
            var t = ReportTable(id: section, title: "Undocumented responses (not in the OpenAPI document)", columns: [
                ("method", "Method", .text), ("route", "Route", .text), ("status", "Status", person ? .text : .count),
                ("code", person ? "Code" : "Codes", .text), ("count", "Responses", .count), ("kind", "Undocumented", .text), ("documented", "Documented", .text),
            ], note: person && all.count > rank ? "top \(rank) of \(all.count)" : nil)
            t.rows = all.prefix(rank).map { u in
                [.text(u.method.isEmpty && person ? "-" : u.method), .text(u.route),
                 person ? .text(String(u.status)) : .count(Int64(u.status)),
                 u.codes.isEmpty ? (person ? ReportTable.Cell.text("-") : ReportTable.Cell.empty) : ReportTable.Cell.text(u.codes.joined(separator: person ? ", " : " ")),
                 .count(u.count), .text(u.kind.rawValue), .text(u.documented.joined(separator: person ? ", " : " "))]
            }
            return t
        }
        let all = findings?.undocumentedRoutes ?? []
        var t = ReportTable(id: section, title: "Undocumented routes (not in the OpenAPI document)", columns: [
            ("method", "Method", .text), ("route", "Route", .text), ("requests", "Requests", .count), ("errors", "Errors", .count),
            ("path_documented", person ? "Path" : "Path documented", .text),
        ], note: person && all.count > rank ? "top \(rank) of \(all.count)" : nil)
        t.rows = all.prefix(rank).map { r in
            [.text(r.method.isEmpty && person ? "-" : r.method), .text(r.route), .count(r.requests), .count(r.errors),
             .text(person ? (r.pathDocumented ? "documented, not this method" : "unknown") : (r.pathDocumented ? "true" : "false"))]
        }
        return t
    }
}


extension ReportFormat {
    /// `OpenAPI: Acme API 1.2 (OpenAPI 3.1.0, 14 operations): 3,210 requests on documented
    /// operations; 12 undocumented responses; 2 undocumented routes (45 requests).`
    public static func contractLines(_ c: ContractFindings) -> [String] {
        let format = c.specVersion.hasPrefix("2") ? "Swagger \(c.specVersion)" : "OpenAPI \(c.specVersion)"
        let name = [c.title, c.version].filter { !$0.isEmpty }.joined(separator: " ")
        var line = "OpenAPI: \(name.isEmpty ? "the document" : name) (\(format), \(HumanNumber.count(Int64(c.operations)))"
            + " operation\(c.operations == 1 ? "" : "s")): \(HumanNumber.count(c.checkedRequests)) requests on documented operations; "
        let responses = c.undocumentedResponseCount
        line += responses == 0 ? "every response documented; " : "\(HumanNumber.count(responses)) undocumented response\(responses == 1 ? "" : "s"); "
        line += c.undocumentedRoutes.isEmpty ? "every route documented."
            : "\(c.undocumentedRoutes.count) undocumented route\(c.undocumentedRoutes.count == 1 ? "" : "s") (\(HumanNumber.count(c.undocumentedRouteRequests)) requests)."
        return [line]
    }
}

extension JSONReportRenderer {
    /// `openapi`, `undocumented_responses` and `undocumented_routes`: present when the report
    /// was given a document.
    static func contract(_ c: ContractFindings, _ w: inout JSONWriter) {
        w.object("openapi") { w in
            w.field("title", .string(c.title))
            w.field("version", .string(c.version))
            w.field("spec_version", .string(c.specVersion))
            w.field("operations", .int(Int64(c.operations)))
            w.field("checked_requests", .int(c.checkedRequests))
            w.field("undocumented_responses", .int(c.undocumentedResponseCount))
            w.field("undocumented_route_requests", .int(c.undocumentedRouteRequests))
        }
        w.array("undocumented_responses") { w in
            for u in c.undocumentedResponses {
                w.object { w in
                    w.field("method", .string(u.method))
                    w.field("route", .string(u.route))
                    w.field("status", .int(Int64(u.status)))
                    w.field("code", u.code.map { .string($0) } ?? .null)
                    w.array("codes") { w in for code in u.codes { w.field(nil, .string(code)) } }
                    w.field("kind", .string(u.kind.rawValue))
                    w.field("count", .int(u.count))
                    w.array("documented") { w in for d in u.documented { w.field(nil, .string(d)) } }
                }
            }
        }
        w.array("undocumented_routes") { w in
            for r in c.undocumentedRoutes {
                w.object { w in
                    w.field("method", .string(r.method))
                    w.field("route", .string(r.route))
                    w.field("requests", .int(r.requests))
                    w.field("errors", .int(r.errors))
                    w.field("path_documented", .bool(r.pathDocumented))
                }
            }
        }
    }
}
