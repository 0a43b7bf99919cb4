import ErrAnalyzePostgres
import Testing

/// Rows are sent sorted by key, each key once, with the counters of repeated keys summed.
@Suite struct AdditiveRowsTests {
    @Test func sortAndMergeKeys() {
        var rows = AdditiveRows(.statusHourly)
        rows.append(20, 1, 500, 1)
        rows.append(10, 2, 200, 5)
        rows.append(10, 1, 404, 2)
        rows.append(20, 1, 500, 10)
        rows.append(10, 2, 200, 7)
        rows.append(-3, 1, 200, 1)
        rows.sortAndMergeKeys()
        #expect(rows.count == 4)
        #expect(rows.values == [-3, 1, 200, 1,
                                10, 1, 404, 2,
                                10, 2, 200, 12,
                                20, 1, 500, 11])
    }
}
