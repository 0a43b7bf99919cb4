// libFuzzer entry points for erranalyze's input stage, built with the library's sources by
// Scripts/fuzz (not part of the SwiftPM package). One binary, five targets, chosen by
// FUZZ_TARGET: parsers, gzip, zstd, xz, lines. Any input must give an answer or a clean error; an
// invariant that breaks stops the fuzzer with a crash file to replay.
import Glibc

/// A source over the fuzz input that returns at most `chunk` bytes per read.
final class FuzzSource: ByteSource {
    let bytes: UnsafeRawBufferPointer
    var offset = 0
    let chunk: Int
    init(_ bytes: UnsafeRawBufferPointer, chunk: Int) { self.bytes = bytes; self.chunk = max(1, chunk) }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - offset, chunk)
        guard n > 0 else { return 0 }
        buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
        offset += n
        return n
    }
}

enum FuzzTarget: String {
    case parsers, gzip, zstd, xz, lines
}

nonisolated(unsafe) var target: FuzzTarget = .parsers

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    if let name = getenv("FUZZ_TARGET").map({ String(cString: $0) }), let chosen = FuzzTarget(rawValue: name) {
        target = chosen
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer?, _ count: Int) -> Int32 {
    let data = UnsafeRawBufferPointer(start: start, count: start == nil ? 0 : count)
    switch target {
    case .parsers: fuzzParsers(data)
    case .gzip: fuzzGzip(data)
    case .zstd: fuzzDecompressor(data, magic: [0x28, 0xB5, 0x2F, 0xFD]) { try ZstdSource(upstream: $0, name: "fuzz.zst", maxRatio: 100, inputBlockSize: 4096) }
    case .xz: fuzzDecompressor(data, magic: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { try XzSource(upstream: $0, name: "fuzz.xz", maxRatio: 100, inputBlockSize: 4096) }
    case .lines: fuzzLines(data)
    }
    return 0
}

/// Every preset parser on every line: an answer for each, the same from a fresh parser as from
/// one that read the lines before (for formats that can be split), and detection terminates.
func fuzzParsers(_ data: UnsafeRawBufferPointer) {
    var lines: [UnsafeRawBufferPointer] = []
    var lineStart = 0
    for i in 0..<data.count where data[i] == 0x0A {
        lines.append(UnsafeRawBufferPointer(rebasing: data[lineStart..<i]))
        lineStart = i + 1
    }
    lines.append(UnsafeRawBufferPointer(rebasing: data[lineStart...]))
    for format in FormatRegistry.presets {
        var warmed = format.makeParser()
        for line in lines {
            var record = RequestRecord()
            let inContext = warmed.parse(line, into: &record)
            let contextStatus = record.status, contextTime = record.timestamp
            var fresh = format.makeParser()
            var again = RequestRecord()
            let alone = fresh.parse(line, into: &again)
            if format.supportsChunking && (alone != inContext || (alone == .request && (again.status != contextStatus || again.timestamp != contextTime))) {
                fatalError("\(format.name): a line parses differently after other lines")
            }
        }
    }
    _ = FormatRegistry.detect(sample: Array(lines.prefix(50)))
}

/// The gzip reader on arbitrary bytes: it decompresses, or fails with an InputError, in
/// bounded output (the ratio limit), whatever the read sizes.
func fuzzGzip(_ data: UnsafeRawBufferPointer) {
    let chunk = data.isEmpty ? 1 : Int(data[data.count - 1]) * 37 + 1
    // Give the fuzzer a head start: bytes that do not start like gzip get a valid gzip
    // header in front half the time, so that the deflate decoder is reached.
    var framed = Array(data)
    if data.count > 1 && !(data[0] == 0x1F && data[1] == 0x8B) && data[0] & 1 == 1 {
        framed = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03] + Array(data.dropFirst())
    }
    framed.withUnsafeBytes { bytes in
        do {
            let source = try GzipSource(upstream: FuzzSource(bytes, chunk: chunk), name: "fuzz.gz", maxRatio: 100, inputBlockSize: 4096)
            var out = [UInt8](repeating: 0, count: 8192)
            var total = 0
            while total < 32 << 20 {
                let n = try out.withUnsafeMutableBytes { try source.read(into: $0) }
                if n == 0 { break }
                total += n
            }
        } catch is InputError {
            // A clean refusal is a correct answer.
        } catch {
            fatalError("unexpected error \(error)")
        }
    }
}

/// The zstd and xz readers on arbitrary bytes, as the gzip one: an answer or an InputError,
/// in bounded output, whatever the read sizes. Half the inputs get the format's magic in
/// front, so that the decoder gets past its first check.
func fuzzDecompressor(_ data: UnsafeRawBufferPointer, magic: [UInt8], make: (ByteSource) throws -> ByteSource) {
    let chunk = data.isEmpty ? 1 : Int(data[data.count - 1]) * 37 + 1
    var framed = Array(data)
    if data.count > 1 && !framed.starts(with: magic) && data[0] & 1 == 1 {
        framed = magic + Array(data.dropFirst())
    }
    framed.withUnsafeBytes { bytes in
        do {
            let source = try make(FuzzSource(bytes, chunk: chunk))
            var out = [UInt8](repeating: 0, count: 8192)
            var total = 0
            while total < 32 << 20 {
                let n = try out.withUnsafeMutableBytes { try source.read(into: $0) }
                if n == 0 { break }
                total += n
            }
        } catch is InputError {
            // A clean refusal is a correct answer.
        } catch {
            fatalError("unexpected error \(error)")
        }
    }
}

/// The line reader: the lines it delivers, with their newlines, are the input (minus the
/// carriage returns it strips and overlong lines it drops), whatever the block and read
/// sizes; resuming at any point gives the rest.
func fuzzLines(_ data: UnsafeRawBufferPointer) {
    guard data.count >= 2 else { return }
    let chunk = Int(data[0]) + 1
    let body = UnsafeRawBufferPointer(rebasing: data[2...])
    let reader = LineReader(source: FuzzSource(body, chunk: chunk), blockSize: 4096, maxLineLength: 8192)
    var delivered = 0
    var overlong = 0
    var newlines = 0
    for byte in body where byte == 0x0A { newlines += 1 }
    do {
        if data[1] & 1 == 1 {
            let target = Int64(Int(data[1]) * 97 % (body.count + 1))
            let reached = try reader.advance(to: target)
            if reached && reader.consumedOffset < target { fatalError("advance stopped early") }
        }
        try reader.forEachLine(includeUnterminatedTail: data[1] & 2 == 2, onLine: { line in
            delivered += 1
            if line.count > 8192 { fatalError("a line longer than the limit was delivered") }
            if line.contains(0x0A) { fatalError("a line contains a newline") }
        }, onOverlongLine: { overlong += 1 })
    } catch {
        fatalError("a memory source cannot fail: \(error)")
    }
    if delivered + overlong > newlines + 1 { fatalError("more lines than newlines") }
    if reader.consumedOffset > Int64(body.count) { fatalError("consumed past the end") }
}
