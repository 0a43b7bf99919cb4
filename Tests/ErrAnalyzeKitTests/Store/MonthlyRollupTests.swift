import Foundation
import Testing
@testable import ErrAnalyzeKit

/// Which days of a window come from monthly sums, which from daily ones.
@Suite struct MonthlyRollupTests {
    /// Days since the epoch of a UTC date, by Foundation (the independent count).
    func day(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        return Int64(date.timeIntervalSince1970 / 86_400)
    }

    @Test func monthsAndTheirFirstDaysAgreeWithTheCalendar() {
        for (year, month) in [(1970, 1), (1969, 12), (1900, 3), (2000, 2), (2024, 2), (2024, 3), (2026, 11), (2100, 12)] {
            let index = Int64((year - 1970) * 12 + month - 1)
            #expect(MonthlyRollup.firstDay(ofMonth: index) == day(year, month, 1), "\(year)-\(month)")
            #expect(MonthlyRollup.month(ofDay: day(year, month, 1)) == index)
            #expect(MonthlyRollup.month(ofDay: day(year, month, 1) - 1) == index - 1)
        }
        #expect(MonthlyRollup.month(ofDay: day(2024, 2, 29)) == MonthlyRollup.month(ofDay: day(2024, 2, 1)))
    }

    @Test func wholeMonthsFromMonthlyRowsTheRestDayByDay() {
        let jan = MonthlyRollup.month(ofDay: day(2024, 1, 1))
        // 10 January – 20 April: February and March whole.
        #expect(MonthlyRollup.plan(day(2024, 1, 10)...day(2024, 4, 20))
                == .init(months: (jan + 1)...(jan + 2), dayRanges: [day(2024, 1, 10)...day(2024, 1, 31), day(2024, 4, 1)...day(2024, 4, 20)]))
        // Exactly January.
        #expect(MonthlyRollup.plan(day(2024, 1, 1)...day(2024, 1, 31)) == .init(months: jan...jan, dayRanges: []))
        // Inside one month: days only.
        let inside = day(2024, 1, 2)...day(2024, 1, 31)
        #expect(MonthlyRollup.plan(inside) == .init(months: nil, dayRanges: [inside]))
        // Open ends stay open.
        #expect(MonthlyRollup.plan(Int64.min...day(2024, 1, 15)) == .init(months: Int64.min...(jan - 1), dayRanges: [day(2024, 1, 1)...day(2024, 1, 15)]))
        #expect(MonthlyRollup.plan(Int64.min...Int64.max) == .init(months: Int64.min...Int64.max, dayRanges: []))
    }
}
