import Foundation
@testable import ErrAnalyzeKit
@testable import ErrAnalyzeSQLite

/// One request for a test dataset.
struct TestRequest {
    var time: Int64
    var method: String
    var path: String
    var status: Int
    var code: String = ""
    var client: String = ""
    var idempotencyKey = false
    /// The logged duration in microseconds; -1 when the log has none.
    var durationMicros: Int64 = -1
}

/// 2026-11-20T00:00:00Z.
let reportDay: Int64 = 1_795_132_800

/// Counts `requests` the way ingest does (into `start`: an aggregate with other caps or a
/// recent floor of its own).
func aggregate(_ requests: [TestRequest], into start: TrafficAggregate = TrafficAggregate()) -> TrafficAggregate {
    var a = start
    for r in requests {
        let method = Array(r.method.utf8), path = Array(r.path.utf8), code = Array(r.code.utf8), client = Array(r.client.utf8)
        method.withUnsafeBytes { m in
            path.withUnsafeBytes { p in
                code.withUnsafeBytes { c in
                    client.withUnsafeBytes { cl in
                        var record = RequestRecord()
                        record.timestamp = r.time
                        record.method = m
                        record.path = p
                        record.status = r.status
                        record.errorCode = c
                        record.client = cl
                        record.hasIdempotencyKey = r.idempotencyKey
                        record.durationMicros = r.durationMicros
                        a.add(record)
                    }
                }
            }
        }
    }
    return a
}

/// A database holding `requests`.
func store(with requests: [TestRequest], host: String = "test-host") throws -> SQLiteStore {
    let store = try SQLiteStore(path: temporaryDatabase(), host: host)
    try store.commit(checkpoint(aggregate(requests), bytes: 100, head: UUID().uuidString))
    return store
}

func buildReport(_ requests: [TestRequest], _ options: ReportOptions = ReportOptions()) throws -> Report {
    try ReportBuilder(store: store(with: requests), classifier: Classifier()).build(options)
}

/// `n` copies of a request, one a minute from `start`.
func repeated(_ n: Int, start: Int64, _ make: (Int64) -> TestRequest) -> [TestRequest] {
    (0..<n).map { make(start + Int64($0) * 60) }
}

/// A small API day: two hours of traffic on 20 Nov and one on 19 Nov (for comparison).
func sampleAPIRequests() -> [TestRequest] {
    var r: [TestRequest] = []
    let h10 = reportDay + 10 * 3600, h11 = reportDay + 11 * 3600, before = reportDay - 14 * 3600
    r += repeated(50, start: h10) { TestRequest(time: $0, method: "GET", path: "/v1/users/\($0 % 97)", status: 200, client: "key_a") }
    r += repeated(10, start: h10) { TestRequest(time: $0, method: "GET", path: "/v1/users/\($0 % 97)", status: 404, code: "NOT_FOUND", client: "key_a") }
    r += repeated(5, start: h11) { TestRequest(time: $0, method: "POST", path: "/v1/orders", status: 503, code: "UPSTREAM_DOWN", client: "key_b") }
    r += repeated(3, start: h11) { TestRequest(time: $0, method: "POST", path: "/v1/orders", status: 503, code: "UPSTREAM_DOWN", client: "key_b", idempotencyKey: true) }
    r += repeated(20, start: h11) { TestRequest(time: $0, method: "POST", path: "/v1/orders", status: 201, client: "key_b") }
    r += repeated(4, start: h11) { TestRequest(time: $0, method: "GET", path: "/v1/orders", status: 429, code: "RATE_LIMITED", client: "key_c") }
    r += repeated(2, start: h11) { TestRequest(time: $0, method: "DELETE", path: "/v1/tiny", status: 500, client: "key_c") }
    r += repeated(30, start: before) { TestRequest(time: $0, method: "GET", path: "/v1/users/1", status: 200, client: "key_a") }
    r += repeated(2, start: before) { TestRequest(time: $0, method: "GET", path: "/v1/users/1", status: 404, code: "NOT_FOUND", client: "key_a") }
    return r
}

/// The window 20 Nov 2026, UTC.
let reportDayWindow = Report.Window(since: reportDay, until: reportDay + 86_400)
