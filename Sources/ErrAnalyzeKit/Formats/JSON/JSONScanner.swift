/// What kind of JSON value a slot captured.
enum JSONValueKind: UInt8 {
    case string = 1, escapedString, number, trueValue, falseValue, null, object, array
}

/// A streaming scanner for one JSON object per line. It builds nothing: it walks the bytes,
/// looks each key up in a `JSONPathTree`, records the byte span of the values the tree asks
/// for (the first element of an array: Caddy logs headers as `["value"]`) and skips
/// everything else, however nested. It checks enough structure to reject truncated or
/// non-JSON lines, not every detail of the grammar (numbers are not validated).
struct JSONScanner {
    let tree: JSONPathTree
    private let storage: Storage
    private var generation: UInt32 = 0
    /// How many captures the last scan made (may exceed `capturedLimit`: then only the
    /// first ones are listed).
    private(set) var capturedCount = 0
    static let capturedLimit = 64

    final class Storage {
        let start: UnsafeMutablePointer<Int32>
        let end: UnsafeMutablePointer<Int32>
        let kind: UnsafeMutablePointer<UInt8>
        let generation: UnsafeMutablePointer<UInt32>
        /// Unescaped keys that contained backslashes (rare).
        let key = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        /// The slots captured by the last scan, in order (the first `capturedLimit`).
        let captured = UnsafeMutablePointer<Int32>.allocate(capacity: JSONScanner.capturedLimit)

        init(slots: Int) {
            let n = max(slots, 1)
            start = .allocate(capacity: n); start.initialize(repeating: 0, count: n)
            end = .allocate(capacity: n); end.initialize(repeating: 0, count: n)
            kind = .allocate(capacity: n); kind.initialize(repeating: 0, count: n)
            generation = .allocate(capacity: n); generation.initialize(repeating: 0, count: n)
        }

        deinit {
            start.deallocate(); end.deallocate(); kind.deallocate(); generation.deallocate(); key.deallocate()
            captured.deallocate()
        }
    }

    init(tree: JSONPathTree) {
        self.tree = tree
        storage = Storage(slots: tree.slotCount)
    }

    /// Scans `line`; false when it is not one JSON object. Slots not seen read as absent.
    @inline(__always)
    mutating func scan(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        generation &+= 1
        if generation == 0 {  // wrapped: forget every old capture
            storage.generation.update(repeating: 0, count: max(tree.slotCount, 1))
            generation = 1
        }
        capturedCount = 0
        var i = 0
        Self.skipWhitespace(p, &i, n)
        guard i < n, p[i] == UInt8(ascii: "{") else { return false }
        guard scanObject(p, &i, n, node: 0) else { return false }
        Self.skipWhitespace(p, &i, n)
        return i == n
    }

    /// The slots captured by the last scan (valid if `capturedCount <= capturedLimit`).
    @inline(__always)
    func capturedSlot(_ index: Int) -> Int { Int(storage.captured[index]) }

    /// The capture of `slot` in the last scan: its kind and the span of its content (a
    /// string's span excludes the quotes).
    @inline(__always)
    func value(_ slot: Int) -> (kind: JSONValueKind, start: Int, end: Int)? {
        guard storage.generation[slot] == generation else { return nil }
        return (JSONValueKind(rawValue: storage.kind[slot])!, Int(storage.start[slot]), Int(storage.end[slot]))
    }

    private mutating func scanObject(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, node: Int32) -> Bool {
        i += 1
        Self.skipWhitespace(p, &i, n)
        guard i < n else { return false }
        if p[i] == UInt8(ascii: "}") { i += 1; return true }
        let info = tree.nodes[Int(node)]
        while true {
            guard i < n, p[i] == UInt8(ascii: "\"") else { return false }
            let keyStart = i + 1
            var escaped = false
            guard let keyEnd = Self.scanString(p, &i, n, &escaped) else { return false }
            Self.skipWhitespace(p, &i, n)
            guard i < n, p[i] == UInt8(ascii: ":") else { return false }
            i += 1
            Self.skipWhitespace(p, &i, n)
            guard i < n else { return false }
            var target: Int32 = -1
            if info.tableMask >= 0 {
                if !escaped {
                    target = tree.lookup(info, p + keyStart, keyEnd - keyStart)
                } else if keyEnd - keyStart <= 256 {
                    let length = Escapes.unescapeJSON(UnsafeRawBufferPointer(start: p + keyStart, count: keyEnd - keyStart), to: storage.key)
                    target = tree.lookup(info, storage.key, length)
                }
            }
            if target >= 0 {
                let t = tree.nodes[Int(target)]
                if p[i] == UInt8(ascii: "{") && t.tableMask >= 0 {
                    guard scanObject(p, &i, n, node: target) else { return false }
                } else if t.slot >= 0 {
                    guard capture(Int(t.slot), p, &i, n) else { return false }
                } else {
                    guard Self.skipValue(p, &i, n) else { return false }
                }
            } else {
                guard Self.skipValue(p, &i, n) else { return false }
            }
            Self.skipWhitespace(p, &i, n)
            guard i < n else { return false }
            let c = p[i]
            i += 1
            if c == UInt8(ascii: ",") { Self.skipWhitespace(p, &i, n); continue }
            return c == UInt8(ascii: "}")
        }
    }

