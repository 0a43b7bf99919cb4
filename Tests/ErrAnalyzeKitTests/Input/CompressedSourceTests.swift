import Foundation
import Testing
@testable import ErrAnalyzeKit

/// Compresses `bytes` with the system's `tool` (an encoder independent of ours), e.g.
/// `["zstd", "-q", "-c"]`. Fails the test, saying which Debian package to install, if the
/// tool is missing (Scripts/lib/ensure-system-packages installs them).
func compressed(_ bytes: [UInt8], with tool: [String], package: String) throws -> [UInt8] {
    let executable = ["/usr/bin/", "/bin/"].map { $0 + tool[0] }.first { FileManager.default.isExecutableFile(atPath: $0) }
    let path = try #require(executable, "\(tool[0]) is not installed: apt-get install \(package)")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent("in")
    let output = dir.appendingPathComponent("out")
    try Data(bytes).write(to: input)
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = Array(tool.dropFirst())
    process.standardInput = try FileHandle(forReadingFrom: input)
    process.standardOutput = try FileHandle(forWritingTo: output)
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(tool) failed")
    return Array(try Data(contentsOf: output))
}

func zstd(_ text: String, _ options: [String] = []) throws -> [UInt8] {
    try compressed(Array(text.utf8), with: ["zstd", "-q", "-c"] + options, package: "zstd")
}

func xz(_ text: String, _ options: [String] = []) throws -> [UInt8] {
    try compressed(Array(text.utf8), with: ["xz", "-q", "-c"] + options, package: "xz-utils")
}

/// Reads a source to its end in 1 MiB blocks (for large outputs).
func drain(_ source: ByteSource) throws -> Int {
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var total = 0
    while true {
        let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        if n == 0 { return total }
        total += n
    }
}

/// About 1 MB of lines that do not compress to nothing: several blocks in every format.
let largeLog: String = {
    var state: UInt64 = 42
    return (0..<12_000).map { i -> String in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return "10.\(state >> 56).\((state >> 48) & 255).\((state >> 40) & 255) - - [17/May/2015:10:05:\(i % 60) +0000] \"GET /v1/items/\(state >> 20) HTTP/1.1\" 200 \(state & 0xFFFF)\n"
    }.joined()
}()

let sampleLog = (0..<2000).map { "10.0.0.\($0 % 250) - - [17/May/2015:10:05:\($0 % 60) +0000] \"GET /v1/items/\($0) HTTP/1.1\" 200 \($0)\n" }.joined()

@Suite struct ZstdSourceTests {
    @Test func decompressesEveryFrameInSmallReads() throws {
        let data = try zstd("first frame\n") + zstd("second frame\n") + zstd(sampleLog)
        let out = try readAll(ZstdSource(upstream: MemorySource(data, chunk: 3), name: "x.zst", inputBlockSize: 5))
        #expect(String(decoding: out, as: UTF8.self) == "first frame\nsecond frame\n" + sampleLog)
    }

    @Test func skipsSkippableFrames() throws {
        // A skippable frame (magic 0x184D2A50, 4-byte length) before and between frames, as pzstd writes.
        let skippable: [UInt8] = [0x50, 0x2A, 0x4D, 0x18, 4, 0, 0, 0, 1, 2, 3, 4]
        let data = try skippable + zstd("a\n") + skippable + zstd("b\n")
        #expect(ContentKind(magic: data) == .compressed(.zstd))
        #expect(try readAll(ZstdSource(upstream: MemorySource(data), name: "x.zst")) == Array("a\nb\n".utf8))
    }

