/// Turns a logged request target into a route template:
/// `/v1/contacts/6f1c2a9e-8b3d-4c1e-9f5a-2d7b8c9e0a1f?x=1` → `/v1/contacts/{uuid}`.
///
/// 1. The query string, fragment and the scheme and host of absolute-form targets
///    (`https://api.example.com/v1/x`, as load balancers log) are dropped.
/// 2. The path is normalised: percent-escapes of unreserved characters (and `@`, `:`) are
///    decoded, other escapes upper-cased, bytes that may not appear in a path (spaces,
///    controls, non-ASCII, braces) percent-encoded, `;params` dropped, `//` collapsed and a
///    trailing `/` removed.
/// 3. The first user rule (`--route`) the path matches replaces it whole.
/// 4. Otherwise each segment that looks like an identifier becomes a placeholder: `{id}`
///    (numbers, opaque tokens such as `cus_9s6XKzkNRiz8i3`), `{uuid}`, `{hash}` (32, 40, 64
///    or 128 hex digits), `{hex}` (other hex of 16+ digits), `{email}`, `{date}`; a file
///    name keeps its extension (`{id}.json`).
///
/// Works on bytes and writes into a caller-owned buffer, so the hot path allocates nothing
/// (the normalised path lives in a stack buffer). Immutable and shareable between threads.
public struct RouteTemplater: Sendable {
    let rules: [RouteRule]

    public init() { rules = [] }

    /// A templater whose `patterns` (`--route`) win over the heuristics, tried in order.
    ///
    /// Pattern syntax: `/`-separated segments; `*` or `{name}` or `:name` matches exactly one
    /// segment, `*` inside a segment matches any characters of that segment (`*.pdf`), `**`
    /// matches any number of segments (including none). A matching path becomes the
    /// pattern text: `/v1/files/**` turns `/v1/files/a/b.pdf` into `/v1/files/**`.
    ///
    /// - Throws: `RouteRuleError` for an empty pattern, one not starting with `/`, or a `**`
    ///   mixed with other characters in a segment.
    public init(rules patterns: [String]) throws {
        rules = try patterns.map(RouteRule.init(pattern:))
    }

    /// Writes the template of `path` into `output`, replacing its contents.
    public func template(_ path: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        output.removeAll(keepingCapacity: true)
        var end = path.count
        // The query string and fragment never belong to the route.
        for i in 0..<path.count where path[i] == UInt8(ascii: "?") || path[i] == UInt8(ascii: "#") {
            end = i
            break
        }
        // Absolute-form targets (`http://host/path`, proxies and load balancers) keep only the path.
        var start = 0
        if end > 7, let scheme = Self.schemeEnd(path, end) {
            start = scheme
            while start < end, path[start] != UInt8(ascii: "/") { start += 1 }
        }
        if start >= end {
            output.append(UInt8(ascii: "/"))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 3 * (end - start) + 1) { buffer in
            let length = Self.normalise(UnsafeRawBufferPointer(rebasing: path[start..<end]), into: buffer.baseAddress!)
            let normal = UnsafeRawBufferPointer(start: buffer.baseAddress!, count: length)
            for rule in rules where rule.matches(normal) {
                output.append(contentsOf: rule.text)
                return
            }
            Self.applyPlaceholders(normal, into: &output)
        }
        if output.isEmpty { output.append(UInt8(ascii: "/")) }
    }

    private static func schemeEnd(_ path: UnsafeRawBufferPointer, _ end: Int) -> Int? {
        let lower = ByteScanning.lower
        guard lower(path[0]) == UInt8(ascii: "h"), lower(path[1]) == UInt8(ascii: "t"), lower(path[2]) == UInt8(ascii: "t"),
              lower(path[3]) == UInt8(ascii: "p") else { return nil }
        var i = 4
        if lower(path[i]) == UInt8(ascii: "s") { i += 1 }
        guard i + 3 <= end, path[i] == UInt8(ascii: ":"), path[i + 1] == UInt8(ascii: "/"), path[i + 2] == UInt8(ascii: "/") else { return nil }
        return i + 3
    }

