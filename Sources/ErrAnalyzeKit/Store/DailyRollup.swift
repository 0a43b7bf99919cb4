/// Whole UTC days of traffic, summed once at ingest so that long reports read a few rows per
/// day instead of one per hour: 90 days of a busy API are hundreds of thousands of hourly
/// rows, a fifth to a twentieth as many daily ones (`traffic_daily`, migration 3).
///
/// `traffic` (hourly) stays the source of truth: the daily table is written in the same
/// transaction as the hours it sums, and a prune that cuts a day in two rebuilds that day from
/// the hours that remain.
package enum DailyRollup {
    /// The UTC day (since the epoch) of an hour, rounding down before 1970 too.
    @inline(__always)
    package static func day(ofHour hour: Int64) -> Int64 {
        hour >= 0 ? hour / 24 : (hour - 23) / 24
    }

    /// The same in SQL, for an integer column or expression `hour`.
    package static func daySQL(_ hour: String) -> String {
        "(CASE WHEN \(hour) >= 0 THEN \(hour) / 24 ELSE (\(hour) - 23) / 24 END)"
    }

    /// How a window of hours is read: the whole days inside it from `traffic_daily`, the
    /// hours at either end that do not make a whole day from `traffic`.
    package struct Plan: Equatable {
        /// Whole days, inclusive; nil when the window holds no whole day.
        package var days: ClosedRange<Int64>?
        /// Hour ranges (inclusive, open where the window is) read hour by hour.
        package var hourRanges: [HourWindow]
    }

    package static func plan(_ window: HourWindow) -> Plan {
        // First whole day: the day of `first` if it starts at midnight, else the next.
        let firstDay: Int64 = window.first.map { Int64($0) % 24 == 0 ? day(ofHour: Int64($0)) : day(ofHour: Int64($0)) + 1 } ?? .min
        // Last whole day: the day of `last` if it ends at 23:00, else the one before.
        let lastDay: Int64 = window.last.map { (Int64($0) + 1) % 24 == 0 ? day(ofHour: Int64($0)) : day(ofHour: Int64($0)) - 1 } ?? .max
        guard firstDay <= lastDay else { return Plan(days: nil, hourRanges: [window]) }
        var ranges: [HourWindow] = []
        if let first = window.first, firstDay != .min, Int64(first) < firstDay * 24 {
            ranges.append(HourWindow(first: first, last: Int32(firstDay * 24 - 1)))
        }
        if let last = window.last, lastDay != .max, Int64(last) > lastDay * 24 + 23 {
            ranges.append(HourWindow(first: Int32(lastDay * 24 + 24), last: last))
        }
        return Plan(days: firstDay...lastDay, hourRanges: ranges)
    }
}
