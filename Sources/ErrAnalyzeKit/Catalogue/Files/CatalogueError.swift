/// Why loading catalogues failed.
public enum CatalogueError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The file has problems of severity error (warnings are included for context).
    case invalid(file: String, problems: [CatalogueProblem])
    case unreadable(file: String, reason: String)
    /// A `--catalogue` argument that is neither a built-in name nor an existing file.
    case unknownSelection(String, builtins: [String])
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
        case .duplicateName(let name, let files):
            return "two catalogues are named '\(name)': \(files.joined(separator: ", ")); rename one (its \"name\" field)"
        }
    }
}
