/// ISO 8601 text for report output, without Foundation formatters.
public enum TimeFormatting {
    /// `2026-11-20T10:00:00Z`
    public static func iso8601(_ seconds: Int64, offsetSeconds: Int = 0) -> String {
        let (date, secondOfDay) = civil(seconds + Int64(offsetSeconds))
        let time = "\(pad(secondOfDay / 3600)):\(pad(secondOfDay / 60 % 60)):\(pad(secondOfDay % 60))"
        let zone: String
        if offsetSeconds == 0 {
            zone = "Z"
        } else {
            let sign = offsetSeconds < 0 ? "-" : "+"
            let a = abs(offsetSeconds)
            zone = "\(sign)\(pad(a / 3600)):\(pad(a / 60 % 60))"
        }
        return "\(date)T\(time)\(zone)"
    }

    /// `2026-11-20 10:00` (UTC), for tables.
    public static func short(_ seconds: Int64) -> String {
        dateAndMinute(seconds)
    }

    /// `2026-11-20 10:00` at `offsetSeconds` from UTC. Built from its parts rather than cut out
    /// of the ISO text, so that the exclusive end of the last day, `10000-01-01 00:00`, prints whole.
    public static func dateAndMinute(_ seconds: Int64, offsetSeconds: Int = 0) -> String {
        let (date, secondOfDay) = civil(seconds + Int64(offsetSeconds))
        return "\(date) \(pad(secondOfDay / 3600)):\(pad(secondOfDay / 60 % 60))"
    }

    /// `2026-11-20` and the second of that day.
    private static func civil(_ local: Int64) -> (date: String, secondOfDay: Int) {
        let days = Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
        let secondOfDay = Int(local - Int64(days) * 86_400)
        let (y, m, d) = CivilTime.civilFromDays(days)
        return ("\(pad(y, 4))-\(pad(m))-\(pad(d))", secondOfDay)
    }

    static func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
