/// What a secret looks like, and how a line loses its secrets before any of it is stored
/// (malformed-line samples; route segments become `{token}` through `RouteTemplater`).
///
/// Secrets are recognised three ways:
/// - by shape, wherever they appear: known key prefixes (`sk_live_`, `sk_test_`, `whsec_`,
///   `ghp_`, `xoxb-`, `AKIA`…), JSON Web Tokens (`eyJ….….…`), and long random strings (a run
///   of 20+ letters and digits mixing both, at least 2 of each);
/// - by name: the value after a key-like name and `=` or `:` (`authorization`, `cookie`,
///   `token`, `secret`, `password`, `session`, `signature`, `credential`, `api_key`,
///   anything ending in `key`…), quoted or not, whatever it looks like;
/// - by place: every value of a query string (`?a=1&b=2` → `?a=[redacted]&b=[redacted]`),
///   and the credentials after `Bearer ` or `Basic `.
///
/// Over-redaction is the safe side: a sample shows a line's shape, not its values.
public enum Redaction {
    /// What a secret is replaced with.
    public static let mark = "[redacted]"
    private static let markBytes = Array(mark.utf8)

    /// `text` with its secrets replaced by `mark`.
    public static func redact(_ text: String) -> String {
        var copy = text
        return copy.withUTF8 { String(decoding: redact(UnsafeRawBufferPointer($0)), as: UTF8.self) }
    }

    /// `bytes` with their secrets replaced by `mark`. Linear in the length; meant for the
    /// few lines kept as samples, not for every line.
    public static func redact(_ p: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(p.count + 16)
        let n = p.count
        var i = 0
        while i < n {
            let c = p[i]
            if c == UInt8(ascii: "?") && i > 0 && isPathByte(p[i - 1]) {
                out.append(c)
                i = redactQuery(p, from: i + 1, into: &out)
                continue
            }
            guard isTokenByte(c) else {
                out.append(c)
                i += 1
                continue
            }
            var j = i
            while j < n && isTokenByte(p[j]) { j += 1 }
            let run = UnsafeRawBufferPointer(rebasing: p[i..<j])
            if isSecretShape(run) || hasRandomRun(run) {
                out.append(contentsOf: markBytes)
                i = j
                continue
            }
            out.append(contentsOf: run)
            if isSecretName(run), let next = redactNamedValue(p, from: j, cookie: contains(run, "cookie"), into: &out) {
                i = next
                continue
            }
            if isCredentialScheme(run) && j + 1 < n && p[j] == UInt8(ascii: " ") && !isValueEnd(p[j + 1], separator: UInt8(ascii: "=")) {
                // `Bearer abc…`, `Basic dXNl…`: the credentials are the next word.
                var k = j + 1
                while k < n && !isValueEnd(p[k], separator: UInt8(ascii: "=")) && p[k] != UInt8(ascii: " ") { k += 1 }
                out.append(UInt8(ascii: " "))
                out.append(contentsOf: markBytes)
                i = k
                continue
            }
            i = j
        }
        return out
    }

    // MARK: Shapes

    /// Prefixes of API keys and tokens of well-known services (case as issued).
    static let keyPrefixes: [[UInt8]] = [
        "sk_live_", "sk_test_", "rk_live_", "rk_test_", "pk_live_", "pk_test_", "whsec_", "sk-",
        "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-",
        "AKIA", "ASIA", "AIza", "SG.", "shpat_", "shpss_", "npm_", "pypi-",
    ].map { Array($0.utf8) }

    /// A token of a known key shape or a JSON Web Token. `s` is one token (no spaces,
    /// slashes or quotes); cheap enough for every route segment templating looks at: most
    /// are turned away by their first byte, before any table is touched.
    @inline(__always)
    public static func isSecretShape(_ s: UnsafeRawBufferPointer) -> Bool {
        guard s.count >= 12 else { return false }
        switch s[0] {
        case UInt8(ascii: "e"): return s[1] == UInt8(ascii: "y") && s[2] == UInt8(ascii: "J") && isJWT(s)
        // The first letters of `keyPrefixes`.
        case UInt8(ascii: "s"), UInt8(ascii: "r"), UInt8(ascii: "p"), UInt8(ascii: "w"), UInt8(ascii: "g"), UInt8(ascii: "x"),
             UInt8(ascii: "A"), UInt8(ascii: "S"), UInt8(ascii: "n"):
            return hasKeyPrefix(s)
        default:
            return false
        }
    }

