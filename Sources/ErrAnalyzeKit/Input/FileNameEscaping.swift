/// File names as shown to people: in every message, in `status`, in the ledger. A name may
/// hold any byte but `/` and NUL, so printed raw it could move the cursor, rewrite the
/// line (CR), start a fake message (newline), set a hyperlink (OSC 8) or a window title
/// (ESC sequences), or reorder the text around it (bidirectional controls). Escaped:
///
/// - `\n`, `\r`, `\t`; other C0 controls and DEL as `\x1b`, `\x7f`;
/// - bytes that are not UTF-8 as `\xff` (see `ArgumentBytes`);
/// - C1 controls (U+0080…U+009F), bidirectional controls and the line and paragraph
///   separators as `\u009b`, `\u202e`, `\u2028`.
///
/// Everything else, other scripts included, is shown as it is. A backslash stays a single
/// backslash: escaping it too would make the function change its own output, and names
/// are escaped once on the way into the ledger and again (harmlessly) on the way out, for
/// entries stored before names were escaped. The price: a name that really contains the
/// four characters `\x1b` looks like one that contains ESC; `ls -b` tells them apart.
public enum FileNameEscaping {
    /// `name` (an argument as carried by `ArgumentBytes`, or any text) escaped for display.
    public static func escaped(_ name: String) -> String {
        guard name.unicodeScalars.contains(where: needsEscape) else { return name }
        var out = ""
        for scalar in name.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case ArgumentBytes.escapedRange: out += "\\x" + hex(v - ArgumentBytes.escapedByteBase, digits: 2)
            case 0..<0x20, 0x7F: out += "\\x" + hex(v, digits: 2)
            default:
                if needsEscape(scalar) { out += "\\u" + hex(v, digits: 4) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// The file name `bytes` escaped for display.
    public static func escaped<Bytes: Collection>(bytes: Bytes) -> String where Bytes.Element == UInt8 {
        escaped(ArgumentBytes.string(from: bytes))
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true // bidirectional controls
        case 0x2028, 0x2029: return true                                             // line, paragraph separator
        case ArgumentBytes.escapedRange: return true                                 // a byte that is not UTF-8
        default: return false
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
