import Foundation
import Testing
@testable import ErrAnalyzeKit

/// A record's fields as plain values, for comparisons in tests.
struct Parsed: Equatable, CustomStringConvertible {
    var timestamp: Int64
    var method: String
    var path: String
    var status: Int
    var code: String = ""
    var client: String = ""
    var durationMicros: Int64 = -1
    var idempotency = false
    var retryAfter = false

    init(timestamp: Int64, method: String, path: String, status: Int, code: String = "", client: String = "",
         durationMicros: Int64 = -1, idempotency: Bool = false, retryAfter: Bool = false) {
        self.timestamp = timestamp
        self.method = method
        self.path = path
        self.status = status
        self.code = code
        self.client = client
        self.durationMicros = durationMicros
        self.idempotency = idempotency
        self.retryAfter = retryAfter
    }

    init(_ r: RequestRecord) {
        timestamp = r.timestamp
        method = String(decoding: r.method, as: UTF8.self)
        path = String(decoding: r.path, as: UTF8.self)
        status = r.status
        code = String(decoding: r.errorCode, as: UTF8.self)
        client = String(decoding: r.client, as: UTF8.self)
        durationMicros = r.durationMicros
        idempotency = r.hasIdempotencyKey
        retryAfter = r.hasRetryAfter
    }

    var description: String {
        "\(timestamp) \(method) \(path) \(status) code=\(code) client=\(client) dur=\(durationMicros) idem=\(idempotency) retry=\(retryAfter)"
    }
}

/// 2026-11-20T10:05:03Z, the first second of the sample logs.
let sampleEpoch: Int64 = 1_795_169_103

/// Parses one line with a parser that keeps its state between calls.
func parse(_ parser: inout any LineParser, _ line: String) -> (LineParseResult, Parsed?) {
    var bytes = Array(line.utf8)
    return parse(&parser, bytes: &bytes)
}

func parse(_ parser: inout any LineParser, bytes: inout [UInt8]) -> (LineParseResult, Parsed?) {
    var record = RequestRecord()
    let result = bytes.withUnsafeBytes { parser.parse($0, into: &record) }
    return (result, result == .request ? Parsed(record) : nil)
}

/// Parses `lines` in order with a fresh parser of `format`.
func parseAll(_ format: LogFormat, _ lines: [String]) -> [(LineParseResult, Parsed?)] {
    var parser = format.makeParser()
    return lines.map { parse(&parser, $0) }
}

/// The one request `line` gives with a fresh parser of `format` (failing the test otherwise).
func request(_ format: LogFormat, _ line: String, sourceLocation: SourceLocation = #_sourceLocation) -> Parsed? {
    var parser = format.makeParser()
    let (result, parsed) = parse(&parser, line)
    #expect(result == .request, "\(line)", sourceLocation: sourceLocation)
    return parsed
}

func result(_ format: LogFormat, _ line: String) -> LineParseResult {
    var parser = format.makeParser()
    return parse(&parser, line).0
}

func preset(_ name: String) -> LogFormat {
    guard let format = FormatRegistry.preset(named: name) else {
        Issue.record("no preset \(name)")
        return FormatRegistry.presets[0]
    }
    return format
}

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func sampleLines(_ name: String) throws -> [String] {
    let url = packageRoot.appendingPathComponent("SampleLogs/formats").appendingPathComponent(name)
    let text = try String(contentsOf: url, encoding: .utf8)
    return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
}

/// The name of the preset detected for `lines`.
func detectedName(_ lines: [String]) -> String? {
    let arrays = lines.map { Array($0.utf8) }
    var buffers: [UnsafeRawBufferPointer] = []
    var pointers: [UnsafeMutableRawBufferPointer] = []
    for a in arrays {
        let p = UnsafeMutableRawBufferPointer.allocate(byteCount: max(a.count, 1), alignment: 1)
        p.copyBytes(from: a)
        pointers.append(p)
        buffers.append(UnsafeRawBufferPointer(start: p.baseAddress, count: a.count))
    }
    defer { pointers.forEach { $0.deallocate() } }
    return FormatRegistry.detect(sample: buffers)?.name
}

/// Requests (with their positions) of a whole sample file.
func requests(_ format: LogFormat, file: String) throws -> [Parsed] {
    try parseAll(format, sampleLines(file)).compactMap { $0.1 }
}
