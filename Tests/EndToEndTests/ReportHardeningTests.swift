import Foundation
import Testing

/// Issue 11, items 15, 17, 18 and 19: times outside any sane range, negative `--tz` offsets,
/// formula injection through CSV, and the window a report says it counted. Each test runs the
/// built binary on a small JSON log written here, whose lines are counted independently.
@Suite struct ReportHardeningTests {
    /// One JSON access-log line (the `json` format is detected by itself).
    static func line(_ time: String, status: Int = 200, method: String = "GET", path: String = "/v1/items",
                     code: String? = nil, client: String = "key_a") -> String {
        func quoted(_ s: String) -> String {
            let data = try! JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self).dropFirst().dropLast().description
        }
        var fields = ["\"time\":\(quoted(time))", "\"status\":\(status)", "\"method\":\(quoted(method))", "\"path\":\(quoted(path))",
                      "\"client_id\":\(quoted(client))"]
        if let code { fields.append("\"code\":\(quoted(code))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Writes `lines` to `app.log` and ingests it.
    static func ingest(_ lines: [String], into h: Harness) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: h.path("app.log"), atomically: true, encoding: .utf8)
        let ingest = try h.run(["ingest", h.path("app.log")])
        #expect(ingest.status == 0, "\(ingest.stderr)")
    }

