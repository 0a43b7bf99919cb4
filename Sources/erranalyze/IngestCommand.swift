import ArgumentParser
import ErrAnalyzeKit
import Foundation

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read log files into the database.",
        discussion: """
        Each file is recognised by the content of its first bytes, so re-running never counts
        a line twice: a file seen before is read from where the last run stopped, whatever it
        is called now (rotated, compressed). gzip is recognised by its magic bytes. Each file
        is committed in one transaction: it counts fully or not at all.

        Examples:
          erranalyze ingest /var/log/nginx/access.log*
          zcat old/*.gz | erranalyze ingest -
          erranalyze ingest --format combined --db /tmp/test.sqlite access.log
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Log files to read; - reads standard input.", valueName: "file"))
    var files: [String]

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

    @Option(name: .long, help: ArgumentHelp("Parsing threads (default: all cores).", valueName: "n"))
    var workers: Int?

    @Flag(name: [.short, .long], help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one log file, or - for standard input") }
        if [format != nil, logFormat != nil, jsonFields != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give only one of --format, --log-format and --json-fields")
        }
        if let format, FormatRegistry.preset(named: format) == nil {
            throw ValidationError("unknown format '\(format)'; known: \(FormatRegistry.presetNames.joined(separator: ", "))")
        }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
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
            return try RouteTemplater(rules: route)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        var options = IngestOptions()
        options.format = try chosenFormat()
        options.templater = try templater()
        if let workers { options.workers = workers }

        let store: SQLiteStore
        do {
            store = try SQLiteStore(path: database.path)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
        let engine = IngestEngine(store: store, options: options)
        let showProgress = Terminal.standardErrorIsTerminal && !quiet
        let outcomes = engine.ingest(paths: files, progress: showProgress ? { Self.showProgress($0) } : nil)
        if showProgress { Terminal.standardError("\r\u{1B}[K") }

        var failed = 0
        for outcome in outcomes {
            switch outcome {
            case .ingested(let report):
                if !quiet { Terminal.output(Self.describe(report) + "\n") }
            case .failed(_, let message):
                failed += 1
                Terminal.error(message)
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }

    static func describe(_ r: FileReport) -> String {
        let counts = "\(HumanNumber.count(r.lines)) lines, \(HumanNumber.count(r.requests)) requests, \(HumanNumber.count(r.malformed)) malformed"
        let kind = r.compressed ? "gzip, " : ""
        var text: String
        switch r.disposition {
        case .empty: return "\(r.path): empty, nothing to read"
        case .upToDate: return "\(r.path): already counted (\(r.format)), nothing new"
        case .new: text = "\(r.path): \(kind)\(r.format): \(counts)"
        case .resumed(let from): text = "\(r.path): \(kind)\(r.format): resumed at byte \(HumanNumber.count(from)): \(counts)"
        case .restarted: text = "\(r.path): \(kind)\(r.format): shorter than before (truncated), read again from the start: \(counts)"
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
