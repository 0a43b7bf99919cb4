import Foundation
import Testing
@testable import ErrAnalyzeKit

/// The word-at-a-time paths of the wrappers (Docker's `log` decoder, CRI's scan for the space
/// after the timestamp) against a byte-at-a-time reading of the same lines: every escape at
/// every offset of a word, values and timestamps of every length around the word sizes.
@Suite struct WrapperFastPathTests {
    /// What Docker's `log` holds, read one byte at a time: the bytes up to the first unescaped
    /// quote, escapes decoded (`Escapes.unescapeJSON`, the JSON rules). Nil when there is no
    /// closing quote.
    static func referenceLog(_ line: [UInt8]) -> (content: [UInt8], endsLine: Bool, hasNUL: Bool, stream: ContainerStream)? {
        let prefix = Array(#"{"log":""#.utf8)
        guard line.count >= 10, Array(line.prefix(8)) == prefix else { return nil }
        var i = 8
        while i < line.count && line[i] != UInt8(ascii: "\"") {
            i += line[i] == UInt8(ascii: "\\") ? 2 : 1
        }
        guard i < line.count else { return nil }
        let raw = Array(line[8..<i])
        var decoded = [UInt8](repeating: 0, count: raw.count)
        let n = raw.withUnsafeBytes { r in decoded.withUnsafeMutableBufferPointer { Escapes.unescapeJSON(r, to: $0.baseAddress!) } }
        decoded.removeSubrange(n...)
        let rest = String(decoding: line[(i + 1)...], as: UTF8.self)
        let stream: ContainerStream
        if rest.hasPrefix(#","stream":"stderr""#) { stream = .stderr }
        else if rest.hasPrefix(",") || rest.hasPrefix("}") { stream = .stdout }
        else { return nil }
        var endsLine = false
        if decoded.last == 0x0A {
            endsLine = true
            decoded.removeLast()
            if decoded.last == 0x0D { decoded.removeLast() }
        }
        return (decoded, endsLine, decoded.contains(0), stream)
    }

    /// The wrapper's reading of `line`, copied out of its scratch space.
    static func unwrapped(_ line: [UInt8]) -> (content: [UInt8], endsLine: Bool, hasNUL: Bool, stream: ContainerStream)? {
        var wrapper = DockerJSONLogWrapper()
        return line.withUnsafeBytes { bytes in
            wrapper.unwrap(bytes).map { (Array($0.content), $0.endsLine, $0.hasNUL, $0.stream) }
        }
    }

    static func same(_ line: [UInt8]) -> Bool {
        let a = unwrapped(line), b = referenceLog(line)
        guard let a, let b else { return a == nil && b == nil }
        return a.content == b.content && a.endsLine == b.endsLine && a.hasNUL == b.hasNUL && a.stream == b.stream
    }

    static let escapes = [#"\""#, #"\\"#, #"\/"#, #"\n"#, #"\t"#, #"\r"#, #"\b"#, #"\f"#, #"\u0041"#, #"\u00e9"#,
                          #"\u20ac"#, #"\ud83d\ude00"#, #"\ud83d"#, #"\u0000"#, #"\q"#, #"\u12"#]
    static let tails = [#"","stream":"stdout","time":"2026-11-20T10:05:03.123456789Z"}"#, #"","stream":"stderr"}"#, #""}"#, #"""#]

    @Test func everyEscapeAtEveryOffsetDecodesAsByteByByte() {
        var checked = 0
        for escape in Self.escapes {
            for before in 0..<34 {
                for after in [0, 1, 7, 8, 9, 15, 16, 17, 30] {
                    for tail in Self.tails {
                        let value = String(repeating: "a", count: before) + escape + String(repeating: "b", count: after) + #"\n"#
                        let line = Array((#"{"log":""# + value + tail).utf8)
                        #expect(Self.same(line), "\(String(decoding: line, as: UTF8.self))")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == Self.escapes.count * 34 * 9 * Self.tails.count)
        // The decoded values themselves, for a few (the reference shares `unescapeJSON`).
        let line = Array(#"{"log":"say \"hi\" \\ \/ caf\u00e9 \ud83d\ude00\t!\n","stream":"stdout"}"#.utf8)
        #expect(Self.unwrapped(line)?.content == Array("say \"hi\" \\ / café 😀\t!".utf8))
        #expect(Self.unwrapped(line)?.endsLine == true)
    }

    @Test func escapesBackToBackAndAtTheValuesEnd() {
        for count in 1..<40 {
            for escape in [#"\""#, #"\\"#, #"\n"#, #"\u0022"#] {
                let value = String(repeating: escape, count: count)
                for tail in Self.tails {
                    #expect(Self.same(Array((#"{"log":""# + value + tail).utf8)), "\(count) × \(escape)")
                    // Without the final newline: a piece of a longer line.
                    #expect(Self.same(Array((#"{"log":"x"# + value + "y" + tail).utf8)))
                }
            }
        }
        // `\\` then `n` is a backslash and an `n`, not a newline; `\\` then `"` ends the value.
        #expect(Self.unwrapped(Array(#"{"log":"a\\n","stream":"stdout"}"#.utf8))?.content == Array(#"a\n"#.utf8))
        #expect(Self.unwrapped(Array(#"{"log":"a\\n","stream":"stdout"}"#.utf8))?.endsLine == false)
        #expect(Self.unwrapped(Array(#"{"log":"a\\","stream":"stdout"}"#.utf8))?.content == Array(#"a\"#.utf8))
    }

    @Test func rawBytesAndInvalidUTF8AreCopiedAsTheyAre() {
        for position in 0..<33 {
            for odd: [UInt8] in [[0xFF], [0xC3], [0xE2, 0x82], [0x80, 0x80, 0x80], [0x7F], [0x01]] {
                var value = [UInt8](repeating: UInt8(ascii: "x"), count: 33)
                value.insert(contentsOf: odd, at: position)
                let line = Array(#"{"log":""#.utf8) + value + Array(#"\n","stream":"stdout"}"#.utf8)
                #expect(Self.same(line))
                #expect(Self.unwrapped(line)?.content == value)
            }
        }
    }

    @Test func linesThatAreNotDockerStayUnread() {
        for line in [#"{"log":"no closing quote"#, #"{"log":"ends in a backslash\"#, #"{"log":"x"trailing"#,
                     #"{"lag":"x\n","stream":"stdout"}"#, #"{"log":"#,
                     #"{"log":"0123456789abcdef0123456789\"#, #"{"log":"0123456789abcdef0123456789"#] {
            #expect(Self.unwrapped(Array(line.utf8)) == nil, "\(line)")
            #expect(Self.same(Array(line.utf8)), "\(line)")
        }
    }

    /// Docker cuts a line longer than 16 KiB into pieces of 16 KiB of the application's bytes
    /// (escaped afterwards): the pieces joined give the line back, escapes across the cuts too.
    @Test func sixteenKiBPiecesJoinIntoTheLine() {
        var text: [UInt8] = []
        var k = 0
        while text.count < 40_000 {
            text += Array("field\(k)=\"v\\al\"\tué€;".utf8)
            k += 1
        }
        var lines: [[UInt8]] = []
        var start = 0
        while start < text.count {
            let end = min(start + 16 << 10, text.count)
            let last = end == text.count
            let piece = String(decoding: text[start..<end], as: UTF8.self) + (last ? "\n" : "")
            lines.append(Array(dockerLine(piece).utf8))
            start = end
        }
        #expect(lines.count == 3)
        let inner = lines.withUnsafeBufferViews { ContainerWrapperKind.docker.innerLines($0) }
        #expect(inner == [text])
        for line in lines { #expect(Self.same(line)) }
        // Through the format's parser: one request once the last piece has come.
        let request = Array("203.0.113.9 - - [20/Nov/2026:10:05:03 +0000] \"GET /p?q=".utf8) + Array(repeating: UInt8(ascii: "z"), count: 20_000)
            + Array(" HTTP/1.1\" 503 93 \"-\" \"agent \\\"quoted\\\"\"".utf8)
        var pieces: [String] = []
        start = 0
        while start < request.count {
            let end = min(start + 16 << 10, request.count)
            pieces.append(dockerLine(String(decoding: request[start..<end], as: UTF8.self) + (end == request.count ? "\n" : "")))
            start = end
        }
        var parser = FormatRegistry.preset(named: "docker+combined")!.makeParser()
        var record = RequestRecord()
        var results: [LineParseResult] = []
        for piece in pieces {
            results.append(Array(piece.utf8).withUnsafeBytes { parser.parse($0, into: &record) })
        }
        #expect(results == [.skip, .request])
        #expect(record.status == 503)
    }

    @Test func criTimestampsOfEveryLengthFindTheirSpace() {
        let content = #"203.0.113.9 - - [20/Nov/2026:10:05:03 +0000] "GET / HTTP/1.1" 200 5 "-" "x""#
        for digits in 0...12 {
            let fraction = digits == 0 ? "" : "." + String(repeating: "7", count: digits)
            for zone in ["Z", "+01:00"] {
                for (stream, tag) in [("stdout", "F"), ("stderr", "P"), ("stdout", "F:x")] {
                    for body in [content, "", "a", "0123456"] {
                        let line = "2026-11-20T10:05:03\(fraction)\(zone) \(stream) \(tag) \(body)"
                        var wrapper = CRILogWrapper()
                        let piece = Array(line.utf8).withUnsafeBytes { b in wrapper.unwrap(b).map { (Array($0.content), $0.stream, $0.endsLine) } }
                        #expect(piece?.0 == Array(body.utf8), "\(line)")
                        #expect(piece?.1 == (stream == "stdout" ? .stdout : .stderr))
                        #expect(piece?.2 == tag.hasPrefix("F"))
                    }
                }
            }
        }
        for line in ["2026-11-20T10:05:03Z stdoux F x", "2026-11-20T10:05:03Z stdout X x", "2026-11-20T10:05:03.123456789Z",
                     "2026-11-20T10:05:03.123456789123456789Z", "2026-11-20 10:05:03Z stdout F x", "2026-11-20T10:05:03Z  stdout F"] {
            var wrapper = CRILogWrapper()
            #expect(Array(line.utf8).withUnsafeBytes { wrapper.unwrap($0) } == nil, "\(line)")
        }
    }
}
