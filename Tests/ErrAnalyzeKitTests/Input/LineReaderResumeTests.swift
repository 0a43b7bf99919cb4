import Foundation
import Testing
@testable import ErrAnalyzeKit

/// The parts of the line reader that resuming relies on: the bytes before the read position
/// (anchors), moving to a position without counting, and lines that an earlier run counted
/// without their newline.
@Suite struct LineReaderResumeTests {
    func reader(_ text: String, blockSize: Int = 4096, maxLine: Int = 4096, chunk: Int = .max) -> LineReader {
        LineReader(source: MemorySource(Array(text.utf8), chunk: chunk), blockSize: blockSize, maxLineLength: maxLine)
    }

    func collect(_ reader: LineReader, tail: Bool = true) throws -> [String] {
        var seen: [String] = []
        try reader.forEachLine(includeUnterminatedTail: tail, onLine: { seen.append(String(decoding: $0, as: UTF8.self)) }, onOverlongLine: {})
        return seen
    }

    @Test func recentBytesEndAtTheReadPositionAcrossBlockMoves() throws {
        // Lines of 100 bytes in a 4 kB buffer: the buffer is compacted many times.
        let lines = (0..<300).map { String(format: "%04d", $0) + String(repeating: "x", count: 95) }
        let text = lines.joined(separator: "\n") + "\n"
        let r = reader(text, chunk: 777)
        var checked = 0
        try r.forEachLine(includeUnterminatedTail: true, onLine: { line in
            let recent = r.recentBytes(LineReader.historyLength)
            let end = Int(r.consumedOffset)
            let expected = Array(text.utf8)[max(0, end - LineReader.historyLength)..<end]
            #expect(Array(recent) == Array(expected))
            checked += 1
        }, onOverlongLine: {})
        #expect(checked == 300)
        #expect(Array(r.recentBytes(5)) == Array("xxxx\n".utf8))
    }

    @Test func advanceStopsAtAPositionOnAOrInsideALine() throws {
        let text = "aaaa\nbbbb\ncccc\ndddd"
        let r = reader(text)
        var passed: [String] = []
        #expect(try r.advance(to: 5, onLine: { passed.append(String(decoding: $0, as: UTF8.self)) }))
        #expect(r.consumedOffset == 5 && passed == ["aaaa"])
        #expect(try r.advance(to: 12))
        #expect(r.consumedOffset == 12)
        #expect(Array(r.recentBytes(3)) == Array("\ncc".utf8))
        r.skipRestOfLine()
        #expect(try collect(r) == ["dddd"])
        #expect(r.endsMidLine, "the last line was delivered without a newline")
        #expect(r.consumedOffset == 19)

        let short = reader("only\n")
        #expect(try short.advance(to: 100) == false)
        #expect(short.consumedOffset == 5)
    }

    @Test func skipRestOfLineWithNoNewlineYetConsumesAndStaysMidLine() throws {
        let r = reader("rest of a line counted earlier")
        r.skipRestOfLine()
        #expect(try collect(r, tail: false) == [])
        #expect(r.consumedOffset == 30)
        #expect(r.endsMidLine)
    }

    @Test func heldBackTailLeavesThePositionAtTheLineStart() throws {
        let r = reader("one\ntwo\nthr")
        #expect(try collect(r, tail: false) == ["one", "two"])
        #expect(r.consumedOffset == 8)
        #expect(!r.endsMidLine)
    }

    /// An overlong line that has no newline yet is reported once: the position moves past
    /// its bytes, and the next run drops the rest of it instead of reporting it again.
    @Test func overlongUnfinishedLineIsReportedOnceAcrossRuns() throws {
        let long = String(repeating: "y", count: 20_000)
        var overlong = 0
        let first = reader("short\n" + long, blockSize: 4096, maxLine: 8192)
        var seen: [String] = []
        try first.forEachLine(includeUnterminatedTail: false, onLine: { seen.append(String(decoding: $0, as: UTF8.self)) },
                              onOverlongLine: { overlong += 1 })
        #expect(seen == ["short"] && overlong == 1)
        #expect(first.consumedOffset == Int64(6 + long.count))
        #expect(first.endsMidLine)
        // The next run: the line goes on, then ends, then another line.
        let text = "short\n" + long + "zzzz\nafter\n"
        let second = LineReader(source: MemorySource(Array(text.utf8)), blockSize: 4096, maxLineLength: 8192)
        #expect(try second.advance(to: first.consumedOffset))
        second.skipRestOfLine()
        seen = []
        try second.forEachLine(includeUnterminatedTail: false, onLine: { seen.append(String(decoding: $0, as: UTF8.self)) },
                               onOverlongLine: { overlong += 1 })
        #expect(seen == ["after"] && overlong == 1)
    }

    /// Property: for random text (empty lines, CRLF, long lines), block sizes, read sizes
    /// and resume points, the lines delivered are the lines of the text, each once.
    @Test func randomTextSplitsIntoItsLinesWhereverItIsCutOrResumed() throws {
        var generator = TestRandom(seed: 42)
        for _ in 0..<300 {
            let count = Int.random(in: 0...60, using: &generator)
            var lines: [String] = []
            for _ in 0..<count {
                let length = [0, 1, 5, 40, 300, 3000].randomElement(using: &generator)!
                lines.append(String((0..<length).map { _ in "abcdefgh \"[]/".randomElement(using: &generator)! }))
            }
            let crlf = Bool.random(using: &generator)
            let terminated = Bool.random(using: &generator)
            var text = lines.joined(separator: crlf ? "\r\n" : "\n")
            if terminated && !lines.isEmpty { text += crlf ? "\r\n" : "\n" }
            let bytes = Array(text.utf8)
            let blockSize = [4096, 5000, 8192].randomElement(using: &generator)!
            let chunk = Int.random(in: 1...9000, using: &generator)
            let maxLine = 16_384

            // One pass.
            let whole = LineReader(source: MemorySource(bytes, chunk: chunk), blockSize: blockSize, maxLineLength: maxLine)
            var seen: [String] = []
            try whole.forEachLine(includeUnterminatedTail: true, onLine: { seen.append(String(decoding: $0, as: UTF8.self)) }, onOverlongLine: {})
            // Unterminated, a last empty line is no line at all ("a\n" is one line).
            let expected = !terminated && lines.last == "" ? Array(lines.dropLast()) : lines
            #expect(seen == expected)
            #expect(whole.consumedOffset == Int64(bytes.count))

            // Stopped at a line start, then resumed by a new reader that advances there.
            let starts = [0] + bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 }
            let cut = starts.randomElement(using: &generator)!
            let before = lines.isEmpty ? 0 : starts.firstIndex(of: cut)!
            let resumed = LineReader(source: MemorySource(bytes, chunk: chunk), blockSize: blockSize, maxLineLength: maxLine)
            #expect(try resumed.advance(to: Int64(cut)))
            var rest: [String] = []
            try resumed.forEachLine(includeUnterminatedTail: true, onLine: { rest.append(String(decoding: $0, as: UTF8.self)) }, onOverlongLine: {})
            #expect(Array(seen.prefix(before)) + rest == seen, "resumed at byte \(cut)")
        }
    }
}

