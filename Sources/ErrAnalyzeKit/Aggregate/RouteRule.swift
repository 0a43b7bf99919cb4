/// A user route pattern (`--route /v1/files/**`), compiled to segments.
struct RouteRule: Sendable {
    enum Segment: Sendable, Equatable {
        case literal([UInt8])
        /// Exactly one segment: `*`, `{name}`, `:name`.
        case one
        /// Any characters within one segment: `*.pdf`, `report-*`.
        case glob([UInt8])
        /// Zero or more segments: `**`.
        case rest
    }

    let segments: [Segment]
    /// What a matching path becomes: the pattern as written (without a trailing slash).
    let text: [UInt8]

    init(pattern: String) throws {
        var p = pattern.trimmingSpaces
        guard !p.isEmpty else { throw RouteRuleError(pattern: pattern, reason: "the pattern is empty") }
        guard p.hasPrefix("/") else { throw RouteRuleError(pattern: pattern, reason: "a route pattern starts with /") }
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        var segments: [Segment] = []
        for part in p.split(separator: "/", omittingEmptySubsequences: true) {
            let s = String(part)
            if s == "**" {
                segments.append(.rest)
            } else if s.contains("**") {
                throw RouteRuleError(pattern: pattern, reason: "'**' must be a whole segment, as in /v1/files/**")
            } else if s == "*" || (s.hasPrefix("{") && s.hasSuffix("}") && s.count > 2) || (s.hasPrefix(":") && s.count > 1) {
                segments.append(.one)
            } else if s.contains("*") {
                segments.append(.glob(Array(s.utf8)))
            } else {
                segments.append(.literal(Array(s.utf8)))
            }
        }
        self.segments = segments
        text = Array(("/" + p.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")).utf8)
    }

    /// Whether the normalised `path` (starting with `/`) matches.
    func matches(_ path: UnsafeRawBufferPointer) -> Bool {
        guard path.count > 0, path[0] == UInt8(ascii: "/") else { return false }
        return match(0, path, path.count == 1 ? 2 : 1)
    }

    /// `position` is where a path segment starts, or `path.count + 1` past the last one.
    private func match(_ index: Int, _ path: UnsafeRawBufferPointer, _ position: Int) -> Bool {
        let done = position > path.count
        guard index < segments.count else { return done }
        if case .rest = segments[index] {
            var p = position
            while true {
                if match(index + 1, path, p) { return true }
                guard p <= path.count else { return false }
                p = segmentEnd(path, p) + 1
            }
        }
        guard !done else { return false }
        let end = segmentEnd(path, position)
        let segment = UnsafeRawBufferPointer(rebasing: path[position..<end])
        switch segments[index] {
        case .literal(let bytes):
            guard segment.elementsEqual(bytes) else { return false }
        case .one:
            guard segment.count > 0 else { return false }
        case .glob(let pattern):
            guard Self.glob(pattern[...], segment[...]) else { return false }
        case .rest:
            return false
        }
        return match(index + 1, path, end + 1)
    }

    private func segmentEnd(_ path: UnsafeRawBufferPointer, _ from: Int) -> Int {
        var e = from
        while e < path.count && path[e] != UInt8(ascii: "/") { e += 1 }
        return e
    }

    static func glob(_ pattern: ArraySlice<UInt8>, _ text: Slice<UnsafeRawBufferPointer>) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        if first == UInt8(ascii: "*") {
            var t = text
            while true {
                if glob(pattern.dropFirst(), t) { return true }
                guard !t.isEmpty else { return false }
                t = t.dropFirst()
            }
        }
        guard let c = text.first, c == first else { return false }
        return glob(pattern.dropFirst(), text.dropFirst())
    }
}

/// A `--route` pattern that cannot be used.
public struct RouteRuleError: Error, CustomStringConvertible, Sendable {
    public let pattern: String
    public let reason: String

    public var description: String { "--route '\(pattern)': \(reason)" }
}
