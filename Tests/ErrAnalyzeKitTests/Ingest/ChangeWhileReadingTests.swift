import Foundation
import Testing
@testable import ErrAnalyzeKit

/// A file truncated or rewritten while an ingest reads it (`copytruncate` during a run): the
/// step being read is discarded, nothing is committed past the bytes parsed, and the rotated
/// copy and the new file, ingested next, count every line exactly once.
///
/// The change is made from the engine's own hooks, at a commit chosen at random (seeded):
/// either between two steps (`afterCommit`: the next step's reads end early or return other
/// bytes) or after a step was parsed and before it is committed (`beforeCommit`).
@Suite struct ChangeWhileReadingTests {
    enum Reading: CaseIterable, Sendable {
        /// One plain file, each step split across two workers.
        case split
        /// Several small files read side by side, one per worker.
        case sideBySide
        /// A format whose header sets the parser up (W3C): one sequential reader.
        case sequential
        /// A gzip file: a stream.
        case gzip
    }

    enum Moment: CaseIterable, Sendable { case betweenSteps, afterParsing }

    enum Change: CaseIterable, Sendable {
        /// `truncate -s 0`.
        case truncated
        /// Truncated, then the server writes new lines (`copytruncate`).
        case truncatedThenWritten
        /// Replaced in place by other content, longer than the original.
        case rewrittenLonger
        /// Replaced in place by content with the same first KiB and other lines after it.
        case rewrittenSameHead
        /// Split reads only, between steps: cut inside the next step's first range after that
        /// step was planned on the longer file (its first range ends early, its second range
        /// reads nothing), then emptied as copytruncate leaves it.
        case truncatedInsideNextStep
    }

    struct Case: CustomStringConvertible, Sendable {
        var reading: Reading
        var moment: Moment
        var change: Change
        var commit: Int
        var description: String { "\(reading) \(moment) \(change) at commit \(commit)" }
    }

    /// Cases chosen at random (fixed seed) for every way of reading.
    static let cases: [Case] = {
        var generator = TestRandom(seed: 11)
        var result: [Case] = []
        for reading in Reading.allCases {
            for _ in 0..<6 {
                let moment = Moment.allCases.randomElement(using: &generator)!
                let change = reading == .gzip
                    ? [Change.truncated, .truncatedThenWritten, .rewrittenLonger].randomElement(using: &generator)!
                    : [Change.truncated, .truncatedThenWritten, .rewrittenLonger, .rewrittenSameHead].randomElement(using: &generator)!
                result.append(Case(reading: reading, moment: moment, change: change, commit: Int.random(in: 1...14, using: &generator)))
            }
            // The first and the last moments, always.
            result.append(Case(reading: reading, moment: .afterParsing, change: .truncated, commit: 1))
            result.append(Case(reading: reading, moment: .betweenSteps, change: .truncatedThenWritten, commit: 1))
        }
        for commit in [1, 4, 9] {
            result.append(Case(reading: .split, moment: .betweenSteps, change: .truncatedInsideNextStep, commit: commit))
        }
        return result
    }()

    static let stepBytes: Int64 = 32 << 10

    static func options(_ reading: Reading) -> IngestOptions {
        var options = IngestOptions(workers: 2, checkpointBytes: stepBytes, minimumBytesToSplit: 8 << 10)
        options.minimumBytesToReadAlone = 64 << 20
        if reading == .sequential { options.format = FormatRegistry.preset(named: "w3c") }
        return options
    }

    /// The original content of the file that changes, and what the change leaves in it.
    static func contents(_ reading: Reading, _ change: Change) -> (original: [UInt8], after: [UInt8]) {
        let original = reading == .sequential ? W3CLines.file(0..<3000) : CorpusLines.bytes(0..<1500)
        let other = reading == .sequential ? W3CLines.file(20_000..<23_600) : CorpusLines.bytes(5000..<6800)
        switch change {
        case .truncated, .truncatedInsideNextStep: return (original, [])
        case .truncatedThenWritten:
            return (original, reading == .sequential ? W3CLines.file(30_000..<30_040) : CorpusLines.bytes(9000..<9040))
        case .rewrittenLonger: return (original, other)
        case .rewrittenSameHead:
            let cut = original.prefix(9000).lastIndex(of: 0x0A)! + 1
            return (original, Array(original.prefix(cut)) + other)
        }
    }

