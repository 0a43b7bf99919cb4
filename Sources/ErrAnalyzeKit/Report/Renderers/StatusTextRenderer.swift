/// `status --format text`: the ledger of ingested files and what the database holds, as
/// tables for a person; with `--check`, the integrity result after them.
public struct StatusTextRenderer {
    /// Seconds since the epoch: "3 min ago" and quiet hosts are measured from it.
    public var now: Int64
    /// This machine's host name: a database written only by it names it on one line
    /// instead of a table of hosts.
    public var machineHost: String

    public init(now: Int64, machineHost: String = HostName.machine()) {
        self.now = now
        self.machineHost = machineHost
    }

    /// The status, then the integrity result when `integrity` holds one (`--check`).
    public func render(_ s: StoreStatus, integrity: [String]? = nil) -> String {
        var out = ""
        let entries = s.files.map(\.entry)
        out += "Database     \(FileNameEscaping.escaped(s.path)) (\(ByteCount.human(s.sizeBytes)), schema \(s.schemaVersion))\n"
        if let last = s.lastIngest {
            out += "Last ingest  \(TimeFormatting.iso8601(last)) (\(Self.ago(now - last)))\n"
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
        out += hosts(s)
        let bytes = entries.reduce(0) { $0 + $1.bytesRead }
        let lines = entries.reduce(0) { $0 + $1.lines }
        let requests = entries.reduce(0) { $0 + $1.requests }
        let malformed = entries.reduce(0) { $0 + $1.malformed }
        out += "Files        \(entries.count) \(entries.count == 1 ? "file" : "files"), \(ByteCount.human(bytes)) read, "
            + "\(HumanNumber.count(lines)) lines, \(HumanNumber.count(requests)) requests, \(HumanNumber.count(malformed)) malformed\n"
        if !entries.isEmpty {
            out += "\n" + files(entries)
            if !s.malformed.isEmpty { out += "\nMalformed lines by reason\n" + malformedReasons(s.malformed) }
        }
        return out + (integrity.map(Self.integrity) ?? "")
    }

    /// The `--check` result alone: also shown when the database is too damaged for a status.
    public static func integrity(_ problems: [String]) -> String {
        guard !problems.isEmpty else { return "\nIntegrity    ok (every page and index checked)\n" }
        return "\nIntegrity    DAMAGED: \(problems.count) \(problems.count == 1 ? "problem" : "problems")\n"
            + problems.map { "  \($0)\n" }.joined()
    }

    /// "3 min ago", "2 h ago", "5 days ago".
    static func ago(_ seconds: Int64) -> String {
        if seconds < 0 { return "in the future" }
        if seconds < 120 { return "\(seconds) s ago" }
        if seconds < 7200 { return "\(seconds / 60) min ago" }
        if seconds < 172_800 { return "\(seconds / 3600) h ago" }
        return "\(seconds / 86_400) days ago"
    }

    /// Hosts that committed, quiet ones marked; one line for a database only this machine wrote.
    private func hosts(_ s: StoreStatus) -> String {
        let named = s.hosts.filter { !$0.name.isEmpty }
        if named.count > 1 || (named.count == 1 && named[0].name != machineHost) {
            var out = "Hosts        \(named.count) \(named.count == 1 ? "host" : "hosts")"
            let quiet = named.filter { $0.isQuiet(now: now) }
            out += quiet.isEmpty ? "\n" : ", \(quiet.count) quiet (no commit for over an hour)\n"
            var table = TextTable(header: ["HOST", "FILES", "REQUESTS", "LAST COMMIT", ""], rightAligned: [1, 2])
            for host in named {
                table.add([FileNameEscaping.escaped(host.name), HumanNumber.count(Int64(host.files)), HumanNumber.count(host.requests),
                           host.lastIngest.map { "\(TimeFormatting.short($0)) (\(Self.ago(now - $0)))" } ?? "never",
                           host.isQuiet(now: now) ? "quiet" : ""])
            }
            return out + table.render(maxWidth: .max) + "\n\n"
        } else if let only = named.first {
            return "Host         \(FileNameEscaping.escaped(only.name))\n"
        }
        return ""
    }

    private func files(_ entries: [LedgerEntry]) -> String {
        var table = TextTable(header: ["FILE", "FORMAT", "READ", "LINES", "REQUESTS", "MALFORMED", "REQUESTS FROM", "REQUESTS TO", "LAST READ"],
                              rightAligned: [2, 3, 4, 5])
        for e in entries {
            let kind = e.compression.map { " (\($0.name))" } ?? (e.compressed ? " (compressed)" : "")
            table.add([FileNameEscaping.escaped(e.path) + kind, e.format, ByteCount.human(e.bytesRead), HumanNumber.count(e.lines),
                       HumanNumber.count(e.requests), HumanNumber.count(e.malformed),
                       e.firstTimestamp.map(TimeFormatting.short) ?? "-", e.lastTimestamp.map(TimeFormatting.short) ?? "-",
                       TimeFormatting.short(e.lastIngested)])
        }
        return table.render(maxWidth: .max) + "\n"
    }

    /// One line per reason: count, files, and an example cut to 60 characters.
    private func malformedReasons(_ reasons: [StoreStatus.MalformedReasonTotal]) -> String {
        var table = TextTable(header: ["", "", "", ""], rightAligned: [1], indent: 2)
        table.showHeader = false
        for m in reasons {
            var example = ""
            if let sample = m.sample {
                example = "e.g. \(FileNameEscaping.escaped(sample.path)) line \(sample.line): \(String(sample.text.prefix(60)))"
            }
            table.add([m.reason.name, HumanNumber.count(m.count), "in \(m.files) \(m.files == 1 ? "file" : "files")", example])
        }
        return table.render(maxWidth: .max) + "\n"
    }
}
