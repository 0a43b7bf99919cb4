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

    /// `parts` contiguous ranges covering `range`, each (but the last) ending after a newline.
    static func split(_ range: Range<Int64>, parts: Int, file: InputFile) throws -> [Range<Int64>] {
        let length = range.upperBound - range.lowerBound
        guard parts > 1, length > 0 else { return [range] }
        var cuts: [Int64] = [range.lowerBound]
        for k in 1..<parts {
            let nominal = range.lowerBound + length * Int64(k) / Int64(parts)
            // Starting the search one byte early keeps a cut that falls exactly on a line start.
            let cut = try lineStart(after: max(nominal - 1, cuts.last!), in: file, limit: range.upperBound)
            if cut > cuts.last! && cut < range.upperBound { cuts.append(cut) }
        }
        cuts.append(range.upperBound)
        return zip(cuts, cuts.dropFirst()).map { $0..<$1 }
    }
}