    @inline(never)
    static func hasKeyPrefix(_ s: UnsafeRawBufferPointer) -> Bool {
        for prefix in keyPrefixes where prefix[0] == s[0] && s.count >= prefix.count + 8 {
            var k = 1
            while k < prefix.count && s[k] == prefix[k] { k += 1 }
            if k == prefix.count { return true }
        }
        return false
    }

    /// `eyJ…` (base64url of `{"`), then two more dot-separated base64url parts (the
    /// signature may be empty: `alg: none`).
    @inline(never)
    static func isJWT(_ s: UnsafeRawBufferPointer) -> Bool {
        var dots = 0
        var partLength = 0
        for k in 0..<s.count {
            let c = s[k]
            if c == UInt8(ascii: ".") {
                guard partLength >= 2 else { return false }
                dots += 1
                partLength = 0
            } else if isAlphanumeric(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: "=") {
                partLength += 1
            } else {
                return false
            }
        }
        return dots == 2
    }

    /// Whether `s` holds a run of 20+ letters and digits with at least 2 of each: a random
    /// token (session ids, API keys, hex digests), not a word or a number.
    @inline(never)
    public static func hasRandomRun(_ s: UnsafeRawBufferPointer) -> Bool {
        guard s.count >= 20 else { return false }
        var length = 0, digits = 0, letters = 0
        for k in 0...s.count {
            let c = k < s.count ? s[k] : 0
            if ByteScanning.isDigit(c) {
                length += 1; digits += 1
            } else if isAlphanumeric(c) {
                length += 1; letters += 1
            } else {
                if length >= 20 && digits >= 2 && letters >= 2 { return true }
                // Too few bytes left for another run of 20 (most segments end here).
                if s.count - k - 1 < 20 { return false }
                length = 0; digits = 0; letters = 0
            }
        }
        return false
    }

    // MARK: Names and places

    /// Parts of names whose values are secrets (matched in lower case).
    static let secretNameParts: [[UInt8]] = [
        "auth", "cookie", "token", "secret", "passw", "pwd", "session", "signature", "credential", "private", "apikey", "api_key", "api-key",
    ].map { Array($0.utf8) }

    static func isSecretName(_ s: UnsafeRawBufferPointer) -> Bool {
        guard s.count >= 3 else { return false }
        if endsWithKey(s) { return true }
        return secretNameParts.contains { part in contains(s, part) }
    }

    /// `key`, `api_key`, `x-api-key`, `accessKey`…
    static func endsWithKey(_ s: UnsafeRawBufferPointer) -> Bool {
        let n = s.count
        return s[n - 3] | 0x20 == UInt8(ascii: "k") && s[n - 2] | 0x20 == UInt8(ascii: "e") && s[n - 1] | 0x20 == UInt8(ascii: "y")
    }

    static func isCredentialScheme(_ s: UnsafeRawBufferPointer) -> Bool {
        equalsIgnoringCase(s, "bearer") || equalsIgnoringCase(s, "basic") || equalsIgnoringCase(s, "token")
    }

