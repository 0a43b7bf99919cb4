// Times the PostgreSQL fast path for aggregates, for developers and the benchmark figures in
// docs/fleet.md: `swift run -c release erranalyze-pgbench URI [ROWS]` (URI of a database it
// may fill; Scripts/pg-server start gives one). Adds ROWS distinct traffic rows (default 1M)
// with COPY + upsert in key order, into the empty table (inserts) and again (every key a
// conflict: updates), each in one transaction, and prints the wall time of each.
// `erranalyze-pgbench --ingest URI FILE…` times a whole ingest into SQLite and PostgreSQL;
// `--report URI` the report over a database's every host.
import ErrAnalyzeKit
import ErrAnalyzePostgres
import Foundation

let arguments = CommandLine.arguments
// `--ingest URI FILE…`: the whole ingest into both stores (IngestComparison.swift).
if arguments.count >= 4 && arguments[1] == "--ingest" {
    do {
        try compareIngest(uri: arguments[2], paths: Array(arguments[3...]))
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("erranalyze-pgbench: \(error)\n".utf8))
        exit(1)
    }
}
if (arguments.count == 3 || arguments.count == 5) && arguments[1] == "--report" {
    do {
        let window = arguments.count == 5 ? Report.Window(since: Int64(arguments[3]), until: Int64(arguments[4])) : Report.Window()
        try timeReport(uri: arguments[2], window: window)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("erranalyze-pgbench: \(error)\n".utf8))
        exit(1)
    }
}
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: erranalyze-pgbench URI [ROWS] | --ingest URI FILE... | --report URI [SINCE UNTIL]\n".utf8))
    exit(2)
}
let rowCount = arguments.count > 2 ? Int(arguments[2]) ?? 1_000_000 : 1_000_000

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = Date()
    try body()
    return Date().timeIntervalSince(start)
}

do {
    let connection = try PostgresConnection(arguments[1])
    try PostgresMigrations.migrate(connection)
    try connection.execute("TRUNCATE traffic")
    // 500 hours (one month, 2025-11) × routes, shuffled: what a busy fleet sends in a step.
    let routesPerHour = max(1, rowCount / 500)
    var keys: [(hour: Int64, route: Int64)] = []
    keys.reserveCapacity(rowCount)
    for index in 0..<rowCount { keys.append((490_000 + Int64(index / routesPerHour), Int64(index % routesPerHour) + 1)) }
    keys.shuffle()
    var rows = AdditiveRows(.traffic, reservingRows: rowCount)
    for key in keys { rows.append(key.hour, 1, key.route, 1, 200, 0, 0, 3, 3, 300) }
    try PostgresPartitions.ensure(hours: keys.map { Int32($0.hour) }, on: connection)

    let insert = try seconds { _ = try connection.transaction { try $0.addSums(rows) } }
    let update = try seconds { _ = try connection.transaction { try $0.addSums(rows) } }
    let check = try connection.query("SELECT count(*), sum(requests) FROM traffic").first!
    guard check.int64(0) == Int64(rowCount), check.int64(1) == Int64(rowCount) * 6 else {
        throw PostgresError(kind: .other, server: connection.server, detail: "totals wrong: \(check.int64(0)) rows, \(check.int64(1)) requests")
    }
    print(String(format: "%d rows: COPY+upsert into empty table %.2f s (%.0f rows/s); again, all conflicts %.2f s (%.0f rows/s)",
                 rowCount, insert, Double(rowCount) / insert, update, Double(rowCount) / update))
} catch {
    FileHandle.standardError.write(Data("erranalyze-pgbench: \(error)\n".utf8))
    exit(1)
}
