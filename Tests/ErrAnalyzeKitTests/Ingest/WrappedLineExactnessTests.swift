import Foundation
import Testing
@testable import ErrAnalyzeKit
@testable import ErrAnalyzeSQLite

/// A container log with lines cut into pieces (CRI `P` … `F`) counts each line once however
/// the file is cut: between the workers of one run, between checkpoints, between runs.
@Suite struct WrappedLineExactnessTests {
    /// CRI lines of corpus lines 0..<24; line 10 in three pieces with a stderr line between
    /// two of them, line 12 in two pieces. Returns the bytes and where the pieces lie.
    /// `variant` changes the first line's (unread) runtime timestamp: each variant is another
    /// file to the ledger, with the same lines at the same offsets.
    static func criFile(variant: Int = 0) -> (bytes: [UInt8], groups: Range<Int>) {
        var out: [UInt8] = []
        var groupStart = 0, groupEnd = 0
        func put(_ stream: String, _ tag: String, _ content: ArraySlice<UInt8>) {
            let fraction = out.isEmpty ? String(format: "%09d", variant) : "123456789"
            out += Array("2026-11-20T10:05:03.\(fraction)Z \(stream) \(tag) ".utf8) + content + [0x0A]
        }
        for i in 0..<24 {
            let line = CorpusLines.all[i].dropLast()
            switch i {
            case 10:
                groupStart = out.count
                let a = line.startIndex + 25, b = line.startIndex + 60
                put("stdout", "P", line[..<a])
                put("stderr", "F", ArraySlice(Array("2026/11/20 10:05:03 [warn] 1#1: a warning".utf8)))
                put("stdout", "P", line[a..<b])
                put("stdout", "F", line[b...])
            case 12:
                let a = line.startIndex + 40
                put("stdout", "P", line[..<a])
                put("stdout", "F", line[a...])
                groupEnd = out.count
            default:
                put("stdout", "F", line[...])
            }
        }
        return (out, groupStart..<groupEnd)
    }

    static let expected: [Int: Int64] = {
        var counts: [Int: Int64] = [:]
        for line in CorpusLines.all[0..<24] {
            let text = String(decoding: line, as: UTF8.self)
            let status = Int(text.split(separator: "\"")[2].split(separator: " ")[0])!
            counts[status, default: 0] += 1
        }
        return counts
    }()

    static func statuses(_ store: SQLiteStore) throws -> [Int: Int64] {
        var counts: [Int: Int64] = [:]
        for group in try store.trafficGroups(in: .all) { counts[group.status, default: 0] += group.counts.requests }
        return counts
    }

    /// The positions around the pieces where a cut behaves differently: two bytes either side
    /// of every line end, and each line's middle (any other byte of a line is cut like its
    /// middle: reading goes on to the line's end).
    static func cutPositions() -> [Int] {
        let (bytes, groups) = criFile()
        var positions: Set<Int> = []
        var lineStart = groups.lowerBound
        for i in groups.lowerBound..<groups.upperBound where bytes[i] == 0x0A {
            for p in (lineStart - 2)...(lineStart + 2) { positions.insert(p) }
            positions.insert((lineStart + i) / 2)
            lineStart = i + 1
        }
        for p in (lineStart - 2)...(lineStart + 2) { positions.insert(p) }
        return positions.sorted()
    }

    static var physicalLines: Int64 { Int64(criFile().bytes.filter { $0 == 0x0A }.count) }

    @Test func everyCheckpointPositionAroundThePiecesCountsEachLineOnce() throws {
        // The first step ends at every position around the pieces (`cutPositions`); each
        // step is split between two workers (whose cut sweeps the pieces too). One store:
        // each variant of the file adds exactly one more file's counts.
        let bench = try IngestBench()
        var runs: Int64 = 0
        for step in Self.cutPositions() {
            let bytes = Self.criFile(variant: step).bytes
            try bench.write("\(step).log", bytes)
            let options = IngestOptions(workers: 2, checkpointBytes: Int64(step), minimumBytesToSplit: 1)
            let outcome = bench.ingest(["\(step).log"], quiet: true, options: options)
            runs += 1
            guard case .ingested(let report) = outcome[0] else { Issue.record("step \(step): \(outcome)"); return }
            #expect(report.format == "cri+combined")
            #expect(report.requests == 24 && report.lines == Self.physicalLines, "checkpoint every \(step) bytes")
            #expect(try Self.statuses(bench.store) == Self.expected.mapValues { $0 * runs }, "checkpoint every \(step) bytes")
            #expect(bench.ledgerLines == Self.physicalLines * runs, "checkpoint every \(step) bytes")
        }
    }

    @Test func everyResumePositionAroundThePiecesCountsEachLineOnce() throws {
        let bench = try IngestBench()
        var runs: Int64 = 0
        for cut in Self.cutPositions() {
            let bytes = Self.criFile(variant: cut).bytes
            // A file being written: the first run sees it cut at `cut`.
            try bench.write("\(cut).log", Array(bytes[..<cut]))
            let first = bench.ingest(["\(cut).log"], options: IngestOptions(workers: 2, minimumBytesToSplit: 1))
            if case .ingested(let report) = first[0] {
                let position = Int(report.bytesRead)
                #expect(Self.startsALine(bytes, at: position), "cut \(cut): stopped at \(position), inside a line in pieces")
            }
            try bench.append("\(cut).log", Array(bytes[cut...]))
            bench.ingest(["\(cut).log"], quiet: true, options: IngestOptions(workers: 2, minimumBytesToSplit: 1))
            runs += 1
            #expect(try Self.statuses(bench.store) == Self.expected.mapValues { $0 * runs }, "cut at byte \(cut)")
            #expect(bench.ledgerLines == Self.physicalLines * runs, "cut at byte \(cut)")
        }
    }

    /// Whether `position` starts a line that is not the continuation of a line in pieces.
    static func startsALine(_ bytes: [UInt8], at position: Int) -> Bool {
        guard position > 0 else { return true }
        guard bytes[position - 1] == 0x0A else { return false }
        // No stdout piece before it is waiting for its end.
        var open = false
        var start = 0
        for i in 0..<position where bytes[i] == 0x0A {
            let line = String(decoding: bytes[start..<i], as: UTF8.self)
            if line.contains(" stdout P ") { open = true } else if line.contains(" stdout F ") { open = false }
            start = i + 1
        }
        return !open
    }

    @Test func aLiveFileEndingInAPieceWaitsAFinishedOneCountsIt() throws {
        // The whole line in a `P` piece; its (empty) last piece comes later, or never.
        let piece = Array("2026-11-20T10:05:03.1Z stdout P ".utf8) + CorpusLines.all[0]
        let rest = Array("2026-11-20T10:05:03.1Z stdout F \n".utf8)
        let first = Array("2026-11-20T10:05:03.0Z stdout F ".utf8) + CorpusLines.all[1]

        let live = try IngestBench()
        try live.write("0.log", first + piece)
        live.ingest(["0.log"])
        #expect(live.requests == 1)
        #expect(try live.store.ledgerEntries().first?.bytesRead == Int64(first.count), "stops before the piece")
        try live.append("0.log", rest)
        live.ingest(["0.log"])
        #expect(live.requests == 2)
        #expect(live.ledgerLines == 3)

        let finished = try IngestBench()
        try finished.write("0.log", first + piece)
        finished.ingest(["0.log"], quiet: true)
        #expect(finished.requests == 2, "a finished file's last piece is read as it is")
    }
}