    // MARK: Normalisation

    /// Bytes allowed raw in a normalised path (RFC 3986 pchar and `/`); others are escaped.
    @inline(__always)
    static func isPathByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "$"),
             UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: ","), UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    /// Escapes worth decoding: they never change what a path means.
    @inline(__always)
    static func decodesPlain(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "@"), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }

    static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Writes the normalised form of `p` (at most 3 × its length) and returns its length.
    static func normalise(_ p: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let n = p.count
        var o = 0
        var i = 0
        @inline(__always) func escape(_ c: UInt8) {
            out[o] = UInt8(ascii: "%"); out[o + 1] = hexDigits[Int(c >> 4)]; out[o + 2] = hexDigits[Int(c & 15)]
            o += 3
        }
        while i < n {
            let c = p[i]
            switch c {
            case UInt8(ascii: "/"):
                if o == 0 || out[o - 1] != UInt8(ascii: "/") { out[o] = c; o += 1 }
                i += 1
            case UInt8(ascii: ";"):
                while i < n && p[i] != UInt8(ascii: "/") { i += 1 }
            case UInt8(ascii: "%"):
                if i + 2 < n, Escapes.hexValue(p[i + 1]) >= 0, Escapes.hexValue(p[i + 2]) >= 0 {
                    let d = UInt8(Escapes.hexValue(p[i + 1]) << 4 | Escapes.hexValue(p[i + 2]))
                    if decodesPlain(d) { out[o] = d; o += 1 } else { escape(d) }
                    i += 3
                } else {
                    escape(c)
                    i += 1
                }
            default:
                if isPathByte(c) { out[o] = c; o += 1 } else { escape(c) }
                i += 1
            }
        }
        if o > 1 && out[o - 1] == UInt8(ascii: "/") { o -= 1 }
        return o
    }

    // MARK: Placeholders

    static let idPlaceholder = Array("{id}".utf8)
    static let uuidPlaceholder = Array("{uuid}".utf8)
    static let hexPlaceholder = Array("{hex}".utf8)
    static let hashPlaceholder = Array("{hash}".utf8)
    static let emailPlaceholder = Array("{email}".utf8)
    static let datePlaceholder = Array("{date}".utf8)

    static func applyPlaceholders(_ path: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        var segmentStart = 0
        let end = path.count
        var i = 0
        while i <= end {
            if i == end || path[i] == UInt8(ascii: "/") {
                if i > segmentStart {
                    let segment = UnsafeRawBufferPointer(rebasing: path[segmentStart..<i])
                    if let placeholder = placeholder(for: segment) {
                        output.append(contentsOf: placeholder)
                    } else if let dot = extensionDot(segment), let placeholder = placeholder(for: UnsafeRawBufferPointer(rebasing: segment[0..<dot])) {
                        output.append(contentsOf: placeholder)
                        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: segment[dot...]))
                    } else {
                        output.append(contentsOf: segment)
                    }
                }
                if i < end { output.append(UInt8(ascii: "/")) }
                segmentStart = i + 1
            }
            i += 1
        }
    }

    /// The dot of a short file extension (`.json`, `.pdf`, `.tar`), or nil.
    static func extensionDot(_ s: UnsafeRawBufferPointer) -> Int? {
        var dot = s.count - 1
        while dot > 0 && s[dot] != UInt8(ascii: ".") { dot -= 1 }
        let ext = s.count - dot - 1
        guard dot > 0, ext >= 1, ext <= 5, (s[dot + 1] | 0x20) >= UInt8(ascii: "a"), (s[dot + 1] | 0x20) <= UInt8(ascii: "z") else { return nil }
        for k in (dot + 1)..<s.count where !(ByteScanning.isDigit(s[k]) || ((s[k] | 0x20) >= UInt8(ascii: "a") && (s[k] | 0x20) <= UInt8(ascii: "z"))) {
            return nil
        }
        return dot
    }

    /// The placeholder for a segment that is an identifier rather than part of the route.
    static func placeholder(for s: UnsafeRawBufferPointer) -> [UInt8]? {
        let n = s.count
        guard n > 0 else { return nil }
        var digits = 0, hexLetters = 0, lowers = 0, uppers = 0, dashes = 0, underscores = 0, at = -1, others = 0
        for k in 0..<n {
            let c = s[k]
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "a")...UInt8(ascii: "f"): hexLetters += 1; lowers += 1
            case UInt8(ascii: "A")...UInt8(ascii: "F"): hexLetters += 1; uppers += 1
            case UInt8(ascii: "g")...UInt8(ascii: "z"): lowers += 1
            case UInt8(ascii: "G")...UInt8(ascii: "Z"): uppers += 1
            case UInt8(ascii: "-"): dashes += 1
            case UInt8(ascii: "_"): underscores += 1
            case UInt8(ascii: "@"): at = at < 0 ? k : at; others += 1
            default: others += 1
            }
        }
        if digits == n { return idPlaceholder }
        if at > 0 && at < n - 3 && isEmailDomain(s, at + 1) { return emailPlaceholder }
        if others > 0 { return nil }
        let hex = digits + hexLetters
        if n == 36 && dashes == 4 && hex == 32 && s[8] == UInt8(ascii: "-") && s[13] == UInt8(ascii: "-")
            && s[18] == UInt8(ascii: "-") && s[23] == UInt8(ascii: "-") { return uuidPlaceholder }
        if n >= 10 && isDate(s) { return datePlaceholder }
        if hex == n && n >= 16 && digits > 0 {
            return n == 32 || n == 40 || n == 64 || n == 128 ? hashPlaceholder : hexPlaceholder
        }
        if isOpaqueToken(s) { return idPlaceholder }
        return nil
    }

    /// `example.com` after an `@`: letters, digits, dots and dashes with a dot inside.
    static func isEmailDomain(_ s: UnsafeRawBufferPointer, _ from: Int) -> Bool {
        var dot = false
        for k in from..<s.count {
            let c = s[k]
            if c == UInt8(ascii: ".") {
                guard k > from && k < s.count - 1 else { return false }
                dot = true
            } else if !(ByteScanning.isDigit(c) || c == UInt8(ascii: "-") || ((c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z"))) {
                return false
            }
        }
        return dot
    }

    /// `2026-11-20`, or a date-time starting so (`2026-11-20T10:05:03Z`).
    static func isDate(_ s: UnsafeRawBufferPointer) -> Bool {
        guard s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-"),
              let month = CLFTimestampParser.digits(s, 5, 2), let day = CLFTimestampParser.digits(s, 8, 2),
              CLFTimestampParser.digits(s, 0, 4) != nil, month >= 1 && month <= 12, day >= 1 && day <= 31
        else { return false }
        return s.count == 10 || s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: "t")
    }

    /// Machine-made identifiers: ULIDs, nanoids, base62 keys, Stripe-style `cus_…` ids.
    /// Letters and digits only (after an optional short lower-case `prefix_`), at least 10
    /// of them with 2+ digits and 2+ letters, and either mixed case, 16+ characters or a
    /// quarter digits — words people put in routes are none of these.
    static func isOpaqueToken(_ s: UnsafeRawBufferPointer) -> Bool {
        var start = 0
        if let underscore = ByteScanning.find(UInt8(ascii: "_"), in: s, from: 0), underscore > 0, underscore <= 12 {
            for k in 0..<underscore where !(s[k] >= UInt8(ascii: "a") && s[k] <= UInt8(ascii: "z")) { return false }
            start = underscore + 1
        }
        let n = s.count - start
        guard n >= 10 else { return false }
        var digits = 0, lowers = 0, uppers = 0
        for k in start..<s.count {
            let c = s[k]
            if ByteScanning.isDigit(c) { digits += 1 }
            else if c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") { lowers += 1 }
            else if c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") { uppers += 1 }
            else if !(c == UInt8(ascii: "-") || c == UInt8(ascii: "_")) || start > 0 { return false }
        }
        guard digits >= 2 && lowers + uppers >= 2 else { return false }
        return (lowers > 0 && uppers > 0) || n >= 16 || digits * 4 >= n
    }
}
