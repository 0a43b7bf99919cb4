/// Lines that could not be read, by reason, with the first few kept as samples so that a
/// person can see what went wrong.
public struct MalformedTally: Sendable, Equatable {
    public struct Sample: Sendable, Equatable {
        /// 1-based line number in the file.
        public var line: Int64
        public var reason: MalformedReason
        /// The start of the line, its secrets redacted (`Redaction`), repaired to valid UTF-8.
        public var text: String
    }

    public static let sampleLimit = 5
    public static let sampleLength = 300
    /// Bytes past `sampleLength` that redaction looks at, so that a secret the cut would
    /// halve is still recognised whole.
    static let redactionMargin = 512

    public private(set) var counts: [MalformedReason: Int64] = [:]
    public private(set) var samples: [Sample] = []

    public init() {}

    public var total: Int64 { counts.values.reduce(0, +) }

    public mutating func record(_ reason: MalformedReason, line: Int64, text: UnsafeRawBufferPointer) {
        counts[reason, default: 0] += 1
        if samples.count < Self.sampleLimit {
            // Secrets are redacted before the cut, so that one cut in half is still
            // recognised; the sample is never stored or shown unredacted.
            let redacted = Redaction.redact(UnsafeRawBufferPointer(rebasing: text.prefix(Self.sampleLength + Self.redactionMargin)))
            let kept = redacted.prefix(Self.sampleLength)
            // Control characters and invalid UTF-8 (decoded as U+FFFD) become `?`, so that a
            // sample of binary junk cannot garble a terminal.
            let clean = String(decoding: kept, as: UTF8.self).map { c -> Character in
                (c.isASCII && c.asciiValue! < 0x20) || c.asciiValue == 0x7F || c == "\u{FFFD}" ? "?" : c
            }
            samples.append(Sample(line: line, reason: reason, text: String(clean)))
        }
    }

    /// Adds another tally whose line numbers start after `lineOffset` lines.
    public mutating func merge(_ other: MalformedTally, lineOffset: Int64) {
        for (reason, count) in other.counts { counts[reason, default: 0] += count }
        for sample in other.samples where samples.count < Self.sampleLimit {
            var moved = sample
            moved.line += lineOffset
            samples.append(moved)
        }
    }
}
