/// ANSI styles for the text report. The renderer is told whether to use them (`colour`):
/// the CLI decides, from the terminal and `NO_COLOR`.
public enum TextStyle: Sendable {
    case bold, dim, red, yellow, green, cyan

    var code: String {
        switch self {
        case .bold: return "1"
        case .dim: return "2"
        case .red: return "31"
        case .yellow: return "33"
        case .green: return "32"
        case .cyan: return "36"
        }
    }
}

/// Applies styles, or nothing when colour is off.
public struct Palette: Sendable {
    public var enabled: Bool

    public init(enabled: Bool) {
        self.enabled = enabled
    }

    public func apply(_ style: TextStyle?, _ text: String) -> String {
        guard enabled, let style, !text.isEmpty else { return text }
        return "\u{1B}[\(style.code)m\(text)\u{1B}[0m"
    }

    /// The style for a status (`503`), a class (`5xx`) or nothing.
    public static func style(forStatus text: String) -> TextStyle? {
        switch text.first {
        case "5": return .red
        case "4": return .yellow
        default: return nil
        }
    }
}

/// Breaks `text` into lines of at most `width` characters at spaces, the first line after
/// `firstPrefix` and the others after `prefix`.
func wrap(_ text: String, width: Int, firstPrefix: String, prefix: String) -> [String] {
    var lines: [String] = []
    var line = firstPrefix
    var lineHasWord = false
    for word in text.split(separator: " ") {
        if lineHasWord && line.count + 1 + word.count > width {
            lines.append(line)
            line = prefix
            lineHasWord = false
        }
        line += (lineHasWord ? " " : "") + word
        lineHasWord = true
    }
    if lineHasWord { lines.append(line) }
    return lines
}
