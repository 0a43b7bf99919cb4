import Foundation
import Testing
@testable import ErrAnalyzeKit

/// Proves that the built-in catalogues hold every row of every seed document, with the same
/// statuses in the same order and the same text. The seeds are parsed here on their own
/// terms (regular expressions over the flattened pages), independently of the JSON files,
/// so a row dropped or altered while editing a catalogue fails a test.
@Suite("Seed coverage")
struct SeedCoverageTests {
    // MARK: 002 — OpsMerge (flattened rows: CODEstatus[/status…]Meaning)

    static func rows002() throws -> [SeedCodeRow] {
        // The code ends where the status list starts, and the meaning starts right after it
        // with a non-space: this keeps MSP360_SYNC_FAILED502MSP360… from splitting at "360".
        let row = try Regex(#"^([A-Z][A-Z0-9_]*)([1-5]\d\d(?:/[1-5]\d\d)*)(\S.*)$"#)
        return try Self.lines(CatalogueFixtures.seed("002_")).compactMap { number, line in
            guard let m = line.wholeMatch(of: row) else { return nil }
            return SeedCodeRow(line: number, code: String(m.output[1].substring!),
                               statuses: m.output[2].substring!.split(separator: "/").map { Int($0)! },
                               meaning: String(m.output[3].substring!), action: nil)
        }
    }

    @Test("opsmerge holds every row of seed 002, statuses in order, and nothing else")
    func seed002() throws {
        let rows = try Self.rows002()
        #expect(rows.count >= 280, "the MSP seed page lists ~280 codes; parsed \(rows.count)")
        let catalogue = try CatalogueFixtures.builtin("opsmerge")
        let problems = SeedCoverage.mismatches(rows, in: catalogue, exhaustive: true)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        // Multi-status codes keep every status, most common first.
        #expect(catalogue.entry(for: "NOT_CONFIGURED")?.statuses == [503, 404, 412, 400])
        #expect(catalogue.entry(for: "INVALID_CODE")?.statuses == [400, 401])
        #expect(catalogue.entry(for: "MSP360_SYNC_FAILED")?.statuses == [502])
    }

    @Test("opsmerge has a status rule for each status section of seed 002")
    func seed002Sections() throws {
        let heading = try Regex(#"^[A-Z][A-Za-z ]+ \(([1-5](?:\d\d|xx))\)"#)
        let sections = try Self.lines(CatalogueFixtures.seed("002_")).compactMap { _, line in
            line.firstMatch(of: heading).map { String($0.output[1].substring!) }
        }
        #expect(sections.count >= 13)
        let catalogue = try CatalogueFixtures.builtin("opsmerge")
        for section in sections {
            #expect(catalogue.statusRules.contains { $0.match == StatusMatch(section) }, "no status rule for section (\(section))")
        }
    }

    // MARK: 004 — CRM connect (pipe tables, some rows without a leading pipe)

    static func rows004() throws -> (codes: [SeedCodeRow], statuses: [SeedStatusRow]) {
        var codes: [SeedCodeRow] = []
        var statuses: [SeedStatusRow] = []
        for (number, line) in try Self.lines(CatalogueFixtures.seed("004_")) where line.contains("|") {
            var text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("|") { text.removeFirst() }
            if text.hasSuffix("|") { text.removeLast() }
            let cells = text.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count == 4, cells[0].allSatisfy({ $0.isUppercase || $0 == "_" }), let status = Int(cells[1]) {
                codes.append(SeedCodeRow(line: number, code: cells[0], statuses: [status], meaning: cells[2], action: cells[3]))
            } else if cells.count == 2, cells[0].count == 3, Int(cells[0]) != nil {
                statuses.append(SeedStatusRow(line: number, status: cells[0], meaning: cells[1]))
            }
        }
        return (codes, statuses)
    }

    @Test("crm-connect holds every code of seed 004 with its message and resolution")
    func seed004() throws {
        let rows = try Self.rows004()
        #expect(rows.codes.count == 22)
        #expect(rows.statuses.count == 11)
        let catalogue = try CatalogueFixtures.builtin("crm-connect")
        let problems = SeedCoverage.mismatches(rows.codes, in: catalogue, exhaustive: true)
            + SeedCoverage.mismatches(rows.statuses, in: catalogue)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("crm-connect's retry policies follow the resolutions of seed 004")
    func seed004RetrySemantics() throws {
        let catalogue = try CatalogueFixtures.builtin("crm-connect")
        #expect(catalogue.entry(for: "PROVIDER_RATE_LIMITED")?.retry == .retryAfter)
        #expect(catalogue.entry(for: "CIRCUIT_OPEN")?.retry == .retryAfter)
        #expect(catalogue.entry(for: "NEEDS_REAUTH")?.retry == .userAction(kind: "reconnect"))
        #expect(catalogue.entry(for: "PROVIDER_AUTH_FAILED")?.retry == .userAction(kind: "reconnect"))
        #expect(catalogue.entry(for: "PROVIDER_UNAVAILABLE")?.retry == .backoff)
        #expect(catalogue.entry(for: "SERVICE_UNAVAILABLE")?.retry == .backoff)
        #expect(catalogue.entry(for: "PROVIDER_ERROR")?.retry == .backoff)
        #expect(catalogue.entry(for: "INTERNAL_ERROR")?.retry == .backoff)
        // "Retry" appears in no 4xx resolution: all of them are fatal.
        for entry in catalogue.entries where entry.statuses.first! < 500 && entry.statuses.first! != 429 {
            #expect(entry.retry.wait == nil, "\(entry.code) should not be retriable")
        }
    }

    // MARK: 003 — marketing (lower-case codes, status table, retry guidance)

    @Test("marketing holds every code and status of seed 003, codes lower-case as emitted")
    func seed003() throws {
        let text = try CatalogueFixtures.seed("003_")
        let catalogue = try CatalogueFixtures.builtin("marketing")
        let codeRow = try Regex(#"^([a-z][a-z_]*)([A-Z].*)$"#)
        let codes = Self.lines(between: "Common error codes", and: "Retry guidance", in: text).compactMap { number, line -> SeedCodeRow? in
            guard let m = line.wholeMatch(of: codeRow), m.output[1].substring! != "code" else { return nil }
            return SeedCodeRow(line: number, code: String(m.output[1].substring!), statuses: nil,
                               meaning: String(m.output[2].substring!), action: nil)
        }
        #expect(codes.map(\.code) == ["validation_failed", "not_found", "forbidden", "duplicate", "quota_exceeded", "provider_error"])
        let problems = SeedCoverage.mismatches(codes, in: catalogue, exhaustive: true)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        for entry in catalogue.entries {
            #expect(!entry.statuses.isEmpty && entry.inferredFields.contains("statuses"),
                    "\(entry.code): the page gives no status, so the entry must carry one marked inferred")
        }

        // Status table: "400 Bad RequestValidation failedMissing required field…" — the rule's
        // meaning follows the reason phrase, and the typical cause is kept in its action.
        let statusRow = try Regex(#"^([1-5]\d\d) "#)
        var seen = 0
        for (number, line) in Self.lines(between: "Status codes", and: "Common error codes", in: text) {
            guard let m = line.prefixMatch(of: statusRow), let status = Int(m.output[1].substring!) else { continue }
            seen += 1
            guard let rule = catalogue.statusRules.first(where: { $0.match == .exact(status) }) else {
                Issue.record("003 line \(number): no status rule for \(status)")
                continue
            }
            guard let range = line.range(of: rule.meaning) else {
                Issue.record("003 line \(number): rule \(status) meaning \"\(rule.meaning)\" is not in \"\(line)\"")
                continue
            }
            let cause = String(line[range.upperBound...])
            #expect(!cause.isEmpty && rule.action.contains(cause), "003 line \(number): the action of \(status) should keep \"\(cause)\"")
        }
        #expect(seen == 9)
        // The retry rule: idempotent reads only; mutations need an Idempotency-Key.
        #expect(catalogue.idempotentMethods == ["GET", "HEAD", "OPTIONS"])
        #expect(catalogue.statusRule(for: 429)?.retry == .ifIdempotent(then: .retryAfter))
        for status in [500, 502, 503, 504] {
            #expect(catalogue.statusRule(for: status)?.retry == .ifIdempotent(then: .backoff), "\(status)")
        }
        for status in [400, 401, 403, 404, 409, 418, 422] {
            #expect(catalogue.statusRule(for: status)?.retry.wait == nil, "4xx \(status) must never retry")
        }
    }

    // MARK: 000 — extraction (status table; descriptions whose names were lost)

    @Test("extraction holds seed 000's status table and one entry per description, inferred names marked")
    func seed000() throws {
        let text = try CatalogueFixtures.seed("000_")
        let catalogue = try CatalogueFixtures.builtin("extraction")
        let statusRow = try Regex(#"^([1-5](?:\d\d|xx)) (OK|[a-z ]+?) ([A-Z].*)$"#)
        let statuses = Self.lines(between: "Status codes", and: "Error codes", in: text).compactMap { number, line -> SeedStatusRow? in
            guard let m = line.wholeMatch(of: statusRow) else { return nil }
            return SeedStatusRow(line: number, status: String(m.output[1].substring!), meaning: String(m.output[3].substring!))
        }
        #expect(statuses.count == 8)
        let problems = SeedCoverage.mismatches(statuses, in: catalogue)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")

        // Descriptions are separated by two blank lines (a description's own paragraphs by one).
        guard let start = text.range(of: "\nError codes\n"), let end = text.range(of: "How can we help?") else {
            Issue.record("seed 000 layout changed")
            return
        }
        let descriptions = text[start.upperBound..<end.lowerBound].components(separatedBy: "\n\n\n")
            .map(CatalogueFixtures.normalized).filter { !$0.isEmpty }
        #expect(descriptions.count == 10)
        #expect(catalogue.entries.count == descriptions.count)
        for (entry, description) in zip(catalogue.entries, descriptions) {
            #expect(CatalogueFixtures.normalized(entry.meaning) == description, "\(entry.code)")
        }
        let named = ["invalid-body", "invalid-parameter", "unconfigured", "missing-scope", "session-expired"]
        #expect(Array(catalogue.entries.prefix(5).map(\.code)) == named)
        for entry in catalogue.entries.prefix(5) { #expect(!entry.inferred, "\(entry.code) is named by the public page") }
        for entry in catalogue.entries.dropFirst(5) {
            #expect(entry.inferred, "\(entry.code) was named by erranalyze and must be marked inferred")
            #expect(entry.note != nil)
        }
    }

    // MARK: 001 — generic status-range semantics

    @Test("http holds seed 001's ranges and example statuses")
    func seed001() throws {
        let text = try CatalogueFixtures.seed("001_")
        let catalogue = try CatalogueFixtures.builtin("http")
        let rangeRow = try Regex(#"([1-5]xx) range: (.+)$"#)
        let ranges = try Self.lines(text).compactMap { number, line -> SeedStatusRow? in
            guard let m = line.firstMatch(of: rangeRow) else { return nil }
            return SeedStatusRow(line: number, status: String(m.output[1].substring!), meaning: String(m.output[2].substring!))
        }
        #expect(ranges.map(\.status) == ["2xx", "4xx", "5xx"])
        let exampleRow = try Regex(#"^([1-5]\d\d)([A-Z].*)$"#)
        let examples = text.components(separatedBy: "Status CodeDescription").last.map { tail in
            tail.split(separator: "\n").enumerated().compactMap { i, line -> SeedStatusRow? in
                guard let m = String(line).wholeMatch(of: exampleRow) else { return nil }
                return SeedStatusRow(line: i, status: String(m.output[1].substring!), meaning: String(m.output[2].substring!))
            }
        } ?? []
        #expect(examples.map(\.status) == ["200", "400", "403", "404"])
        let problems = SeedCoverage.mismatches(ranges + examples, in: catalogue)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        // The floor covers every status, so no error is ever left unclassified.
        for status in 100...599 { #expect(catalogue.statusRule(for: status) != nil, "\(status)") }
        // 4xx: the client must fix; none of the seed's own rules retries.
        #expect(catalogue.statusRule(for: 418)?.retry == .never)
    }

    // MARK: The check itself can fail

    @Test("the coverage check reports a missing row, reordered statuses and changed text")
    func checkCanFail() throws {
        let rows = try Self.rows002()
        var catalogue = try CatalogueFixtures.builtin("opsmerge")
        catalogue.entries.removeAll { $0.code == "AUTH_REQUIRED" }
        if let i = catalogue.entries.firstIndex(where: { $0.code == "NOT_CONFIGURED" }) { catalogue.entries[i].statuses.reverse() }
        if let i = catalogue.entries.firstIndex(where: { $0.code == "BAD_JSON" }) { catalogue.entries[i].meaning += "!" }
        catalogue.entries.append(CatalogueEntry(code: "INVENTED", statuses: [400], category: "validation", meaning: "x", action: "x", retry: .never))
        let problems = SeedCoverage.mismatches(rows, in: catalogue, exhaustive: true)
        #expect(problems.count == 4)
        #expect(problems.contains { $0.contains("AUTH_REQUIRED") && $0.contains("missing") })
        #expect(problems.contains { $0.contains("NOT_CONFIGURED") && $0.contains("statuses") })
        #expect(problems.contains { $0.contains("BAD_JSON") && $0.contains("meaning") })
        #expect(problems.contains { $0.contains("INVENTED") })
    }

    // MARK: Helpers

    static func lines(_ text: String) throws -> [(Int, String)] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { ($0 + 1, String($1)) }
    }

    static func lines(between start: String, and end: String, in text: String) -> [(Int, String)] {
        var inside = false
        var result: [(Int, String)] = []
        for (number, line) in (try? lines(text)) ?? [] {
            if line.trimmingCharacters(in: .whitespaces) == start { inside = true; continue }
            if line.trimmingCharacters(in: .whitespaces) == end { break }
            if inside { result.append((number, line)) }
        }
        return result
    }
}

/// One documented code as a seed states it.
struct SeedCodeRow {
    var line: Int
    var code: String
    /// Nil when the seed does not give statuses for codes (seed 003).
    var statuses: [Int]?
    var meaning: String
    /// The seed's resolution, when it has one (seed 004).
    var action: String?
}

/// One status or status class as a seed states it.
struct SeedStatusRow {
    var line: Int
    var status: String
    var meaning: String
}

/// Compares seed rows with a catalogue and describes every difference.
enum SeedCoverage {
    static func mismatches(_ rows: [SeedCodeRow], in catalogue: Catalogue, exhaustive: Bool) -> [String] {
        var problems: [String] = []
        for row in rows {
            guard let entry = catalogue.entry(for: row.code) else {
                problems.append("line \(row.line): \(row.code) is missing from \(catalogue.name)")
                continue
            }
            if let statuses = row.statuses, entry.statuses != statuses {
                problems.append("line \(row.line): \(row.code) statuses \(entry.statuses) in \(catalogue.name), seed says \(statuses)")
            }
            if CatalogueFixtures.normalized(entry.meaning) != CatalogueFixtures.normalized(row.meaning) {
                problems.append("line \(row.line): \(row.code) meaning \"\(entry.meaning)\" in \(catalogue.name), seed says \"\(row.meaning)\"")
            }
            if let action = row.action, CatalogueFixtures.normalized(entry.action) != CatalogueFixtures.normalized(action) {
                problems.append("line \(row.line): \(row.code) action \"\(entry.action)\" in \(catalogue.name), seed says \"\(action)\"")
            }
        }
        if exhaustive {
            let documented = Set(rows.map(\.code))
            for entry in catalogue.entries where !documented.contains(entry.code) {
                problems.append("\(entry.code) is in \(catalogue.name) but in no seed row")
            }
        }
        return problems
    }

    static func mismatches(_ rows: [SeedStatusRow], in catalogue: Catalogue) -> [String] {
        rows.compactMap { row in
            guard let match = StatusMatch(row.status), let rule = catalogue.statusRules.first(where: { $0.match == match }) else {
                return "line \(row.line): no rule for status \(row.status) in \(catalogue.name)"
            }
            if CatalogueFixtures.normalized(rule.meaning) != CatalogueFixtures.normalized(row.meaning) {
                return "line \(row.line): status \(row.status) meaning \"\(rule.meaning)\" in \(catalogue.name), seed says \"\(row.meaning)\""
            }
            return nil
        }
    }
}
