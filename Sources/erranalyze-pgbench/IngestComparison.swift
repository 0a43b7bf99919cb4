import ErrAnalyzeKit
import ErrAnalyzePostgres
import ErrAnalyzeSQLite
import Foundation

/// `erranalyze-pgbench --ingest URI FILE…`: ingests the files into a fresh SQLite file and
/// into the PostgreSQL database at URI (as host `bench`; a database it may fill, empty for a
/// fair figure), one after the other with the same engine options, and prints both wall times
/// and their ratio (docs/fleet.md). Fails if the two stores counted different requests.
func compareIngest(uri: String, paths: [String]) throws {
    func run(_ store: IngestStore) -> (seconds: Double, requests: Int64) {
        let start = Date()
        var requests: Int64 = 0
        for outcome in IngestEngine(store: store, options: IngestOptions(liveFileSeconds: 0)).ingest(paths: paths) {
            switch outcome {
            case .ingested(let report): requests += report.requests
            case .failed(_, let error): FileHandle.standardError.write(Data("erranalyze-pgbench: \(error)\n".utf8))
            }
        }
        return (Date().timeIntervalSince(start), requests)
    }
    let folder = NSTemporaryDirectory() + "erranalyze-pgbench-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let sqlite = run(try SQLiteStore(path: folder + "/bench.sqlite"))
    guard let location = ConnectionString(uri) else { throw StoreFailure(.other, "not a PostgreSQL URI") }
    let postgres = run(try PostgresStore(location, host: "bench", mode: .write))
    guard sqlite.requests == postgres.requests else {
        throw StoreFailure(.other, "requests differ: SQLite \(sqlite.requests), PostgreSQL \(postgres.requests)")
    }
    print(String(format: "%lld requests: SQLite %.2f s (%.0f lines/s), PostgreSQL %.2f s (%.0f lines/s), ratio %.2f",
                 sqlite.requests, sqlite.seconds, Double(sqlite.requests) / sqlite.seconds,
                 postgres.seconds, Double(postgres.requests) / postgres.seconds, postgres.seconds / sqlite.seconds))
}

/// `erranalyze-pgbench --report URI [SINCE UNTIL]`: times the whole report over the database
/// (every host; all hours, or the window in seconds since the epoch), three times.
func timeReport(uri: String, window: Report.Window = Report.Window()) throws {
    guard let location = ConnectionString(uri) else { throw StoreFailure(.other, "not a PostgreSQL URI") }
    let store = try PostgresStore(location, host: nil, mode: .read)
    for _ in 0..<3 {
        let start = Date()
        let hours = HourWindow(first: window.since.map { Int32($0 / 3600) }, last: window.until.map { Int32($0 / 3600) - 1 })
        let groups = try store.trafficGroups(in: hours)
        let grouped = Date().timeIntervalSince(start)
        let report = try ReportBuilder(store: store, classifier: Classifier()).build(ReportOptions(window: window))
        let total = Date().timeIntervalSince(start)
        print(String(format: "%d groups, %lld requests: trafficGroups %.2f s, then the whole report %.2f s",
                     groups.count, report.totals.requests, grouped, total - grouped))
    }
}
