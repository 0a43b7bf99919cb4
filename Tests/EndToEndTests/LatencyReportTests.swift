import Foundation
import Testing

/// Latency through the built binary: logs whose durations are known exactly give JSON
/// percentiles within the stated bound (overall and per route); the same lines split,
/// gzip-compressed, ingested in pieces or by several workers give the same histogram;
/// `--fail-if` on latency exits 3 or 0; logs without durations say what to log.
@Suite struct LatencyEndToEndTests {
    static let logFormat = #"log_format lat '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent rt=$request_time';"#
    static let bound = 0.048

    struct Line { var route: String; var path: String; var status: Int; var millis: Int64 }

    /// 6,000 requests over two hours on three routes: fast reads, slower writes with a 1 %
    /// tail of 2–8 s, and errors; nginx writes $request_time in seconds with millisecond resolution.
    static func lines() -> [Line] {
        var rng = SeededGenerator(seed: 1313)
        return (0..<6_000).map { i in
            switch i % 3 {
            case 0: return Line(route: "/v1/users/{id}", path: "/v1/users/\(i)", status: 200, millis: Int64.random(in: 1...60, using: &rng))
            case 1:
                let slow = i % 100 == 1
                return Line(route: "/v1/payments", path: "/v1/payments", status: i % 7 == 0 ? 503 : 201,
                            millis: slow ? Int64.random(in: 2_000...8_000, using: &rng) : Int64.random(in: 80...400, using: &rng))
            default: return Line(route: "/v1/search", path: "/v1/search?q=\(i)", status: i % 5 == 0 ? 404 : 200,
                                 millis: Int64.random(in: 0...900, using: &rng))
            }
        }
    }

