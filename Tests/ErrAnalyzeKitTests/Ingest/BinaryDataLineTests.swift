import Foundation
import Testing
@testable import ErrAnalyzeKit

/// A line with a NUL byte anywhere is malformed `binary_data`, never a request, in every
/// format family: text presets, `--log-format` templates, JSON presets and `--json-fields`.
@Suite struct BinaryDataLineTests {
    /// Where the NUL goes in each data line: the middle (inside a path or a JSON string), the
    /// first byte (an empty client), the last byte (after every field a parser reads).
    enum Place: CaseIterable, Sendable { case middle, start, end }

    static let files = SampleLogTests.cases.map(\.file)

    @Test(arguments: files, Place.allCases)
    func nulLinesAreBinaryDataInEveryFormat(_ file: String, _ place: Place) throws {
        let format = try SampleLogTests.format(file)
        let lines = try sampleLines(file).map { Array($0.utf8) }
        let bench = try IngestBench()
        let options = IngestOptions(format: format, workers: 1)

        // Every other data line gets a NUL; header and blank lines stay as they are.
        var content: [UInt8] = []
        var kept: [UInt8] = []
        var data = 0, poisoned = 0
        for line in lines {
            let isData = !(line.isEmpty || line.first == UInt8(ascii: "#"))
            if isData { data += 1 }
            if isData && data % 2 == 1 {
                var bytes = line
                switch place {
                case .middle: bytes.insert(0, at: bytes.count / 2)
                case .start: bytes.insert(0, at: 0)
                case .end: bytes.append(0)
                }
                content += bytes + [0x0A]
                poisoned += 1
            } else {
                content += line + [0x0A]
                kept += line + [0x0A]
            }
        }
        #expect(poisoned > 0)
        try bench.write("poisoned.log", content)
        bench.ingest(["poisoned.log"], quiet: true, options: options)

        // The same file without the poisoned lines: what must be counted.
        let clean = try IngestBench()
        try clean.write("kept.log", kept)
        clean.ingest(["kept.log"], quiet: true, options: options)

        #expect(bench.requests == clean.requests, "\(file) \(place): a line with a NUL counted as a request")
        let reasons = try bench.store.malformedSummary(in: .all).byReason
        let cleanReasons = try clean.store.malformedSummary(in: .all).byReason
        #expect(reasons[.binaryData] == Int64(poisoned), "\(file) \(place): \(reasons)")
        var others = reasons
        others[.binaryData] = nil
        #expect(others == cleanReasons, "\(file) \(place)")
    }

    /// The issue's examples: a NUL inside the path (`/v1/a%00b` in reports) and a NUL for a
    /// client; and a JSON line with a raw NUL inside a string.
    @Test func theIssuesLinesAreBinaryData() throws {
        let bench = try IngestBench()
        var text = CorpusLines.bytes(0..<10)
        text += Array(#"10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET /v1/a"#.utf8) + [0] + Array(#"b HTTP/1.1" 200 10 "-" "curl""#.utf8) + [0x0A]
        text += [0] + Array(#" - - [17/May/2015:10:05:03 +0000] "GET /v1/x HTTP/1.1" 200 10 "-" "curl""#.utf8) + [0x0A]
        try bench.write("a.log", text)
        bench.ingest(["a.log"], quiet: true)
        #expect(bench.requests == 10)
        #expect(try bench.store.malformedSummary(in: .all).byReason[.binaryData] == 2)

        let json = try IngestBench()
        var lines = Array(#"{"time":"2026-11-20T10:05:03Z","method":"GET","path":"/v1/a","status":404}"#.utf8) + [0x0A]
        lines += Array(#"{"time":"2026-11-20T10:05:04Z","method":"GET","path":"/v1/a"#.utf8) + [0] + Array(#"b","status":404}"#.utf8) + [0x0A]
        try json.write("app.jsonl", lines)
        json.ingest(["app.jsonl"], quiet: true, options: IngestOptions(format: FormatRegistry.preset(named: "json"), workers: 1))
        #expect(json.requests == 1)
        #expect(try json.store.malformedSummary(in: .all).byReason[.binaryData] == 1)
    }
}
