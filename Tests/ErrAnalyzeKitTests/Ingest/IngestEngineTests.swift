import Foundation
import Testing
@testable import ErrAnalyzeKit
@testable import ErrAnalyzeSQLite

/// A scratch folder of log files and a database, driven through `IngestEngine` in-process.
final class IngestBench {
    let directory: String
    let store: SQLiteStore
    let dbPath: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("erranalyze-engine-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        dbPath = directory + "/db.sqlite"
        store = try SQLiteStore(path: dbPath)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func path(_ name: String) -> String { directory + "/" + name }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
    }

    func append(_ name: String, _ bytes: [UInt8]) throws {
        if !FileManager.default.fileExists(atPath: path(name)) { _ = FileManager.default.createFile(atPath: path(name), contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path(name)))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
    }

    func shell(_ command: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "cd '\(directory)' && \(command)"]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(command)")
    }

    /// Ingests `names`; `quiet` pretends the files stopped changing an hour ago.
    @discardableResult
    func ingest(_ names: [String], quiet: Bool = false, options: IngestOptions = IngestOptions(), store: SQLiteStore? = nil) -> [FileOutcome] {
        let offset: Int64 = quiet ? 3600 : 0
        let engine = IngestEngine(store: store ?? self.store, options: options, now: { Int64(Date().timeIntervalSince1970) + offset })
        return engine.ingest(paths: names.map(path))
    }

    var ledgerLines: Int64 { (try? store.ledgerEntries().reduce(0) { $0 + $1.lines }) ?? -1 }
    var requests: Int64 { (try? store.trafficGroups(in: .all).reduce(0) { $0 + $1.counts.requests }) ?? -1 }
}

/// Everything a store holds that a clean run must reproduce.
struct StoreSignature: Equatable {
    var traffic: [String]
    var clients: [String]
    var malformed: [String]
    var lines: Int64
    var requests: Int64

    init(_ store: SQLiteStore) throws {
        traffic = try store.trafficGroups(in: .all).map { "\($0.route) \($0.method) \($0.status) \($0.code ?? "-") \($0.flags) \($0.counts.requests) \($0.counts.timedRequests) \($0.counts.durationMicros)" }.sorted()
        clients = try store.clientErrors(in: .all, limit: 100_000).map { "\($0.client) \($0.errors) \($0.rateLimited)" }.sorted()
        let summary = try store.malformedSummary(in: .all)
        malformed = summary.byReason.map { "\($0.key.name) \($0.value)" }.sorted()
        let entries = try store.ledgerEntries()
        lines = entries.reduce(0) { $0 + $1.lines }
        requests = entries.reduce(0) { $0 + $1.requests }
    }
}

/// The corpus's lines as bytes, each with its newline.
enum CorpusLines {
    static let all: [[UInt8]] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpus/apache_logs")
        let data = Array((try? Data(contentsOf: url)) ?? Data())
        var lines: [[UInt8]] = []
        var start = 0
        for i in data.indices where data[i] == 0x0A {
            lines.append(Array(data[start...i]))
            start = i + 1
        }
        return lines
    }()

    static func bytes(_ range: Range<Int>) -> [UInt8] { all[range].flatMap { $0 } }
}

@Suite struct IngestEngineTests {
    @Test func unterminatedTailWaitsWhileLiveCountsWhenQuietAndItsRestIsDropped() throws {
        let bench = try IngestBench()
        let line = CorpusLines.all[100]
        try bench.write("a.log", CorpusLines.bytes(0..<100) + line[0..<30])
        bench.ingest(["a.log"])
        #expect(bench.ledgerLines == 100)
        #expect(try bench.store.ledgerEntries().first?.endsMidLine == false)
        bench.ingest(["a.log"], quiet: true)
        #expect(bench.ledgerLines == 101, "a quiet file's last line counts without its newline")
        #expect(try bench.store.ledgerEntries().first?.endsMidLine == true)
        try bench.append("a.log", Array(line[30...]) + CorpusLines.bytes(101..<120))
        bench.ingest(["a.log"])
        #expect(bench.ledgerLines == 120, "the rest of the counted line is dropped, the 19 after it count")
        #expect(try bench.store.ledgerEntries().first?.endsMidLine == false)
    }

