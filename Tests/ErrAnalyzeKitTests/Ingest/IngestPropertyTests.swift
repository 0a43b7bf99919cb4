import Foundation
import Testing
@testable import ErrAnalyzeKit

/// Properties that hold for any input, checked on many seeded random cases (a failure names
/// its seed, so that it can be replayed).
@Suite struct IngestPropertyTests {
    // MARK: Parsers

    /// What a parse produced, copied out of the parser's buffers.
    struct Parsed: Equatable {
        var result: LineParseResult
        var fields: [[UInt8]] = []
        var numbers: [Int64] = []

        init<P: LineParser>(_ parser: inout P, _ line: [UInt8]) {
            var record = RequestRecord()
            result = line.withUnsafeBytes { parser.parse($0, into: &record) }
            if result == .request {
                fields = [record.method, record.path, record.errorCode, record.client].map { Array($0) }
                numbers = [record.timestamp, Int64(record.status), record.durationMicros,
                           record.hasIdempotencyKey ? 1 : 0, record.hasRetryAfter ? 1 : 0]
            }
        }
    }

    static func mutate(_ line: [UInt8], _ random: inout TestRandom) -> [UInt8] {
        var bytes = line
        let specials: [UInt8] = Array("\"[] -:/+?0123456789\0\r\t\\{}".utf8) + [0xFF, 0xC3, 0x80]
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &random)] = specials.randomElement(using: &random)!
            case 1 where !bytes.isEmpty: bytes.removeLast(Int.random(in: 0...bytes.count, using: &random))
            case 2: bytes.insert(specials.randomElement(using: &random)!, at: Int.random(in: 0...bytes.count, using: &random))
            case 3 where !bytes.isEmpty: bytes.remove(at: Int.random(in: 0..<bytes.count, using: &random))
            case 4: bytes = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            default: bytes += bytes.prefix(Int.random(in: 0...20, using: &random))
            }
        }
        return bytes
    }

    /// Any bytes give a request, a skip or a malformed line (never a crash); the same line
    /// gives the same answer from a fresh parser and from one that has read other lines
    /// before (its caches, such as the last timestamp, change nothing).
    @Test(arguments: [1, 2, 3, 4])
    func parsersAnswerEveryLineTheSameWayWhateverCameBefore(seed: UInt64) throws {
        var random = TestRandom(seed: seed)
        let base = CorpusLines.all.prefix(2000).map { Array($0.dropLast()) }
        for format in FormatRegistry.presets {
            func check<P: LineParser>(_ fresh: () -> P) {
                var warmed = fresh()
                var requests = 0
                for _ in 0..<3000 {
                    let line = Bool.random(using: &random)
                        ? base.randomElement(using: &random)!
                        : Self.mutate(base.randomElement(using: &random)!, &random)
                    var one = fresh()
                    let first = Parsed(&one, line)
                    let again = Parsed(&one, line)
                    let afterOthers = Parsed(&warmed, line)
                    #expect(first == again, "\(format.name), seed \(seed): \(String(decoding: line, as: UTF8.self))")
                    if format.supportsChunking {
                        #expect(first == afterOthers, "\(format.name), seed \(seed): \(String(decoding: line, as: UTF8.self))")
                    }
                    if first.result == .request {
                        requests += 1
                        #expect(first.numbers[1] >= 0, "status of a request is not negative")
                    }
                }
                if ["combined", "common"].contains(format.name) {
                    #expect(requests > 0, "\(format.name): the unmutated corpus lines are requests")
                }
            }
            func open<P: LineParser>(_ parser: P) { check { parser } }
            open(format.makeParser())
        }
    }

    // MARK: Splitting and merging

    /// Reading a file in one pass, or in checkpoints of any size split across any number of
    /// workers, or resumed run after run as it grew, gives the same database.
    @Test(arguments: [10, 20, 30])
    func anySplitGivesTheSameTotalsAsOnePass(seed: UInt64) throws {
        var random = TestRandom(seed: seed)
        var lines = Array(CorpusLines.all[0..<3000])
        for _ in 0..<20 {
            lines.insert(Self.mutate(Array(lines.randomElement(using: &random)!.dropLast()), &random).filter { $0 != 0x0A } + [0x0A],
                         at: Int.random(in: 0...lines.count, using: &random))
        }
        let data = lines.flatMap { $0 }
        let baseline = try IngestBench()
        try baseline.write("a.log", data)
        baseline.ingest(["a.log"], quiet: true, options: IngestOptions(workers: 1, checkpointBytes: 1 << 40))
        let expected = try StoreSignature(baseline.store)
        #expect(expected.lines == Int64(lines.count))

        for trial in 0..<6 {
            var options = IngestOptions(workers: Int.random(in: 1...4, using: &random),
                                        checkpointBytes: Int64.random(in: 200...300_000, using: &random),
                                        minimumBytesToSplit: Int64.random(in: 1000...200_000, using: &random))
            options.maxLineLength = 4096
            let bench = try IngestBench()
            let compressed = trial % 3 == 2
            // Written and read in a few growing pieces, cut anywhere (even inside a line).
            var cuts = (0..<Int.random(in: 0...4, using: &random)).map { _ in Int.random(in: 0...data.count, using: &random) }
            cuts = (cuts + [data.count]).sorted()
            var written = 0
            for cut in cuts {
                try bench.append("a.log", Array(data[written..<cut]))
                written = cut
                if !compressed { bench.ingest(["a.log"], quiet: false, options: options) }
            }
            if compressed { try bench.shell("gzip a.log") }
            bench.ingest([compressed ? "a.log.gz" : "a.log"], quiet: true, options: options)
            let got = try StoreSignature(bench.store)
            #expect(got == expected, "seed \(seed) trial \(trial): workers \(options.workers), checkpoint \(options.checkpointBytes), cuts \(cuts)")
        }
    }

    // MARK: Rotation sequences

    /// A random life of a log folder (appends, half-written lines, logrotate with
    /// delaycompress, copytruncate, runs while files are live or quiet) counts every line
    /// written exactly once; with no half-written line counted early, the whole database
    /// equals one clean run.
    @Test(arguments: [100, 101, 102, 103, 104, 105])
    func randomRotationsAndRunsCountEveryLineOnce(seed: UInt64) throws {
        var random = TestRandom(seed: seed)
        let pool = CorpusLines.all
        let bench = try IngestBench()
        var next = 0
        var partial = 0  // bytes of pool[next] already written without the rest
        var written: [UInt8] = []
        var countedEarly = false
        var log: [String] = []
        let options = IngestOptions(workers: Int.random(in: 1...3, using: &random), checkpointBytes: Int64.random(in: 300...50_000, using: &random),
                                    minimumBytesToSplit: 4096)
        func finishPartial() throws {
            guard partial > 0 else { return }
            let rest = Array(pool[next][partial...])
            try bench.append("access.log", rest)
            written += rest
            partial = 0
            next += 1
        }
        func shiftRotated() throws {
            for n in stride(from: 9, through: 2, by: -1) where FileManager.default.fileExists(atPath: bench.path("access.log.\(n).gz")) {
                try bench.shell("mv access.log.\(n).gz access.log.\(n + 1).gz")
            }
            if FileManager.default.fileExists(atPath: bench.path("access.log.1")) {
                try bench.shell("mv access.log.1 access.log.2 && gzip access.log.2")
            }
        }
        func files() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: bench.directory).filter { $0.hasPrefix("access.log") }.sorted()
        }
        try bench.write("access.log", [])
        for _ in 0..<24 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0...3:
                try finishPartial()
                let k = Int.random(in: 0...150, using: &random)
                let chunk = pool[next..<min(next + k, pool.count)].flatMap { $0 }
                try bench.append("access.log", chunk)
                written += chunk
                next = min(next + k, pool.count)
                if Bool.random(using: &random) && next < pool.count {
                    partial = Int.random(in: 1..<pool[next].count, using: &random)
                    try bench.append("access.log", Array(pool[next][0..<partial]))
                    written += pool[next][0..<partial]
                }
                log.append("append \(k)\(partial > 0 ? " + \(partial) bytes" : "")")
            case 4:
                try finishPartial()
                try shiftRotated()
                try bench.shell("mv access.log access.log.1 && : > access.log")
                log.append("rotate")
            case 5:
                try finishPartial()
                try shiftRotated()
                try bench.shell("cp access.log access.log.1 && : > access.log")
                log.append("copytruncate")
            case 6:
                if partial > 0 { countedEarly = true }
                let failures = bench.ingest(try files(), quiet: true, options: options).filter(\.isFailure)
                #expect(failures.isEmpty, "seed \(seed): \(failures)")
                log.append("ingest (quiet)")
            default:
                let failures = bench.ingest(try files(), quiet: false, options: options).filter(\.isFailure)
                #expect(failures.isEmpty, "seed \(seed): \(failures)")
                log.append("ingest")
            }
        }
        try finishPartial()
        bench.ingest(try files(), quiet: true, options: options)
        let lineCount = written.filter { $0 == 0x0A }.count
        #expect(bench.ledgerLines == Int64(lineCount), "seed \(seed): \(log)")
        if !countedEarly {
            let clean = try IngestBench()
            try clean.write("all.log", written)
            clean.ingest(["all.log"], quiet: true)
            #expect(try StoreSignature(bench.store) == StoreSignature(clean.store), "seed \(seed): \(log)")
        }
    }
}
