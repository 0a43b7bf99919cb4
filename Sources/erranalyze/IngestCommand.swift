import ArgumentParser
import ErrAnalyzeKit
import ErrAnalyzeStores
import ErrAnalyzeSQLite
import Foundation

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read log files into the database.",
        discussion: """
        Re-running never counts a line twice. A file is recognised by its content
        (its first bytes, and the bytes where the last run stopped), whatever it is
        called now: a growing file is read from where the last run stopped, a
        rotated or compressed one is not read again, a truncated or replaced one
        is read from its start. A plain file's last line without a newline waits
        until the file has not changed for 5 minutes. gzip, zstd and xz are
        recognised by their magic bytes. Each step is committed with the read
        position in one transaction: a crash loses no line and counts none
        twice. A second ingest on the same database waits for the first, and
        says so. Lines wrapped by a container runtime (CRI, Docker json-file) or
        by kubectl logs --timestamps are unwrapped first; a file under
        /var/log/containers or /var/log/pods is its workload's (namespace/workload).

        Examples:
          erranalyze ingest /var/log/nginx/access.log*
          zcat old/*.gz | erranalyze ingest -
          erranalyze ingest --format combined --db /tmp/test.sqlite access.log
          erranalyze ingest --quiet --no-wait /var/log/nginx/access.log*
          erranalyze ingest --quiet            # the sources of the config file
          erranalyze ingest /var/log/pods/*/*/*.log*
          kubectl logs deploy/api --timestamps | erranalyze ingest --host shop/api -
          erranalyze ingest --follow "/var/log/nginx/access.log*"

        Exit status: 0 ok; 1 some input or the database failed (the rest was
        still ingested; the message names it); 2 usage error; 75 another ingest
        holds the database and --no-wait was given.
        """
    )

    /// sysexits' EX_TEMPFAIL: try again later.
    static let busyExitCode: Int32 = 75

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var config: ConfigOptions
    @OptionGroup var openAPI: OpenAPIOptions

    @Argument(help: ArgumentHelp("Log files to read; - reads standard input; none: every [[source]] of the config file.", valueName: "file"))
    var files: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "A preset log format (default: detected per file).",
        discussion: "Presets: \(FormatRegistry.presetNames.joined(separator: ", ")).",
        valueName: "name"))
    var format: String?

    @Option(name: .long, help: ArgumentHelp(
        "An nginx log_format line ($variables) or an Apache LogFormat line (% directives).",
        discussion: "The error code is read from $sent_http_x_error_code, $upstream_http_x_error_code or %{X-Error-Code}o.",
        valueName: "string"))
    var logFormat: String?

    @Option(name: .long, help: ArgumentHelp(
        "JSON lines: where each field is, as key=dot.path,… (keys: time, method, path, status, code, duration, client, idempotency_key, retry_after).",
        valueName: "map"))
    var jsonFields: String?

    @Option(name: .long, help: ArgumentHelp(
        "A route template rule (repeatable), e.g. /v1/files/* : matching paths count under the pattern.",
        valueName: "pattern"))
    var route: [String] = []

    @Option(name: .long, help: ArgumentHelp("Threads (default: all cores): parts of one large plain file, or several files side by side; 1 reads everything in order on one thread.", valueName: "n"))
    var workers: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Whose traffic this is (default: this machine's name, or namespace/workload for a file under /var/log/containers or /var/log/pods): a container, a pod, a workload (shop/api).",
        discussion: "Every row is stored with its host; the ledger of files is per host, and reports have a hosts section and a --host filter.",
        valueName: "name"))
    var host: String?

    @Flag(name: .long, help: "Exit at once with status 75 if another ingest is running on this database, instead of waiting.")
    var noWait = false

    @Option(name: .long, help: ArgumentHelp(
        "Refuse compressed input (gzip, zstd, xz) that inflates to more than this many times its size, past the first 64 MiB (a bomb); 0 = no limit.",
        valueName: "n"))
    var maxRatio: Int = IngestOptions().maxDecompressionRatio

    @Option(name: .long, help: .hidden)
    var checkpointBytes: Int64?

    @Flag(name: [.short, .long], help: "Print nothing but errors and warnings.")
    var quiet = false

    @Flag(name: .long, help: ArgumentHelp(
        "Keep reading the files as they grow and rotate, until SIGTERM or SIGINT (docs/live.md).",
        discussion: "Quote a pattern (\"/var/log/nginx/access.log*\") to follow files created later too."))
    var follow = false

    @Option(name: .long, help: ArgumentHelp("With --follow: how often to read and commit what is new (1s to hours).", valueName: "duration"))
    var commitEvery = "10s"

    func validate() throws {
        if files.isEmpty && (ActiveConfiguration.current?.sources.isEmpty ?? true) {
            throw ValidationError("name at least one log file, or - for standard input, or add a [[source]] to the config file")
        }
        if let host, let why = HostName.problem(with: host) { throw ValidationError("--host: \(why)") }
        if [format != nil, logFormat != nil, jsonFields != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give only one of --format, --log-format and --json-fields")
        }
        if let format, FormatRegistry.preset(named: format) == nil {
            throw ValidationError("unknown format '\(format)'; known: \(FormatRegistry.presetNames.joined(separator: ", "))")
        }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if maxRatio < 0 { throw ValidationError("--max-ratio must be 0 (no limit) or more") }
        if let checkpointBytes, checkpointBytes < 1 { throw ValidationError("--checkpoint-bytes must be at least 1") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be read only once") }
        if follow && (files.isEmpty || files.contains("-")) { throw ValidationError("--follow needs files or quoted patterns to follow (not -)") }
        if follow { _ = try Self.parseInterval(commitEvery) }
        _ = try chosenFormat()
        _ = try templater()
    }

    /// The format named by --format, --log-format or --json-fields, or nil to detect.
    func chosenFormat() throws -> LogFormat? {
        do {
            if let format { return FormatRegistry.preset(named: format) }
            if let logFormat { return try LogFormat.compile(logFormat: logFormat) }
            if let jsonFields { return try FormatRegistry.json(fields: jsonFields) }
        } catch {
            throw ValidationError("\(error)")
        }
        return nil
    }

    func templater() throws -> RouteTemplater {
        do {
            return try RouteTemplater(rules: route, contract: try openAPI.contract())
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        if follow { return try runFollowing() }
        if files.isEmpty, let sources = ActiveConfiguration.current?.sources { return try ingestConfiguredSources(sources) }
        // Each worker's multi-MiB line buffer is freed after every step. glibc raises its mmap
        // threshold after such a free and then keeps the next buffers in per-thread arenas,
        // which grew the peak memory with the number of steps (96 MB for a 1 GB file read in
        // 32 MiB steps). A fixed threshold returns them to the system: memory stays flat.
        Self.fixMmapThreshold(1 << 20)
        let (options, crash) = try ingestOptions()
        let location = try database.location()
        // SQLite: one writer at a time, by the lock on the file. PostgreSQL: commits of one host
        // take turns on the server (its host row's lock), other hosts commit side by side.
        var lock: WriterLock?
        if case .sqlite(let path) = location {
            lock = try WriterLock.acquire(for: path, wait: !noWait, quiet: quiet, purpose: "ingest")
        }
        let showProgress = Terminal.standardErrorIsTerminal && !quiet
        // One store per host: files under a Kubernetes log directory are each their
        // workload's source (namespace/workload) unless --host names one for all.
        var given = [FileOutcome?](repeating: nil, count: files.count)
        for group in SourceHosts.groups(of: files, explicit: host) {
            let store: any IngestStore
            do {
                store = try openStore(location, host: group.host, holding: lock, crash: crash)
            } catch {
                Terminal.error("\(error)")
                throw ExitCode(1)
            }
            let engine = IngestEngine(store: store, options: options)
            let ingested = engine.ingest(paths: group.paths, progress: showProgress ? { Self.showProgress($0) } : nil)
            for (position, outcome) in zip(group.positions, ingested) { given[position] = outcome }
        }
        let outcomes = given.compactMap { $0 }
        if showProgress { Terminal.standardError("\r\u{1B}[K") }
        withExtendedLifetime(lock) {}

        var failed = 0
        for outcome in outcomes {
            switch outcome {
            case .ingested(let report):
                if !quiet { Terminal.output(Self.describe(report) + "\n") }
                if let warning = report.warning { Terminal.error("warning: \(warning)") }
            case .failed(_, let message):
                failed += 1
                Terminal.error(message)
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }

    /// `mallopt(M_MMAP_THRESHOLD, bytes)`; glibc's malloc.h is not in Swift's Glibc module.
    static func fixMmapThreshold(_ bytes: Int32) {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0) /* RTLD_DEFAULT */, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(-3 /* M_MMAP_THRESHOLD */, bytes)
    }

    static func describe(_ r: FileReport) -> String {
        let counts = "\(HumanNumber.count(r.lines)) lines, \(HumanNumber.count(r.requests)) requests, \(HumanNumber.count(r.malformed)) malformed"
        let kind = r.compression.map { "\($0.name), " } ?? (r.compressed ? "compressed, " : "")
        var text: String
        switch r.disposition {
        case .empty: return "\(r.path): empty, nothing to read"
        case .upToDate:
            text = "\(r.path): already counted (\(r.format)), nothing new"
        case .new where r.format.isEmpty && r.heldBackPartialLine:
            return "\(r.path): only an incomplete first line so far; it waits for the next run"
        case .new: text = "\(r.path): \(kind)\(r.format): \(counts)"
        case .resumed(let from): text = "\(r.path): \(kind)\(r.format): resumed at byte \(HumanNumber.count(from)): \(counts)"
        case .restarted:
            text = "\(r.path): \(kind)\(r.format): starts like a file counted before but holds other content (truncated and rewritten, or a new file): counted from its start: \(counts)"
        }
        if r.heldBackPartialLine { text += "; an incomplete last line waits for the next run" }
        for sample in r.malformedSamples.prefix(3) {
            text += "\n  line \(sample.line): \(sample.reason.description): \(sample.text.prefix(80))"
        }
        return text
    }

    static func showProgress(_ p: IngestProgress) {
        var text = "\r\u{1B}[K\(p.path): \(HumanNumber.count(p.lines)) lines"
        if let total = p.totalBytes, total > 0 {
            text += " (\(Int(Double(p.bytesRead) / Double(total) * 100))%)"
        }
        Terminal.standardError(text)
    }
}

extension WriterLock {
    /// Takes the database's writer lock for `purpose`, saying whom it waits for, or exits
    /// with status 75 when told not to wait.
    static func acquire(for databasePath: String, wait: Bool, quiet: Bool, purpose: String) throws -> WriterLock {
        do {
            let lock = try WriterLock(databasePath: databasePath)
            if try lock.tryLock() { return lock }
            let holder = lock.holderPID().map { " (pid \($0))" } ?? ""
            guard wait else {
                Terminal.error("another ingest or prune\(holder) is writing to \(FileNameEscaping.escaped(databasePath)); not waiting (--no-wait)")
                throw ExitCode(IngestCommand.busyExitCode)
            }
            if !quiet { Terminal.error("waiting for another ingest\(holder) to finish…") }
            try lock.lock()
            return lock
        } catch let error as StoreError {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
    }
}

/// `ERRANALYZE_DEBUG_KILL=after-commit:N` or `in-commit:N`: the process kills itself with
/// SIGKILL right after its Nth commit, or inside it (after its writes, before COMMIT). For
/// the crash-safety tests; never set in normal use.
struct DebugCrash {
    var afterCommit: Bool
    var commit: Int

    init?(_ value: String?) {
        guard let value, let colon = value.firstIndex(of: ":"), let n = Int(value[value.index(after: colon)...]), n > 0 else { return nil }
        switch value[..<colon] {
        case "after-commit": afterCommit = true
        case "in-commit": afterCommit = false
        default: return nil
        }
        commit = n
    }

    static func die() -> Never {
        kill(getpid(), SIGKILL)
        while true { pause() }
    }
}

extension IngestCommand {
    /// The options every ingest (cron or --follow) reads with, and the test-only crash point.
    func ingestOptions() throws -> (IngestOptions, DebugCrash?) {
        let environment = ProcessInfo.processInfo.environment
        var options = IngestOptions()
        options.format = try chosenFormat()
        options.templater = try templater()
        if let workers { options.workers = workers }
        options.maxDecompressionRatio = maxRatio
        // Small checkpoints let tests stop an ingest in the middle of a file.
        if let bytes = checkpointBytes ?? environment["ERRANALYZE_CHECKPOINT_BYTES"].flatMap({ Int64($0) }), bytes > 0 {
            options.checkpointBytes = bytes
        }
        let crash = DebugCrash(environment["ERRANALYZE_DEBUG_KILL"])
        if let crash, crash.afterCommit { options.afterCommit = { if $0 == crash.commit { DebugCrash.die() } } }
        return (options, crash)
    }

    /// The writer store of `host` (nil: this machine), with the test-only crash hook.
    func openStore(_ location: StoreLocation, host: String?, holding lock: WriterLock?, crash: DebugCrash?) throws -> any IngestStore {
        let store = try StoreFactory.writer(location, host: host, holding: lock)
        if let crash, !crash.afterCommit {
            var commits = 0
            store.beforeCommit = {
                commits += 1
                if commits == crash.commit { DebugCrash.die() }
            }
        }
        return store
    }
}
