import Foundation

/// `status --format json`: schema `erranalyze.status/v1` (docs/ingest.md), keys sorted,
/// slashes unescaped, so that `jq` and a diff read it alike from run to run.
public struct StatusJSONRenderer {
    /// Seconds since the epoch: a host is quiet when its last commit is over an hour before it.
    public var now: Int64

    public init(now: Int64) {
        self.now = now
    }

    /// The status; `integrity` (only with `--check`) adds `"integrity": {ok, problems}`.
    public func render(_ s: StoreStatus, integrity: [String]? = nil) -> String {
        let iso = { (t: Int64) in TimeFormatting.iso8601(t) }
        let entries = s.files
        let value = Document(
            database: .init(path: FileNameEscaping.escaped(s.path), size_bytes: s.sizeBytes, schema_version: s.schemaVersion),
            last_ingest: s.lastIngest.map(iso),
            data: .init(first_hour: s.firstHour.map { iso(Int64($0) * 3600) }, last_hour: s.lastHour.map { iso(Int64($0) * 3600) }),
            last_prune: s.lastPrune.flatMap { at in s.prunedBeforeHour.map { Document.Prune(at: iso(at), before: iso(Int64($0) * 3600)) } },
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
                      last_commit: h.lastIngest.map(iso), quiet: h.isQuiet(now: now))
            },
            malformed: s.malformed.map { m in
                .init(reason: m.reason.name, description: m.reason.description, count: m.count, files: m.files,
                      sample: m.sample.map { .init(path: FileNameEscaping.escaped($0.path), line: $0.line, text: $0.text) })
            },
            integrity: integrity.map { Document.Integrity(ok: $0.isEmpty, problems: $0) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The document, field for field: the names are the schema's keys.
    struct Document: Encodable {
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
}