    /// After a secret name ending at `from`: a closing quote, `=` or `:`, then the value,
    /// which is replaced. Returns where to go on, or nil when no value follows.
    static func redactNamedValue(_ p: UnsafeRawBufferPointer, from: Int, cookie: Bool, into out: inout [UInt8]) -> Int? {
        let n = p.count
        var k = from
        // The name's closing quote (`"token"`, `\"token\"`, `'token'`).
        while k < n && k < from + 2 && (p[k] == UInt8(ascii: "\"") || p[k] == UInt8(ascii: "'") || p[k] == UInt8(ascii: "\\")) { k += 1 }
        while k < n && p[k] == UInt8(ascii: " ") { k += 1 }
        guard k < n, p[k] == UInt8(ascii: "=") || p[k] == UInt8(ascii: ":") else { return nil }
        let separator = p[k]
        k += 1
        while k < n && p[k] == UInt8(ascii: " ") { k += 1 }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[from..<k]))
        guard k < n else { return k }
        // A quoted value: up to the same quote, unescaped.
        var quote: [UInt8] = []
        if p[k] == UInt8(ascii: "\"") || p[k] == UInt8(ascii: "'") {
            quote = [p[k]]
        } else if p[k] == UInt8(ascii: "\\") && k + 1 < n && p[k + 1] == UInt8(ascii: "\"") {
            quote = [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
        }
        if !quote.isEmpty {
            out.append(contentsOf: quote)
            k += quote.count
            var end = k
            while end < n {
                if quote.count == 1 && p[end] == UInt8(ascii: "\\") { end += 2; continue }
                if p[end] == quote[quote.count - 1] && (quote.count == 1 || p[end - 1] == UInt8(ascii: "\\")) { break }
                end += 1
            }
            let valueEnd = min(end, n) - (quote.count == 2 && end < n ? 1 : 0)
            if valueEnd > k { out.append(contentsOf: markBytes) }
            return max(k, valueEnd)
        }
        // Unquoted: a cookie runs to the end of the header; a value after `:` may hold
        // spaces (`Authorization: Bearer …`); a value after `=` is one word.
        var end = k
        while end < n {
            let c = p[end]
            if cookie ? (c == UInt8(ascii: "\"") || c == UInt8(ascii: "\n")) : isValueEnd(c, separator: separator) { break }
            end += 1
        }
        if end > k { out.append(contentsOf: markBytes) }
        return end
    }

    /// Whether `c` ends an unquoted value that followed `separator`.
    static func isValueEnd(_ c: UInt8, separator: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "}"), UInt8(ascii: "\n"),
             UInt8(ascii: "\r"), UInt8(ascii: "\t"), UInt8(ascii: "\\"):
            return true
        case UInt8(ascii: " "), UInt8(ascii: "&"), UInt8(ascii: ")"), UInt8(ascii: ">"), UInt8(ascii: "]"):
            return separator == UInt8(ascii: "=")
        default:
            return false
        }
    }

    /// Copies a query string's names and replaces each value (and each bare parameter);
    /// returns where the query ends.
    static func redactQuery(_ p: UnsafeRawBufferPointer, from: Int, into out: inout [UInt8]) -> Int {
        let n = p.count
        var k = from
        while k < n && !isQueryEnd(p[k]) {
            var nameEnd = k
            while nameEnd < n && !isQueryEnd(p[nameEnd]) && p[nameEnd] != UInt8(ascii: "=") && p[nameEnd] != UInt8(ascii: "&") { nameEnd += 1 }
            let name = UnsafeRawBufferPointer(rebasing: p[k..<nameEnd])
            if nameEnd < n && p[nameEnd] == UInt8(ascii: "=") {
                if isSecretShape(name) || hasRandomRun(name) { out.append(contentsOf: markBytes) } else { out.append(contentsOf: name) }
                out.append(UInt8(ascii: "="))
                var valueEnd = nameEnd + 1
                while valueEnd < n && !isQueryEnd(p[valueEnd]) && p[valueEnd] != UInt8(ascii: "&") { valueEnd += 1 }
                if valueEnd > nameEnd + 1 { out.append(contentsOf: markBytes) }
                k = valueEnd
            } else {
                if nameEnd > k { out.append(contentsOf: markBytes) }
                k = nameEnd
            }
            if k < n && p[k] == UInt8(ascii: "&") {
                out.append(UInt8(ascii: "&"))
                k += 1
            }
        }
        return k
    }

    static func isQueryEnd(_ c: UInt8) -> Bool {
        c <= 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") || c == UInt8(ascii: "#") || c == UInt8(ascii: "<")
            || c == UInt8(ascii: ">") || c == UInt8(ascii: "\\") || c == 0x7F
    }

    // MARK: Bytes

    @inline(__always)
    static func isAlphanumeric(_ c: UInt8) -> Bool {
        ByteScanning.isDigit(c) || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z"))
    }

    /// Bytes of a token: letters, digits, `_`, `-`, `.`.
    @inline(__always)
    static func isTokenByte(_ c: UInt8) -> Bool {
        isAlphanumeric(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
    }

    /// Bytes that may end a path before its query.
    static func isPathByte(_ c: UInt8) -> Bool {
        isTokenByte(c) || c == UInt8(ascii: "/") || c == UInt8(ascii: "%") || c == UInt8(ascii: "~")
            || c == UInt8(ascii: "}") || c == UInt8(ascii: ")") || c == UInt8(ascii: "=")
    }

    static func contains(_ s: UnsafeRawBufferPointer, _ part: [UInt8]) -> Bool {
        guard s.count >= part.count else { return false }
        outer: for start in 0...(s.count - part.count) {
            for k in 0..<part.count where s[start + k] | (isAlphanumeric(s[start + k]) ? 0x20 : 0) != part[k] { continue outer }
            return true
        }
        return false
    }

    static func contains(_ s: UnsafeRawBufferPointer, _ part: String) -> Bool { contains(s, Array(part.utf8)) }

    static func equalsIgnoringCase(_ s: UnsafeRawBufferPointer, _ word: String) -> Bool {
        s.count == word.utf8.count && contains(s, word)
    }
}
