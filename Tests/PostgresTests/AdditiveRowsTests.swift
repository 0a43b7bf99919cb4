import ErrAnalyzePostgres
import XCTest

/// Rows are sent sorted by key, each key once, with the counters of repeated keys summed.
final class AdditiveRowsTests: XCTestCase {
    func testSortAndMergeKeys() {
        var rows = AdditiveRows(.statusHourly)
        rows.append(20, 1, 500, 1)
        rows.append(10, 2, 200, 5)
        rows.append(10, 1, 404, 2)
        rows.append(20, 1, 500, 10)
        rows.append(10, 2, 200, 7)
        rows.append(-3, 1, 200, 1)
        rows.sortAndMergeKeys()
        XCTAssertEqual(rows.count, 4)
        XCTAssertEqual(rows.values, [-3, 1, 200, 1,
                                     10, 1, 404, 2,
                                     10, 2, 200, 12,
                                     20, 1, 500, 11])
    }
}
