import Foundation
import Testing
@testable import ErrAnalyzeKit

/// A source over an in-memory buffer that returns at most `chunk` bytes per read, to
/// exercise every block boundary.
final class MemorySource: ByteSource {
    let bytes: [UInt8]
    var offset = 0
    let chunk: Int
    init(_ bytes: [UInt8], chunk: Int = .max) { self.bytes = bytes; self.chunk = chunk }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - offset, chunk)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }
}

func gzipped(_ text: String) throws -> [UInt8] {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("x")
    try Data(text.utf8).write(to: file)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/gzip")
    p.arguments = ["-n", file.path]
    try p.run()
    p.waitUntilExit()
    return Array(try Data(contentsOf: dir.appendingPathComponent("x.gz")))
}

func readAll(_ source: ByteSource) throws -> [UInt8] {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 7)
    while true {
        let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        if n == 0 { return out }
        out += buffer[0..<n]
    }
}

func lines(of bytes: [UInt8], tail: Bool = true, blockSize: Int = 4096, maxLine: Int = 4096, chunk: Int = .max) throws -> (lines: [String], overlong: Int, consumed: Int64) {
    let reader = LineReader(source: MemorySource(bytes, chunk: chunk), blockSize: blockSize, maxLineLength: maxLine)
    var result: [String] = []
    var overlong = 0
    try reader.forEachLine(includeUnterminatedTail: tail, onLine: { result.append(String(decoding: $0, as: UTF8.self)) },
                           onOverlongLine: { overlong += 1 })
    return (result, overlong, reader.consumedOffset)
}

@Suite struct GzipSourceTests {
    @Test func decompressesEveryMember() throws {
        let data = try gzipped("first member\n") + gzipped("second member\n")
        let out = try readAll(GzipSource(upstream: MemorySource(data, chunk: 5), name: "x.gz"))
        #expect(String(decoding: out, as: UTF8.self) == "first member\nsecond member\n")
    }

    @Test func ignoresZeroPaddingAfterTheLastMember() throws {
        let data = try gzipped("padded\n") + [UInt8](repeating: 0, count: 512)
        #expect(try readAll(GzipSource(upstream: MemorySource(data), name: "x.gz")) == Array("padded\n".utf8))
    }

    @Test func truncatedStreamIsAnErrorNamingTheFile() throws {
        let data = try gzipped(String(repeating: "a line of text\n", count: 500))
        let cut = Array(data[0..<(data.count / 2)])
        #expect(throws: InputError.truncated("cut.gz", .gzip)) {
            _ = try readAll(GzipSource(upstream: MemorySource(cut), name: "cut.gz"))
        }
    }

    @Test func corruptDataIsAnError() throws {
        var data = try gzipped(String(repeating: "some log line\n", count: 100))
        for i in 12..<min(40, data.count - 8) { data[i] ^= 0x5A }
        #expect(throws: (any Error).self) { _ = try readAll(GzipSource(upstream: MemorySource(data), name: "bad.gz")) }
    }

    @Test func refusesAGzipBombPastTheRatio() throws {
        // 100 MB of zeros compresses about 1000:1.
        let bomb = try gzipped(String(repeating: "\0", count: 100 << 20))
        #expect(throws: InputError.decompressionRatioExceeded("bomb.gz", .gzip, limit: 100)) {
            let source = try GzipSource(upstream: MemorySource(bomb), name: "bomb.gz", maxRatio: 100)
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while try buffer.withUnsafeMutableBytes({ try source.read(into: $0) }) > 0 {}
        }
    }
}

@Suite struct LineReaderTests {
    @Test func splitsLinesAndStripsCarriageReturns() throws {
        let r = try lines(of: Array("a\r\nbb\n\nccc\n".utf8))
        #expect(r.lines == ["a", "bb", "", "ccc"])
        #expect(r.consumed == 11)
    }

    @Test func unterminatedLastLineCountsOnlyWhenAsked() throws {
        let bytes = Array("one\ntwo\nthr".utf8)
        #expect(try lines(of: bytes, tail: true).lines == ["one", "two", "thr"])
        let held = try lines(of: bytes, tail: false)
        #expect(held.lines == ["one", "two"])
        #expect(held.consumed == 8, "the next run resumes at the start of the partial line")
    }

    @Test func linesSpanningBlocksAreWhole() throws {
        let text = (0..<500).map { "line number \($0) " + String(repeating: "x", count: $0 % 37) }.joined(separator: "\n") + "\n"
        let r = try lines(of: Array(text.utf8), blockSize: 4096, chunk: 33)
        #expect(r.lines == text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
    }

    @Test func overlongLinesAreReportedOnceAndSkipped() throws {
        let huge = String(repeating: "y", count: 50_000)
        let r = try lines(of: Array("short\n\(huge)\nafter\n\(huge)".utf8), blockSize: 4096, maxLine: 8192)
        #expect(r.lines == ["short", "after"])
        #expect(r.overlong == 2)
    }

    @Test func skipResumesMidStream() throws {
        let reader = LineReader(source: MemorySource(Array("aaaa\nbbbb\ncccc\n".utf8)), blockSize: 4096)
        #expect(try reader.skip(5) == 5)
        var seen: [String] = []
        try reader.forEachLine(includeUnterminatedTail: true, onLine: { seen.append(String(decoding: $0, as: UTF8.self)) }, onOverlongLine: {})
        #expect(seen == ["bbbb", "cccc"])
        #expect(reader.consumedOffset == 15)
    }
}
