/// Reads a timestamp whose form is known only from its shape, as in JSON logs: ISO 8601
/// (`2026-11-20T10:05:03.123+01:00`), CLF (`20/Nov/2026:10:05:03 +0100`) or an epoch
/// number in s, ms, µs or ns (`1700000000.123`, `1700000000123`). Each form keeps its own cache.
public struct FlexibleTimestampParser {
    private var iso = ISO8601TimestampParser()
    private var clf = CLFTimestampParser()

    public init() {}

    @inline(__always)
    public mutating func parse(_ t: UnsafeRawBufferPointer, unit: EpochUnit = .auto) -> Int64? {
        let n = t.count
        guard n > 0 else { return nil }
        if n >= 10 && t[4] == UInt8(ascii: "-") { return iso.parse(t) }
        if n == 26 && t[2] == UInt8(ascii: "/") { return clf.parse(t) }
        if n == 28 && t[0] == UInt8(ascii: "[") && t[27] == UInt8(ascii: "]") {
            return clf.parse(ByteScanning.slice(t, 1, 27))
        }
        return EpochTimestampParser.parse(t, unit: unit)
    }
}
