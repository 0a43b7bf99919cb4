import Foundation
import Testing

/// Helpers for the ingest scenarios: log files built from the corpus's real lines, written,
/// appended, rotated and compressed the way logrotate does, and the totals of a database
/// compared with one clean run over the same lines.
enum Corpus {
    /// The lines of ../shared/corpus/apache_logs, each with its newline.
    static let lines: [Data] = {
        let data = (try? Data(contentsOf: URL(fileURLWithPath: CorpusTests.apacheLogs))) ?? Data()
        var result: [Data] = []
        var start = data.startIndex
        while let newline = data[start...].firstIndex(of: 0x0A) {
            result.append(data[start...newline])
            start = newline + 1
        }
        return result
    }()

    static func text(_ range: Range<Int>) -> Data {
        var out = Data()
        for line in lines[range] { out.append(line) }
        return out
    }
}

extension Harness {
    /// Writes `data` to `name` in the scratch folder (replacing it).
    func write(_ name: String, _ data: Data) throws {
        try data.write(to: URL(fileURLWithPath: path(name)))
    }

    /// Appends `data` to `name`, as a logging web server does.
    func append(_ name: String, _ data: Data) throws {
        let url = URL(fileURLWithPath: path(name))
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
        try handle.close()
    }

    /// Sets a file's modification time to `minutes` ago (a file that stopped changing).
    func age(_ name: String, minutes: Int = 10) throws {
        try shell("touch -d '\(minutes) minutes ago' '\(path(name))'")
    }

    /// `erranalyze ingest` on the named files of the scratch folder, which must succeed.
    @discardableResult
    func ingest(_ names: [String], _ extra: [String] = [], environment: [String: String] = [:],
                sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        let result = try run(["ingest"] + extra + names.map { path($0) }, environment: environment)
        #expect(result.status == 0, "ingest \(names) failed: \(result.stderr)", sourceLocation: sourceLocation)
        return result
    }

    /// The names in the scratch folder that match `prefix*`, sorted as a shell glob sorts them.
    func glob(_ prefix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// What two databases must agree on: the report's totals, statuses, codes, routes and
    /// timeline, and the ledger's line and request counts.
    func totals(db: String? = nil) throws -> [String: Any] {
        let report = try jsonReport([], db: db)
        var result: [String: Any] = [:]
        for key in ["totals", "by_status", "codes", "routes", "timeline", "by_category"] { result[key] = report[key] }
        let status = try run(["status", "--format", "json", "--db", db ?? self.db])
        #expect(status.status == 0, "status failed: \(status.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any] ?? [:]
        let ledger = object["totals"] as? [String: Any] ?? [:]
        result["ledger_requests"] = ledger["requests"]
        result["ledger_malformed"] = ledger["malformed"]
        return result
    }

    /// The totals of one clean run over `data` in a fresh database.
    static func cleanTotals(of data: Data, name: String = "clean.log") throws -> [String: Any] {
        let clean = try Harness()
        try clean.write(name, data)
        try clean.age(name)
        try clean.ingest([name])
        return try clean.totals()
    }

    /// Starts `erranalyze ARGS` without waiting for it.
    func start(_ arguments: [String], environment: [String: String] = [:], stdin: Pipe? = nil) throws -> RunningProcess {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["ERRANALYZE_DB"] = db
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin ?? FileHandle.nullDevice
        try process.run()
        return RunningProcess(process: process, stdout: out, stderr: err)
    }
}

/// Equality of two JSON-like dictionaries, with a readable difference when they differ.
func sameTotals(_ a: [String: Any], _ b: [String: Any]) -> Bool {
    NSDictionary(dictionary: a).isEqual(to: b)
}

func describeDifference(_ a: [String: Any], _ b: [String: Any]) -> String {
    var lines: [String] = []
    for key in Set(a.keys).union(b.keys).sorted() {
        let left = a[key].map { "\($0)" } ?? "nil", right = b[key].map { "\($0)" } ?? "nil"
        if !(NSDictionary(dictionary: [key: a[key] ?? NSNull()]).isEqual(to: [key: b[key] ?? NSNull()])) {
            lines.append("\(key): \(left.prefix(400)) ≠ \(right.prefix(400))")
        }
    }
    return lines.joined(separator: "\n")
}
