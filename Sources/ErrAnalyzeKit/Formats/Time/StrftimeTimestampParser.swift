/// Reads times written with a strftime pattern, for Apache's `%{FORMAT}t`
/// (`%{%Y-%m-%dT%H:%M:%S%z}t`, `[%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t]`).
///
/// The pattern is compiled once. A field may hold only part of a time (just `%z`), so a
/// parse adds what it read to a `TimeParts` that the log parser completes across fields.
/// Times without a zone are read as UTC.
public struct StrftimeTimestampParser: Sendable {
    enum Token: Sendable, Equatable {
        case literal(UInt8)
        case whitespace
        case year4, year2, month, day, dayPadded, hour, hour12, minute, second, dayOfYear
        case monthName(full: Bool), weekdayName(full: Bool), ampm
        case zoneOffset, zoneName, epochSeconds
    }

    /// Why a pattern cannot be compiled: the byte offset in the pattern and a reason.
    public struct UnsupportedConversion: Error, Sendable {
        public let offset: Int
        public let reason: String
    }

    let tokens: [Token]
    private var cacheText: [UInt8] = []
    private var cacheParts = TimeParts()

    public init(pattern: String) throws {
        var tokens: [Token] = []
        let p = Array(pattern.utf8)
        var i = 0
        while i < p.count {
            let c = p[i]
            guard c == UInt8(ascii: "%") else {
                tokens.append(c == 0x20 ? .whitespace : .literal(c))
                i += 1
                continue
            }
            guard i + 1 < p.count else { throw UnsupportedConversion(offset: i, reason: "pattern ends with a lone %") }
            var d = p[i + 1]
            var skip = 2
            if d == UInt8(ascii: "-") || d == UInt8(ascii: "_") || d == UInt8(ascii: "0") || d == UInt8(ascii: "E") || d == UInt8(ascii: "O"),
               i + 2 < p.count {  // glibc flags and modifiers: same digits, other padding
                d = p[i + 2]
                skip = 3
            }
            switch d {
            case UInt8(ascii: "Y"): tokens.append(.year4)
            case UInt8(ascii: "y"): tokens.append(.year2)
            case UInt8(ascii: "m"): tokens.append(.month)
            case UInt8(ascii: "d"): tokens.append(.day)
            case UInt8(ascii: "e"): tokens.append(.dayPadded)
            case UInt8(ascii: "H"), UInt8(ascii: "k"): tokens.append(.hour)
            case UInt8(ascii: "I"), UInt8(ascii: "l"): tokens.append(.hour12)
            case UInt8(ascii: "M"): tokens.append(.minute)
            case UInt8(ascii: "S"): tokens.append(.second)
            case UInt8(ascii: "j"): tokens.append(.dayOfYear)
            case UInt8(ascii: "b"), UInt8(ascii: "h"): tokens.append(.monthName(full: false))
            case UInt8(ascii: "B"): tokens.append(.monthName(full: true))
            case UInt8(ascii: "a"): tokens.append(.weekdayName(full: false))
            case UInt8(ascii: "A"): tokens.append(.weekdayName(full: true))
            case UInt8(ascii: "p"), UInt8(ascii: "P"): tokens.append(.ampm)
            case UInt8(ascii: "z"): tokens.append(.zoneOffset)
            case UInt8(ascii: "Z"): tokens.append(.zoneName)
            case UInt8(ascii: "s"): tokens.append(.epochSeconds)
            case UInt8(ascii: "T"): tokens += [.hour, .literal(58), .minute, .literal(58), .second]
            case UInt8(ascii: "R"): tokens += [.hour, .literal(58), .minute]
            case UInt8(ascii: "F"): tokens += [.year4, .literal(45), .month, .literal(45), .day]
            case UInt8(ascii: "D"): tokens += [.month, .literal(47), .day, .literal(47), .year2]
            case UInt8(ascii: "r"): tokens += [.hour12, .literal(58), .minute, .literal(58), .second, .whitespace, .ampm]
            case UInt8(ascii: "n"), UInt8(ascii: "t"): tokens.append(.whitespace)
            case UInt8(ascii: "%"): tokens.append(.literal(UInt8(ascii: "%")))
            default:
                throw UnsupportedConversion(offset: i, reason: "strftime conversion %\(String(UnicodeScalar(d))) is not supported")
            }
            i += skip
        }
        self.tokens = tokens
    }

    /// Reads `t` (the whole field) into `parts`; false if it does not match the pattern.
    public mutating func parse(_ t: UnsafeRawBufferPointer, into parts: inout TimeParts) -> Bool {
        if t.count == cacheText.count, t.count > 0, cacheText.withUnsafeBytes({ $0.elementsEqual(t) }) {
            parts.merge(cacheParts)
            return true
        }
        guard let read = Self.read(tokens, t) else { return false }
        cacheText.removeAll(keepingCapacity: true)
        cacheText.append(contentsOf: t)
        cacheParts = read
        parts.merge(read)
        return true
    }

