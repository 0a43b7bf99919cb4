import Foundation

extension LogSource {
    /// The files the source's glob patterns match now, in pattern order and then sorted,
    /// each once; a pattern without wildcards names its file whether or not it exists (so
    /// that ingest reports a missing file as it would on the command line).
    public func expandedPaths() -> (paths: [String], unmatched: [String]) {
        var paths: [String] = []
        var unmatched: [String] = []
        var seen = Set<String>()
        for pattern in self.paths {
            let matches = Self.glob(pattern)
            if matches.isEmpty { unmatched.append(pattern) }
            for path in matches where seen.insert(path).inserted { paths.append(path) }
        }
        return (paths, unmatched)
    }

    static func glob(_ pattern: String) -> [String] {
        guard pattern.contains(where: { "*?[".contains($0) }) else {
            return FileManager.default.fileExists(atPath: pattern) ? [pattern] : []
        }
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { i in result.gl_pathv[i].map { String(cString: $0) } }.sorted()
    }
}
