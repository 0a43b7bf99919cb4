import Foundation

/// Reads the times people type after `--since`, `--until` and `--day`:
/// `90m`, `24h`, `7d`, `2w` (before now), `now`, `today`, `yesterday`, `2026-11-01`
/// (midnight in the report's time zone), `2026-11-01T10:00`, ISO 8601 with `Z` or an offset,
/// and `@1700000000` (epoch seconds).
public struct TimeExpression {
    public let now: Int64
    public let timeZone: TimeZone

    public init(now: Int64, timeZone: TimeZone) {
        self.now = now
        self.timeZone = timeZone
    }

    public struct ParseError: Error, CustomStringConvertible {
        public var text: String
        public var description: String {
            "cannot read the time '\(text)': use 90m, 24h, 7d, 2w, today, yesterday, YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM] or @EPOCH"
        }
    }

    /// The instants a time may name: 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z. Hours are
    /// stored as 32-bit numbers and years are written with four digits, so a time outside is a
    /// slip of the keyboard (`100000000d`), never a window worth reporting on silently.
    public static let supportedRange: ClosedRange<Int64> = 0...253_402_300_799

    /// A time that reads well but falls outside `supportedRange`.
    public struct OutOfRange: Error, CustomStringConvertible {
        public var text: String
        public var description: String {
            "the time '\(text)' is outside 1970-01-01 to 9999-12-31 (UTC)"
        }
    }

    /// `--tz` values: `UTC`, `local`, an IANA name (`Europe/Paris`) or an offset (`+02:00`, `-0500`).
    public static func timeZone(named name: String?) -> TimeZone? {
        guard let name, !name.isEmpty, name.lowercased() != "local" else { return TimeZone.current }
        if name.uppercased() == "UTC" || name.uppercased() == "Z" { return TimeZone(identifier: "UTC") }
        if let first = name.first, first == "+" || first == "-" {
            let digits = name.dropFirst().filter(\.isNumber)
            guard digits.count == 2 || digits.count == 4, let value = Int(digits) else { return nil }
            let hours = digits.count == 2 ? value : value / 100
            let minutes = digits.count == 2 ? 0 : value % 100
            guard hours < 24, minutes < 60 else { return nil }
            return TimeZone(secondsFromGMT: (first == "-" ? -1 : 1) * (hours * 3600 + minutes * 60))
        }
        return TimeZone(identifier: name)
    }

    /// The instant `text` names, in UTC seconds, within `supportedRange`.
    public func instant(_ text: String) throws -> Int64 {
        let value = try unboundedInstant(text)
        guard Self.supportedRange.contains(value) else { throw OutOfRange(text: text) }
        return value
    }

    private func unboundedInstant(_ text: String) throws -> Int64 {
        let t = text.trimmingCharacters(in: .whitespaces)
        switch t.lowercased() {
        case "now": return now
        case "today": return startOfDay(containing: now)
        case "yesterday": return startOfDay(containing: startOfDay(containing: now) - 1)
        default: break
        }
        if t.hasPrefix("@"), let epoch = Int64(t.dropFirst()) { return epoch }
        if let last = t.last, "smhdw".contains(last), let amount = Int64(t.dropLast()), amount >= 0 {
            let unit: Int64 = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800][String(last)]!
            let (span, overflow) = amount.multipliedReportingOverflow(by: unit)
            guard !overflow else { throw OutOfRange(text: text) }
            return now - span
        }
        if let value = parseDateTime(t) { return value }
        throw ParseError(text: text)
    }

    /// The day `text` names (`yesterday`, `today`, `YYYY-MM-DD`) as [start, end) in the zone; its
    /// start is within `supportedRange`.
    public func day(_ text: String) throws -> (start: Int64, end: Int64) {
        let start: Int64
        switch text.lowercased() {
        case "today": start = startOfDay(containing: now)
        case "yesterday": start = startOfDay(containing: startOfDay(containing: now) - 1)
        default:
            guard text.count == 10, let value = parseDateTime(text) else { throw ParseError(text: text) }
            start = value
        }
        guard Self.supportedRange.contains(start) else { throw OutOfRange(text: text) }
        // The next midnight, found through the calendar so that DST days have 23 or 25 hours.
        let next = startOfDay(containing: start + 86_400 + 7200)
        return (start, next > start ? next : start + 86_400)
    }

    func startOfDay(containing instant: Int64) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return Int64(calendar.startOfDay(for: Date(timeIntervalSince1970: TimeInterval(instant))).timeIntervalSince1970)
    }

    /// `YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH[:]MM]`; a space may stand for the `T`.
    func parseDateTime(_ text: String) -> Int64? {
        let chars = Array(text.utf8)
        func num(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= chars.count else { return nil }
            var v = 0
            for c in chars[start..<(start + count)] {
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard chars.count >= 10, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
              let year = num(0, 4), let month = num(5, 2), let day = num(8, 2) else { return nil }
        var hour = 0, minute = 0, second = 0
        var i = 10
        if i < chars.count && (chars[i] == UInt8(ascii: "T") || chars[i] == UInt8(ascii: " ")) {
            guard let h = num(i + 1, 2), i + 3 < chars.count, chars[i + 3] == UInt8(ascii: ":"), let m = num(i + 4, 2) else { return nil }
            hour = h; minute = m; i += 6
            if i < chars.count && chars[i] == UInt8(ascii: ":") {
                guard let s = num(i + 1, 2) else { return nil }
                second = s; i += 3
                if i < chars.count && chars[i] == UInt8(ascii: ".") {
                    i += 1
                    while i < chars.count && chars[i] >= 48 && chars[i] <= 57 { i += 1 }
                }
            }
        }
        guard CivilTime.isValid(year: year, month: month, day: day, hour: hour, minute: minute, second: second) else { return nil }
        let civil = CivilTime.epochSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        if i == chars.count {
            // No zone given: the time is in the report's zone.
            let guess = civil - Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(civil))))
            return civil - Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(guess))))
        }
        if chars[i] == UInt8(ascii: "Z") && i + 1 == chars.count { return civil }
        guard chars[i] == UInt8(ascii: "+") || chars[i] == UInt8(ascii: "-"), let oh = num(i + 1, 2) else { return nil }
        var om = 0
        if let m = num(i + 3, 2), i + 5 == chars.count { om = m }
        else if i + 3 < chars.count, chars[i + 3] == UInt8(ascii: ":"), let m = num(i + 4, 2), i + 6 == chars.count { om = m }
        else if i + 3 != chars.count { return nil }
        let offset = Int64(oh * 3600 + om * 60) * (chars[i] == UInt8(ascii: "-") ? -1 : 1)
        return civil - offset
    }
}
