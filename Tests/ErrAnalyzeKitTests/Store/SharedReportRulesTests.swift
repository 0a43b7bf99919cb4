import Foundation
import Testing
@testable import ErrAnalyzeKit
@testable import ErrAnalyzeSQLite

/// The report rules both stores follow (ClientRanking, MalformedWindow), as pure decisions,
/// and their SQL forms held to the Swift forms.
@Suite struct SharedReportRulesTests {
    private func total(_ name: String, _ errors: Int64, _ limited: Int64 = 0) -> ClientErrorTotal {
        ClientErrorTotal(client: name, errors: errors, rateLimited: limited)
    }

    @Test func clientsByErrorsHeaviestFirstTiesByNameAsBytes() {
        // Bytes, not a locale: "Z" (0x5A) before "a" (0x61), "z" before "é" (0xC3 0xA9).
        let candidates = [total("é", 3), total("a", 3), total("Z", 3), total("heavy", 9), total("z", 3), total("quiet", 0, 0)]
        let listed = ClientRanking.byErrors.top(candidates, limit: 4)
        #expect(listed.map(\.client) == ["heavy", "Z", "a", "z"])
        #expect(ClientRanking.byErrors.top(candidates, limit: 10).map(\.client) == ["heavy", "Z", "a", "z", "é"])
    }

    @Test func clientsByRateLimitedLeaveOutThoseWithNone() {
        let candidates = [total("many-errors", 50, 0), total("b", 2, 2), total("a", 1, 2), total("c", 1, 7)]
        #expect(ClientRanking.byRateLimited.top(candidates, limit: 10).map(\.client) == ["c", "a", "b"])
        #expect(ClientRanking.byRateLimited.top(candidates, limit: 0).isEmpty)
    }

    @Test(arguments: [1, 3, 10, 100])
    func floorIsTheLimitThLargestMeasure(limit: Int) {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let measures = (0..<Int.random(in: 0...60, using: &generator)).map { _ in Int64.random(in: 0...9, using: &generator) }
            let sorted = measures.sorted(by: >)
            let expected: Int64? = sorted.isEmpty ? nil : sorted[min(limit, sorted.count) - 1]
            #expect(ClientRanking.floor(of: measures, limit: limit) == expected, "\(measures)")
        }
    }

    @Test func aFileBelongsToAWindowItsRequestsOverlap() {
        let window = HourWindow(first: 10, last: 11)  // 36000 ..< 43200 s
        let rule = MalformedWindow(window)
        #expect(rule.includes(fileFirst: 30000, fileLast: 36000))       // ends at the first second
        #expect(!rule.includes(fileFirst: 30000, fileLast: 35999))      // ends just before
        #expect(rule.includes(fileFirst: 43199, fileLast: 50000))       // starts in the last second
        #expect(!rule.includes(fileFirst: 43200, fileLast: 50000))      // starts just after
        #expect(rule.includes(fileFirst: nil, fileLast: nil))           // no readable request: every window
        #expect(MalformedWindow(HourWindow(first: nil, last: nil)).includes(fileFirst: 0, fileLast: 1))
    }

    /// The SQL conditions select exactly the files `includes` accepts (run by SQLite; the
    /// PostgreSQL store uses the same text, held equal by the contract suite).
    @Test func theSQLFormSelectsTheSameFilesAsTheSwiftForm() throws {
        let db = try SQLiteConnection(path: ":memory:")
        try db.execute("CREATE TABLE files (id INTEGER PRIMARY KEY, first_ts INTEGER, last_ts INTEGER)")
        var files: [(id: Int64, first: Int64?, last: Int64?)] = []
        var id: Int64 = 0
        let edges: [Int64?] = [nil, 0, 35999, 36000, 36001, 43199, 43200, 90000]
        for first in edges { for last in edges {
            if let first, let last, last < first { continue }
            id += 1
            files.append((id, first, last))
            try db.prepare("INSERT INTO files VALUES (?, ?, ?)").bind([id, first, last]).run()
        } }
        for window in [HourWindow(first: 10, last: 11), HourWindow(first: 10, last: nil), HourWindow(first: nil, last: 11),
                       HourWindow(first: nil, last: nil)] {
            let rule = MalformedWindow(window)
            let parts = rule.sqlConditions(files: "f")
            var selected: [Int64] = []
            try db.prepare("SELECT f.id FROM files f WHERE \(parts.isEmpty ? "1" : parts.joined(separator: " AND ")) ORDER BY f.id")
                .forEachRow { selected.append($0.int(0)) }
            #expect(selected == files.filter { rule.includes(fileFirst: $0.first, fileLast: $0.last) }.map(\.id), "\(window)")
        }
    }
}
