/// Reads the Common Log Format timestamp `17/May/2015:10:05:03 +0000` (without brackets).
///
/// Access logs stay in the same minute for many lines in a row (busy ones in the same
/// second), so the last text but its seconds is remembered with the epoch of its minute:
/// a timestamp in that minute costs one comparison of 26 bytes (seconds masked out) and
/// two digits.
public struct CLFTimestampParser {
    private var cachedText: (UInt64, UInt64, UInt64, UInt16) = (0, 0, 0, 0)
    /// The UTC epoch of second 0 of the cached minute.
    private var cachedMinute: Int64 = 0
    private var hasCache = false
    /// Bytes 16–23 without the seconds (bytes 18 and 19; little-endian loads).
    private static let secondsMask: UInt64 = 0xFFFF_FFFF_0000_FFFF

    public init() {}

    /// The UTC epoch seconds of `text`, or nil if it is not a CLF timestamp.
    @inline(__always)
    public mutating func parse(_ text: UnsafeRawBufferPointer) -> Int64? {
        guard text.count == 26 else { return nil }
        let key = (text.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                   text.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                   text.loadUnaligned(fromByteOffset: 16, as: UInt64.self) & Self.secondsMask,
                   text.loadUnaligned(fromByteOffset: 24, as: UInt16.self))
        let tens = Int(text[18]) &- 48, units = Int(text[19]) &- 48
        if hasCache && key == cachedText && tens >= 0 && tens <= 5 && units >= 0 && units <= 9 {
            return cachedMinute + Int64(tens * 10 + units)
        }
        guard let value = Self.parseUncached(text) else { return nil }
        // A valid text has two digits of seconds below 60 (the general parser checks).
        cachedText = key
        cachedMinute = value - Int64(tens * 10 + units)
        hasCache = true
        return value
    }

    static func parseUncached(_ t: UnsafeRawBufferPointer) -> Int64? {
        // dd/Mon/yyyy:HH:MM:SS ±hhmm
        // 0123456789012345678901234 5
        guard t[2] == UInt8(ascii: "/"), t[6] == UInt8(ascii: "/"), t[11] == UInt8(ascii: ":"),
              t[14] == UInt8(ascii: ":"), t[17] == UInt8(ascii: ":"), t[20] == UInt8(ascii: " "),
              let day = digits(t, 0, 2), let year = digits(t, 7, 4), let hour = digits(t, 12, 2),
              let minute = digits(t, 15, 2), let second = digits(t, 18, 2),
              let month = monthNumber(t[3], t[4], t[5]),
              let offsetHours = digits(t, 22, 2), let offsetMinutes = digits(t, 24, 2)
        else { return nil }
        let sign: Int
        switch t[21] {
        case UInt8(ascii: "+"): sign = 1
        case UInt8(ascii: "-"): sign = -1
        default: return nil
        }
        guard CivilTime.isValid(year: year, month: month, day: day, hour: hour, minute: minute, second: second),
              offsetHours < 24, offsetMinutes < 60 else { return nil }
        let local = CivilTime.epochSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return local - Int64(sign * (offsetHours * 3600 + offsetMinutes * 60))
    }

    @inline(__always)
    static func digits(_ t: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for i in start..<(start + count) {
            let d = Int(t[i]) &- 48
            guard d >= 0 && d <= 9 else { return nil }
            value = value * 10 + d
        }
        return value
    }

    /// English three-letter month names, any case.
    static func monthNumber(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int? {
        let key = (UInt32(a | 0x20) << 16) | (UInt32(b | 0x20) << 8) | UInt32(c | 0x20)
        switch key {
        case 0x6A616E: return 1   // jan
        case 0x666562: return 2   // feb
        case 0x6D6172: return 3   // mar
        case 0x617072: return 4   // apr
        case 0x6D6179: return 5   // may
        case 0x6A756E: return 6   // jun
        case 0x6A756C: return 7   // jul
        case 0x617567: return 8   // aug
        case 0x736570: return 9   // sep
        case 0x6F6374: return 10  // oct
        case 0x6E6F76: return 11  // nov
        case 0x646563: return 12  // dec
        default: return nil
        }
    }
}
