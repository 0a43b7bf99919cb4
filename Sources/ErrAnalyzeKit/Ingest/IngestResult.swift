/// What happened to one input.
public struct FileReport: Sendable {
    public enum Disposition: Sendable, Equatable {
        /// Read from its start.
        case new
        /// Known from an earlier run; read from where that run stopped.
        case resumed(fromByte: Int64)
        /// Known, and nothing new since the last run.
        case upToDate
        /// Starts like a file counted before, but does not hold that file's content at the
        /// position where reading stopped (truncated and rewritten, `copytruncate`, or another
        /// file with the same first bytes): counted from its start as a new file, and the
        /// earlier file's entry is kept.
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
    /// Something a person should know that is not a failure (a compressed file still being
    /// written, left for the next run).
    public var warning: String? = nil
    /// How the input was compressed (`compressed` is true for each of these).
    public var compression: Compression? = nil
}

/// Why an input could not be ingested. Every case names the input.
public enum IngestError: Error, CustomStringConvertible {
    case unrecognisedFormat(path: String, firstLine: String)
    case input(InputError)
    case store(path: String, StoreFailure)
    case other(path: String, message: String)
    /// Reading failed part-way; the lines before `countedThrough` (a content offset) were
    /// counted and stay counted.
    indirect case partial(IngestError, countedThrough: Int64, lines: Int64)

    public var description: String {
        switch self {
        case .unrecognisedFormat(let path, let line):
            let shown = line.isEmpty ? "" : "; first line: \(line)"
            return "\(path): matches no known log format (name one with --format, --log-format or --json-fields)\(shown)"
        case .input(let error): return error.description
        case .store(let path, let error) where error.kind == .full:
            return "\(path): not recorded: the database or its disk is full (\(error.message)); free some space and run again"
        case .store(let path, let error) where error.kind == .busy:
            return "\(path): not recorded: the database stayed locked by another process (\(error.message)); run again"
        case .store(let path, let error): return "\(path): could not record in the database: \(error)"
        case .other(let path, let message): return "\(path): \(message)"
        case .partial(let error, let through, let lines):
            guard through > 0 else { return error.description }
            if lines == 0 { return "\(error.description); the file stays counted up to byte \(through)" }
            return "\(error.description); \(lines) lines before byte \(through) were counted and stay counted"
        }
    }

    /// The database or its disk is full: later files would fail the same way.
    public var isStoreFull: Bool { storeUnusable != nil }

    /// Why later files would fail the same way (the database or its disk is full, the server
    /// cannot be reached), or nil when this failure concerns this input alone.
    public var storeUnusable: String? {
        switch self {
        case .store(_, let error): return error.unusableReason
        case .partial(let inner, _, _): return inner.storeUnusable
        default: return nil
        }
    }
}

extension StoreFailure {
    /// Why no later input could be recorded either, or nil when another might be.
    var unusableReason: String? {
        switch kind {
        case .full: return "the database or its disk is full"
        case .unreachable: return "the database server cannot be reached; the logs stay on disk and the next run counts them"
        default: return nil
        }
    }
}

/// The outcome of one input.
public enum FileOutcome: Sendable {
    case ingested(FileReport)
    case failed(path: String, error: String)

    public var isFailure: Bool {
        if case .failed = self { return true }
        return false
    }
}

/// Progress for a person watching a terminal.
public struct IngestProgress: Sendable {
    public var path: String
    public var bytesRead: Int64
    /// Total content bytes when known (plain files).
    public var totalBytes: Int64?
    public var lines: Int64
}
