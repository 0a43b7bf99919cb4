import Foundation

/// Where the CLI writes, and what it knows about the terminal. Every message to standard
/// error goes through here (`error` for "erranalyze: …" lines, `standardError` for the rest).
enum Terminal {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("erranalyze: " + message + "\n").utf8))
    }

    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static var standardErrorIsTerminal: Bool { isatty(2) == 1 }
    static var standardOutputIsTerminal: Bool { isatty(1) == 1 }

    /// Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    static var useColour: Bool {
        standardOutputIsTerminal && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }
}
