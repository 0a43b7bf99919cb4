/// One thing wrong with a catalogue file, located precisely enough to fix it without
/// searching: file, line and column, the entry (index and code) and the field.
public struct CatalogueProblem: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable {
        /// The catalogue cannot be used as written.
        case error
        /// Usable, but probably not what the author meant (an unknown category, an unknown field).
        case warning
    }

    public var severity: Severity
    /// The file, or the catalogue's name when it has no file.
    public var file: String
    public var position: TextPosition?
    /// Where in the document, e.g. `codes[12] (AUTH_REQUIRED).retry.kind`; empty for the whole file.
    public var path: String
    public var message: String

    public init(severity: Severity, file: String, position: TextPosition?, path: String, message: String) {
        self.severity = severity
        self.file = file
        self.position = position
        self.path = path
        self.message = message
    }

    /// `file:line:column: error: codes[3] (X).retry: message`, the shape compilers use so
    /// that editors can jump to it.
    public var description: String {
        var out = file
        if let position { out += ":\(position.line):\(position.column)" }
        out += ": \(severity.rawValue): "
        if !path.isEmpty { out += "\(path): " }
        return out + message
    }
}