    @Test func truncatedStreamIsReportedAfterTheBytesBeforeIt() throws {
        let data = try zstd(largeLog)
        let cut = Array(data[0..<(data.count * 2 / 3)])
        let source = try ZstdSource(upstream: MemorySource(cut), name: "cut.zst")
        var delivered: [UInt8] = []
        #expect(throws: InputError.truncated("cut.zst", .zstd)) {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if n == 0 { break }
                delivered += buffer[0..<n]
            }
        }
        #expect(delivered.count > 100_000 && largeLog.utf8.starts(with: delivered), "the bytes before the cut are delivered first")
        // Cut inside the second frame: the whole first frame still comes out.
        let two = try zstd("whole\n") + zstd(sampleLog)
        let cutTwo = Array(two[0..<(two.count - 40)])
        #expect(throws: InputError.truncated("t.zst", .zstd)) { _ = try readAll(ZstdSource(upstream: MemorySource(cutTwo), name: "t.zst")) }
    }

    @Test func corruptDataIsAnErrorNamingZstd() throws {
        var data = try zstd(sampleLog)
        for i in 20..<min(80, data.count - 8) { data[i] ^= 0x5A }
        #expect {
            _ = try readAll(ZstdSource(upstream: MemorySource(data), name: "bad.zst"))
        } throws: { error in
            guard case InputError.corrupt("bad.zst", .zstd, _) = error else { return false }
            return true
        }
    }

    @Test func refusesABombPastTheRatio() throws {
        let bomb = try compressed([UInt8](repeating: 0, count: 100 << 20), with: ["zstd", "-q", "-c"], package: "zstd")
        #expect(throws: InputError.decompressionRatioExceeded("bomb.zst", .zstd, limit: 100)) {
            _ = try drain(ZstdSource(upstream: MemorySource(bomb), name: "bomb.zst", maxRatio: 100))
        }
    }

    @Test func refusesWindowsLargerThanTheMemoryBound() throws {
        // --long=27 asks for a 128 MiB window whatever the input size.
        let data = try zstd(sampleLog, ["--long=27", "--zstd=wlog=27"])
        #expect(throws: InputError.needsTooMuchMemory("long.zst", .zstd, limitMiB: 16)) {
            _ = try readAll(ZstdSource(upstream: MemorySource(data), name: "long.zst"))
        }
        // Level 19 (the highest without --ultra) is read.
        #expect(try readAll(ZstdSource(upstream: MemorySource(try zstd(sampleLog, ["-19"])), name: "19.zst")) == Array(sampleLog.utf8))
    }
}

@Suite struct XzSourceTests {
    @Test func decompressesEveryStreamAndItsPadding() throws {
        // Stream padding: multiples of four zero bytes between and after streams.
        let data = try xz("first stream\n") + [0, 0, 0, 0] + xz(sampleLog) + [0, 0, 0, 0, 0, 0, 0, 0]
        let out = try readAll(XzSource(upstream: MemorySource(data, chunk: 3), name: "x.xz", inputBlockSize: 5))
        #expect(String(decoding: out, as: UTF8.self) == "first stream\n" + sampleLog)
    }

    @Test func truncatedStreamIsReportedAfterTheBytesBeforeIt() throws {
        let data = try xz(largeLog)
        let cut = Array(data[0..<(data.count * 2 / 3)])
        let source = try XzSource(upstream: MemorySource(cut), name: "cut.xz")
        var delivered: [UInt8] = []
        #expect(throws: InputError.truncated("cut.xz", .xz)) {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if n == 0 { break }
                delivered += buffer[0..<n]
            }
        }
        #expect(delivered.count > 100_000 && largeLog.utf8.starts(with: delivered), "the bytes before the cut are delivered first")
        // Cut inside the index of the last stream: all content was there, the stream is still incomplete.
        let tail = Array(data[0..<(data.count - 6)])
        #expect(throws: InputError.truncated("t.xz", .xz)) { _ = try readAll(XzSource(upstream: MemorySource(tail), name: "t.xz")) }
    }

    @Test func corruptDataIsAnErrorNamingXz() throws {
        var data = try xz(sampleLog)
        for i in 40..<min(100, data.count - 8) { data[i] ^= 0x5A }
        #expect {
            _ = try readAll(XzSource(upstream: MemorySource(data), name: "bad.xz"))
        } throws: { error in
            guard case InputError.corrupt("bad.xz", .xz, _) = error else { return false }
            return true
        }
    }

    @Test func refusesABombPastTheRatio() throws {
        let bomb = try compressed([UInt8](repeating: 0, count: 100 << 20), with: ["xz", "-q", "-c", "-0"], package: "xz-utils")
        #expect(throws: InputError.decompressionRatioExceeded("bomb.xz", .xz, limit: 100)) {
            _ = try drain(XzSource(upstream: MemorySource(bomb), name: "bomb.xz", maxRatio: 100))
        }
    }

    @Test func refusesDictionariesLargerThanTheMemoryBound() throws {
        let data = try xz(sampleLog, ["-8"])
        #expect(throws: InputError.needsTooMuchMemory("big.xz", .xz, limitMiB: 16)) {
            _ = try readAll(XzSource(upstream: MemorySource(data), name: "big.xz"))
        }
        #expect(try readAll(XzSource(upstream: MemorySource(try xz(sampleLog, ["-7"])), name: "7.xz")) == Array(sampleLog.utf8))
    }
}

