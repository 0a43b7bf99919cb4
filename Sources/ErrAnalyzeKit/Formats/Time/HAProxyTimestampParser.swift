/// Reads HAProxy's accept date `06/Feb/2009:12:14:14.655` (without brackets). HAProxy logs
/// the process's local time without a zone; it is read as UTC (run HAProxy with TZ=UTC, as
/// containers do, for exact windows). Cached on the text up to the second.
public struct HAProxyTimestampParser {
    private var cachedText: (UInt64, UInt64, UInt32) = (0, 0, 0)
    private var cachedValue: Int64 = 0
    private var hasCache = false

    public init() {}

    @inline(__always)
    public mutating func parse(_ t: UnsafeRawBufferPointer) -> Int64? {
        let n = t.count
        guard n >= 20 else { return nil }
        if n > 20 {
            guard t[20] == UInt8(ascii: "."), n > 21 else { return nil }
            for i in 21..<n where !ByteScanning.isDigit(t[i]) { return nil }
        }
        let key = (t.loadUnaligned(fromByteOffset: 0, as: UInt64.self), t.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                   t.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
        if hasCache && key == cachedText { return cachedValue }
        // dd/Mon/yyyy:HH:MM:SS
        guard t[2] == UInt8(ascii: "/"), t[6] == UInt8(ascii: "/"), t[11] == UInt8(ascii: ":"),
              t[14] == UInt8(ascii: ":"), t[17] == UInt8(ascii: ":"),
              let day = CLFTimestampParser.digits(t, 0, 2), let year = CLFTimestampParser.digits(t, 7, 4),
              let hour = CLFTimestampParser.digits(t, 12, 2), let minute = CLFTimestampParser.digits(t, 15, 2),
              let second = CLFTimestampParser.digits(t, 18, 2),
              let month = CLFTimestampParser.monthNumber(t[3], t[4], t[5]),
              CivilTime.isValid(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        let value = CivilTime.epochSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        cachedText = key
        cachedValue = value
        hasCache = true
        return value
    }
}
