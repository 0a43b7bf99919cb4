/// How `IngestEngine` reads files.
public struct IngestOptions: Sendable {
    /// The format of every file, or nil to detect each file's format from its first lines.
    public var format: LogFormat?
    /// Threads that parse (chunks of one plain file, or decompression beside parsing).
    public var workers: Int
    /// Content between commits of a large file: a crash loses at most this much work, and
    /// memory stays flat however large the file.
    public var checkpointBytes: Int64
    /// A plain file smaller than this is parsed by one thread (splitting costs more than it saves).
    public var minimumBytesToSplit: Int64
    /// With several inputs, a plain file at least this large is read on its own, split
    /// across every worker; smaller ones and compressed files are read side by side, one per
    /// worker (whole files in parallel need no splitting and merging).
    public var minimumBytesToReadAlone: Int64
    /// Refuse gzip data that inflates more than this many times (0 = no limit). Real access
    /// logs compress 5–30×; deflate cannot exceed about 1032×, which a bomb of zeros reaches.
    public var maxDecompressionRatio: Int
    /// A plain file modified less than this many seconds ago may still be written: its last
    /// line without a newline waits for the next run. (Compressed files and pipes are
    /// finished when they end: their last line always counts.)
    public var liveFileSeconds: Int64
    /// Lines longer than this are counted as malformed and skipped.
    public var maxLineLength: Int
    /// Route templating rules.
    public var templater: RouteTemplater
    /// Distinct routes kept per file before the rest count as `(other)`.
    public var maxRoutes: Int
    /// Called after each commit with the number of commits so far in this engine's life:
    /// lets a test stop the process between two commits.
    public var afterCommit: (@Sendable (Int) -> Void)?
    /// For tests: called when a step of a file has been read and parsed, before the file is
    /// checked for changes and the step committed, with the file's name and the number the
    /// commit would have (commits so far in this engine's life, plus one): lets a test
    /// truncate or rewrite the file between reading and committing.
    public var beforeCommit: (@Sendable (_ path: String, _ commit: Int) -> Void)?

    public init(format: LogFormat? = nil, workers: Int = IngestOptions.defaultWorkers, checkpointBytes: Int64 = 256 << 20,
                minimumBytesToSplit: Int64 = 8 << 20, minimumBytesToReadAlone: Int64 = 64 << 20, maxDecompressionRatio: Int = 100, liveFileSeconds: Int64 = 300,
                maxLineLength: Int = 4 << 20, templater: RouteTemplater = RouteTemplater(), maxRoutes: Int = 5000) {
        self.format = format
        self.workers = max(1, workers)
        self.checkpointBytes = checkpointBytes
        self.minimumBytesToSplit = minimumBytesToSplit
        self.minimumBytesToReadAlone = minimumBytesToReadAlone
        self.maxDecompressionRatio = maxDecompressionRatio
        self.liveFileSeconds = liveFileSeconds
        self.maxLineLength = maxLineLength
        self.templater = templater
        self.maxRoutes = maxRoutes
    }

    public static var defaultWorkers: Int {
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return max(1, min(cores, 16))
    }
}

import Glibc
