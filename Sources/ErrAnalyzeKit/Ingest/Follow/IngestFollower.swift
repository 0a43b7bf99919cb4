import Foundation

/// `ingest --follow`: reads what is new in the followed files at every pass and commits it,
/// until stopped.
///
/// Each pass reads every followed file through `IngestEngine`, by its open descriptor, with
/// the same ledger as a cron ingest: a line is counted once however the file was rotated,
/// whoever (this follower, a cron ingest, a follower before a `kill -9`) read the lines
/// before it. A pass commits what it read before the next begins, so that stopping between
/// passes loses nothing and a crash in one loses only what it had not committed.
///
/// Memory is what one pass reads (its aggregates are committed and dropped) and one open
/// descriptor per followed file.
public final class IngestFollower {
    /// Opens the store a host's files are committed into (nil: this machine's name).
    public typealias StoreOpener = (_ host: String?) throws -> IngestStore

    public let files: FollowedFiles
    let options: IngestOptions
    let now: () -> Int64
    /// Each followed file's host: `ingest --host` for all, else `namespace/workload` for a
    /// file under a kubelet log directory (SourceHosts), as for a cron ingest of the same
    /// files; nil when every file goes to the one store given.
    let hostOf: ((String) -> String?)?
    let open: StoreOpener
    /// One engine (and store) per host met so far.
    var engines: [String?: IngestEngine] = [:]

    /// Every followed file committed into `store`, under its host.
    public convenience init(patterns: FollowPatterns, store: IngestStore, options: IngestOptions,
                            now: @escaping () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.init(patterns: patterns, options: options, hostOf: nil, now: now, open: { _ in store })
    }

    /// Each followed file committed under its own host (SourceHosts: `explicitHost` for all
    /// when given), into the store `open` gives for that host; stores are opened as their
    /// first file appears.
    public convenience init(patterns: FollowPatterns, options: IngestOptions, explicitHost: String?,
                            now: @escaping () -> Int64 = { Int64(Date().timeIntervalSince1970) },
                            open: @escaping StoreOpener) {
        self.init(patterns: patterns, options: options, hostOf: { SourceHosts.host(of: $0, explicit: explicitHost) },
                  now: now, open: open)
    }

    init(patterns: FollowPatterns, options: IngestOptions, hostOf: ((String) -> String?)?,
         now: @escaping () -> Int64, open: @escaping StoreOpener) {
        files = FollowedFiles(patterns: patterns)
        self.options = options
        self.hostOf = hostOf
        self.now = now
        self.open = open
    }

    /// The engine for `path`'s host, opening its store the first time.
    func engine(for path: String) throws -> IngestEngine {
        let host = hostOf?(path) ?? nil
        if let engine = engines[host] { return engine }
        let engine = IngestEngine(store: try open(host), options: options, now: now)
        engines[host] = engine
        return engine
    }

    /// Passes every `interval` seconds until `stop` is requested; `turn` (the SQLite writer
    /// lock) is taken for each pass and given back after it. `onPass` hears each pass.
    public func run(every interval: Double, stop: FollowStop, turn: WriterTurn?, onPass: (FollowPass) -> Void) throws {
        while !stop.isRequested {
            let started = Date()
            if let turn {
                guard try turn.take(until: stop) else { return }
            }
            let pass = passOnce()
            turn?.release()
            onPass(pass)
            let spent = Date().timeIntervalSince(started)
            if stop.wait(seconds: max(0, interval - spent)) { return }
        }
    }

    /// Reads each followed file once: what is new is committed.
    public func passOnce() -> FollowPass {
        var pass = FollowPass(time: now())
        let (followed, problems) = files.refresh()
        for (path, error) in problems.sorted(by: { $0.key < $1.key }) {
            pass.failures.append("\(FileNameEscaping.escaped(path)): \(error)")
        }
        for file in followed {
            if file.isUnchangedSinceSettled { continue }
            let before = file.sizeAndTime
            let engine: IngestEngine
            do {
                // Its host by the name it has now, or had when opened (a deleted file).
                engine = try self.engine(for: file.name ?? file.opened.path)
            } catch {
                // The store of this file's host cannot be opened (a server away): the file is
                // read at a later pass, from where the ledger says.
                let message = "\(FileNameEscaping.escaped(file.name ?? file.opened.path)): \(error)"
                if message != file.lastFailure { pass.failures.append(message) }
                file.lastFailure = message
                continue
            }
            switch engine.ingest(following: file.opened, named: file.name) {
            case .ingested(let report):
                file.lastFailure = nil
                if report.lines > 0 || report.warning != nil { pass.reports.append(report) }
                // Read to its end with nothing held back: nothing to do until it changes.
                let whole = report.warning == nil && !report.heldBackPartialLine
                file.settled = whole && before.map { $0 == file.sizeAndTime ?? (-1, -1) } == true ? before : nil
            case .failed(_, let message):
                file.settled = nil
                if message != file.lastFailure { pass.failures.append(message) }
                file.lastFailure = message
            }
        }
        files.closeFinishedOrphans(now: now())
        pass.openFiles = files.count
        return pass
    }
}

/// What one pass of a follower did.
public struct FollowPass: Sendable {
    /// When it began (seconds since the epoch).
    public var time: Int64
    /// The files that had something new (or a warning).
    public var reports: [FileReport] = []
    /// Failures, each said once per file until it changes.
    public var failures: [String] = []
    /// Files held open after the pass.
    public var openFiles = 0

    public var lines: Int64 { reports.reduce(0) { $0 + $1.lines } }
    public var requests: Int64 { reports.reduce(0) { $0 + $1.requests } }
}
