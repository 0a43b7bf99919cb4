import Glibc

/// What a follower watches: file paths and quoted shell patterns (`"/var/log/nginx/access.log*"`),
/// expanded again at every pass so that files created later (a rotation's new file, a new
/// virtual host's log) are followed too.
public struct FollowPatterns: Sendable {
    public let patterns: [String]

    public init(_ patterns: [String]) {
        self.patterns = patterns
    }

    /// Whether `text` holds a pattern character that the shell would have expanded.
    public static func isPattern(_ text: String) -> Bool {
        text.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" })
    }

    /// The regular files the patterns name now: each literal path that exists and each match
    /// of each pattern, once each, in the order given (matches sorted as the shell sorts them).
    public func expand() -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for pattern in patterns {
            let paths = Self.isPattern(pattern) ? Self.glob(pattern) : [pattern]
            for path in paths where FileIdentity.ofRegularFile(at: path) != nil && seen.insert(path).inserted {
                result.append(path)
            }
        }
        return result
    }

    /// glob(3): the matches of `pattern`, sorted; none when nothing matches.
    static func glob(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard Glibc.glob(pattern, 0, nil, &matches) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(matches.gl_pathc) {
            if let path = matches.gl_pathv[index] { paths.append(String(cString: path)) }
        }
        return paths
    }
}
