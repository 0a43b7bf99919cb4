/// Turns a logged request target into a route template: `/v1/contacts/42?x=1` → `/v1/contacts/{id}`.
///
/// Works on bytes and writes into a caller-owned buffer so that the hot path allocates
/// nothing; the aggregator interns the result.
public struct RouteTemplater: Sendable {
    public init() {}

    /// Writes the template of `path` into `output`, replacing its contents.
    public func template(_ path: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        output.removeAll(keepingCapacity: true)
        var end = path.count
        // The query string and fragment never belong to the route.
        for i in 0..<path.count where path[i] == UInt8(ascii: "?") || path[i] == UInt8(ascii: "#") {
            end = i
            break
        }
        // Absolute-form targets (`http://host/path`, proxies) keep only the path.
        var start = 0
        if end > 7, path[0] == UInt8(ascii: "h"), let scheme = Self.schemeEnd(path, end) {
            start = scheme
            while start < end, path[start] != UInt8(ascii: "/") { start += 1 }
        }
        if start >= end {
            output.append(UInt8(ascii: "/"))
            return
        }
        var segmentStart = start
        var i = start
        while i <= end {
            if i == end || path[i] == UInt8(ascii: "/") {
                if i > segmentStart {
                    let segment = UnsafeRawBufferPointer(rebasing: path[segmentStart..<i])
                    if let placeholder = Self.placeholder(for: segment) {
                        output.append(contentsOf: placeholder)
                    } else {
                        output.append(contentsOf: segment)
                    }
                }
                if i < end { output.append(UInt8(ascii: "/")) }
                segmentStart = i + 1
            }
            i += 1
        }
        if output.isEmpty { output.append(UInt8(ascii: "/")) }
    }

    private static func schemeEnd(_ path: UnsafeRawBufferPointer, _ end: Int) -> Int? {
        // "http://" or "https://"
        let prefixes: [[UInt8]] = [Array("http://".utf8), Array("https://".utf8)]
        for prefix in prefixes where end >= prefix.count {
            var match = true
            for j in 0..<prefix.count where path[j] != prefix[j] { match = false; break }
            if match { return prefix.count }
        }
        return nil
    }

    static let idPlaceholder = Array("{id}".utf8)
    static let uuidPlaceholder = Array("{uuid}".utf8)
    static let hexPlaceholder = Array("{hex}".utf8)

    /// The placeholder for a segment that is an identifier rather than part of the route.
    static func placeholder(for segment: UnsafeRawBufferPointer) -> [UInt8]? {
        var digits = 0, hex = 0, dashes = 0
        for byte in segment {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1; hex += 1
            case UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): hex += 1
            case UInt8(ascii: "-"): dashes += 1
            default: return nil
            }
        }
        let n = segment.count
        if digits == n { return idPlaceholder }
        if n == 36 && dashes == 4 && hex == 32 { return uuidPlaceholder }
        if dashes == 0 && hex == n && n >= 16 && digits > 0 { return hexPlaceholder }
        return nil
    }
}
