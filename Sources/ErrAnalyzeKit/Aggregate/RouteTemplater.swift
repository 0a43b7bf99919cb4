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
///    or 128 hex digits), `{hex}` (other hex of 16+ digits), `{email}`, `{date}`, `{token}`
///    (credentials: known key shapes such as `sk_live_…`, JSON Web Tokens, long random
///    strings; see `Redaction`); a file name keeps its extension (`{id}.json`).
///
/// Works on bytes and writes into a caller-owned buffer, so the hot path allocates nothing
/// (the normalised path lives in scratch space the caller owns). Immutable and shareable
/// between threads.
public struct RouteTemplater: Sendable {
    /// The rules, in precedence order, indexed by segment count and first segment.
    let index: RouteRuleIndex
    var rules: [RouteRule] { index.rules }
    /// The longest rule text, which `template(_:scratch:)` may copy into the scratch space.
    let longestRule: Int
    /// `fastIncrements`, loaded once here rather than through the lazy global on every call.
    private let increments: FastIncrements

    public init() {
        index = RouteRuleIndex([])
        longestRule = 0
        increments = FastIncrements(table: Self.fastIncrements)
    }

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
        self.init(compiled: try patterns.map(RouteRule.init(pattern:)))
    }

    /// A templater with these rules, tried in order (user patterns, then a document's paths).
    init(compiled rules: [RouteRule]) {
        index = RouteRuleIndex(rules)
        longestRule = rules.map(\.text.count).max() ?? 0
        increments = FastIncrements(table: Self.fastIncrements)
    }

    /// Writes the template of `path` into `output`, replacing its contents.
    public func template(_ path: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        output.removeAll(keepingCapacity: true)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scratchCapacity(forPathLength: path.count)) { buffer in
            output.append(contentsOf: template(path, scratch: buffer.baseAddress!))
        }
    }

    /// Bytes of scratch space `template(_:scratch:)` needs for a path of `length` bytes: the
    /// normalised path (at most 3 × `length`: bytes are percent-encoded) and the template
    /// beside it (at most 4.5 × the normalised path: a one-byte segment may become
    /// `{email}`), or a rule's text.
    @inline(__always)
    public func scratchCapacity(forPathLength length: Int) -> Int {
        max(3 * length + (3 * length) * 9 / 2 + 16, longestRule)
    }

    /// The template of `path`, written into `scratch` (at least
    /// `scratchCapacity(forPathLength: path.count)` bytes) and valid until it is reused.
    /// Allocates nothing.
    @inline(__always)
    public func template(_ path: UnsafeRawBufferPointer, scratch base: UnsafeMutablePointer<UInt8>) -> UnsafeRawBufferPointer {
        // Origin-form targets with nothing to normalise: one pass that stops at the query.
        if path.count > 0 && path[0] == UInt8(ascii: "/") {
            if index.isEmpty {
                if let count = Self.fastNormaliseAndTemplate(path, into: base, increments: increments.table) {
                    return count == 0 ? Self.root : UnsafeRawBufferPointer(start: base, count: count)
                }
            } else if let length = Self.fastNormalise(path, into: base, increments: increments.table) {
                // With rules: the normalised path (a copy, nothing to decode) against the
                // rules that can match it, then the one-pass templating of the same bytes.
                let normalised = UnsafeRawBufferPointer(start: base, count: length)
                if let rule = index.firstMatch(normalised) { return Self.write(rule, to: base) }
                if let count = Self.fastNormaliseAndTemplate(normalised, into: base + length, increments: increments.table) {
                    return count == 0 ? Self.root : UnsafeRawBufferPointer(start: base + length, count: count)
                }
            }
        }
        return generalTemplate(path, scratch: base)
    }

    /// Copies a matching rule's text to `base`.
    @inline(__always)
    private static func write(_ rule: RouteRule, to base: UnsafeMutablePointer<UInt8>) -> UnsafeRawBufferPointer {
        rule.text.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: $0.count) }
        return UnsafeRawBufferPointer(start: base, count: rule.text.count)
    }

    /// `template(_:scratch:)` without the fast path: any target, any rules.
    func generalTemplate(_ path: UnsafeRawBufferPointer, scratch base: UnsafeMutablePointer<UInt8>) -> UnsafeRawBufferPointer {
        // The query string and fragment never belong to the route.
        var end = ByteScanning.find(UInt8(ascii: "?"), in: path, from: 0) ?? path.count
        if let hash = ByteScanning.find(UInt8(ascii: "#"), in: UnsafeRawBufferPointer(rebasing: path[0..<end]), from: 0) { end = hash }
        // Absolute-form targets (`http://host/path`, proxies and load balancers) keep only the path.
        var start = 0
        if end > 7, let scheme = Self.schemeEnd(path, end) {
            start = scheme
            while start < end, path[start] != UInt8(ascii: "/") { start += 1 }
        }
        if start >= end { return Self.root }
        var source = UnsafeRawBufferPointer(rebasing: path[start..<end])
        var out = base
        if !index.isEmpty {
            let length = Self.normalise(source, into: base)
            source = UnsafeRawBufferPointer(start: base, count: length)
            if let rule = index.firstMatch(source) { return Self.write(rule, to: base) }
            out = base + length  // normalising again is harmless: the form is a fixed point
        }
        let count = Self.normaliseAndTemplate(source, into: out)
        return count == 0 ? Self.root : UnsafeRawBufferPointer(start: out, count: count)
    }

    private static let rootText: StaticString = "/"
    private static var root: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: rootText.utf8Start, count: 1) }

    private static func schemeEnd(_ path: UnsafeRawBufferPointer, _ end: Int) -> Int? {
        guard path[0] | 0x20 == UInt8(ascii: "h"), path[1] | 0x20 == UInt8(ascii: "t"), path[2] | 0x20 == UInt8(ascii: "t"),
              path[3] | 0x20 == UInt8(ascii: "p") else { return nil }
        var i = 4
        if path[i] | 0x20 == UInt8(ascii: "s") { i += 1 }
        guard i + 3 <= end, path[i] == UInt8(ascii: ":"), path[i + 1] == UInt8(ascii: "/"), path[i + 2] == UInt8(ascii: "/") else { return nil }
        return i + 3
    }

    // MARK: Normalisation

    /// Byte classes of ASCII, one digit per byte value (a StaticString: no lazy global, no
    /// reference counting), ordered so that one comparison sorts them.
    enum ByteClass {
        static let escape: UInt8 = 0       // controls, space, `"<>\\^`{|}`, DEL and non-ASCII
        static let percent: UInt8 = 1
        static let pathPunct: UInt8 = 2    // `!$&'()*+,;=:@/`
        static let unreserved: UInt8 = 3   // `-._~`
        static let digit: UInt8 = 4
        static let hexLower: UInt8 = 5
        static let lower: UInt8 = 6
        static let hexUpper: UInt8 = 7
        static let upper: UInt8 = 8
    }

    @inline(__always)
    static func byteClass(_ c: UInt8) -> UInt8 {
        c < 128 ? classTable.utf8Start[Int(c)] &- 48 : ByteClass.escape
    }

    static let classTable: StaticString =
        "00000000000000000000000000000000020021222222233244444444442202002777777888888888888888888880000305555556666666666666666666600030"

    static let hexDigits: StaticString = "0123456789ABCDEF"

    /// Writes the normalised form of `p` (at most 3 × its length) and returns its length.
    static func normalise(_ p: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let n = p.count
        let hex = hexDigits.utf8Start
        var o = 0
        var i = 0
        while i < n {
            let c = p[i]
            let cls = byteClass(c)
            if cls >= ByteClass.pathPunct && c != UInt8(ascii: "/") && c != UInt8(ascii: ";") {
                out[o] = c; o += 1; i += 1
                continue
            }
            if c == UInt8(ascii: "/") {
                if o == 0 || out[o - 1] != UInt8(ascii: "/") { out[o] = c; o += 1 }
                i += 1
            } else if c == UInt8(ascii: ";") {
                while i < n && p[i] != UInt8(ascii: "/") { i += 1 }
            } else {
                var byte = c
                if c == UInt8(ascii: "%") && i + 2 < n, Escapes.hexValue(p[i + 1]) >= 0, Escapes.hexValue(p[i + 2]) >= 0 {
                    byte = UInt8(Escapes.hexValue(p[i + 1]) << 4 | Escapes.hexValue(p[i + 2]))
                    i += 3
                    if byteClass(byte) >= ByteClass.unreserved || byte == UInt8(ascii: "@") || byte == UInt8(ascii: ":") {
                        out[o] = byte; o += 1
                        continue
                    }
                } else {
                    i += 1
                }
                out[o] = UInt8(ascii: "%"); out[o + 1] = hex[Int(byte >> 4)]; out[o + 2] = hex[Int(byte & 15)]
                o += 3
            }
        }
        if o > 1 && out[o - 1] == UInt8(ascii: "/") { o -= 1 }
        return o
    }

    // MARK: Placeholders

    enum Placeholder: UInt8 {
        case id, uuid, hex, hash, email, date, token

        var text: StaticString {
            switch self {
            case .id: return "{id}"
            case .uuid: return "{uuid}"
            case .hex: return "{hex}"
            case .hash: return "{hash}"
            case .email: return "{email}"
            case .date: return "{date}"
            case .token: return "{token}"
            }
        }
    }

    /// What a segment is made of, counted while it is copied.
    struct SegmentStats {
        var digits = 0, hexLetters = 0, letters = 0, dashes = 0, others = 0, at = -1

        @inline(__always)
        mutating func add(_ c: UInt8, class cls: UInt8, offset: Int) {
            if cls >= ByteClass.digit {  // branch-free counting for letters and digits
                digits &+= cls == ByteClass.digit ? 1 : 0
                letters &+= cls > ByteClass.digit ? 1 : 0
                hexLetters &+= cls == ByteClass.hexLower || cls == ByteClass.hexUpper ? 1 : 0
            } else if c == UInt8(ascii: "-") {
                dashes += 1
            } else if c == UInt8(ascii: "@") {
                if at < 0 { at = offset }
                others += 1
            } else if c != UInt8(ascii: "_") {
                others += 1
            }
        }
    }

    /// Per byte, which counter of `SegmentStats` it adds to, for the fast path: 1 digit,
    /// 2 hex letter, 3 other letter, 4 `-`, 5 other bytes a path keeps as they are, 6 `_`;
    /// 0 for `/` and for every byte that needs the general path (`%`, `;`, `@`, bytes to
    /// escape).
    static let fastClasses: StaticString = """
        0000000000000000000000000000000005005055555554501111111111500500\
        0222222333333333333333333330000602222223333333333333333333300050
        """

    /// The fast path's per-byte increments: class k adds 1 << (10 × (k - 1)) to six
    /// counters packed 10 bits apiece in one word; class 0 adds nothing. All 256 byte values,
    /// so the loop needs no range check. Built once, never freed.
    struct FastIncrements: @unchecked Sendable {  // immutable, never freed
        let table: UnsafePointer<UInt64>
    }

    static let fastIncrements: UnsafePointer<UInt64> = {
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: 256)
        table.initialize(repeating: 0, count: 256)
        for c in 0..<128 {
            let k = UInt64(fastClasses.utf8Start[c] - 48)
            table[c] = k == 0 ? 0 : 1 << (10 * (k - 1))
        }
        return UnsafePointer(table)
    }()

    @inline(__always)
    static func fastNormaliseAndTemplate(_ p: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>,
                                         increments table: UnsafePointer<UInt64>) -> Int? {
        let n = p.count
        guard n > 0 else { return 0 }
        let src = p.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let slash = UInt8(ascii: "/")
        var o = 0
        var i = 0
        while i < n {
            if src[i] == slash {
                if o == 0 || out[o - 1] != slash { out[o] = slash; o += 1 }
                i += 1
                continue
            }
            let start = i
            var packed: UInt64 = 0
            repeat {
                let entry = table[Int(src[i])]
                if entry == 0 { break }  // `/`, or a byte for the general path
                packed &+= entry
                i += 1
            } while i < n
            let length = i - start
            guard length < 1024 else { return nil }
            var last = false
            if i < n && src[i] != slash {
                // The query or fragment ends the path; any other byte needs the general path.
                guard src[i] == UInt8(ascii: "?") || src[i] == UInt8(ascii: "#") else { return nil }
                last = true
            }
            copy(src + start, to: out + o, count: length)
            let digits = Int(packed & 0x3FF)
            if digits == 0 {
                o += length
                if last { break }
                continue
            }
            let hexLetters = Int((packed >> 10) & 0x3FF), otherLetters = Int((packed >> 20) & 0x3FF)
            var stats = SegmentStats()
            stats.digits = digits
            stats.hexLetters = hexLetters
            stats.letters = hexLetters + otherLetters
            stats.dashes = Int((packed >> 30) & 0x3FF)
            stats.others = Int((packed >> 40) & 0x3FF)
            o = endSegment(out, o, o + length, stats)
            if last { break }
        }
        if o > 1 && out[o - 1] == slash { o -= 1 }
        return o
    }

    /// What `normalise` gives for the targets the fast path accepts (a copy up to the query
    /// or fragment, `//` collapsed, no trailing `/`), in one pass over plain bytes; nil for
    /// a target with a byte that needs decoding or escaping, or a segment of 1024+ bytes
    /// (as `fastNormaliseAndTemplate`, so that it accepts the result).
    /// It repeats the scan of `fastNormaliseAndTemplate` without the templating on purpose:
    /// one function with a constant `templating:` flag, inlined, measured 4–6 % slower on the
    /// combined format's ingest (`perf stat -e task-clock erranalyze ingest --workers 1 …
    /// gen-combined.log`, best of 7: 293 → 311 ms), so the two stay apart.
    @inline(__always)
    static func fastNormalise(_ p: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>,
                              increments table: UnsafePointer<UInt64>) -> Int? {
        let n = p.count
        guard n > 0 else { return 0 }
        let src = p.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let slash = UInt8(ascii: "/")
        var o = 0
        var i = 0
        while i < n {
            if src[i] == slash {
                if o == 0 || out[o - 1] != slash { out[o] = slash; o += 1 }
                i += 1
                continue
            }
            let start = i
            repeat {
                if table[Int(src[i])] == 0 { break }
                i += 1
            } while i < n
            let length = i - start
            guard length < 1024 else { return nil }
            copy(src + start, to: out + o, count: length)
            o += length
            if i < n && src[i] != slash {
                guard src[i] == UInt8(ascii: "?") || src[i] == UInt8(ascii: "#") else { return nil }
                break
            }
        }
        if o > 1 && out[o - 1] == slash { o -= 1 }
        return o
    }

    /// A short copy without a call to memcpy: path segments are a few bytes long.
    @inline(__always)
    static func copy(_ from: UnsafePointer<UInt8>, to: UnsafeMutablePointer<UInt8>, count: Int) {
        var k = 0
        while k + 8 <= count {
            UnsafeMutableRawPointer(to + k).storeBytes(of: UnsafeRawPointer(from + k).loadUnaligned(as: UInt64.self), as: UInt64.self)
            k += 8
        }
        while k < count {
            to[k] = from[k]
            k += 1
        }
    }

    /// Normalises `p` like `normalise` and, in the same pass, replaces identifier segments
    /// with placeholders; writes to `out` (room for 4.5 × 3 × `p.count` bytes) and returns
    /// the length.
    static func normaliseAndTemplate(_ p: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let n = p.count
        let hex = hexDigits.utf8Start
        var o = 0
        var i = 0
        var segmentStart = 0
        var stats = SegmentStats()
        while i < n {
            let c = p[i]
            let cls = byteClass(c)
            if cls >= ByteClass.pathPunct && c != UInt8(ascii: "/") && c != UInt8(ascii: ";") {
                stats.add(c, class: cls, offset: o - segmentStart)
                out[o] = c
                o += 1
                i += 1
                continue
            }
            if c == UInt8(ascii: "/") {
                o = endSegment(out, segmentStart, o, stats)
                stats = SegmentStats()
                if o == 0 || out[o - 1] != UInt8(ascii: "/") { out[o] = c; o += 1 }
                segmentStart = o
                i += 1
                continue
            }
            if c == UInt8(ascii: ";") {
                while i < n && p[i] != UInt8(ascii: "/") { i += 1 }
                continue
            }
            var byte = c
            if c == UInt8(ascii: "%") && i + 2 < n, Escapes.hexValue(p[i + 1]) >= 0, Escapes.hexValue(p[i + 2]) >= 0 {
                byte = UInt8(Escapes.hexValue(p[i + 1]) << 4 | Escapes.hexValue(p[i + 2]))
                i += 3
                let k = byteClass(byte)
                if k >= ByteClass.unreserved || byte == UInt8(ascii: "@") || byte == UInt8(ascii: ":") {
                    stats.add(byte, class: k, offset: o - segmentStart)
                    out[o] = byte
                    o += 1
                    continue
                }
            } else {
                i += 1
            }
            stats.others += 1
            out[o] = UInt8(ascii: "%"); out[o + 1] = hex[Int(byte >> 4)]; out[o + 2] = hex[Int(byte & 15)]
            o += 3
        }
        o = endSegment(out, segmentStart, o, stats)
        if o > 1 && out[o - 1] == UInt8(ascii: "/") { o -= 1 }
        return o
    }

    /// Replaces the segment `out[start..<end]` by its placeholder if it is an identifier;
    /// returns the new end.
    @inline(__always)
    static func endSegment(_ out: UnsafeMutablePointer<UInt8>, _ start: Int, _ end: Int, _ stats: SegmentStats) -> Int {
        let length = end - start
        guard length > 0, stats.digits > 0 || stats.at >= 0 else { return end }
        let segment = UnsafeRawBufferPointer(start: out + start, count: length)
        if let placeholder = decide(segment, stats) { return start + write(placeholder, to: out + start) }
        guard let dot = extensionDot(segment),
              let placeholder = placeholder(for: UnsafeRawBufferPointer(start: out + start, count: dot)) else { return end }
        // `{id}.json`: the extension (at most five letters and its dot) moves after the placeholder.
        var ext: (UInt64, UInt64) = (0, 0)
        let extLength = length - dot
        withUnsafeMutableBytes(of: &ext) { e in
            for k in 0..<extLength { e[k] = out[start + dot + k] }
        }
        var o = start + write(placeholder, to: out + start)
        withUnsafeBytes(of: &ext) { e in
            for k in 0..<extLength { out[o + k] = e[k] }
        }
        o += extLength
        return o
    }

    @inline(__always)
    static func write(_ placeholder: Placeholder, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let t = placeholder.text
        for k in 0..<t.utf8CodeUnitCount { out[k] = t.utf8Start[k] }
        return t.utf8CodeUnitCount
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
    static func placeholder(for s: UnsafeRawBufferPointer) -> Placeholder? {
        var stats = SegmentStats()
        for k in 0..<s.count { stats.add(s[k], class: byteClass(s[k]), offset: k) }
        return decide(s, stats)
    }

    @inline(__always)
    static func decide(_ s: UnsafeRawBufferPointer, _ stats: SegmentStats) -> Placeholder? {
        let n = s.count
        // Words (no digit, no `@`) are the common case and are decided first.
        if stats.digits == 0 && stats.at < 0 { return nil }
        if stats.digits == n { return .id }
        if stats.at > 0 && stats.at < n - 3 && isEmailDomain(s, stats.at + 1) { return .email }
        if n < 10 { return nil }
        if isDate(s) { return .date }
        // Credentials in a path (`/v1/keys/sk_live_…`, `/verify/eyJ…`) must not be stored.
        if Redaction.isSecretShape(s) { return .token }
        if stats.others > 0 { return nil }
        let hex = stats.digits + stats.hexLetters
        if n == 36 && stats.dashes == 4 && hex == 32 && s[8] == UInt8(ascii: "-") && s[13] == UInt8(ascii: "-")
            && s[18] == UInt8(ascii: "-") && s[23] == UInt8(ascii: "-") { return .uuid }
        if hex == n && n >= 16 { return n == 32 || n == 40 || n == 64 || n == 128 ? .hash : .hex }
        if stats.letters > 0 && isOpaqueToken(s) { return .id }
        // What the rules above leave of a long random string (`tok-8f7e6d5c4b3a2f1e0d9c8b7a`).
        if n >= 20 && Redaction.hasRandomRun(s) { return .token }
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
    /// Letters and digits (after an optional short lower-case `prefix_`), at least 10 of
    /// them with 2+ digits and 2+ letters, and either mixed case, 16+ characters or a
    /// quarter digits. With `-` or `_` inside (words, or a nanoid) only mixed case passes.
    static func isOpaqueToken(_ s: UnsafeRawBufferPointer) -> Bool {
        var start = 0
        if let underscore = ByteScanning.find(UInt8(ascii: "_"), in: s, from: 0), underscore > 0, underscore <= 12 {
            for k in 0..<underscore where !(s[k] >= UInt8(ascii: "a") && s[k] <= UInt8(ascii: "z")) { return false }
            start = underscore + 1
        }
        let n = s.count - start
        guard n >= 10 else { return false }
        var digits = 0, lowers = 0, uppers = 0, separators = 0
        for k in start..<s.count {
            let c = s[k]
            if ByteScanning.isDigit(c) { digits += 1 }
            else if c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") { lowers += 1 }
            else if c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") { uppers += 1 }
            else if (c == UInt8(ascii: "-") || c == UInt8(ascii: "_")) && start == 0 { separators += 1 }
            else { return false }
        }
        guard digits >= 2 && lowers + uppers >= 2 else { return false }
        let mixedCase = lowers > 0 && uppers > 0
        // With separators it could be words (`list-2024-edition`): only mixed case passes (nanoid).
        if separators > 0 { return mixedCase }
        return mixedCase || n >= 16 || digits * 4 >= n
    }
}
