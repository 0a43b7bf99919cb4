/// What happened to one input.
public struct FileReport: Sendable {
    public enum Disposition: Sendable, Equatable {
        /// Read from its start.
        case new
        /// Known from an earlier run; read from where that run stopped.
        case resumed(fromByte: Int64)
        /// Known, and nothing new since the last run.
        case upToDate
        /// Known, but shorter than what was read (truncated in place, `copytruncate`): read again from its start.
        case restarted
        /// Empty: nothing to read, nothing recorded.
        case empty
    }

    public var path: String
    public var format: String
    public var compressed: Bool
    public var disposition: Disposition
    /// Content bytes read in this run (decompressed).
    public var bytesRead: Int64
    public var lines: Int64
    public var requests: Int64
    public var malformed: Int64
    public var malformedSamples: [MalformedTally.Sample]
    /// The last line was incomplete and was left for the next run.
    public var heldBackPartialLine: Bool
}

/// Why an input could not be ingested. Every case names the input.
public enum IngestError: Error, CustomStringConvertible {
    case unrecognisedFormat(path: String, firstLine: String)
    case input(InputError)
    case store(path: String, StoreError)
    case other(path: String, message: String)

    public var description: String {
        switch self {
        case .unrecognisedFormat(let path, let line):
            let shown = line.isEmpty ? "" : "; first line: \(line)"
            return "\(path): matches no known log format (name one with --format, --log-format or --json-fields)\(shown)"
        case .input(let error): return error.description
        case .store(let path, let error): return "\(path): could not record in the database: \(error.message)"
        case .other(let path, let message): return "\(path): \(message)"
        }
    }
}

/// The outcome of one input.
public enum FileOutcome: Sendable {
    case ingested(FileReport)
    case failed(path: String, error: String)
}

/// Progress for a person watching a terminal.
public struct IngestProgress: Sendable {
    public var path: String
    public var bytesRead: Int64
    /// Total content bytes when known (plain files).
    public var totalBytes: Int64?
    public var lines: Int64
}