    static func read(_ tokens: [Token], _ t: UnsafeRawBufferPointer) -> TimeParts? {
        var parts = TimeParts()
        var i = 0
        let n = t.count
        var hour12 = -1
        var pm: Bool?
        var yday = -1
        func number(_ maxDigits: Int, allowSpace: Bool = false) -> Int? {
            if allowSpace && i < n && t[i] == 0x20 { i += 1 }
            var v = 0, k = 0
            while k < maxDigits && i < n && ByteScanning.isDigit(t[i]) { v = v * 10 + Int(t[i] &- 48); i += 1; k += 1 }
            return k > 0 ? v : nil
        }
        func word() -> (Int, Int) {
            let s = i
            while i < n, (t[i] | 0x20) >= UInt8(ascii: "a"), (t[i] | 0x20) <= UInt8(ascii: "z") { i += 1 }
            return (s, i)
        }
        for token in tokens {
            switch token {
            case .literal(let c):
                guard i < n && t[i] == c else { return nil }
                i += 1
            case .whitespace:
                guard i < n && (t[i] == 0x20 || t[i] == 0x09) else { return nil }
                while i < n && (t[i] == 0x20 || t[i] == 0x09) { i += 1 }
            case .year4: guard let v = number(4) else { return nil }; parts.year = v
            case .year2: guard let v = number(2) else { return nil }; parts.year = v < 69 ? 2000 + v : 1900 + v
            case .month: guard let v = number(2, allowSpace: true) else { return nil }; parts.month = v
            case .day, .dayPadded: guard let v = number(2, allowSpace: true) else { return nil }; parts.day = v
            case .hour: guard let v = number(2, allowSpace: true) else { return nil }; parts.hour = v
            case .hour12: guard let v = number(2, allowSpace: true) else { return nil }; hour12 = v
            case .minute: guard let v = number(2) else { return nil }; parts.minute = v
            case .second: guard let v = number(2) else { return nil }; parts.second = v
            case .dayOfYear: guard let v = number(3) else { return nil }; yday = v
            case .monthName:
                let (s, e) = word()
                guard e - s >= 3, let m = CLFTimestampParser.monthNumber(t[s], t[s + 1], t[s + 2]) else { return nil }
                parts.month = m
            case .weekdayName:
                let (s, e) = word()
                guard e - s >= 3 else { return nil }
            case .ampm:
                let (s, e) = word()
                guard e - s == 2 else { return nil }
                pm = (t[s] | 0x20) == UInt8(ascii: "p")
            case .zoneOffset:
                guard i < n, t[i] == UInt8(ascii: "+") || t[i] == UInt8(ascii: "-") || t[i] == UInt8(ascii: "Z") else { return nil }
                var e = i + 1
                while e < n && (ByteScanning.isDigit(t[e]) || t[e] == UInt8(ascii: ":")) { e += 1 }
                guard let off = ISO8601TimestampParser.zoneOffset(ByteScanning.slice(t, 0, e), from: i) else { return nil }
                parts.offset = off
                i = e
            case .zoneName:
                let (s, e) = word()
                guard e > s else { return nil }
                parts.offset = parts.offset ?? 0
            case .epochSeconds:
                var v: Int64 = 0, k = 0
                while i < n && ByteScanning.isDigit(t[i]) && k < 18 { v = v * 10 + Int64(t[i] &- 48); i += 1; k += 1 }
                guard k > 0 else { return nil }
                parts.epoch = v
            }
        }
        guard i == n else { return nil }
        if hour12 >= 0 {
            guard hour12 >= 1 && hour12 <= 12 else { return nil }
            parts.hour = hour12 % 12 + ((pm ?? false) ? 12 : 0)
        }
        if yday > 0, let y = parts.year, parts.month == nil {
            let (yy, mm, dd) = CivilTime.civilFromDays(CivilTime.daysFromCivil(year: y, month: 1, day: 1) + yday - 1)
            parts.year = yy; parts.month = mm; parts.day = dd
        }
        return parts
    }
}

/// The pieces of a time read from one or more log fields.
public struct TimeParts: Sendable, Equatable {
    public var year: Int?, month: Int?, day: Int?
    public var hour: Int?, minute: Int?, second: Int?
    /// Seconds east of UTC.
    public var offset: Int?
    /// A complete epoch time (`%s`, `%{sec}t`, `%{msec}t`…), which wins over the civil pieces.
    public var epoch: Int64?

    public init() {}

    mutating func merge(_ other: TimeParts) {
        if let v = other.year { year = v }
        if let v = other.month { month = v }
        if let v = other.day { day = v }
        if let v = other.hour { hour = v }
        if let v = other.minute { minute = v }
        if let v = other.second { second = v }
        if let v = other.offset { offset = v }
        if let v = other.epoch { epoch = v }
    }

    /// UTC epoch seconds, or nil when the pieces do not make a date.
    public var epochSeconds: Int64? {
        if let epoch { return epoch }
        guard let year, let month, let day else { return nil }
        let h = hour ?? 0, m = minute ?? 0, s = second ?? 0
        guard CivilTime.isValid(year: year, month: month, day: day, hour: h, minute: m, second: s) else { return nil }
        return CivilTime.epochSeconds(year: year, month: month, day: day, hour: h, minute: m, second: s) - Int64(offset ?? 0)
    }
}
