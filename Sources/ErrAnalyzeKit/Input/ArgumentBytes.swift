/// File names are bytes on Linux, not text: `bad\xff.log` is a valid name. Swift Strings
/// hold only valid Unicode, and `CommandLine.arguments` replaces bytes that are not UTF-8
/// with U+FFFD, so such a name is lost before the argument parser sees it (and the file is
/// "not found"). The CLI therefore reads the raw `argv` bytes and carries each argument in
/// a String with a lossless encoding; `InputFile` turns it back into the exact bytes to
/// open, and `FileNameEscaping` shows it escaped.
///
/// The encoding: each byte that is not part of a valid UTF-8 sequence becomes the private
/// use code point U+10FF00 + byte (bytes 0x80…0xFF, so U+10FF80…U+10FFFF). Valid UTF-8 is
/// kept as it is, except a sequence that itself encodes U+10FF80…U+10FFFF: its four bytes
/// are carried one by one the same way, so that decoding never mistakes a real character
/// for an escaped byte. Decoding maps those code points back to their bytes and encodes
/// everything else as UTF-8. So `bytes(of: string(from: b)) == b` for every byte string,
/// and valid UTF-8 names (all but the rarest) are unchanged Strings.
public enum ArgumentBytes {
    static let escapedByteBase: UInt32 = 0x10_FF00
    static let escapedRange: ClosedRange<UInt32> = 0x10_FF80...0x10_FFFF

    /// The argument `bytes` as a String, losslessly.
    public static func string<Bytes: Collection>(from bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let b = Array(bytes)
        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < b.count {
            if let (scalar, length) = decodeUTF8(b, at: i), !escapedRange.contains(scalar.value) {
                scalars.append(scalar)
                i += length
            } else {
                // Not UTF-8, or a real U+10FF80…U+10FFFF: carry its first byte alone.
                let length = decodeUTF8(b, at: i)?.length ?? 1
                for byte in b[i..<i + length] { scalars.append(Unicode.Scalar(escapedByteBase + UInt32(byte))!) }
                i += length
            }
        }
        return String(scalars)
    }

    /// The bytes an argument carried by `string(from:)` stands for.
    public static func bytes(of string: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(string.utf8.count)
        for scalar in string.unicodeScalars {
            if escapedRange.contains(scalar.value) {
                out.append(UInt8(scalar.value - escapedByteBase))
            } else {
                out.append(contentsOf: String(scalar).utf8)
            }
        }
        return out
    }

    /// The scalar of the well-formed UTF-8 sequence at `i`, and its length; nil if the bytes
    /// there are not one (overlong forms, surrogates and values past U+10FFFF are not).
    static func decodeUTF8(_ b: [UInt8], at i: Int) -> (Unicode.Scalar, length: Int)? {
        let first = b[i]
        if first < 0x80 { return (Unicode.Scalar(first), 1) }
        let length: Int
        let lowest: UInt32
        var value: UInt32
        switch first {
        case 0xC2...0xDF: length = 2; lowest = 0x80; value = UInt32(first & 0x1F)
        case 0xE0...0xEF: length = 3; lowest = 0x800; value = UInt32(first & 0x0F)
        case 0xF0...0xF4: length = 4; lowest = 0x1_0000; value = UInt32(first & 0x07)
        default: return nil
        }
        guard i + length <= b.count else { return nil }
        for byte in b[(i + 1)..<(i + length)] {
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard value >= lowest, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }
}