    @inline(__always)
    private mutating func capture(_ slot: Int, _ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) -> Bool {
        let c = p[i]
        var start = i, end: Int, kind: JSONValueKind
        switch c {
        case UInt8(ascii: "\""):
            start = i + 1
            var escaped = false
            guard let e = Self.scanString(p, &i, n, &escaped) else { return false }
            end = e
            kind = escaped ? .escapedString : .string
        case UInt8(ascii: "["):
            // The first element when it is a scalar; the array is then skipped whole.
            var j = i + 1
            Self.skipWhitespace(p, &j, n)
            kind = .array
            end = i
            if j < n {
                if p[j] == UInt8(ascii: "\"") {
                    start = j + 1
                    var escaped = false
                    guard let e = Self.scanString(p, &j, n, &escaped) else { return false }
                    end = e
                    kind = escaped ? .escapedString : .string
                } else if p[j] != UInt8(ascii: "{") && p[j] != UInt8(ascii: "[") && p[j] != UInt8(ascii: "]") {
                    start = j
                    guard Self.skipScalar(p, &j, n) else { return false }
                    end = j
                    kind = Self.scalarKind(p[start])
                }
            }
            guard Self.skipValue(p, &i, n) else { return false }
        case UInt8(ascii: "{"):
            guard Self.skipValue(p, &i, n) else { return false }
            end = i
            kind = .object
        default:
            guard Self.skipScalar(p, &i, n) else { return false }
            end = i
            kind = Self.scalarKind(c)
        }
        storage.start[slot] = Int32(truncatingIfNeeded: start)
        storage.end[slot] = Int32(truncatingIfNeeded: end)
        storage.kind[slot] = kind.rawValue
        storage.generation[slot] = generation
        if capturedCount < Self.capturedLimit { storage.captured[capturedCount] = Int32(truncatingIfNeeded: slot) }
        capturedCount += 1
        return true
    }

    @inline(__always)
    private static func scalarKind(_ c: UInt8) -> JSONValueKind {
        switch c {
        case UInt8(ascii: "t"): return .trueValue
        case UInt8(ascii: "f"): return .falseValue
        case UInt8(ascii: "n"): return .null
        default: return .number
        }
    }

    @inline(__always)
    static func skipWhitespace(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) {
        if i < n && p[i] > 0x20 { return }
        while i < n {
            let c = p[i]
            guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
            i += 1
        }
    }

    /// `p[i]` is an opening quote: moves `i` past the closing one and returns the index of
    /// the closing quote, or nil if the string does not end on this line.
    @inline(__always)
    static func scanString(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, _ escaped: inout Bool) -> Int? {
        var j = i + 1
        while true {
            guard let k = findQuoteOrBackslash(p, j, n) else { return nil }
            if p[k] == UInt8(ascii: "\"") {
                i = k + 1
                return k
            }
            escaped = true
            j = k + 2
            guard j <= n else { return nil }
        }
    }

    /// The first `"` or `\` at or after `from`, eight bytes at a time.
    @inline(__always)
    static func findQuoteOrBackslash(_ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int? {
        var i = from
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= n {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            let q = w ^ 0x2222_2222_2222_2222, b = w ^ 0x5C5C_5C5C_5C5C_5C5C
            let hits = ((q &- ones) & ~q | (b &- ones) & ~b) & highs
            if hits != 0 { return i + hits.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < n {
            let c = p[i]
            if c == 0x22 || c == 0x5C { return i }
            i += 1
        }
        return nil
    }

    @inline(__always)
    static func skipScalar(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) -> Bool {
        let c = p[i]
        guard c == UInt8(ascii: "-") || ByteScanning.isDigit(c) || c == UInt8(ascii: "t") || c == UInt8(ascii: "f")
                || c == UInt8(ascii: "n") else { return false }
        i += 1
        while i < n {
            let c = p[i]
            if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") || c == 0x20 || c == 0x09
                || c == 0x0A || c == 0x0D { break }
            i += 1
        }
        return true
    }

    /// Skips any value; containers are walked with a depth counter, never recursion.
    static func skipValue(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) -> Bool {
        let c = p[i]
        if c == UInt8(ascii: "\"") {
            var escaped = false
            return scanString(p, &i, n, &escaped) != nil
        }
        guard c == UInt8(ascii: "{") || c == UInt8(ascii: "[") else { return skipScalar(p, &i, n) }
        var depth = 0
        while i < n {
            switch p[i] {
            case UInt8(ascii: "\""):
                var escaped = false
                guard scanString(p, &i, n, &escaped) != nil else { return false }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { i += 1; return true }
            default:
                break
            }
            i += 1
        }
        return false
    }
}