    @Test func compressedFilesAlwaysCountTheirLastLine() throws {
        let bench = try IngestBench()
        try bench.write("a.log", CorpusLines.bytes(0..<50) + CorpusLines.all[50].dropLast())
        try bench.shell("gzip a.log")
        bench.ingest(["a.log.gz"])
        #expect(bench.requests == 51)
    }

    /// A compressed file read to its end is known afterwards by its device, inode, size and
    /// time: later runs do not decompress it (shown here by damaging its bytes behind the
    /// ledger's back, keeping its size and time). Touched, it is checked by content again.
    @Test func compressedFilesReadToTheEndAreNotDecompressedAgain() throws {
        let bench = try IngestBench()
        try bench.write("a.log", CorpusLines.bytes(0..<2000))
        try bench.shell("gzip a.log")
        bench.ingest(["a.log.gz"])
        #expect(try bench.store.ledgerEntries().first?.sourceKey != nil)
        try bench.shell("cp -p a.log.gz keep.gz && printf 'XXXXXXXX' | dd of=a.log.gz bs=1 seek=5000 conv=notrunc 2>/dev/null && touch -r keep.gz a.log.gz")
        let outcomes = bench.ingest(["a.log.gz"])
        guard case .ingested(let report) = outcomes[0] else { Issue.record("\(outcomes)"); return }
        #expect(report.disposition == .upToDate)
        try bench.shell("touch a.log.gz")
        #expect(bench.ingest(["a.log.gz"])[0].isFailure, "changed: read again, and the damage is found")
        #expect(bench.requests == 2000)
    }

