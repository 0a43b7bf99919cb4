import Foundation
import Testing
@testable import ErrAnalyzeKit

/// The name detection gives `lines`, container wrappers included.
func detectedWrappedName(_ lines: [String]) -> String? {
    lines.map { Array($0.utf8) }.withUnsafeBufferViews { FormatRegistry.detectWrapped(sample: $0)?.name }
}

/// `line` as Docker's json-file driver writes it: `log` escaped as Go's encoder does
/// (`<`, `>`, `&` as \u escapes), `stream`, `time`.
func dockerLine(_ log: String, stream: String = "stdout", time: String = "2026-11-20T10:05:03.123456789Z") -> String {
    var escaped = ""
    for scalar in log.unicodeScalars {
        switch scalar {
        case "\"": escaped += "\\\""
        case "\\": escaped += "\\\\"
        case "\n": escaped += "\\n"
        case "\t": escaped += "\\t"
        case "<": escaped += "\\u003c"
        case ">": escaped += "\\u003e"
        case "&": escaped += "\\u0026"
        default:
            if scalar.value < 0x20 { escaped += String(format: "\\u%04x", scalar.value) } else { escaped.unicodeScalars.append(scalar) }
        }
    }
    return #"{"log":""# + escaped + #"","stream":""# + stream + #"","time":""# + time + #""}"#
}

@Suite struct ContainerWrapperTests {
    static let combined = #"203.0.113.9 - - [20/Nov/2026:10:05:03 +0000] "GET /v1/contacts/42?a=1&b=<x> HTTP/1.1" 404 93 "-" "curl/8.4.0""#
    static let expected = Parsed(timestamp: sampleEpoch, method: "GET", path: "/v1/contacts/42?a=1&b=<x>", status: 404, client: "203.0.113.9")

    @Test func criLinesAreUnwrappedAndDetectedByTheirInnerFormat() {
        let lines = (0..<5).map { "2026-11-20T10:05:03.12345678\($0)Z stdout F " + Self.combined }
        #expect(detectedWrappedName(lines) == "cri+combined", "not vhost_combined: the wrapper comes off first")
        let format = preset("cri+combined")
        #expect(request(format, lines[0]) == Self.expected)
    }

    @Test func criPiecesAreJoinedPerStreamUntilTheirLastPiece() {
        let format = preset("cri+combined")
        let half = Self.combined.utf8.count / 2
        let first = String(decoding: Array(Self.combined.utf8)[..<half], as: UTF8.self)
        let rest = String(decoding: Array(Self.combined.utf8)[half...], as: UTF8.self)
        var parser = format.makeParser()
        let pieces = [
            "2026-11-20T10:05:03.1Z stdout P " + first,
            // The other stream between two pieces: its own line, not part of this one.
            "2026-11-20T10:05:03.2Z stderr F 2026/11/20 10:05:03 [warn] 7#7: *1 an upstream response is buffered",
            "2026-11-20T10:05:03.3Z stdout F " + rest,
        ]
        var results: [(LineParseResult, Parsed?)] = []
        var held: [Bool] = []
        for piece in pieces {
            results.append(parse(&parser, piece))
            held.append(parser.holdsPartialRecord)
        }
        #expect(held == [true, true, false])
        #expect(results[0].0 == .skip)
        #expect(results[1].0 == .skip, "a line on stderr that is not a request is skipped, not malformed")
        #expect(results[2].0 == .request)
        #expect(results[2].1 == Self.expected)
    }

    @Test func aPieceWhoseEndNeverCameIsReadAtTheEndOfAFinishedInput() {
        var parser = preset("cri+combined").makeParser()
        _ = parse(&parser, "2026-11-20T10:05:03.1Z stdout P " + Self.combined)
        #expect(parser.holdsPartialRecord)
        var record = RequestRecord()
        #expect(parser.finishPartialRecord(into: &record) == .request)
        #expect(Parsed(record) == Self.expected)
        #expect(parser.finishPartialRecord(into: &record) == nil)
        #expect(!parser.holdsPartialRecord)
    }

