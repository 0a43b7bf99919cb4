/// The formats erranalyze knows by name, and detection of a file's format from its first lines.
public enum FormatRegistry {
    /// Every preset, in the order detection tries them (most specific first).
    public static let presets: [LogFormat] = [
        LogFormat(name: "combined") { NCSALogParser() },
        LogFormat(name: "common") { NCSALogParser() },
    ]

    /// Other names users may type for a preset.
    static let aliases: [String: String] = [
        "clf": "common", "ncsa": "common", "apache": "combined", "nginx": "combined",
    ]

    /// The names accepted by `--format`.
    public static var presetNames: [String] { presets.map(\.name) }

    public static func preset(named name: String) -> LogFormat? {
        let key = aliases[name.lowercased()] ?? name.lowercased()
        return presets.first { $0.name == key }
    }

    /// The preset that reads the largest share of `lines` (at least half of the non-blank
    /// ones), or nil when none does.
    public static func detect(sample lines: [UnsafeRawBufferPointer]) -> LogFormat? {
        let candidates = lines.filter { $0.count > 0 }
        guard !candidates.isEmpty else { return nil }
        var best: (format: LogFormat, score: Int)?
        for format in presets {
            var parser = format.makeParser()
            var record = RequestRecord()
            var score = 0
            for line in candidates {
                switch parser.parse(line, into: &record) {
                case .request: score += 2
                case .skip: score += 1
                case .malformed: break
                }
            }
            if score > (best?.score ?? 0) { best = (format, score) }
        }
        guard let found = best, found.score >= candidates.count else { return nil }
        if found.format.name == "combined" && !candidates.contains(where: Self.hasTrailingQuotedFields) {
            return preset(named: "common")
        }
        return found.format
    }

    /// Whether an NCSA line carries fields after the byte count (the combined format's
    /// referer and user agent).
    static func hasTrailingQuotedFields(_ line: UnsafeRawBufferPointer) -> Bool {
        guard line.count > 2 else { return false }
        return line[line.count - 1] == UInt8(ascii: "\"")
    }
}
