/// Cuts a byte range of a plain file into pieces that start and end on line boundaries, one
/// per worker, so that each worker parses whole lines and no line is read twice.
enum PlainFileSplitter {
    /// The position just after the first newline at or after `position`, or `limit` if none.
    static func lineStart(after position: Int64, in file: InputFile, limit: Int64) throws -> Int64 {
        var at = position
        while at < limit {
            let window = try file.readPlain(at: at, count: Int(min(64 << 10, limit - at)))
            if window.isEmpty { return limit }
            if let newline = window.firstIndex(of: 0x0A) { return at + Int64(newline) + 1 }
            at += Int64(window.count)
        }
        return limit
    }

    /// The position after the first line at or after `lineStart(after: position)` that ends
    /// the line it belongs to (`endsRecord`: a container runtime's last piece of a long line),
    /// so that a cut there cuts no line in two; or `limit` if none. Without `endsRecord`,
    /// `lineStart(after:)`. The search is bounded: past 1 MiB any line start is taken (the
    /// reader then stops before the line held in pieces and the rest is read again).
    static func recordStart(after position: Int64, in file: InputFile, limit: Int64,
                            endsRecord: ((UnsafeRawBufferPointer) -> Bool)?) throws -> Int64 {
        var lineBegin = try lineStart(after: position, in: file, limit: limit)
        guard let endsRecord else { return lineBegin }
        let searchEnd = min(limit, lineBegin + (1 << 20))
        while lineBegin < searchEnd {
            let window = try file.readPlain(at: lineBegin, count: Int(min(64 << 10, limit - lineBegin)))
            if window.isEmpty { return limit }
            var found: Int64?
            var next = lineBegin
            window.withUnsafeBytes { bytes in
                var at = 0
                while let newline = ByteScanning.find(0x0A, in: bytes, from: at) {
                    var end = newline
                    if end > at && bytes[end - 1] == 0x0D { end -= 1 }
                    next = lineBegin + Int64(newline) + 1
                    if endsRecord(ByteScanning.slice(bytes, at, end)) {
                        found = next
                        return
                    }
                    at = newline + 1
                }
            }
            if let found { return found }
            // A line longer than the window: go on after it.
            lineBegin = next > lineBegin ? next : try self.lineStart(after: lineBegin, in: file, limit: limit)
        }
        return lineBegin
    }

    /// `parts` contiguous ranges covering `range`, each (but the last) ending after a newline
    /// (after a line that ends its record, when `endsRecord` is given).
    static func split(_ range: Range<Int64>, parts: Int, file: InputFile,
                      endsRecord: ((UnsafeRawBufferPointer) -> Bool)? = nil) throws -> [Range<Int64>] {
        let length = range.upperBound - range.lowerBound
        guard parts > 1, length > 0 else { return [range] }
        var cuts: [Int64] = [range.lowerBound]
        for k in 1..<parts {
            let nominal = range.lowerBound + length * Int64(k) / Int64(parts)
            // Starting the search one byte early keeps a cut that falls exactly on a line start.
            let cut = try recordStart(after: max(nominal - 1, cuts.last!), in: file, limit: range.upperBound, endsRecord: endsRecord)
            if cut > cuts.last! && cut < range.upperBound { cuts.append(cut) }
        }
        cuts.append(range.upperBound)
        return zip(cuts, cuts.dropFirst()).map { $0..<$1 }
    }
}
