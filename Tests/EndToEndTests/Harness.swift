import Foundation
import Testing
// Process launching and seeded randomness, shared with the unit tests; exported so that every
// end-to-end test file sees them.
@_exported import TestSupport

/// Runs the built `erranalyze` binary the way a user does, in a scratch folder.
struct Harness {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    static let sampleLogs = packageRoot.appendingPathComponent("SampleLogs")

    /// The binary built next to the test bundle (`swift test` builds every product).
    static let binary: URL = {
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL {
            var dir = exe.deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent("erranalyze"))
                dir = dir.deletingLastPathComponent()
            }
        }
        for arg in [CommandLine.arguments.first].compactMap({ $0 }) {
            candidates.append(URL(fileURLWithPath: arg).deletingLastPathComponent().appendingPathComponent("erranalyze"))
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/erranalyze"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
    }()

    let directory: URL
    var db: String { directory.appendingPathComponent("test.sqlite").path }
    /// Removes the scratch folder when the last copy of this harness goes (thousands of runs
    /// would otherwise fill /tmp); ERRANALYZE_KEEP_TEST_FILES=1 keeps it to look at.
    private let cleanup: ScratchFolder

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("erranalyze-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        cleanup = ScratchFolder(directory)
        // A harness kept by a static fixture is never deinitialised: removed at exit instead.
        ScratchFolders.removeAtExit(directory.path)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    typealias Result = ProcessResult

    /// Runs `erranalyze ARGS` with `--db` pointing at this harness's database unless given.
    @discardableResult
    func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Result {
        let input = stdin.map { _ in Pipe() }
        let running = try start(arguments, environment: environment, stdin: input)
        if let stdin, let input {
            DispatchQueue.global().async {
                input.fileHandleForWriting.write(stdin)
                try? input.fileHandleForWriting.close()
            }
        }
        return running.wait()
    }

    /// `report --format json` parsed into a dictionary.
    func jsonReport(_ extra: [String] = [], db: String? = nil) throws -> [String: Any] {
        let result = try run(["report", "--format", "json", "--db", db ?? self.db] + extra)
        #expect(result.status == 0, "report failed: \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return object as? [String: Any] ?? [:]
    }

    /// Writes `data` gzip-compressed to `name` (by the system's gzip, an independent encoder).
    func gzip(_ source: String, to name: String) throws -> String {
        let target = path(name)
        try shell("gzip -c '\(source)' > '\(target)'")
        return target
    }

    @discardableResult
    func shell(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "shell failed: \(command)")
        return String(decoding: data, as: UTF8.self)
    }
}

extension Dictionary where Key == String, Value == Any {
    func int(_ path: String) -> Int? {
        var current: Any? = self
        for part in path.split(separator: ".") { current = (current as? [String: Any])?[String(part)] }
        return (current as? NSNumber)?.intValue
    }

    func array(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }

    /// `by_status` as [status: count].
    var statusCounts: [Int: Int] {
        var result: [Int: Int] = [:]
        for row in array("by_status") { result[(row["status"] as! NSNumber).intValue] = (row["count"] as! NSNumber).intValue }
        return result
    }
}

/// A folder removed when this object goes.
final class ScratchFolder: @unchecked Sendable {
    let url: URL
    init(_ url: URL) { self.url = url }
    deinit {
        if ProcessInfo.processInfo.environment["ERRANALYZE_KEEP_TEST_FILES"] != "1" {
            try? FileManager.default.removeItem(at: url)
        }
    }
}
