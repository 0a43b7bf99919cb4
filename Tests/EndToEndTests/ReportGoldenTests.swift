import ErrAnalyzeKit
import ErrAnalyzeSQLite
import Foundation
import Testing
import TestSupport

/// A fixed dataset for report tests: the Apache corpus (ingested by the binary) plus an API
/// log with error codes, clients and Idempotency-Key flags, generated here from a fixed seed
/// and ingested through the library with a small tab-separated test format (the built-in
/// formats of this branch carry no error codes).
final class ReportFixture: @unchecked Sendable {
    let harness: Harness
    var db: String { harness.db }
    let apiLog: String
    let logDirectory: String

    /// Built once and shared: every test only reads it.
    static let shared: Result<ReportFixture, Error> = Result { try ReportFixture() }

    static func get() throws -> ReportFixture { try shared.get() }

    /// The host the fixture is ingested as (`ingest --host`).
    static let host = "golden"

    private init() throws {
        harness = try Harness()
        // The hosts section names the host that ingested: a fixed name keeps golden files the
        // same on every machine.
        let ingest = try harness.run(["ingest", "--host", Self.host, CorpusTests.apacheLogs])
        guard ingest.status == 0 else { throw FixtureError(message: "ingest apache_logs: \(ingest.stderr)") }
        // A short folder, so that text reports print the log's path whole (long paths are
        // shortened from the left, which would keep a random part of a long temporary path).
        var template = Array("/tmp/erranalyze-golden-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw FixtureError(message: "cannot make a folder in /tmp") }
        logDirectory = String(cString: made)
        ScratchFolders.removeAtExit(logDirectory)
        apiLog = logDirectory + "/api.log"
        try Self.generateAPILog().write(toFile: apiLog, atomically: true, encoding: .utf8)
        let store = try SQLiteStore(path: harness.db, host: Self.host)
        let format = LogFormat(name: "api-test") { APITestLogParser() }
        let outcomes = IngestEngine(store: store, options: IngestOptions(format: format, workers: 1)).ingest(paths: [apiLog])
        for outcome in outcomes {
            if case .failed(_, let message) = outcome { throw FixtureError(message: message) }
        }
    }

    struct FixtureError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// `erranalyze report ARGS` on the fixture, in UTC, without colour.
    func report(_ arguments: [String], environment: [String: String] = [:]) throws -> Harness.Result {
        var env = ["TZ": "UTC", "NO_COLOR": "1"]
        for (k, v) in environment { env[k] = v }
        return try harness.run(["report", "--db", db] + arguments, environment: env)
    }

    /// Output with the machine-specific folders replaced, so golden files hold on any machine.
    func normalise(_ text: String) -> String {
        text.replacingOccurrences(of: logDirectory, with: "$FIXTURE")
            .replacingOccurrences(of: harness.directory.path, with: "$FIXTURE")
            .replacingOccurrences(of: Harness.corpus.path, with: "$CORPUS")
    }

    // MARK: The generated API log

    /// 2015-05-18T00:00:00Z: three days of traffic, overlapping the Apache corpus's last days.
    static let start: Int64 = 1_431_907_200

    /// Tab-separated: epoch seconds, method, path, status, code (- for none), client,
    /// Idempotency-Key sent (0/1), Retry-After sent (0/1).
    static func generateAPILog() -> String {
        var rng = GoldenDataRandom(seed: 20_151_119)
        var lines: [String] = []
        func add(_ t: Int64, _ method: String, _ path: String, _ status: Int, _ code: String, _ client: String, key: Bool = false, retryAfter: Bool = false) {
            lines.append("\(t)\t\(method)\t\(path)\t\(status)\t\(code)\t\(client)\t\(key ? 1 : 0)\t\(retryAfter ? 1 : 0)")
        }
        let clients = ["key_live_acme", "key_live_acme", "key_live_acme", "key_live_globex", "key_live_globex", "key_live_initech",
                       "key_live_bulkimport", "key_live_umbrella"]
        for hour in 0..<72 {
            let hourOfDay = hour % 24
            let n = hourOfDay >= 8 && hourOfDay <= 20 ? 90 : 30
            // An upstream incident: 14:00–16:59 on 19 May, the CRM provider fails often.
            let incident = hour >= 38 && hour <= 40
            for i in 0..<n {
                let t = start + Int64(hour) * 3600 + Int64(i * 3600 / n)
                let client = clients[rng.next(clients.count)]
                let roll = rng.next(1000)
                switch rng.next(100) {
                case 0..<40:
                    let path = "/v1/contacts/\(1000 + rng.next(500))"
                    if incident && roll < 250 { add(t, "GET", path, 502, "PROVIDER_ERROR", client) }
                    else if roll < 80 { add(t, "GET", path, 404, "CONTACT_NOT_FOUND", client) }
                    else if roll < 100 { add(t, "GET", path, 401, "INVALID_API_KEY", client) }
                    else if roll < 130 { add(t, "GET", path, 502, "PROVIDER_ERROR", client) }
                    else if roll < 150 || (client == "key_live_bulkimport" && roll < 400) {
                        add(t, "GET", path, 429, "PROVIDER_RATE_LIMITED", client, retryAfter: true)
                    } else { add(t, "GET", path, 200, "-", client) }
                case 40..<60:
                    let key = rng.next(2) == 0
                    if incident && roll < 200 { add(t, "POST", "/v1/contacts", 502, "PROVIDER_ERROR", client, key: key) }
                    else if roll < 100 { add(t, "POST", "/v1/contacts", 400, "INVALID_INPUT", client, key: key) }
                    else if roll < 130 { add(t, "POST", "/v1/contacts", 400, "validation_failed", client, key: key) }
                    else if roll < 170 { add(t, "POST", "/v1/contacts", 502, "PROVIDER_ERROR", client, key: key) }
                    else if roll < 200 { add(t, "POST", "/v1/contacts", 503, "PROVIDER_UNAVAILABLE", client, key: key) }
                    else { add(t, "POST", "/v1/contacts", 201, "-", client, key: key) }
                case 60..<72:
                    let path = "/v1/contacts/\(1000 + rng.next(500))"
                    if roll < 50 { add(t, "PATCH", path, 400, "INVALID_INPUT", client) }
                    else if roll < 70 { add(t, "PATCH", path, 410, "CONTACT_NOT_FOUND", client) }
                    else if roll < 100 { add(t, "PATCH", path, 500, "INTERNAL_ERROR", client) }
                    else { add(t, "PATCH", path, 200, "-", client) }
                case 72..<88:
                    if incident && roll < 300 { add(t, "GET", "/v1/meetings", 503, "CIRCUIT_OPEN", client) }
                    else if roll < 30 { add(t, "GET", "/v1/meetings", 503, "CIRCUIT_OPEN", client) }
                    else if roll < 50 { add(t, "GET", "/v1/meetings", 418, "TEAPOT_OVERFLOW", client) }
                    else { add(t, "GET", "/v1/meetings", 200, "-", client) }
                case 88..<99:
                    let path = "/v1/webhooks/wh_\(rng.next(90_000) + 10_000)"
                    if roll < 100 { add(t, "DELETE", path, 403, "SCOPE_DENIED", client) }
                    else { add(t, "DELETE", path, 204, "-", client) }
                default:
                    // Rare, and failing half the time: under --min-requests it is not ranked by rate.
                    if roll < 500 { add(t, "POST", "/v1/auth/token", 401, "AUTH_FAILED", client) }
                    else { add(t, "POST", "/v1/auth/token", 200, "-", client) }
                }
            }
        }
        // Values that renderers must escape: CSV quoting, HTML, Prometheus labels, Markdown.
        add(start + 39 * 3600 + 30, "GET", "/v1/search/<b>x</b>", 404, "bad\"code,x|y", "key_live_acme")
        add(start + 39 * 3600 + 31, "GET", "/v1/search/<b>x</b>", 404, "bad\"code,x|y", "key_live_acme")
        // Lines that are not requests at all.
        lines.insert("this is not a request", at: 100)
        lines.insert("1431950000\tGET\t/v1/contacts\tabc\t-\tkey_live_acme\t0\t0", at: 2000)
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A small deterministic generator (an LCG), so the dataset is the same on every machine.
struct GoldenDataRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A number in 0..<bound.
    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
}

/// The tab-separated test format above.
struct APITestLogParser: LineParser {
    mutating func parse(_ line: UnsafeRawBufferPointer, into record: inout RequestRecord) -> LineParseResult {
        record.reset()
        var fields: [UnsafeRawBufferPointer] = []
        var start = 0
        for i in 0...line.count where i == line.count || line[i] == 0x09 {
            fields.append(UnsafeRawBufferPointer(rebasing: line[start..<i]))
            start = i + 1
        }
        guard fields.count == 8 else { return .malformed(.unrecognisedLayout) }
        func text(_ i: Int) -> String { String(decoding: fields[i], as: UTF8.self) }
        guard let timestamp = Int64(text(0)) else { return .malformed(.badTimestamp) }
        guard let status = Int(text(3)), (100...599).contains(status) else { return .malformed(.badStatus) }
        record.timestamp = timestamp
        record.method = fields[1]
        record.path = fields[2]
        record.status = status
        if text(4) != "-" { record.errorCode = fields[4] }
        record.client = fields[5]
        record.hasIdempotencyKey = text(6) == "1"
        record.hasRetryAfter = text(7) == "1"
        return .request
    }
}

/// Renders of every format on the fixture, compared with `Tests/Golden/`. After an intended
/// change (or a catalogue change, which changes meanings and retriability), regenerate them
/// with `UPDATE_GOLDEN=1 Scripts/test --filter ReportGoldenTests` and review the diff.
@Suite struct ReportGoldenTests {
    static let golden = Harness.packageRoot.appendingPathComponent("Tests/Golden")
    /// 19 May 2015, the day of the incident, in UTC; compared with 18 May.
    static let day = ["--since", "2015-05-19T00:00:00Z", "--until", "2015-05-20T00:00:00Z", "--tz", "UTC"]

    static let cases: [(file: String, arguments: [String])] = [
        ("day.txt", day),
        ("day.json", day + ["--format", "json", "--compare"]),
        ("day.md", day + ["--format", "markdown"]),
        ("day.html", day + ["--format", "html"]),
        ("day.prom", day + ["--format", "prometheus"]),
        ("day-codes.csv", day + ["--format", "csv"]),
        ("day-routes_by_rate.csv", day + ["--format", "csv", "--section", "routes_by_rate"]),
        ("day-timeline.csv", day + ["--format", "csv", "--section", "timeline"]),
        ("all.txt", ["--tz", "UTC"]),
        ("all.json", ["--tz", "UTC", "--format", "json"]),
        ("all.prom", ["--tz", "UTC", "--format", "prometheus"]),
        ("day-filtered.txt", day + ["--status", "5xx", "--method", "get,post"]),
        ("day-filtered.json", day + ["--format", "json", "--route", "/v1/contacts/*", "--code", "PROVIDER_ERROR,INVALID_INPUT"]),
        ("day-thresholds.md", day + ["--format", "markdown", "--fail-if", "error_rate>5%", "--fail-if", "requests<100",
                                     "--fail-if", "code:PROVIDER_ERROR>=50"]),
    ]

    @Test(arguments: cases.map(\.file))
    func renderMatchesGoldenFile(_ file: String) throws {
        let fixture = try ReportFixture.get()
        let arguments = Self.cases.first { $0.file == file }!.arguments
        let result = try fixture.report(arguments)
        #expect(result.status == 0 || (result.status == 3 && arguments.contains("--fail-if")), "\(result.stderr)")
        let rendered = fixture.normalise(result.stdout)
        let url = Self.golden.appendingPathComponent(file)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
            try rendered.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(rendered == expected, "\(file) differs from the golden file: \(Self.firstDifference(expected, rendered))\n(regenerate with UPDATE_GOLDEN=1 Scripts/test --filter ReportGoldenTests, then review the diff)")
    }

    static func firstDifference(_ a: String, _ b: String) -> String {
        let left = a.components(separatedBy: "\n"), right = b.components(separatedBy: "\n")
        for i in 0..<max(left.count, right.count) {
            let l = i < left.count ? left[i] : "<end>", r = i < right.count ? right[i] : "<end>"
            if l != r { return "line \(i + 1):\n  expected: \(l)\n  rendered: \(r)" }
        }
        return "(same lines)"
    }
}