    static func json(_ result: Harness.Result) throws -> [String: Any] {
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    // MARK: 15. Times outside 1970-01-01 … 9999-12-31

    @Test(arguments: [
        ["--since", "100000000d"],            // 273,790 years ago: silently 0 requests before
        ["--since", "99999999999999999d"],    // overflowed (a crash in debug builds)
        ["--since", "@300000000000"],         // the year 11476: printed garbled before
        ["--until", "@-1"],
        ["--since", "1969-12-31"],
        ["--since", "0001-01-01T00:00:00Z"],
        ["--day", "1969-12-31"],
    ])
    func timesOutsideTheSaneRangeAreUsageErrors(_ arguments: [String]) throws {
        let h = try Harness()
        try Self.ingest([Self.line("2015-05-19T10:00:00Z")], into: h)
        let result = try h.run(["report", "--tz", "UTC"] + arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains("outside 1970-01-01 to 9999-12-31"), "\(arguments): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 2, "one line, then the pointer to --help: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func theEdgesOfTheRangeStillWorkAndPrintWhole() throws {
        let h = try Harness()
        try Self.ingest([Self.line("2015-05-19T10:00:00Z")], into: h)
        // Far back but inside the range: the one request is counted.
        let old = try Self.json(h.run(["report", "--tz", "UTC", "--format", "json", "--since", "1970-01-01"]))
        #expect(old.int("totals.requests") == 1)
        // The last day there is, in the zone furthest east: its end is 10000-01-01 00:00 there,
        // printed with its five-digit year, not cut to ten characters.
        let last = try h.run(["report", "--tz", "+14:00", "--day", "9999-12-31"])
        #expect(last.status == 0, "\(last.stderr)")
        #expect(last.stdout.contains("9999-12-31 00:00 → 10000-01-01 00:00 +14:00"), "\(last.stdout)")
    }

    @Test(arguments: ["999999d", "1969-12-31", "0001-01-01"])
    func pruneCutoffsOutsideTheSaneRangeAreUsageErrors(_ cutoff: String) throws {
        let h = try Harness()
        try Self.ingest([Self.line("2015-05-19T10:00:00Z")], into: h)
        let result = try h.run(["prune", "--older-than", cutoff])
        #expect(result.status == 2, "\(cutoff): \(result.stderr)")
        #expect(result.stderr.contains("outside 1970-01-01 to 9999-12-31"), "\(cutoff): \(result.stderr)")
        #expect(try Self.json(h.run(["report", "--format", "json"])).int("totals.requests") == 1, "nothing was pruned")
    }

    // MARK: 17. --tz -05:00

    @Test func aNegativeOffsetIsReadAsTheZoneWithOrWithoutAnEqualsSign() throws {
        let h = try Harness()
        // 2015-05-19 in -05:00 is 05:00Z to 05:00Z the next day: two of these four lines.
        try Self.ingest([Self.line("2015-05-19T04:59:00Z"), Self.line("2015-05-19T05:00:00Z"),
                         Self.line("2015-05-20T04:59:00Z"), Self.line("2015-05-20T05:00:00Z")], into: h)
        for tz in [["--tz", "-05:00"], ["--tz=-05:00"], ["--tz", "-0500"]] {
            let json = try Self.json(h.run(["report", "--format", "json", "--day", "2015-05-19"] + tz))
            #expect(json.int("totals.requests") == 2, "\(tz)")
            #expect((json["window"] as? [String: Any])?["since"] as? String == "2015-05-19T05:00:00Z", "\(tz)")
        }
        let text = try h.run(["report", "--tz", "-05:00", "--day", "2015-05-19"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("2015-05-19 00:00 → 2015-05-20 00:00 -05:00"), "\(text.stdout)")
    }

    // MARK: 18. CSV formula injection

    @Test func csvCellsThatASpreadsheetWouldRunAreQuotedUnlessRawIsAsked() throws {
        let h = try Harness()
        try Self.ingest([
            Self.line("2015-05-19T10:00:00Z", status: 500, path: "/v1/x", code: "=HYPERLINK(\"http://evil.example\",\"x\")", client: "@SUM(1+1)"),
            Self.line("2015-05-19T10:01:00Z", status: 400, path: "=1+2", code: "+BAD", client: "-2+3"),
            Self.line("2015-05-19T10:02:00Z", status: 429, path: "/v1/y", code: "\tTAB", client: "\rCR"),
            Self.line("2015-05-19T10:03:00Z", status: 404, path: "/v1/z", code: "NOT-=FOUND", client: "key=plain"),
        ], into: h)
        func column(_ section: String, _ index: Int, raw: Bool = false) throws -> Set<String> {
            let result = try h.run(["report", "--tz", "UTC", "--format", "csv", "--section", section] + (raw ? ["--csv-raw"] : []))
            #expect(result.status == 0, "\(result.stderr)")
            return Set(CSVRecords.parse(result.stdout).dropFirst().map { $0[index] })
        }
        let logged = (codes: Set(["=HYPERLINK(\"http://evil.example\",\"x\")", "+BAD", "\tTAB", "NOT-=FOUND"]),
                      routes: Set(["/v1/x", "=1+2", "/v1/y", "/v1/z"]),
                      clients: Set(["@SUM(1+1)", "-2+3", "\rCR", "key=plain"]))
        // What OWASP asks: a cell starting with = + - @ tab or CR gets a leading ', others are untouched.
        func guarded(_ values: Set<String>) -> Set<String> {
            Set(values.map { value in
                guard let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return value }
                return "'" + value
            })
        }
        #expect(try column("codes", 0) == guarded(logged.codes))
        #expect(try column("routes", 1) == guarded(logged.routes))
        #expect(try column("clients", 0) == guarded(logged.clients))
        #expect(try column("codes", 0, raw: true) == logged.codes)
        #expect(try column("routes", 1, raw: true) == logged.routes)
        #expect(try column("clients", 0, raw: true) == logged.clients)
        // Numbers are ours and never prefixed.
        #expect(try column("routes", 2) == ["1"])
        let misplaced = try h.run(["report", "--csv-raw"])
        #expect(misplaced.status == 2)
        #expect(misplaced.stderr.contains("--csv-raw applies to --format csv only"), "\(misplaced.stderr)")
    }

    // MARK: 19. The window shown is the window counted

    @Test func aHalfHourZoneShowsTheWidenedWindowItCounted() throws {
        let h = try Harness()
        // 2015-05-19 in Asia/Kolkata (+05:30) is 2015-05-18T18:30Z to 2015-05-19T18:30Z; hours are
        // stored in UTC, so the report counts 18:00Z to 19:00Z the next day (25 hours).
        let times = ["2015-05-18T17:59:00Z", "2015-05-18T18:10:00Z", "2015-05-18T18:45:00Z",
                     "2015-05-19T18:15:00Z", "2015-05-19T18:50:00Z", "2015-05-19T19:00:00Z"]
        try Self.ingest(times.map { Self.line($0) }, into: h)
        let json = try Self.json(h.run(["report", "--format", "json", "--tz", "Asia/Kolkata", "--day", "2015-05-19"]))
        let window = try #require(json["window"] as? [String: Any])
        let since = try #require(window["since"] as? String), until = try #require(window["until"] as? String)
        #expect(since == "2015-05-18T18:00:00Z")
        #expect(until == "2015-05-19T19:00:00Z")
        // The lines inside the window shown (ISO 8601 UTC strings compare as text) are the ones counted.
        let inside = times.filter { $0 >= since && $0 < until }.count
        #expect(json.int("totals.requests") == inside)
        #expect(inside == 4)
        let timeline = json.array("timeline")
        #expect(timeline.count == 25)
        #expect(timeline.first?["start"] as? String == since)

        let text = try h.run(["report", "--tz", "Asia/Kolkata", "--day", "2015-05-19"])
        #expect(text.stdout.contains("2015-05-18 23:30 → 2015-05-20 00:30 Asia/Kolkata"), "\(text.stdout)")
        let prometheus = try h.run(["report", "--format", "prometheus", "--tz", "Asia/Kolkata", "--day", "2015-05-19"])
        #expect(prometheus.stdout.contains("erranalyze_report_window_start_seconds 1431972000\n"), "\(prometheus.stdout)")
        #expect(prometheus.stdout.contains("erranalyze_report_window_end_seconds 1432062000\n"), "\(prometheus.stdout)")
    }
}

/// A minimal RFC 4180 reader, to check the CSV writer independently.
enum CSVRecords {
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var field = "", record: [String] = []
        var quoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { record.append(field); field = "" }
            else if c == "\r" && chars.first == "\n" { chars.removeFirst(); record.append(field); records.append(record); field = ""; record = [] }
            else { field.unicodeScalars.append(c) }
        }
        return records
    }
}
