/// The header lines (`#Fields:`, `#Date:`…) of the part of a file before the resume point,
/// for formats whose header sets the parser up (`LogFormat.supportsChunking == false`): a
/// run that resumes in the middle of such a file shows them to its new parser first.
///
/// Bounded: the last `limit` header lines, each cut to `maxLength` bytes.
struct HeaderLines {
    static let limit = 32
    static let maxLength = 8 << 10

    private(set) var lines: [[UInt8]] = []

    static func isHeader(_ line: UnsafeRawBufferPointer) -> Bool {
        line.count > 0 && line[0] == UInt8(ascii: "#")
    }

    mutating func offer(_ line: UnsafeRawBufferPointer) {
        guard Self.isHeader(line) else { return }
        if lines.count == Self.limit { lines.removeFirst() }
        lines.append(Array(line.prefix(Self.maxLength)))
    }

    mutating func removeAll() { lines.removeAll() }
}
