/// Whole UTC calendar months of traffic, summed at ingest like the days of `DailyRollup`, so
/// that a report over a fleet's 90 days reads two or three rows per key and host instead of
/// ninety: 100 hosts × 90 days of daily rows are millions (docs/fleet.md). Days stay the
/// source: a month is written in the same transaction as its days, and a prune that cuts a
/// month in two sums it again from the days that remain.
package enum MonthlyRollup {
    /// Months since January 1970 (negative before) of a day since the epoch (UTC).
    package static func month(ofDay day: Int64) -> Int64 {
        let (year, month, _) = civil(fromDays: day)
        return (year - 1970) * 12 + (month - 1)
    }

    /// The first day (since the epoch, UTC) of a month since January 1970.
    package static func firstDay(ofMonth month: Int64) -> Int64 {
        let years = month >= 0 ? month / 12 : (month - 11) / 12
        return days(fromCivil: 1970 + years, month - years * 12 + 1, 1)
    }

    /// How an inclusive range of days (open ends: `.min`, `.max`) is read: the whole months
    /// inside it from the monthly rows, the days at either end from the daily rows.
    package struct Plan: Equatable {
        /// Whole months, inclusive (open ends stay `.min`/`.max`); nil when there is none.
        package var months: ClosedRange<Int64>?
        /// Day ranges, inclusive, read day by day.
        package var dayRanges: [ClosedRange<Int64>]

        package init(months: ClosedRange<Int64>?, dayRanges: [ClosedRange<Int64>]) {
            self.months = months
            self.dayRanges = dayRanges
        }
    }

    package static func plan(_ days: ClosedRange<Int64>) -> Plan {
        let lower = days.lowerBound, upper = days.upperBound
        let firstMonth: Int64 = lower == .min ? .min
            : (firstDay(ofMonth: month(ofDay: lower)) == lower ? month(ofDay: lower) : month(ofDay: lower) + 1)
        let lastMonth: Int64 = upper == .max ? .max
            : (firstDay(ofMonth: month(ofDay: upper) + 1) == upper + 1 ? month(ofDay: upper) : month(ofDay: upper) - 1)
        guard firstMonth <= lastMonth else { return Plan(months: nil, dayRanges: [days]) }
        var ranges: [ClosedRange<Int64>] = []
        if lower != .min, lower < firstDay(ofMonth: firstMonth) {
            ranges.append(lower...(firstDay(ofMonth: firstMonth) - 1))
        }
        if upper != .max, upper >= firstDay(ofMonth: lastMonth + 1) {
            ranges.append(firstDay(ofMonth: lastMonth + 1)...upper)
        }
        return Plan(months: firstMonth...lastMonth, dayRanges: ranges)
    }

    /// Days since the epoch of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day since the epoch (H. Hinnant's civil_from_days).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
