import ArgumentParser
import Dispatch
import ErrAnalyzeKit
import ErrAnalyzeSQLite
import ErrAnalyzeStores
import Foundation

struct TopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "A live view of the traffic: totals, rates, codes, routes, hosts, refreshed every second.",
        discussion: """
        With files (or quoted patterns, re-expanded as it runs), it follows them
        as `ingest --follow` does, through rotations, and counts what is written
        after it starts, in memory: nothing is written (--ingest also commits to
        the database). With -, it reads standard input. With no files, it shows
        the database's latest minutes (--db; a PostgreSQL database: every host
        of the fleet), read again every interval.

        On a terminal it is a full-screen dashboard (q quits, p pauses, Tab and
        1-4 switch panels, w the window, / filters, s sorts; docs/live.md).
        Otherwise it prints one summary line per interval, like vmstat.

        Examples:
          erranalyze top "/var/log/nginx/access.log*"
          tail -F /var/log/nginx/access.log | erranalyze top -
          erranalyze top --count 10 /var/log/nginx/access.log > minute.txt
          erranalyze top --db postgresql://report@db.internal/erranalyze
        """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var config: ConfigOptions

    @Argument(help: ArgumentHelp("Log files or quoted patterns to follow; - reads standard input.", valueName: "file"))
    var files: [String] = []

    @Option(name: .long, help: ArgumentHelp("A preset log format (default: detected per file).", valueName: "name"))
    var format: String?

    @Option(name: .long, help: ArgumentHelp("How often to read and refresh (default 1s).", valueName: "duration"))
    var interval = "1s"

    @Option(name: .long, help: ArgumentHelp("The window shown first, in minutes: 1, 5 or 15.", valueName: "minutes"))
    var window = 1

    @Option(name: .long, help: ArgumentHelp("Show only traffic of a route (part of it), a code or a status (503, 5xx).", valueName: "text"))
    var filter: String?

    @Option(name: .long, help: ArgumentHelp("Stop after this many intervals (summary lines or refreshes).", valueName: "n"))
    var count: Int?

    @Flag(name: .long, help: "Also commit what is read to the database (as ingest --follow does).")
    var ingest = false

    @Option(name: .long, help: ArgumentHelp("Whose traffic this is (default: this machine's name).", valueName: "name"))
    var host: String?

    func validate() throws {
        if files.isEmpty && ingest { throw ValidationError("--ingest follows files: name them (with no files, top shows the database)") }
        if files.isEmpty && host != nil { throw ValidationError("--host names whose files these are: with no files, top shows every host of the database") }
        if files.contains("-") && files.count > 1 { throw ValidationError("- (standard input) cannot be mixed with files") }
        if files.contains("-") && ingest { throw ValidationError("--ingest follows files, not standard input (use ingest - for that)") }
        if !LiveView.windows.contains(window) { throw ValidationError("--window must be 1, 5 or 15") }
        if let format, FormatRegistry.preset(named: format) == nil {
            throw ValidationError("unknown format '\(format)'; known: \(FormatRegistry.presetNames.joined(separator: ", "))")
        }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let host, let why = HostName.problem(with: host) { throw ValidationError("--host: \(why)") }
        _ = try IngestCommand.parseInterval(interval)
    }

    func run() throws {
        if files.isEmpty { return try runDatabaseView() }
        IngestCommand.fixMmapThreshold(1 << 20)
        let seconds = try IngestCommand.parseInterval(interval)
        let now = { Int64(Date().timeIntervalSince1970) }
        let view = LiveView(startedAt: now())
        var options = IngestOptions(workers: 1)
        options.format = format.flatMap { FormatRegistry.preset(named: $0) }

        var lock: WriterLock?
        var committing: (any IngestStore)?
        if ingest {
            let location = try database.location()
            if case .sqlite(let path) = location {
                lock = try WriterLock.acquire(for: path, wait: true, quiet: true, purpose: "ingest")
            }
            do {
                committing = try StoreFactory.writer(location, host: host, holding: lock)
            } catch {
                Terminal.error("\(error)")
                throw ExitCode(1)
            }
            lock?.unlock()
        }
        let store = LiveFeedStore(view: view, host: host ?? HostName.machine(), database: committing)
        let turn = lock   // what the reading thread takes for each pass (a constant it may capture)

        let stop = FollowStop()
        let signals = StopSignals(requesting: stop)
        defer { withExtendedLifetime(signals) {} }

        // The reading runs on its own thread; this one shows the view.
        let reading = DispatchGroup()
        let failures = FailureList()
        reading.enter()
        if files == ["-"] {
            options.checkpointBytes = 1   // every line reaches the view as it arrives
            let engine = IngestEngine(store: store, options: options)
            Thread.detachNewThread {
                for case .failed(_, let message) in engine.ingest(paths: ["-"]) { failures.add(message) }
                reading.leave()
            }
        } else {
            let follower = IngestFollower(patterns: FollowPatterns(files), store: store, options: options)
            if ingest {
                // Catch up with the database first, without showing it as this minute's traffic.
                store.feedsView = false
                if try lock?.take(until: stop) ?? true { _ = follower.passOnce(); lock?.release() }
                store.feedsView = true
            } else {
                for path in FollowPatterns(files).expand() {
                    if let file = try? InputFile(path: path) { try? store.startAtEnd(of: file) }
                }
            }
            Thread.detachNewThread {
                do {
                    try follower.run(every: seconds, stop: stop, turn: turn, onPass: { pass in
                        for failure in pass.failures { failures.add(failure) }
                    })
                } catch {
                    failures.add("\(error)")
                }
                reading.leave()
            }
        }

        if Terminal.standardOutputIsTerminal && ProcessInfo.processInfo.environment["TERM"] != "dumb" {
            let source = files == ["-"] ? "standard input" : files.map { FileNameEscaping.escaped($0) }.joined(separator: " ")
            TopScreen.run(view: view, state: LiveScreenState(windowMinutes: window, filter: filter ?? ""), interval: seconds,
                          count: count, source: source, stop: stop, failures: failures)
            stop.request()
            if files != ["-"] { reading.wait() }
            for message in failures.take() { Terminal.error(message) }
            withExtendedLifetime((lock, committing)) {}
            return
        }
        let liveFilter = LiveFilter(filter ?? "")
        var summary = LiveSummaryLine(startedAt: Date().timeIntervalSince1970)
        Terminal.output(LiveSummaryLine.header + "\n")
        var shown = 0
        var finished = false
        while !finished {
            let stopped = stop.wait(seconds: seconds)
            // Standard input that ended: its last lines, then stop.
            finished = stopped || reading.wait(timeout: .now()) == .success
            for message in failures.take() { Terminal.error(message) }
            Terminal.output(summary.line(view: view, time: Date().timeIntervalSince1970, filter: liveFilter) + "\n")
            shown += 1
            if let count, shown >= count { finished = true }
        }
        stop.request()
        reading.wait()
        for message in failures.take() { Terminal.error(message) }
        withExtendedLifetime((lock, committing)) {}
    }
}

/// Messages from the reading thread, shown by the main one.
final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    func add(_ message: String) {
        lock.lock(); messages.append(message); lock.unlock()
    }

    func take() -> [String] {
        lock.lock(); defer { lock.unlock() }
        let taken = messages
        messages = []
        return taken
    }
}