    @Test func malformedLinesWithNULBytesAreBinaryData() throws {
        [UInt8]([0x41, 0x00, 0x42]).withUnsafeBytes { #expect(ByteScanning.containsNUL($0)) }
        [UInt8]([0x41, 0x42]).withUnsafeBytes { #expect(!ByteScanning.containsNUL($0)) }
        let bench = try IngestBench()
        try bench.write("a.log", CorpusLines.bytes(0..<20) + Array("bad\0line\n".utf8) + Array("plain bad line\n".utf8) + CorpusLines.bytes(20..<30))
        bench.ingest(["a.log"], quiet: true)
        let status = try bench.store.status()
        let reasons = Dictionary(uniqueKeysWithValues: status.malformed.map { ($0.reason, $0.count) })
        #expect(reasons[.binaryData] == 1)
        #expect(reasons.values.reduce(0, +) == 2)
        #expect(bench.requests == 30)
    }

    /// A format whose header sets the parser up (like W3C `#Fields:`): checkpoints in the
    /// middle of a file and later runs resume with the header shown to the new parser.
    @Test func headerStatefulFormatsResumeWithTheirHeader() throws {
        let format = LogFormat(name: "status-list", supportsChunking: false) { HeaderStatefulParser() }
        var options = IngestOptions(format: format, workers: 2)
        options.checkpointBytes = 64
        let bench = try IngestBench()
        var text = "#Fields: status\n"
        for i in 0..<200 { text += "\(200 + i % 5)\n" }
        try bench.write("w3c.log", Array(text.utf8))
        bench.ingest(["w3c.log"], quiet: true, options: options)
        #expect(bench.requests == 200)
        try bench.append("w3c.log", Array(String(repeating: "503\n", count: 50).utf8))
        bench.ingest(["w3c.log"], quiet: true, options: options)
        #expect(bench.requests == 250)
        #expect(try bench.store.malformedSummary(in: .all).total == 0)
        // The same file rotated and compressed after more lines: resumed in the stream too.
        try bench.append("w3c.log", Array(String(repeating: "404\n", count: 30).utf8))
        try bench.shell("mv w3c.log w3c.log.1 && gzip w3c.log.1")
        bench.ingest(["w3c.log.1.gz"], quiet: true, options: options)
        #expect(bench.requests == 280)
        #expect(try bench.store.malformedSummary(in: .all).total == 0)
    }

    /// Without the writer lock (a store shared over NFS, say), two engines on one database
    /// still count every line once: the ledger's optimistic check refuses the slower commit,
    /// which then resumes from the faster one's position.
    @Test func twoEnginesWithoutTheLockCountEveryLineOnce() throws {
        for round in 0..<4 {
            let bench = try IngestBench()
            try bench.write("a.log", CorpusLines.bytes(0..<3000))
            try bench.write("b.log", CorpusLines.bytes(3000..<5000))
            try bench.write("c.log", CorpusLines.bytes(5000..<6000))
            try bench.shell("gzip c.log")
            var stepped = IngestOptions(workers: 1)
            stepped.checkpointBytes = 8192
            let options = stepped
            let other = try SQLiteStore(path: bench.dbPath)
            let group = DispatchGroup()
            let failures = LockedMessages()
            for (store, names) in [(bench.store, ["a.log", "b.log", "c.log.gz"]), (other, ["c.log.gz", "b.log", "a.log"])] {
                group.enter()
                Thread {
                    for outcome in bench.ingest(names, quiet: true, options: options, store: store) {
                        if case .failed(_, let message) = outcome { failures.append(message) }
                    }
                    group.leave()
                }.start()
            }
            group.wait()
            #expect(failures.all.isEmpty, "round \(round): \(failures.all)")
            #expect(bench.requests == 6000, "round \(round)")
            #expect(bench.ledgerLines == 6000, "round \(round)")
        }
    }

    /// A full database stops the run: the file being read keeps what was committed, the
    /// files after it are not attempted, and every message says why.
    @Test func aFullDatabaseStopsTheRun() throws {
        let bench = try IngestBench()
        var big: [UInt8] = []
        for _ in 0..<3 { big += CorpusLines.bytes(0..<10_000) }
        try bench.write("big.log", big)
        try bench.write("next.log", CorpusLines.bytes(100..<200))
        var options = IngestOptions(workers: 1)
        options.checkpointBytes = 100_000
        // Room for a few commits, not for all of them.
        let pages = try bench.store.connection.prepare("PRAGMA page_count").firstRow { Int($0.int(0)) } ?? 0
        try bench.store.connection.limitPages(pages + 40)
        let outcomes = bench.ingest(["big.log", "next.log"], quiet: true, options: options)
        guard case .failed(_, let first) = outcomes[0], case .failed(_, let second) = outcomes[1] else {
            Issue.record("both fail: \(outcomes)")
            return
        }
        #expect(first.contains("database or its disk is full"), "\(first)")
        #expect(first.contains("stay counted"), "\(first)")
        #expect(second.contains("next.log: not read: the database or its disk is full"), "\(second)")
        let partial = bench.requests
        #expect(partial > 0 && partial < 30_000)
        try bench.store.connection.limitPages(1 << 30)
        bench.ingest(["big.log", "next.log"], quiet: true, options: options)
        #expect(bench.requests == 30_100)
    }
}

/// Reads lines that are a bare status, but only after a `#Fields: status` header.
struct HeaderStatefulParser: LineParser {
    var ready = false

    mutating func parse(_ line: UnsafeRawBufferPointer, into record: inout RequestRecord) -> LineParseResult {
        if line.starts(with: Array("#Fields: status".utf8)) { ready = true; return .skip }
        guard ready else { return .malformed(.unrecognisedLayout) }
        var status = 0
        for byte in line {
            guard byte >= 0x30 && byte <= 0x39 else { return .malformed(.badStatus) }
            status = status * 10 + Int(byte - 0x30)
        }
        record.reset()
        record.status = status
        record.timestamp = 1_431_856_800
        return .request
    }
}

/// Messages added from several threads.
private final class LockedMessages: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    func append(_ message: String) {
        lock.lock()
        messages.append(message)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return messages
    }
}
