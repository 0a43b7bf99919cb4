import ArgumentParser
import ErrAnalyzeKit
import ErrAnalyzeStores
import ErrAnalyzeSQLite
import Foundation

struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove aggregates older than a cutoff (retention).",
        discussion: """
        Removes the hourly aggregates of every whole hour before the cutoff, and
        the malformed-line details of files whose requests are all older. The
        ledger of files is kept, so a pruned log still on disk is recognised and
        never counted again. Waits for a running ingest, as a second ingest does.

        Examples:
          erranalyze prune --older-than 90d
          erranalyze prune --older-than 2026-01-01 --vacuum
          erranalyze prune --older-than 26w --dry-run

        Exit status: 0 ok; 1 the database failed; 2 usage error; 75 another
        ingest or prune is running and --no-wait was given.
        """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var config: ConfigOptions

    @Option(name: .long, help: ArgumentHelp(
        "The cutoff: an age (36h, 90d, 12w) or a date (2026-01-01, midnight UTC). Whole hours before it go.",
        valueName: "age|date"))
    var olderThan: String

    @Flag(name: .long, help: "Afterwards, rewrite the database file to give the freed space back to the disk.")
    var vacuum = false

    @Flag(name: .long, help: "Say what would be removed; remove nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Exit at once with status 75 if an ingest is running, instead of waiting.")
    var noWait = false

    @Flag(name: [.short, .long], help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        guard let cutoff = Self.cutoff(olderThan, now: Int64(Date().timeIntervalSince1970)) else {
            throw ValidationError("--older-than '\(olderThan)': give an age (36h, 90d, 12w) or a date (YYYY-MM-DD)")
        }
        // The same bounds as the report's times: a cutoff before 1970 prunes nothing and is a typo.
        guard TimeExpression.supportedRange.contains(cutoff) else {
            throw ValidationError("--older-than '\(olderThan)': the cutoff is outside 1970-01-01 to 9999-12-31 (UTC)")
        }
    }

    /// Seconds since the epoch of the cutoff, for `90d`-style ages and `YYYY-MM-DD` dates.
    static func cutoff(_ text: String, now: Int64) -> Int64? {
        let units: [Character: Int64] = ["h": 3600, "d": 86_400, "w": 604_800]
        if let unit = text.last, let seconds = units[unit], let n = Int64(text.dropLast()), n >= 0, n < 1_000_000 {
            return now - n * seconds
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        // Days from civil (proleptic Gregorian), after Howard Hinnant.
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return (era * 146_097 + doe - 719_468) * 86_400
    }

    func run() throws {
        let now = Int64(Date().timeIntervalSince1970)
        let cutoff = Self.cutoff(olderThan, now: now)!
        // Whole hours only: an hour is removed when all of it is before the cutoff.
        let beforeHour = Int32(clamping: cutoff >= 0 ? cutoff / 3600 : (cutoff - 3599) / 3600)
        let location = try database.location()
        var lock: WriterLock?
        if case .sqlite(let path) = location {
            guard access(path, F_OK) == 0 else {
                Terminal.error("\(location): no database here yet (nothing to prune)")
                throw ExitCode(1)
            }
            lock = try WriterLock.acquire(for: path, wait: !noWait, quiet: quiet, purpose: "prune")
        }
        defer { withExtendedLifetime(lock) {} }
        do {
            // Prune removes every host's old hours; it writes as no host of its own.
            let store = try StoreFactory.writer(location, host: nil, holding: lock)
            let sqlite = store as? SQLiteStore
            let sizeBefore = sqlite?.fileSize() ?? 0
            let result = try store.prune(beforeHour: beforeHour, now: now, dryRun: dryRun)
            if !quiet { Terminal.output(Self.describe(result)) }
            if vacuum && !dryRun, let sqlite {
                try sqlite.vacuum()
                if !quiet { Terminal.output("vacuumed: \(ByteCount.human(sizeBefore)) → \(ByteCount.human(sqlite.fileSize()))\n") }
            }
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
    }

    static func describe(_ r: PruneResult) -> String {
        let cutoff = TimeFormatting.iso8601(Int64(r.beforeHour) * 3600)
        let verb = r.dryRun ? "would remove" : "removed"
        var out = ""
        if r.trafficRows == 0 && r.clientRows == 0 {
            out += "no aggregates before \(cutoff)\n"
        } else {
            out += "\(verb) \(HumanNumber.count(r.trafficRows)) hourly rows (\(HumanNumber.count(r.requests)) requests) and "
                + "\(HumanNumber.count(r.clientRows)) client rows for hours before \(cutoff)"
            if let first = r.firstRemovedHour, let last = r.lastRemovedHour {
                out += " (\(TimeFormatting.iso8601(Int64(first) * 3600)) to \(TimeFormatting.iso8601(Int64(last) * 3600 + 3599)))"
            }
            out += "\n"
        }
        if r.filesWithDetailsRemoved > 0 {
            out += "\(verb) the malformed-line details of \(r.filesWithDetailsRemoved) \(r.filesWithDetailsRemoved == 1 ? "file" : "files") older than that\n"
        }
        if r.namesRemoved > 0 {
            out += "\(verb) \(HumanNumber.count(r.namesRemoved)) routes, codes and clients no longer used\n"
        }
        out += "kept the ledger (\(r.filesKept) \(r.filesKept == 1 ? "file" : "files")): logs still on disk are recognised and never counted again\n"
        return out
    }
}