    @Test(arguments: cases)
    func theCopyAndTheNewFileCountExactlyOnce(_ c: Case) throws {
        let bench = try IngestBench()
        let (original, after) = Self.contents(c.reading, c.change)
        let compressed = c.reading == .gzip
        let name = compressed ? "v.log.gz" : "v.log"
        let copy = compressed ? "v.log.1.gz" : "v.log.1"
        try bench.write("v.log", original)
        try bench.write("after", after)
        if compressed { try bench.shell("gzip -n v.log && gzip -n after") }
        try bench.shell("cp \(name) \(copy)")
        let afterFile = compressed ? "after.gz" : "after"
        // Other files read beside it.
        var others: [String] = []
        if c.reading == .sideBySide {
            try bench.write("a.log", CorpusLines.bytes(3000..<4000))
            try bench.write("b.log", CorpusLines.bytes(4000..<5000))
            try bench.shell("gzip -n b.log")
            others = ["a.log", "b.log.gz"]
        }

        let target = bench.path(name)
        let stepEnd = Self.stepEnds(of: original)[min(c.commit, 20)]
        let trigger = ChangeTrigger(path: target, commit: c.commit, moment: c.moment) {
            if c.change == .truncatedInsideNextStep {
                _ = truncate(target, off_t(min(stepEnd + 5000, Int64(original.count))))
                return
            }
            // In place, as copytruncate does: the same inode, other content.
            _ = truncate(target, 0)
            if c.change != .truncated, let bytes = FileManager.default.contents(atPath: bench.path(afterFile)), !bytes.isEmpty {
                let handle = FileHandle(forWritingAtPath: target)!
                handle.write(bytes)
                handle.closeFile()
            }
        }
        var options = Self.options(c.reading)
        options.beforeCommit = { path, _ in trigger.beforeCommit(path: path) }
        options.afterCommit = { _ in trigger.afterCommit() }
        let first = bench.ingest(c.reading == .sideBySide ? ["a.log", name, "b.log.gz"] : [name], quiet: true, options: options)
        let report = first.compactMap { outcome -> FileReport? in
            if case .ingested(let r) = outcome, r.path == target { return r }
            return nil
        }.first
        #expect(!first.contains { $0.isFailure }, "\(first)")
        if trigger.fired && c.moment == .afterParsing {
            #expect(report?.warning?.contains("changed while being read") == true, "\(String(describing: report))")
        }
        if !trigger.fired { trigger.change() }  // the run finished first: the change comes after it
        if c.change == .truncatedInsideNextStep { _ = truncate(target, 0) }

        // The rotated copy and the new file, as the next run finds them.
        let second = bench.ingest([copy, name], quiet: true, options: Self.options(c.reading))
        #expect(!second.contains { $0.isFailure }, "\(second)")

        let expected = Self.requests(in: original, c.reading) + Self.requests(in: after, c.reading) + (others.isEmpty ? 0 : 2000)
        #expect(bench.requests == Int64(expected), "\(c): \(first) then \(second)")
        // And the same database as one clean run over the same lines.
        let clean = try IngestBench()
        try clean.write("original", original)
        try clean.write("new", after)
        if !others.isEmpty { try clean.write("others", CorpusLines.bytes(3000..<5000)) }
        clean.ingest(["original", "new", "others"].filter { FileManager.default.fileExists(atPath: clean.path($0)) },
                     quiet: true, options: Self.options(c.reading))
        #expect(try StoreSignature(bench.store) == StoreSignature(clean.store), "\(c)")
    }

    /// Where the split reads' steps end (`options.checkpointBytes` past the last, then to the
    /// end of that line): entry `k` is the ledger's position after `k` commits.
    static func stepEnds(of content: [UInt8]) -> [Int64] {
        var ends: [Int64] = [0]
        while ends.count < 21 {
            let from = Int(ends.last!) + Int(stepBytes) - 1
            guard from < content.count, let newline = content[from...].firstIndex(of: 0x0A) else {
                ends.append(Int64(content.count))
                continue
            }
            ends.append(Int64(newline + 1))
        }
        return ends
    }

