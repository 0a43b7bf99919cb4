import Testing
@testable import ErrAnalyzeKit

/// The fast path of route templating (plain bytes, one pass) must give what the general path
/// gives, for every target it accepts: compared here on many generated targets.
@Suite struct RouteTemplaterFastPathTests {
    private struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ values: [T]) -> T { values[Int(next() % UInt64(values.count))] }
        mutating func text(_ alphabet: String, _ count: Int) -> String {
            let letters = Array(alphabet)
            return String((0..<count).map { _ in pick(letters) })
        }
        mutating func segment() -> String {
            switch next() % 16 {
            case 0: return pick(["v1", "v2", "api", "contacts", "notes", "leads", "search", "me", "s3", "utf8mb4", "2fa", "oauth2"])
            case 1: return String(next() % 10_000_000)
            case 2: return "\(text("0123456789abcdef", 8))-\(text("0123456789abcdef", 4))-\(text("0123456789abcdef", 4))-\(text("0123456789abcdef", 4))-\(text("0123456789abcdef", 12))"
            case 3: return text("0123456789abcdefABCDEF", pick([16, 24, 32, 40, 64, 7, 31]))
            case 4: return pick(["cus_", "conn_", "", "x_"]) + text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", pick([8, 10, 14, 20, 26]))
            case 5: return "\(1990 + next() % 60)-\(pick(["01", "11", "12", "13", "00"]))-\(pick(["01", "19", "31", "32"]))\(pick(["", "T10:05:03Z", "t1", "x"]))"
            case 6: return "\(text("abc.0123", 6))@\(pick(["example.com", "x", "a.b", "-.", "ex-ample.co.uk"]))"
            case 7: return "\(String(next() % 1000)).\(pick(["json", "pdf", "tar", "gz2", "toolong", "J", "1a"]))"
            case 8: return text("abcdefghijklmnopqrstuvwxyz0123456789-_.~", Int(next() % 30) + 1)
            case 9: return text("abcXYZ019-_.~!$&'()*+,=:", Int(next() % 12) + 1)
            case 10: return ""
            case 11: return text("ab1", Int(next() % 1100) + 1)
            case 12: return pick(["list-2024-edition", "user_settings_v2", ".well-known", "index.html", "a-1", "A1b2C3d4E5",
                                  "sk_live_51HqLyjWDarjtT1zdp7dc", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl",
                                  "tok-8f7e6d5c4b3a2f1e0d9c8b7a", "ghp_" + text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 36)])
            case 13: return text("0123456789-", Int(next() % 40) + 1)
            case 14: return pick(["%41", "a;b=1", "%zz", "caf\u{e9}", "{id}", "a b", "@x"])  // the general path's bytes
            default: return text("0123456789", Int(next() % 20) + 1) + text("abcdef", Int(next() % 20))
            }
        }
        mutating func target() -> String {
            var path = ""
            for _ in 0..<(Int(next() % 6)) { path += pick(["/", "/", "/", "//"]) + segment() }
            if next() % 4 == 0 { path += "/" }
            if path.isEmpty || next() % 10 == 0 { path = "/" + path }
            switch next() % 6 {
            case 0: path += "?limit=50&page=\(next() % 9)"
            case 1: path += "#frag/1"
            case 2: path += "?a=1#f"
            default: break
            }
            return path
        }
    }

    @Test func fastPathMatchesTheGeneralPath() {
        var generator = Generator(state: 20_261_117)
        let templater = RouteTemplater()
        var fastCount = 0
        for _ in 0..<20_000 {
            let target = Array(generator.target().utf8)
            let capacity = templater.scratchCapacity(forPathLength: target.count)
            let a = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity), b = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            defer { a.deallocate(); b.deallocate() }
            target.withUnsafeBytes { bytes in
                let fast = Array(templater.template(bytes, scratch: a))
                let general = Array(templater.generalTemplate(bytes, scratch: b))
                #expect(fast == general, "\(String(decoding: target, as: UTF8.self))")
                if RouteTemplater.fastNormaliseAndTemplate(bytes, into: a, increments: RouteTemplater.fastIncrements) != nil { fastCount += 1 }
            }
        }
        #expect(fastCount > 10_000, "most generated targets take the fast path")
    }
}
