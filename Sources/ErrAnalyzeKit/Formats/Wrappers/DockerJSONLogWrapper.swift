import Glibc

/// Docker's json-file logging driver (`/var/lib/docker/containers/<id>/<id>-json.log`):
///
///     {"log":"10.1.2.3 - - [20/Nov/2026:10:05:03 +0000] \"GET / HTTP/1.1\" 200 …\n","stream":"stdout","time":"2026-11-20T10:05:03.123456789Z"}
///
/// The application's line is the JSON string `log`, its newline included; a line longer
/// than 16 KiB is written in pieces, each but the last without a trailing newline. Docker
/// writes `log` first and `stream` next; other keys (`attrs`, `time`) are not read.
struct DockerJSONLogWrapper: ContainerWrapper {
    /// The value decoded (every line: an access log's line holds escaped quotes).
    private let scratch = ScratchSpace()

    init() {}

    @inline(__always)
    mutating func unwrap(_ line: UnsafeRawBufferPointer) -> WrappedPiece? {
        let n = line.count
        guard n >= 10, let base = line.baseAddress, WordScanning.hasPrefix(base, n, #"{"log":""#) else { return nil }
        // One pass to the closing quote, copying the value into scratch space with its escapes
        // decoded. Each word is stored whole before it is looked at (the output is at least 8
        // bytes behind the input, so a whole word stays inside the room reserved); only the
        // bytes before its first quote or backslash count.
        scratch.beginLine(reserving: n)
        let out = scratch.cursor
        var written = 0
        var p = 8
        var hasNUL = false
        while true {
            if p + 16 <= n {
                // Sixteen bytes a turn: an access log's line has about eight runs between
                // escapes, each some 20 bytes long. (Looking at the second word only when the
                // first is clean measured faster than looking at both at once.)
                let low = WordScanning.word(base + p)
                let high = WordScanning.word(base + p + 8)
                UnsafeMutableRawPointer(out + written).storeBytes(of: low.littleEndian, as: UInt64.self)
                UnsafeMutableRawPointer(out + written + 8).storeBytes(of: high.littleEndian, as: UInt64.self)
                let specialLow = WordScanning.hasByte(low, 0x22) | WordScanning.hasByte(low, 0x5C)
                let before: Int
                if specialLow != 0 {
                    before = WordScanning.firstIndex(specialLow)
                } else {
                    let specialHigh = WordScanning.hasByte(high, 0x22) | WordScanning.hasByte(high, 0x5C)
                    if specialHigh == 0 {
                        written += 16
                        p += 16
                        continue
                    }
                    before = 8 + WordScanning.firstIndex(specialHigh)
                }
                written += before
                p += before
            } else if p + 8 <= n {
                let word = WordScanning.word(base + p)
                UnsafeMutableRawPointer(out + written).storeBytes(of: word.littleEndian, as: UInt64.self)
                let special = WordScanning.hasByte(word, 0x22) | WordScanning.hasByte(word, 0x5C)
                if special == 0 {
                    written += 8
                    p += 8
                    continue
                }
                let before = WordScanning.firstIndex(special)
                written += before
                p += before
            } else {
                guard p < n else { return nil }
                let c = line[p]
                if c != 0x22 && c != 0x5C {
                    out[written] = c
                    written += 1
                    p += 1
                    continue
                }
            }
            // line[p] is a quote (the value's end) or a backslash.
            if line[p] == 0x22 { break }
            guard p + 1 < n else { return nil }
            let escaped = line[p + 1]
            if escaped < 0x60 {
                // \" \\ \/ (and any other byte below the letters): the character itself.
                out[written] = escaped
                written += 1
                p += 2
                continue
            }
            switch escaped {
            case UInt8(ascii: "n"): out[written] = 0x0A
            case UInt8(ascii: "t"): out[written] = 0x09
            case UInt8(ascii: "r"): out[written] = 0x0D
            case UInt8(ascii: "b"): out[written] = 0x08
            case UInt8(ascii: "f"): out[written] = 0x0C
            case UInt8(ascii: "u"):
                // `\uXXXX`, or a surrogate pair `\uD8xx\uDCxx`: decoded on their own. Only whole
                // escapes are handed over (`\u` without four hex digits is copied as it is, as
                // `unescapeJSON` does): a piece cut short could end before a `\"`, whose quote
                // would then seem to close the value.
                guard Self.hexDigits(line, p + 2) else {
                    out[written] = UInt8(ascii: "\\")
                    out[written + 1] = escaped
                    written += 2
                    p += 2
                    continue
                }
                var length = 6
                if line[p + 2] | 0x20 == UInt8(ascii: "d"), Escapes.hexValue(line[p + 3]) >= 8, Escapes.hexValue(line[p + 3]) <= 0xB,
                   p + 12 <= n, line[p + 6] == UInt8(ascii: "\\"), line[p + 7] == UInt8(ascii: "u"), Self.hexDigits(line, p + 8) {
                    length = 12
                }
                let sequence = ByteScanning.slice(line, p, p + length)
                let decoded = Escapes.unescapeJSON(sequence, to: out + written)
                if memchr(out + written, 0, decoded) != nil { hasNUL = true }
                written += decoded
                p += length
                continue
            default: out[written] = escaped  // anything else: the character itself
            }
            written += 1
            p += 2
        }
        let close = p
        let stream: ContainerStream
        let rest = base + close + 1, restCount = n - close - 1
        if WordScanning.hasPrefix(rest, restCount, #","stream":"stdout""#) {
            stream = .stdout
        } else if WordScanning.hasPrefix(rest, restCount, #","stream":"stderr""#) {
            stream = .stderr
        } else if restCount > 0 && (rest.load(as: UInt8.self) == UInt8(ascii: ",") || rest.load(as: UInt8.self) == UInt8(ascii: "}")) {
            stream = .stdout
        } else {
            return nil
        }
        // A newline can only come from an escape (a raw one ends the physical line): the last
        // byte is the application's newline when the line ends here.
        var count = written
        let endsLine = count > 0 && out[count - 1] == 0x0A
        if endsLine {
            count -= 1
            if count > 0 && out[count - 1] == 0x0D { count -= 1 }   // a line ended with \r\n
        }
        return WrappedPiece(stream: stream, content: scratch.commit(count), endsLine: endsLine, hasNUL: hasNUL)
    }

    /// Whether four hex digits are at `start` in `line`.
    private static func hexDigits(_ line: UnsafeRawBufferPointer, _ start: Int) -> Bool {
        guard start + 4 <= line.count else { return false }
        return (start..<start + 4).allSatisfy { Escapes.hexValue(line[$0]) >= 0 }
    }
}