    /// Requests in `content`, counted independently: every line but the W3C header lines.
    static func requests(in content: [UInt8], _ reading: Reading) -> Int {
        content.split(separator: 0x0A).filter { $0.first != UInt8(ascii: "#") }.count
    }

    /// Truncated before a step is committed: nothing past the bytes parsed is recorded, the
    /// step is discarded, and the ledger's anchor describes what was counted.
    @Test func aTruncatedStepIsNotCommittedAndTheWarningSaysWhere() throws {
        let bench = try IngestBench()
        try bench.write("v.log", CorpusLines.bytes(0..<3000))
        let target = bench.path("v.log")
        let trigger = ChangeTrigger(path: target, commit: 3, moment: .afterParsing) { _ = truncate(target, 1000) }
        var options = Self.options(.split)
        options.beforeCommit = { path, _ in trigger.beforeCommit(path: path) }
        let outcomes = bench.ingest(["v.log"], quiet: true, options: options)
        guard case .ingested(let report) = outcomes[0] else { Issue.record("\(outcomes)"); return }
        let entry = try #require(try bench.store.ledgerEntries().first)
        #expect(report.lines == entry.lines && entry.lines > 0)
        #expect(report.warning == "\(target): changed while being read (truncated to 1000 bytes): counted up to byte \(entry.bytesRead); the rest is counted from its rotated copy when that is ingested, or by the next run")
        // Exactly the lines before the recorded position were counted.
        let counted = CorpusLines.bytes(0..<3000).prefix(Int(entry.bytesRead))
        #expect(counted.last == 0x0A)
        #expect(Int64(counted.filter { $0 == 0x0A }.count) == entry.lines)
        #expect(bench.requests == entry.lines)
    }
}

/// Makes a change once, at the `commit`-th commit of `path`: before it (after its step was
/// parsed) or just after it (before the next step is read). Commits of other files read side
/// by side are told apart by path and thread (a commit's hooks run on its reader's thread).
final class ChangeTrigger: @unchecked Sendable {
    private let lock = NSLock()
    private let path: String
    private let commit: Int
    private let moment: ChangeWhileReadingTests.Moment
    let change: () -> Void
    private var seen = 0
    private var armed: pthread_t?
    private(set) var fired = false

    init(path: String, commit: Int, moment: ChangeWhileReadingTests.Moment, change: @escaping () -> Void) {
        self.path = path
        self.commit = commit
        self.moment = moment
        self.change = change
    }

    func beforeCommit(path: String) {
        lock.withLock {
            guard path == self.path, !fired else { return }
            seen += 1
            guard seen == commit else { return }
            switch moment {
            case .afterParsing:
                fired = true
                change()
            case .betweenSteps:
                armed = pthread_self()
            }
        }
    }

    func afterCommit() {
        lock.withLock {
            guard !fired, let armed, pthread_equal(armed, pthread_self()) != 0 else { return }
            fired = true
            change()
        }
    }
}

/// IIS W3C lines, each different (a header first, then one request per line).
enum W3CLines {
    static let header = """
        #Software: Microsoft Internet Information Services 10.0
        #Version: 1.0
        #Date: 2026-11-20 10:00:00
        #Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken X-Error-Code

        """

    static func file(_ range: Range<Int>) -> [UInt8] {
        var text = header
        let statuses = [200, 201, 404, 429, 500, 503]
        for i in range {
            let second = i % 60, minute = (i / 60) % 60, hour = 10 + (i / 3600) % 12
            let time = String(format: "%02d:%02d:%02d", hour, minute, second)
            text += "2026-11-20 \(time) 10.0.0.4 GET /v1/items/\(i &* 7919 % 100_003) - 443 - 203.0.113.\(i % 250) curl/8.4.0 - \(statuses[i % statuses.count]) 0 0 \(i % 97) -\n"
        }
        return Array(text.utf8)
    }
}
