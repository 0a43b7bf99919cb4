import ArgumentParser
import ErrAnalyzeKit
import ErrAnalyzeStores
import ErrAnalyzeSQLite
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the ledger of ingested files and what the database holds.",
        discussion: """
        For each file ingested: where reading stopped, its lines, requests and
        malformed lines, the time its requests cover and when it was last read;
        then malformed lines by reason with an example, the hours the aggregates
        cover, and the last prune. Reads only: works while an ingest runs.

        --check also reads every page of the database and compares every index
        with its table (PRAGMA integrity_check), and lists any damage.

        Examples:
          erranalyze status
          erranalyze status --check
          erranalyze status --format json | jq '.files[] | {path, bytes_read}'

        Exit status: 0 ok; 1 the database cannot be read, or --check found damage;
        2 usage error.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var config: ConfigOptions

    @Option(name: .long, help: ArgumentHelp("Output format: text or json (schema erranalyze.status/v1).", valueName: "format"))
    var format: Format = .text

    @Flag(name: .long, help: "Also check the whole database for damage (PRAGMA integrity_check); exit status 1 if damaged.")
    var check = false

    func run() throws {
        // Reads only: a database made by an older erranalyze is refused (its owner's next
        // ingest upgrades it), and nothing is ever created or written.
        let location = try database.location()
        let path = location.description
        let store: any MaintenanceStore
        var problems: [String]?
        do {
            store = try StoreFactory.reader(location)
            if check { problems = try store.integrityProblems(full: true, limit: 100) }
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
        let status: StoreStatus
        do {
            status = try store.status()
        } catch {
            // Damage found by --check is reported below, whole; the first query to meet it
            // would only say "malformed" and send the reader to --check.
            guard let problems, !problems.isEmpty else {
                Terminal.error("\(error)")
                throw ExitCode(1)
            }
            Terminal.output(Self.integrityText(problems))
            Terminal.error("\(path): the database is damaged (\(problems.count) \(problems.count == 1 ? "problem" : "problems") found); "
                + "restore it from a backup, or move it aside and ingest the logs again")
            throw ExitCode(1)
        }
        switch format {
        case .text: Terminal.output(Self.text(status, now: Int64(Date().timeIntervalSince1970)) + (problems.map(Self.integrityText) ?? ""))
        case .json: Terminal.output(Self.json(status, integrity: problems))
        }
        if let problems, !problems.isEmpty {
            Terminal.error("\(status.path): the database is damaged (\(problems.count) \(problems.count == 1 ? "problem" : "problems") found); "
                + "restore it from a backup, or move it aside and ingest the logs again")
            throw ExitCode(1)
        }
    }

    static func integrityText(_ problems: [String]) -> String {
        guard !problems.isEmpty else { return "\nIntegrity    ok (every page and index checked)\n" }
        return "\nIntegrity    DAMAGED: \(problems.count) \(problems.count == 1 ? "problem" : "problems")\n"
            + problems.map { "  \($0)\n" }.joined()
    }

    // MARK: Text

    static func text(_ s: StoreStatus, now: Int64) -> String {
        var out = ""
        let entries = s.files.map(\.entry)
        out += "Database     \(FileNameEscaping.escaped(s.path)) (\(ByteCount.human(s.sizeBytes)), schema \(s.schemaVersion))\n"
        if let last = s.lastIngest {
            out += "Last ingest  \(TimeFormatting.iso8601(last)) (\(ago(now - last)))\n"
        } else {
            out += "Last ingest  never\n"
        }
        if let first = s.firstHour, let last = s.lastHour {
            out += "Data         \(TimeFormatting.iso8601(Int64(first) * 3600)) to \(TimeFormatting.iso8601(Int64(last) * 3600 + 3599)) (hourly aggregates)\n"
        } else {
            out += "Data         none\n"
        }
        if let before = s.prunedBeforeHour, let at = s.lastPrune {
            out += "Pruned       hours before \(TimeFormatting.iso8601(Int64(before) * 3600)) (on \(TimeFormatting.iso8601(at)))\n"
        }
        // Hosts that committed; "quiet" when one has not for an hour (its cron or follower
        // may have stopped), which a fleet's on-call person wants to see first.
        let named = s.hosts.filter { !$0.name.isEmpty }
        if named.count > 1 || (named.count == 1 && named[0].name != HostName.machine()) {
            out += "Hosts        \(named.count) \(named.count == 1 ? "host" : "hosts")"
            let quiet = named.filter { Self.isQuiet($0, now: now) }
            out += quiet.isEmpty ? "\n" : ", \(quiet.count) quiet (no commit for over an hour)\n"
            var rows = [["HOST", "FILES", "REQUESTS", "LAST COMMIT", ""]]
            for host in named {
                rows.append([FileNameEscaping.escaped(host.name), HumanNumber.count(Int64(host.files)), HumanNumber.count(host.requests),
                             host.lastIngest.map { "\(TimeFormatting.short($0)) (\(ago(now - $0)))" } ?? "never",
                             Self.isQuiet(host, now: now) ? "quiet" : ""])
            }
            out += columns(rows, rightAligned: [1, 2]) + "\n"
        } else if let only = named.first {
            out += "Host         \(FileNameEscaping.escaped(only.name))\n"
        }
        let bytes = entries.reduce(0) { $0 + $1.bytesRead }
        let lines = entries.reduce(0) { $0 + $1.lines }
        let requests = entries.reduce(0) { $0 + $1.requests }
        let malformed = entries.reduce(0) { $0 + $1.malformed }
        out += "Files        \(entries.count) \(entries.count == 1 ? "file" : "files"), \(ByteCount.human(bytes)) read, "
            + "\(HumanNumber.count(lines)) lines, \(HumanNumber.count(requests)) requests, \(HumanNumber.count(malformed)) malformed\n"
        guard !entries.isEmpty else { return out }

        var rows = [["FILE", "FORMAT", "READ", "LINES", "REQUESTS", "MALFORMED", "REQUESTS FROM", "REQUESTS TO", "LAST READ"]]
        for e in entries {
            let kind = e.compression.map { " (\($0.name))" } ?? (e.compressed ? " (compressed)" : "")
            rows.append([FileNameEscaping.escaped(e.path) + kind, e.format, ByteCount.human(e.bytesRead), HumanNumber.count(e.lines),
                         HumanNumber.count(e.requests), HumanNumber.count(e.malformed),
                         e.firstTimestamp.map(TimeFormatting.short) ?? "-", e.lastTimestamp.map(TimeFormatting.short) ?? "-",
                         TimeFormatting.short(e.lastIngested)])
        }
        out += "\n" + columns(rows, rightAligned: [2, 3, 4, 5])

        if !s.malformed.isEmpty {
            out += "\nMalformed lines by reason\n"
            var table: [[String]] = []
            for m in s.malformed {
                var example = ""
                if let sample = m.sample {
                    example = "e.g. \(FileNameEscaping.escaped(sample.path)) line \(sample.line): \(String(sample.text.prefix(60)))"
                }
                table.append([m.reason.name, HumanNumber.count(m.count), "in \(m.files) \(m.files == 1 ? "file" : "files")", example])
            }
            out += columns(table, rightAligned: [1], indent: "  ")
        }
        return out
    }

    static func ago(_ seconds: Int64) -> String {
        if seconds < 0 { return "in the future" }
        if seconds < 120 { return "\(seconds) s ago" }
        if seconds < 7200 { return "\(seconds / 60) min ago" }
        if seconds < 172_800 { return "\(seconds / 3600) h ago" }
        return "\(seconds / 86_400) days ago"
    }

    static func columns(_ rows: [[String]], rightAligned: Set<Int>, indent: String = "") -> String {
        var widths: [Int] = []
        for row in rows {
            for (i, cell) in row.enumerated() {
                if i == widths.count { widths.append(0) }
                widths[i] = max(widths[i], cell.count)
            }
        }
        var out = ""
        for row in rows {
            var line = indent
            for (i, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                let isLast = i == row.count - 1
                line += rightAligned.contains(i) ? pad + cell : cell + (isLast ? "" : pad)
                if !isLast { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }

    // MARK: JSON (erranalyze.status/v1)

    /// A host whose last commit is over an hour old.
    static func isQuiet(_ host: StoreStatus.Host, now: Int64) -> Bool {
        guard let last = host.lastIngest else { return true }
        return now - last > 3600
    }

    struct JSONStatus: Encodable {
        struct Host: Encodable {
            var name: String
            var files: Int
            var requests: Int64
            var last_commit: String?
            /// No commit for over an hour.
            var quiet: Bool
        }
        struct Database: Encodable {
            var path: String
            var size_bytes: Int64
            var schema_version: Int
        }
        struct Span: Encodable {
            var first_hour: String?
            var last_hour: String?
        }
        struct Totals: Encodable {
            var files: Int
            var bytes_read: Int64
            var lines: Int64
            var requests: Int64
            var malformed: Int64
        }
        struct File: Encodable {
            var path: String
            var format: String
            var compressed: Bool
            /// gzip, zstd or xz; absent for a plain file.
            var compression: String?
            var bytes_read: Int64
            var lines: Int64
            var requests: Int64
            var malformed: Int64
            var malformed_by_reason: [String: Int64]
            var first_request: String?
            var last_request: String?
            var first_ingested: String
            var last_ingested: String
            var ends_mid_line: Bool
        }
        struct Sample: Encodable {
            var path: String
            var line: Int64
            var text: String
        }
        struct Malformed: Encodable {
            var reason: String
            var description: String
            var count: Int64
            var files: Int
            var sample: Sample?
        }
        struct Prune: Encodable {
            var at: String
            var before: String
        }
        struct Integrity: Encodable {
            var ok: Bool
            var problems: [String]
        }
        var schema = "erranalyze.status/v1"
        var database: Database
        var last_ingest: String?
        var data: Span
        var last_prune: Prune?
        var totals: Totals
        var files: [File]
        var hosts: [Host]
        var malformed: [Malformed]
        /// Only with --check.
        var integrity: Integrity?
    }

    static func json(_ s: StoreStatus, integrity: [String]? = nil) -> String {
        let iso = { (t: Int64) in TimeFormatting.iso8601(t) }
        let entries = s.files
        let value = JSONStatus(
            database: .init(path: FileNameEscaping.escaped(s.path), size_bytes: s.sizeBytes, schema_version: s.schemaVersion),
            last_ingest: s.lastIngest.map(iso),
            data: .init(first_hour: s.firstHour.map { iso(Int64($0) * 3600) }, last_hour: s.lastHour.map { iso(Int64($0) * 3600) }),
            last_prune: s.lastPrune.flatMap { at in s.prunedBeforeHour.map { JSONStatus.Prune(at: iso(at), before: iso(Int64($0) * 3600)) } },
            totals: .init(files: entries.count, bytes_read: entries.reduce(0) { $0 + $1.entry.bytesRead },
                          lines: entries.reduce(0) { $0 + $1.entry.lines }, requests: entries.reduce(0) { $0 + $1.entry.requests },
                          malformed: entries.reduce(0) { $0 + $1.entry.malformed }),
            files: entries.map { f in
                let e = f.entry
                return .init(path: FileNameEscaping.escaped(e.path), format: e.format, compressed: e.compressed,
                             compression: e.compression?.name ?? (e.compressed ? "gzip" : nil), bytes_read: e.bytesRead, lines: e.lines,
                             requests: e.requests, malformed: e.malformed,
                             malformed_by_reason: Dictionary(uniqueKeysWithValues: f.malformedByReason.map { ($0.key.name, $0.value) }),
                             first_request: e.firstTimestamp.map(iso), last_request: e.lastTimestamp.map(iso),
                             first_ingested: iso(e.firstIngested), last_ingested: iso(e.lastIngested), ends_mid_line: e.endsMidLine)
            },
            hosts: s.hosts.map { h in
                .init(name: FileNameEscaping.escaped(h.name), files: h.files, requests: h.requests,
                      last_commit: h.lastIngest.map(iso), quiet: isQuiet(h, now: Int64(Date().timeIntervalSince1970)))
            },
            malformed: s.malformed.map { m in
                .init(reason: m.reason.name, description: m.reason.description, count: m.count, files: m.files,
                      sample: m.sample.map { .init(path: FileNameEscaping.escaped($0.path), line: $0.line, text: $0.text) })
            },
            integrity: integrity.map { JSONStatus.Integrity(ok: $0.isEmpty, problems: $0) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// Byte counts for people: `512 B`, `1.2 MB` (powers of 1000, as `ls --si` and `df -H`).
enum ByteCount {
    static func human(_ bytes: Int64) -> String {
        if bytes < 1000 { return "\(bytes) B" }
        let units = ["kB", "MB", "GB", "TB", "PB"]
        var value = Double(bytes) / 1000
        var unit = 0
        while value >= 999.95 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return String(format: value < 10 ? "%.1f" : "%.0f", value) + " " + units[unit]
    }
}