    @Test func stdoutLinesThatAreNotRequestsStayMalformedStderrRequestsCount() {
        let format = preset("cri+combined")
        #expect(result(format, "2026-11-20T10:05:03.1Z stdout F this is not an access line") == .malformed(.unrecognisedLayout))
        #expect(result(format, "2026-11-20T10:05:03.1Z stderr F " + Self.combined) == .request)
        #expect(result(format, "not a CRI line at all") == .malformed(.unrecognisedLayout))
        // An empty line: the runtime may drop the space before its (empty) content.
        #expect(result(format, "2026-11-20T10:05:03.1Z stderr F") == .skip)
    }

    @Test func dockerLinesAreUnescapedAndLongLinesJoined() {
        let lines = (0..<5).map { _ in dockerLine(Self.combined + "\n") }
        #expect(detectedWrappedName(lines) == "docker+combined")
        let format = preset("docker+combined")
        #expect(request(format, lines[0]) == Self.expected)
        // Docker cuts a line at 16 KiB: pieces without the trailing newline.
        var parser = format.makeParser()
        let bytes = Array(Self.combined.utf8)
        let a = String(decoding: bytes[..<40], as: UTF8.self), b = String(decoding: bytes[40...], as: UTF8.self)
        #expect(parse(&parser, dockerLine(a)).0 == .skip)
        #expect(parse(&parser, dockerLine("panic: oh no\n", stream: "stderr")).0 == .skip)
        let joined = parse(&parser, dockerLine(b + "\n"))
        #expect(joined.0 == .request)
        #expect(joined.1 == Self.expected)
        // A value ending in an escaped backslash and an `n` is not a newline.
        #expect(DockerJSONLogWrapper.endsLine(UnsafeRawBufferPointer(start: nil, count: 0)))
        var w = DockerJSONLogWrapper()
        let tricky = Array(#"{"log":"a\\n","stream":"stdout"}"#.utf8)
        #expect(tricky.withUnsafeBytes { w.unwrap($0)?.endsLine } == false)
    }

    @Test func jsonApplicationLinesInsideDockerWithJSONFields() throws {
        let app = #"{"ts":"2026-11-20T10:05:03Z","req":{"verb":"POST","uri":"/v1/orders"},"res":{"status":503},"err":"upstream_timeout"}"#
        let lines = (0..<4).map { _ in dockerLine(app + "\n") }
        let fields = try FormatRegistry.json(fields: "time=ts,method=req.verb,path=req.uri,status=res.status,code=err")
        let format = lines.map { Array($0.utf8) }.withUnsafeBufferViews { FormatRegistry.wrapping(fields, sample: $0) }
        #expect(format.name == "docker+json")
        let parsed = request(format, lines[0])
        #expect(parsed?.status == 503)
        #expect(parsed?.path == "/v1/orders")
        #expect(parsed?.code == "upstream_timeout")
    }

    @Test func aTimestampPrefixComesOffOnlyWhenTheLinesReadBetterWithout() {
        let kubectl = (0..<5).map { "2026-11-20T10:05:03.00000000\($0)Z " + Self.combined }
        #expect(detectedWrappedName(kubectl) == "timestamped+combined")
        #expect(request(preset("timestamped+combined"), kubectl[0]) == Self.expected)
        // Plain lines are no wrapper's.
        #expect(detectedWrappedName([Self.combined, Self.combined]) == "combined")
    }

    @Test func wrappedNamesResolveForTheLedger() {
        #expect(FormatRegistry.preset(named: "cri+combined")?.name == "cri+combined")
        #expect(FormatRegistry.preset(named: "docker+nginx-json")?.name == "docker+nginx-json")
        #expect(FormatRegistry.preset(named: "cri+nonsense") == nil)
        #expect(FormatRegistry.preset(named: "cri+combined")?.endsRecord != nil)
        #expect(FormatRegistry.preset(named: "combined")?.endsRecord == nil)
        // `--format cri+combined` on CRI lines is not wrapped twice.
        let lines = ["2026-11-20T10:05:03.1Z stdout F " + Self.combined]
        let named = lines.map { Array($0.utf8) }.withUnsafeBufferViews { FormatRegistry.wrapping(preset("cri+combined"), sample: $0) }
        #expect(named.name == "cri+combined")
        #expect(request(named, lines[0]) == Self.expected)
    }
}
