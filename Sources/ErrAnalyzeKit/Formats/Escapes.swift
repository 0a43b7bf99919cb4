/// Decoding of the escapes log writers put into values. The output is never longer than the
/// input, so a caller can reserve the input's length in its scratch space.
enum Escapes {
    @inline(__always)
    static func hexValue(_ c: UInt8) -> Int {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(c - UInt8(ascii: "A") + 10)
        default: return -1
        }
    }

    /// JSON string escapes (`\"`, `\\`, `\/`, `\n`…, `\uXXXX` with surrogate pairs) from the raw
    /// content of a string (without its quotes) to `out`; returns the number of bytes written.
    /// Invalid escapes are copied as they are; lone surrogates become U+FFFD.
    static func unescapeJSON(_ s: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let n = s.count
        var i = 0, o = 0
        while i < n {
            let c = s[i]
            if c != UInt8(ascii: "\\") || i + 1 >= n {
                out[o] = c; o += 1; i += 1
                continue
            }
            let e = s[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): out[o] = 0x0A
            case UInt8(ascii: "t"): out[o] = 0x09
            case UInt8(ascii: "r"): out[o] = 0x0D
            case UInt8(ascii: "b"): out[o] = 0x08
            case UInt8(ascii: "f"): out[o] = 0x0C
            case UInt8(ascii: "u"):
                guard var scalar = hex4(s, i) else {
                    out[o] = UInt8(ascii: "\\"); out[o + 1] = e; o += 2
                    continue
                }
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    if i + 6 <= n, s[i] == UInt8(ascii: "\\"), s[i + 1] == UInt8(ascii: "u"),
                       let low = hex4(s, i + 2), low >= 0xDC00 && low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                o += utf8(scalar, to: out + o)
                continue
            default: out[o] = e  // \" \\ \/ and anything else: the character itself
            }
            o += 1
        }
        return o
    }

    /// The escapes nginx (`\xHH`, and `\"` `\\` with `escape=json`) and Apache (`\"`, `\\`,
    /// `\xhh`, `\n`, `\t`) write into text logs; returns the number of bytes written.
    static func unescapeBackslashes(_ s: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let n = s.count
        var i = 0, o = 0
        while i < n {
            let c = s[i]
            if c != UInt8(ascii: "\\") || i + 1 >= n {
                out[o] = c; o += 1; i += 1
                continue
            }
            let e = s[i + 1]
            switch e {
            case UInt8(ascii: "x"), UInt8(ascii: "X"):
                if i + 3 < n {
                    let h = hexValue(s[i + 2]), l = hexValue(s[i + 3])
                    if h >= 0 && l >= 0 {
                        out[o] = UInt8(h << 4 | l); o += 1; i += 4
                        continue
                    }
                }
                out[o] = c; o += 1; i += 1
                continue
            case UInt8(ascii: "n"): out[o] = 0x0A
            case UInt8(ascii: "t"): out[o] = 0x09
            case UInt8(ascii: "r"): out[o] = 0x0D
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out[o] = e
            default:
                out[o] = c; o += 1; i += 1
                continue
            }
            o += 1
            i += 2
        }
        return o
    }

    @inline(__always)
    private static func hex4(_ s: UnsafeRawBufferPointer, _ i: Int) -> UInt32? {
        guard i + 4 <= s.count else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let h = hexValue(s[i + k])
            guard h >= 0 else { return nil }
            v = v << 4 | UInt32(h)
        }
        return v
    }

    @inline(__always)
    private static func utf8(_ scalar: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
        switch scalar {
        case ..<0x80:
            out[0] = UInt8(scalar)
            return 1
        case ..<0x800:
            out[0] = UInt8(0xC0 | (scalar >> 6)); out[1] = UInt8(0x80 | (scalar & 0x3F))
            return 2
        case ..<0x10000:
            out[0] = UInt8(0xE0 | (scalar >> 12)); out[1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            out[2] = UInt8(0x80 | (scalar & 0x3F))
            return 3
        default:
            out[0] = UInt8(0xF0 | (scalar >> 18)); out[1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
            out[2] = UInt8(0x80 | ((scalar >> 6) & 0x3F)); out[3] = UInt8(0x80 | (scalar & 0x3F))
            return 4
        }
    }
}
