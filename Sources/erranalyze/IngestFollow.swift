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
        let (options, crash) = try ingestOptions()
        let interval = try Self.parseInterval(commitEvery)

        let location = try database.location()
        var lock: WriterLock?
        if case .sqlite(let path) = location {
            // Held while the store is opened (it may create or migrate the schema), then only
            // for each pass.
            lock = try WriterLock.acquire(for: path, wait: !noWait, quiet: quiet, purpose: "ingest")
        }
        // A store is opened now, so that a bad --db says so at once (a host row is written only
        // with its first commit); a file under a kubelet log directory gets its workload's
        // store when it first appears.
        var stores: [String?: any IngestStore] = [:]
        do {
            stores[host] = try openStore(location, host: host, holding: lock, crash: crash)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
        lock?.unlock()

        let stop = FollowStop()
        let signals = StopSignals(requesting: stop)
        let follower = IngestFollower(patterns: FollowPatterns(files), options: options, explicitHost: host) { host in
            if let store = stores[host] { return store }
            let store = try openStore(location, host: host, holding: lock, crash: crash)
            stores[host] = store
            return store
        }
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
        withExtendedLifetime((lock, signals)) {}
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
