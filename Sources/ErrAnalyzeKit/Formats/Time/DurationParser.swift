/// The unit of a logged duration that carries none in its text.
public enum DurationUnit: Sendable, Equatable {
    case seconds, milliseconds, microseconds, nanoseconds
    /// A number with a fraction is seconds (`0.123`), a whole number milliseconds (`123`).
    case auto

    var nanosecondsPerUnit: Int64 {
        switch self {
        case .seconds, .auto: return 1_000_000_000
        case .milliseconds: return 1_000_000
        case .microseconds: return 1_000
        case .nanoseconds: return 1
        }
    }
}

/// Reads request durations into microseconds without Foundation: plain numbers in a given
/// unit (`0.123` s, `123` ms, `%D` µs, Traefik ns), numbers with units (`0.012345s` from
/// Google Cloud, Go durations `1m2.5s`, `250µs`, `12ms`) and nginx's upstream lists
/// (`0.012, 0.003 : 0.100`, summed).
public enum DurationParser {
    /// Microseconds of `t`, or nil when it is empty, `-`, negative or unreadable.
    @inline(__always)
    public static func micros(_ t: UnsafeRawBufferPointer, unit: DurationUnit) -> Int64? {
        let n = t.count
        guard n > 0 else { return nil }
        var i = 0
        var totalNanos: Int64 = 0
        var parts = 0
        while i < n {
            parts += 1
            // number
            var integer: Int64 = 0, intDigits = 0
            while i < n, ByteScanning.isDigit(t[i]) {
                if intDigits < 15 { integer = integer * 10 + Int64(t[i] &- 48) }
                intDigits += 1
                i += 1
            }
            var fraction: Int64 = 0, scale: Int64 = 1, hasPoint = false
            if i < n && t[i] == UInt8(ascii: ".") {
                hasPoint = true
                i += 1
                while i < n, ByteScanning.isDigit(t[i]) {
                    if scale < 1_000_000_000 { fraction = fraction * 10 + Int64(t[i] &- 48); scale *= 10 }
                    i += 1
                }
            }
            guard intDigits > 0 || scale > 1 else { return nil }
            // unit suffix
            var perUnit: Int64
            if i == n {
                guard parts == 1 else { return nil }  // "1m30" is not a duration
                perUnit = unit == .auto ? (hasPoint ? 1_000_000_000 : 1_000_000) : unit.nanosecondsPerUnit
            } else {
                let c = t[i]
                switch c {
                case UInt8(ascii: "s"): perUnit = 1_000_000_000; i += 1
                case UInt8(ascii: "h"): perUnit = 3_600_000_000_000; i += 1
                case UInt8(ascii: "m"):
                    if i + 1 < n && t[i + 1] == UInt8(ascii: "s") { perUnit = 1_000_000; i += 2 } else { perUnit = 60_000_000_000; i += 1 }
                case UInt8(ascii: "u"):
                    guard i + 1 < n && t[i + 1] == UInt8(ascii: "s") else { return nil }
                    perUnit = 1_000; i += 2
                case UInt8(ascii: "n"):
                    guard i + 1 < n && t[i + 1] == UInt8(ascii: "s") else { return nil }
                    perUnit = 1; i += 2
                case 0xC2, 0xCE:  // µ (U+00B5) or μ (U+03BC) followed by s
                    guard i + 2 < n, t[i + 1] == 0xB5 || t[i + 1] == 0xBC, t[i + 2] == UInt8(ascii: "s") else { return nil }
                    perUnit = 1_000; i += 3
                default: return nil
                }
            }
            totalNanos += integer * perUnit + Int64(Double(fraction) / Double(scale) * Double(perUnit))
        }
        return totalNanos / 1_000
    }

    /// Microseconds of a list of seconds as nginx logs upstream times (`0.012, 0.003 : -`),
    /// summed over the attempts; nil when no entry is a number.
    @inline(__always)
    public static func secondsList(_ t: UnsafeRawBufferPointer) -> Int64? {
        let n = t.count
        var i = 0
        var total: Int64 = 0
        var found = false
        while i < n {
            while i < n && (t[i] == 0x20 || t[i] == UInt8(ascii: ",") || t[i] == UInt8(ascii: ":")) { i += 1 }
            let start = i
            while i < n && t[i] != 0x20 && t[i] != UInt8(ascii: ",") && t[i] != UInt8(ascii: ":") { i += 1 }
            if i > start, let v = micros(ByteScanning.slice(t, start, i), unit: .seconds) {
                total += v
                found = true
            }
        }
        return found ? total : nil
    }
}
