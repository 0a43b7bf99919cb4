/// Reads the separate `date` (`2026-11-20`) and `time` (`10:05:03`, optionally with a
/// fraction) fields of W3C extended logs (IIS, CloudFront), which are UTC by definition.
/// The day of the last date is cached: a log file rarely spans more than one.
public struct W3CDateTimeParser {
    private var cachedDate: (UInt64, UInt16) = (0, 0)
    private var cachedDay: Int64 = 0
    private var hasCache = false

    public init() {}

    @inline(__always)
    public mutating func parse(date: UnsafeRawBufferPointer, time: UnsafeRawBufferPointer) -> Int64? {
        guard date.count == 10 else { return nil }
        let key = (date.loadUnaligned(fromByteOffset: 0, as: UInt64.self), date.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        let dayStart: Int64
        if hasCache && key == cachedDate {
            dayStart = cachedDay
        } else {
            guard let day = ISO8601TimestampParser.date(date) else { return nil }
            dayStart = Int64(day) * 86_400
            cachedDate = key
            cachedDay = dayStart
            hasCache = true
        }
        guard let seconds = Self.timeOfDay(time) else { return nil }
        return dayStart + Int64(seconds)
    }

    /// Seconds into the day of `HH:MM:SS[.fff]`.
    @inline(__always)
    static func timeOfDay(_ t: UnsafeRawBufferPointer) -> Int? {
        guard t.count >= 8, t[2] == UInt8(ascii: ":"), t[5] == UInt8(ascii: ":"),
              let h = CLFTimestampParser.digits(t, 0, 2), let m = CLFTimestampParser.digits(t, 3, 2),
              let s = CLFTimestampParser.digits(t, 6, 2), h < 24, m < 60, s <= 60
        else { return nil }
        if t.count > 8 {
            guard t[8] == UInt8(ascii: ".") else { return nil }
            for i in 9..<t.count where !ByteScanning.isDigit(t[i]) { return nil }
        }
        return h * 3600 + m * 60 + s
    }
}