    static func text(_ lines: ArraySlice<Line>, offset: Int = 0) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "dd/MMM/yyyy:HH:mm:ss"
        return lines.enumerated().map { index, l in
            let stamp = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(1_795_132_800 + (index + offset))))
            let method = l.route == "/v1/payments" ? "POST" : "GET"
            let seconds = String(format: "%d.%03d", l.millis / 1000, l.millis % 1000)
            return "192.0.2.\(index % 200) - - [\(stamp) +0000] \"\(method) \(l.path) HTTP/1.1\" \(l.status) 512 rt=\(seconds)\n"
        }.joined()
    }

    static func exact(_ millis: [Int64], _ q: Double) -> Double {
        let sorted = millis.sorted()
        return Double(sorted[max(1, Int((q * Double(sorted.count)).rounded(.up))) - 1])
    }

    static func expectWithin(_ value: Any?, _ exact: Double, _ label: String) {
        guard let ms = (value as? NSNumber)?.doubleValue else { Issue.record("\(label): no value"); return }
        let error = exact == 0 ? ms : abs(ms - exact) / exact
        #expect(error <= bound, "\(label): \(ms) ms vs exact \(exact) ms")
    }

    func ingest(_ h: Harness, _ files: [String], db: String? = nil, extra: [String] = []) throws {
        let result = try h.run(["ingest", "--db", db ?? h.db, "--log-format", Self.logFormat] + extra + files)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func percentilesOverallAndPerRouteAreWithinTheBoundOfTheExactOnes() throws {
        let h = try Harness()
        let lines = Self.lines()
        try Self.text(lines[...]).write(toFile: h.path("access.log"), atomically: true, encoding: .utf8)
        try ingest(h, [h.path("access.log")])
        let report = try h.jsonReport(["--min-requests", "1", "--top", "10"])
        let latency = try #require(report["latency"] as? [String: Any])
        #expect(latency["unit"] as? String == "ms")
        #expect(latency["available"] as? Bool == true)
        #expect(latency.int("count") == 6_000)
        let all = lines.map(\.millis)
        for (key, q) in [("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99)] {
            Self.expectWithin(latency[key], Self.exact(all, q), "overall \(key)")
        }
        let routes = try #require(latency["routes"] as? [[String: Any]])
        #expect(routes.count == 3)
        for route in routes {
            let name = route["route"] as? String ?? ""
            let values = lines.filter { $0.route == name }.map(\.millis)
            #expect(route.int("count") == values.count)
            for (key, q) in [("p50", 0.5), ("p95", 0.95), ("p99", 0.99)] { Self.expectWithin(route[key], Self.exact(values, q), "\(name) \(key)") }
            // Errors apart from successes.
            let outcomes = route["by_outcome"] as? [[String: Any]] ?? []
            for outcome in outcomes {
                let label = outcome["outcome"] as? String ?? ""
                let subset = lines.filter { $0.route == name && (label == "5xx" ? $0.status >= 500 : label == "4xx" ? ($0.status >= 400 && $0.status < 500) : $0.status < 400) }
                #expect(outcome.int("count") == subset.count, "\(name) \(label)")
                Self.expectWithin(outcome["p95"], Self.exact(subset.map(\.millis), 0.95), "\(name) \(label) p95")
            }
        }
        // Slow requests over 1 s and Apdex at 300 ms, counted exactly (both are bucket bounds).
        let slow = try #require(latency["slow"] as? [String: Any])
        #expect(slow.int("count") == all.filter { $0 > 1_000 }.count)
        let apdex = try #require(latency["apdex"] as? [String: Any])
        #expect(apdex.int("satisfied") == all.filter { $0 <= 300 }.count)
        #expect(apdex.int("tolerating") == all.filter { $0 > 300 && $0 <= 1_200 }.count)
        #expect(apdex["exact"] as? Bool == true)
        // Each hour of the timeline carries its p95.
        let timeline = report.array("timeline")
        #expect(timeline.count == 2)
        for (index, point) in timeline.enumerated() {
            let hour = lines.enumerated().filter { $0.offset / 3_600 == index }.map(\.element.millis)
            Self.expectWithin(point["p95_ms"], Self.exact(hour, 0.95), "hour \(index) p95")
        }
    }

    @Test func splitGzipPiecesAndWorkersGiveTheSameHistogram() throws {
        let h = try Harness()
        let lines = Self.lines()
        let whole = Self.text(lines[...])
        try whole.write(toFile: h.path("access.log"), atomically: true, encoding: .utf8)
        try ingest(h, [h.path("access.log")], extra: ["--workers", "1"])

        // Three pieces: the first plain, the second gzip-compressed, the third as two gzip members.
        try Self.text(lines[0..<2_000]).write(toFile: h.path("part1.log"), atomically: true, encoding: .utf8)
        try Self.text(lines[2_000..<4_000], offset: 2_000).write(toFile: h.path("part2.log"), atomically: true, encoding: .utf8)
        try Self.text(lines[4_000..<5_000], offset: 4_000).write(toFile: h.path("part3a.log"), atomically: true, encoding: .utf8)
        try Self.text(lines[5_000..<6_000], offset: 5_000).write(toFile: h.path("part3b.log"), atomically: true, encoding: .utf8)
        let part2 = try h.gzip(h.path("part2.log"), to: "part2.log.gz")
        try h.shell("gzip -c '\(h.path("part3a.log"))' > '\(h.path("part3.log.gz"))' && gzip -c '\(h.path("part3b.log"))' >> '\(h.path("part3.log.gz"))'")
        let pieces = h.path("pieces.sqlite")
        try ingest(h, [h.path("part1.log")], db: pieces)
        try ingest(h, [part2, h.path("part3.log.gz")], db: pieces)

        // Several workers over the whole file (chunks of one plain file).
        let workers = h.path("workers.sqlite")
        try ingest(h, [h.path("access.log")], db: workers, extra: ["--workers", "2"])

        func latency(_ db: String) throws -> NSDictionary {
            try #require(try h.jsonReport(["--min-requests", "1"], db: db)["latency"] as? NSDictionary)
        }
        let reference = try latency(h.db)
        #expect((reference["count"] as? NSNumber)?.intValue == 6_000)
        #expect(try latency(pieces) == reference)
        #expect(try latency(workers) == reference)
    }

    @Test func failIfOnLatencyExitsThreeWhenCrossedAndZeroWhenKept() throws {
        let h = try Harness()
        let lines = Self.lines()
        try Self.text(lines[...]).write(toFile: h.path("access.log"), atomically: true, encoding: .utf8)
        try ingest(h, [h.path("access.log")])
        let p99 = Self.exact(lines.map(\.millis), 0.99)   // about 2–3 s: the slow tail
        let crossed = try h.run(["report", "--db", h.db, "--format", "json", "--fail-if", "p99>\(Int(p99 * 0.8))ms"])
        #expect(crossed.status == 3, "\(crossed.stderr)")
        #expect(crossed.stderr.contains("p99"))
        let kept = try h.run(["report", "--db", h.db, "--format", "json", "--fail-if", "p99>\(Int(p99 * 1.2))ms"])
        #expect(kept.status == 0, "\(kept.stderr)")
        let payments = try h.run(["report", "--db", h.db, "--fail-if", "p95:/v1/payments*>1s", "--fail-if", "apdex<0.5",
                                  "--fail-if", "slow_rate>5%"])
        #expect(payments.status == 0, "\(payments.stderr)")
        let strict = try h.run(["report", "--db", h.db, "--fail-if", "p95:/v1/payments*>100ms"])
        #expect(strict.status == 3)
        let usage = try h.run(["report", "--db", h.db, "--fail-if", "p99>2"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("duration"))
        let badSlow = try h.run(["report", "--db", h.db, "--slow", "soon"])
        #expect(badSlow.status == 2)
    }

    @Test func logsWithoutDurationsSayWhatToLog() throws {
        let h = try Harness()
        let ingest = try h.run(["ingest", "--db", h.db, Harness.sampleLogs.appendingPathComponent("formats/combined.log").path])
        #expect(ingest.status == 0)
        let report = try h.jsonReport()
        let latency = try #require(report["latency"] as? [String: Any])
        #expect(latency["available"] as? Bool == false)
        #expect((latency["note"] as? String)?.contains("$request_time") == true)
        let text = try h.run(["report", "--db", h.db, "--color", "never"])
        #expect(text.stdout.contains("$request_time"))
        #expect(text.stdout.contains("%D"))
    }
}

/// The real-looking samples: durations read here independently from the same bytes (JSON's
/// `response.duration_ms`, nginx's `$request_time`) give exact percentiles the report's are
/// within the bound of.
@Suite struct LatencySampleLogsTests {
    func expectPercentiles(_ micros: [Int64], _ report: [String: Any], _ label: String) throws {
        let latency = try #require(report["latency"] as? [String: Any])
        #expect(latency.int("count") == micros.count, "\(label)")
        for (key, q) in [("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99)] {
            let exact = LatencyEndToEndTests.exact(micros, q) / 1_000
            LatencyEndToEndTests.expectWithin(latency[key], exact, "\(label) \(key)")
        }
    }

    @Test func theJSONSampleLogsDurationsGiveItsPercentiles() throws {
        let h = try Harness()
        let file = Harness.sampleLogs.appendingPathComponent("api/app.jsonl").path
        #expect(try h.run(["ingest", "--db", h.db, file]).status == 0)
        var micros: [Int64] = []
        // Bytes, not a String: the sample holds a line of binary data (a malformed line).
        for line in try Data(contentsOf: URL(fileURLWithPath: file)).split(separator: 0x0A) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let response = object["response"] as? [String: Any],
                  let ms = (response["duration_ms"] as? NSNumber)?.doubleValue else { continue }
            micros.append(Int64((ms * 1_000).rounded()))
        }
        #expect(micros.count == 3_000)
        try expectPercentiles(micros, try h.jsonReport(), "app.jsonl")
    }

    @Test func theNginxSampleLogsRequestTimesGiveItsPercentiles() throws {
        let h = try Harness()
        let file = Harness.sampleLogs.appendingPathComponent("nginx/access.log").path
        let format = try String(contentsOfFile: Harness.sampleLogs.appendingPathComponent("nginx/log_format.conf").path, encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("log_format") }.map(String.init) ?? ""
        #expect(try h.run(["ingest", "--db", h.db, "--log-format", format, file]).status == 0)
        // $request_time follows the quoted user agent: `… "agent" 0.123 "code" "key" "retry"`.
        let pattern = try NSRegularExpression(pattern: #"" ([0-9]+\.[0-9]+) "[^"]*" "[^"]*" "[^"]*"$"#)
        var micros: [Int64] = []
        for line in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n") {
            let text = String(line)
            guard let match = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                  let range = Range(match.range(at: 1), in: text), let seconds = Double(text[range]) else { continue }
            micros.append(Int64((seconds * 1_000_000).rounded()))
        }
        #expect(micros.count > 1_000)
        try expectPercentiles(micros, try h.jsonReport(), "nginx access.log")
    }
}
