import ErrAnalyzeKit
import ErrAnalyzePostgres
import ErrAnalyzeSQLite
import Foundation
import Testing
import TestSupport

/// What the PostgreSQL store tests share: the same files ingested through `IngestEngine` into
/// a PostgreSQL scratch database and into an SQLite file, and the reports of both rendered as
/// JSON to be compared byte for byte (the seed of the store contract suite).
enum StoreComparison {
    /// The ingest time of every test run: files written by the test are never "live" before it.
    static let now: Int64 = 1_800_000_000

    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    static func sample(_ relative: String) -> String { packageRoot + "/SampleLogs/" + relative }
    static var corpus: String { packageRoot + "/../shared/corpus/apache_logs" }

    /// A new folder for a test's files, removed when the test process exits (unless
    /// ERRANALYZE_KEEP_TEST_FILES=1): a `swift test` run outside Scripts/test's scratch TMPDIR
    /// leaves nothing in /tmp.
    static func temporaryFolder() throws -> String {
        try ScratchFolders.make("erranalyze-pgstore").path
    }

    /// An SQLite store written as `host`: the same host as `postgres(_:host:)`'s by default, so
    /// that the two stores' reports (hosts section included) can be compared byte for byte.
    static func sqlite(in folder: String, name: String = "erranalyze.sqlite", host: String = "web-1") throws -> SQLiteStore {
        try SQLiteStore(path: folder + "/" + name, host: host)
    }

    static func postgres(_ db: ScratchDatabase, host: String = "web-1") throws -> PostgresStore {
        try PostgresStore(ConnectionString(try db.uri)!, host: host, mode: .write)
    }

    /// Ingests `paths` one engine run; fails the test on any failed file.
    @discardableResult
    static func ingest(_ paths: [String], into store: IngestStore, sourceLocation: SourceLocation = #_sourceLocation) -> [FileReport] {
        let options = IngestOptions(workers: 1, liveFileSeconds: 0)
        let outcomes = IngestEngine(store: store, options: options, now: { now }).ingest(paths: paths)
        var reports: [FileReport] = []
        for outcome in outcomes {
            switch outcome {
            case .ingested(let report): reports.append(report)
            case .failed(let path, let error): Issue.record("\(path): \(error)", sourceLocation: sourceLocation)
            }
        }
        return reports
    }

    /// The report over everything, as JSON.
    static func reportJSON(_ store: ReportStore, options: ReportOptions = ReportOptions(top: 25)) throws -> String {
        JSONReportRenderer().render(try ReportBuilder(store: store, classifier: Classifier()).build(options))
    }

    /// The first line where two renderings differ, for a readable failure.
    static func firstDifference(_ a: String, _ b: String) -> String {
        let left = a.split(separator: "\n", omittingEmptySubsequences: false)
        let right = b.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(left.count, right.count) {
            let l = i < left.count ? String(left[i]) : "(end)", r = i < right.count ? String(right[i]) : "(end)"
            if l != r { return "line \(i + 1):\n  sqlite:   \(l)\n  postgres: \(r)" }
        }
        return "(none)"
    }

    static func expectSameReport(_ sqlite: ReportStore, _ postgres: ReportStore, options: ReportOptions = ReportOptions(top: 25),
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try reportJSON(sqlite, options: options), actual = try reportJSON(postgres, options: options)
        #expect(actual == expected, "reports differ: \(firstDifference(expected, actual))", sourceLocation: sourceLocation)
    }

    /// A combined-format log line.
    static func line(client: String, time: Int64, method: String = "GET", path: String, status: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "dd/MMM/yyyy:HH:mm:ss"
        let stamp = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time)))
        return "\(client) - - [\(stamp) +0000] \"\(method) \(path) HTTP/1.1\" \(status) 12 \"-\" \"test\""
    }

    /// A name made of letters only (the route templater leaves it alone), distinct per number.
    static func word(_ n: Int) -> String {
        var n = n, letters = ""
        repeat {
            letters.append(Character(UnicodeScalar(UInt8(97 + n % 26))))
            n /= 26
        } while n > 0
        return "w" + letters
    }

    static func write(_ lines: [String], to path: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}
