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

/// Why loading catalogues failed.
public enum CatalogueError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The file has problems of severity error (warnings are included for context).
    case invalid(file: String, problems: [CatalogueProblem])
    case unreadable(file: String, reason: String)
    /// A `--catalogue` argument that is neither a built-in name nor an existing file.
    case unknownSelection(String, builtins: [String])
    /// The built-in catalogues' resource directory could not be found.
    case builtinsMissing(searched: [String])
    /// Two selected catalogues that are not built-ins carry the same name.
    case duplicateName(String, files: [String])

    public var description: String {
        switch self {
        case .invalid(let file, let problems):
            let errors = problems.filter { $0.severity == .error }
            let head = "\(file): invalid catalogue (\(errors.count) error\(errors.count == 1 ? "" : "s"))"
            return ([head] + errors.map { "  " + $0.description }).joined(separator: "\n")
        case .unreadable(let file, let reason):
            return "\(file): cannot read catalogue: \(reason)"
        case .unknownSelection(let name, let builtins):
            return "unknown catalogue '\(name)': not a built-in (\(builtins.joined(separator: ", ")), or 'all') and no such file"
        case .builtinsMissing(let searched):
            return "the built-in catalogues were not found; looked in:\n"
                + searched.map { "  " + $0 }.joined(separator: "\n")
                + "\n(set ERRANALYZE_BUILTIN_CATALOGUES to the directory holding them)"
        case .duplicateName(let name, let files):
            return "two catalogues are named '\(name)': \(files.joined(separator: ", ")); rename one (its \"name\" field)"
        }
    }
}
