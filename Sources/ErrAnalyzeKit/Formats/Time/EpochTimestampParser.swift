/// The unit of an epoch timestamp or of a number without its own unit.
public enum EpochUnit: Sendable {
    /// Decided by magnitude: ≥ 1e17 nanoseconds, ≥ 1e14 microseconds, ≥ 1e11 milliseconds,
    /// otherwise seconds (so seconds work until the year 5138, milliseconds from 1973).
    case auto
    case seconds, milliseconds, microseconds, nanoseconds
}

/// Reads Unix epoch timestamps: `1700000000`, `1700000000.123` (nginx `$msec`, Caddy `ts`),
/// `1700000000123` (ms), µs, ns (Cloudflare), and exponent forms (`1.7000000001e+09`),
/// as JSON numbers or strings. No cache: the digits are the value.
public enum EpochTimestampParser {
    /// UTC epoch seconds (fraction dropped), or nil if `t` is not a non-negative number.
    @inline(__always)
    public static func parse(_ t: UnsafeRawBufferPointer, unit: EpochUnit = .auto) -> Int64? {
        let n = t.count
        guard n > 0 else { return nil }
        var i = 0
        var integer: Int64 = 0
        var integerDigits = 0
        while i < n, ByteScanning.isDigit(t[i]) {
            let (times10, o1) = integer.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int64(t[i] &- 48))
            guard !o1 && !o2 else { return nil }
            integer = next
            integerDigits += 1
            i += 1
        }
        guard integerDigits > 0 else { return nil }
        var fraction: Int64 = 0, fractionDigits = 0
        if i < n && t[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, ByteScanning.isDigit(t[i]) {
                if fractionDigits < 18 { fraction = fraction * 10 + Int64(t[i] &- 48); fractionDigits += 1 }
                i += 1
            }
        }
        if i < n && (t[i] == UInt8(ascii: "e") || t[i] == UInt8(ascii: "E")) {
            // Rare (some encoders print floats this way): resolve with a Double.
            i += 1
            var negative = false
            if i < n && (t[i] == UInt8(ascii: "+") || t[i] == UInt8(ascii: "-")) { negative = t[i] == UInt8(ascii: "-"); i += 1 }
            var exponent = 0, expDigits = 0
            while i < n, ByteScanning.isDigit(t[i]), expDigits < 3 { exponent = exponent * 10 + Int(t[i] &- 48); i += 1; expDigits += 1 }
            guard expDigits > 0, i == n else { return nil }
            var value = Double(integer) + Double(fraction) / pow10(fractionDigits)
            value *= pow10(negative ? -exponent : exponent)
            guard value >= 0 && value < 9.2e18 else { return nil }
            integer = Int64(value)
        } else {
            guard i == n else { return nil }
        }
        switch resolved(unit, integer) {
        case .seconds, .auto: return integer
        case .milliseconds: return integer / 1_000
        case .microseconds: return integer / 1_000_000
        case .nanoseconds: return integer / 1_000_000_000
        }
    }

    @inline(__always)
    static func resolved(_ unit: EpochUnit, _ value: Int64) -> EpochUnit {
        guard case .auto = unit else { return unit }
        if value >= 100_000_000_000_000_000 { return .nanoseconds }
        if value >= 100_000_000_000_000 { return .microseconds }
        if value >= 100_000_000_000 { return .milliseconds }
        return .seconds
    }

    static func pow10(_ e: Int) -> Double {
        var r = 1.0
        for _ in 0..<abs(e) { r *= 10 }
        return e < 0 ? 1 / r : r
    }
}