@Suite struct ContentKindTests {
    @Test func recognisesEachCompressionByItsMagicBytes() throws {
        #expect(ContentKind(magic: try gzipped("x\n")) == .compressed(.gzip))
        #expect(ContentKind(magic: try zstd("x\n")) == .compressed(.zstd))
        #expect(ContentKind(magic: try xz("x\n")) == .compressed(.xz))
        #expect(ContentKind(magic: try compressed(Array("x\n".utf8), with: ["bzip2", "-c"], package: "bzip2")) == .unsupported(.bzip2))
        #expect(ContentKind(magic: try compressed([], with: ["bzip2", "-c"], package: "bzip2")) == .unsupported(.bzip2))
        #expect(ContentKind(magic: try compressed(Array("x\n".utf8), with: ["lz4", "-q", "-c"], package: "lz4")) == .unsupported(.lz4))
        #expect(ContentKind(magic: try compressed(Array("x\n".utf8), with: ["lz4", "-q", "-l", "-c"], package: "lz4")) == .unsupported(.lz4))
    }

    @Test func textThatStartsLikeAMagicIsPlain() {
        #expect(ContentKind(magic: Array("BZh9 is a fine name for a host\n".utf8)) == .plain)
        #expect(ContentKind(magic: Array("(\n".utf8)) == .plain)
        #expect(ContentKind(magic: [UInt8]()) == .plain)
        #expect(ContentKind(magic: [0x1F]) == .plain)
    }
}

@Suite struct FileNameTests {
    @Test func argumentBytesRoundTripEveryByteString() {
        var generator = SystemRandomNumberGenerator()
        let cases: [[UInt8]] = [
            Array("access.log".utf8), Array("bad".utf8) + [0xFF] + Array(".log".utf8), [0xC3], [0xC3, 0x28], [0xED, 0xA0, 0x80],
            [0xF4, 0x8F, 0xBF, 0xBF], [0xF4, 0x8F, 0xBE, 0x80], [0xC0, 0xAF], [0xF5, 0x80, 0x80, 0x80], Array("é—日本".utf8),
        ] + (0..<500).map { _ in (0..<Int.random(in: 0...12, using: &generator)).map { _ in UInt8.random(in: 1...255, using: &generator) } }
        for bytes in cases {
            let carried = ArgumentBytes.string(from: bytes)
            #expect(ArgumentBytes.bytes(of: carried) == bytes, "\(bytes)")
            if let text = String(validatingUTF8: bytes.map { CChar(bitPattern: $0) } + [0]),
               !text.unicodeScalars.contains(where: { ArgumentBytes.escapedRange.contains($0.value) }) {
                #expect(carried == text, "valid UTF-8 is carried unchanged")
            }
        }
    }

    @Test func escapesControlsInvalidBytesAndBidiButNothingElse() {
        #expect(FileNameEscaping.escaped(bytes: Array("bad".utf8) + [0xFF] + Array(".log".utf8)) == "bad\\xff.log")
        #expect(FileNameEscaping.escaped("a\u{1B}]8;;http://x\u{07}b\nc\rd\te\u{7F}") == "a\\x1b]8;;http://x\\x07b\\nc\\rd\\te\\x7f")
        #expect(FileNameEscaping.escaped("x\u{9B}31m\u{202E}gol.exe\u{2028}") == "x\\u009b31m\\u202egol.exe\\u2028")
        #expect(FileNameEscaping.escaped("/var/log/nginx/accès-日本.log") == "/var/log/nginx/accès-日本.log")
        let escaped = FileNameEscaping.escaped("\u{1B}[2J\\x41\u{FFFD}")
        #expect(escaped == "\\x1b[2J\\x41\u{FFFD}")
        #expect(FileNameEscaping.escaped(escaped) == escaped, "escaping an escaped name changes nothing")
    }
}
