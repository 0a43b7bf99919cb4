/// Reads ISO 8601 / RFC 3339 date-times as logged by JSON loggers, nginx `$time_iso8601`,
/// load balancers and clouds:
///
///     2026-11-20T10:05:03Z   2026-11-20T10:05:03.123456+01:00   2026-11-20 10:05:03,5 -0800
///     2026-11-20T10:05:03    (no zone: read as UTC)       2026-11-20   (midnight UTC)
///
/// Fractions of a second are accepted and dropped (records keep whole seconds). The
/// `YYYY-MM-DDTHH:MM` prefix is cached: consecutive lines almost always share their minute,
/// and then only the seconds, fraction and zone are read.
public struct ISO8601TimestampParser {
    private var cachedKey: (UInt64, UInt64) = (0, 0)
    private var cachedMinute: Int64 = 0
    private var hasCache = false

    public init() {}

    /// UTC epoch seconds of `t`, or nil if it is not an ISO 8601 date-time.
    @inline(__always)
    public mutating func parse(_ t: UnsafeRawBufferPointer) -> Int64? {
        let n = t.count
        if n >= 16 {
            let key = (t.loadUnaligned(fromByteOffset: 0, as: UInt64.self), t.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            let minute: Int64
            if hasCache && key == cachedKey {
                minute = cachedMinute
            } else {
                guard let m = Self.minuteStart(t) else { return nil }
                cachedKey = key
                cachedMinute = m
                hasCache = true
                minute = m
            }
            return Self.finish(t, from: 16, minute: minute)
        }
        if n == 10, let day = Self.date(t) { return Int64(day) * 86_400 }
        return nil
    }

    /// Days since the epoch of a `YYYY-MM-DD` prefix.
    @inline(__always)
    static func date(_ t: UnsafeRawBufferPointer) -> Int? {
        guard t.count >= 10, t[4] == UInt8(ascii: "-"), t[7] == UInt8(ascii: "-"),
              let year = CLFTimestampParser.digits(t, 0, 4), let month = CLFTimestampParser.digits(t, 5, 2),
              let day = CLFTimestampParser.digits(t, 8, 2),
              CivilTime.isValid(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        else { return nil }
        return CivilTime.daysFromCivil(year: year, month: month, day: day)
    }

    /// Epoch seconds of the minute `YYYY-MM-DDTHH:MM` (local to the zone that follows).
    static func minuteStart(_ t: UnsafeRawBufferPointer) -> Int64? {
        guard let day = date(t) else { return nil }
        let sep = t[10]
        guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t") || sep == UInt8(ascii: " "),
              t[13] == UInt8(ascii: ":"),
              let hour = CLFTimestampParser.digits(t, 11, 2), let minute = CLFTimestampParser.digits(t, 14, 2),
              hour < 24, minute < 60
        else { return nil }
        return Int64(day) * 86_400 + Int64(hour * 3600 + minute * 60)
    }

    /// Seconds, fraction and zone after the minute.
    @inline(__always)
    static func finish(_ t: UnsafeRawBufferPointer, from start: Int, minute: Int64) -> Int64? {
        let n = t.count
        var i = start
        var second = 0
        if i < n && t[i] == UInt8(ascii: ":") {
            guard i + 3 <= n, let s = CLFTimestampParser.digits(t, i + 1, 2), s <= 60 else { return nil }
            second = s
            i += 3
            if i < n && (t[i] == UInt8(ascii: ".") || t[i] == UInt8(ascii: ",")) {
                i += 1
                let digitsStart = i
                while i < n && ByteScanning.isDigit(t[i]) { i += 1 }
                guard i > digitsStart else { return nil }
            }
        }
        if i < n && t[i] == UInt8(ascii: " ") { i += 1 }
        guard let offset = zoneOffset(t, from: i) else { return nil }
        return minute + Int64(second) - Int64(offset)
    }

    /// The offset east of UTC in seconds of a zone suffix that fills `t[from...]`: nothing,
    /// `Z`, `±HH`, `±HHMM`, `±HH:MM` (optionally followed by a zone name), `UTC`, `GMT`.
    @inline(__always)
    static func zoneOffset(_ t: UnsafeRawBufferPointer, from i: Int) -> Int? {
        let n = t.count
        if i == n { return 0 }
        let c = t[i]
        if (c == UInt8(ascii: "Z") || c == UInt8(ascii: "z")) && i + 1 == n { return 0 }
        if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
            let sign = c == UInt8(ascii: "-") ? -1 : 1
            guard i + 3 <= n, let hours = CLFTimestampParser.digits(t, i + 1, 2), hours < 24 else { return nil }
            var j = i + 3
            var minutes = 0
            if j < n && t[j] == UInt8(ascii: ":") { j += 1 }
            if j + 2 <= n, let m = CLFTimestampParser.digits(t, j, 2) {
                guard m < 60 else { return nil }
                minutes = m
                j += 2
            }
            // A zone name may follow the offset, as Go prints it: `+0000 UTC`, `-0800 PST`.
            if j < n && t[j] == 0x20 {
                j += 1
                let nameStart = j
                while j < n && (t[j] | 0x20) >= UInt8(ascii: "a") && (t[j] | 0x20) <= UInt8(ascii: "z") { j += 1 }
                guard j > nameStart else { return nil }
            }
            guard j == n else { return nil }
            return sign * (hours * 3600 + minutes * 60)
        }
        let rest = ByteScanning.slice(t, i, n)
        if ByteScanning.equalsIgnoringCase(rest, "UTC") || ByteScanning.equalsIgnoringCase(rest, "GMT") { return 0 }
        return nil
    }
}
