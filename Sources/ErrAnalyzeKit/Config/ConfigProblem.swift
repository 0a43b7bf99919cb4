/// One thing wrong with a config file, located for an editor: `file:line:column: error: key: message`.
public struct ConfigProblem: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// nil when the position cannot be known (the file as a whole).
    public var position: TextPosition?
    /// The key path, e.g. `source[1] (nginx).log_format`; empty for the whole file.
    public var key: String
    public var message: String

    public init(file: String, position: TextPosition?, key: String, message: String) {
        self.file = file
        self.position = position
        self.key = key
        self.message = message
    }

    public var description: String {
        var out = file
        if let position { out += ":\(position.line):\(position.column)" }
        out += ": error: "
        if !key.isEmpty { out += "\(key): " }
        return out + message
    }
}

/// The outcome of reading a config file: the configuration when it has no problem, and
/// every problem found (all of them, not just the first).
public struct ConfigReadResult: Sendable {
    public var configuration: Configuration?
    public var problems: [ConfigProblem]
}
