import ArgumentParser
import Dispatch
import ErrAnalyzeKit
import ErrAnalyzeSQLite
import ErrAnalyzeStores
import Foundation

extension IngestCommand {
    /// `ingest --follow`: an `IngestFollower` over the named files and quoted patterns, a
    /// pass every `--commit-every`, until SIGTERM or SIGINT (then exit 0: every pass committed
    /// what it read before the next began).
    func runFollowing() throws {
        Self.fixMmapThreshold(1 << 20)
        let environment = ProcessInfo.processInfo.environment
        var options = IngestOptions()
        options.format = try chosenFormat()
        options.templater = try templater()
        if let workers { options.workers = workers }
        options.maxDecompressionRatio = maxRatio
        if let bytes = checkpointBytes ?? environment["ERRANALYZE_CHECKPOINT_BYTES"].flatMap({ Int64($0) }), bytes > 0 {
            options.checkpointBytes = bytes
        }
        let crash = DebugCrash(environment["ERRANALYZE_DEBUG_KILL"])
        if let crash, crash.afterCommit { options.afterCommit = { if $0 == crash.commit { DebugCrash.die() } } }
        let interval = try Self.parseInterval(commitEvery)

        let location = try database.location()
        var lock: WriterLock?
        if case .sqlite(let path) = location {
            // Held while the store is opened (it may create or migrate the schema), then only
            // for each pass.
            lock = try WriterLock.acquire(for: path, wait: !noWait, quiet: quiet, purpose: "ingest")
        }
        var store: any IngestStore
        do {
            store = try StoreFactory.writer(location, host: host, holding: lock)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
        lock?.unlock()
        if let crash, !crash.afterCommit {
            var commits = 0
            store.beforeCommit = {
                commits += 1
                if commits == crash.commit { DebugCrash.die() }
            }
        }

        let stop = FollowStop()
        let signals = [SIGTERM, SIGINT].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.request() }
            source.resume()
            return source
        }
        let follower = IngestFollower(patterns: FollowPatterns(files), store: store, options: options)
        if !quiet {
            Terminal.standardError("following \(files.map { FileNameEscaping.escaped($0) }.joined(separator: " ")), committing every \(Self.describeInterval(interval))\n")
        }
        do {
            try follower.run(every: interval, stop: stop, turn: lock, onPass: { pass in
                for report in pass.reports {
                    if !quiet && report.lines > 0 { Terminal.output(Self.describe(report) + "\n") }
                    if let warning = report.warning { Terminal.error("warning: \(warning)") }
                }
                for failure in pass.failures { Terminal.error(failure) }
            })
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
        withExtendedLifetime((lock, signals, store)) {}
        if !quiet { Terminal.standardError("stopped; everything read was committed\n") }
    }

    /// `10s`, `1s`, `2m`, `500ms` or a number of seconds; at least 100 ms.
    static func parseInterval(_ text: String) throws -> Double {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(text)
        var scale = 1.0
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            number = text.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(number), value.isFinite, value * scale >= 0.1 else {
            throw ValidationError("--commit-every: '\(text)' is not a duration such as 10s, 1s or 2m (at least 100ms)")
        }
        return value * scale
    }

    static func describeInterval(_ seconds: Double) -> String {
        seconds < 1 ? "\(Int(seconds * 1000)) ms" : seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
