/// Route rules in their order of precedence (`--route` patterns, then a document's paths),
/// indexed so that a path is tried only against the rules that could match it: a rule
/// without `**` matches only paths of its own segment count, and one that starts with a
/// literal segment only paths that start with that segment. A document of a few hundred
/// paths then costs a hash lookup and a rule or two per path, not a pass over every rule.
///
/// The answer is the first matching rule in the given order, exactly as a linear scan would
/// give (the order is the precedence: user rules first, concrete paths before templated
/// ones); the index only skips rules that cannot match.
struct RouteRuleIndex: Sendable {
    /// In precedence order.
    let rules: [RouteRule]
    /// Positions in `rules`, ascending, of the rules with a `**` (any segment count).
    private let anyLength: [Int32]
    /// By segment count: positions, ascending, of the rules of that count whose first
    /// segment is not a literal (`/{id}/…`, `/*.pdf`), or of no segment (`/`).
    private let byLength: [[Int32]]
    /// By `key(segmentCount, firstSegment)`: positions, ascending, of the rules whose first
    /// segment is that literal. Two keys that collide share a list, which costs a match
    /// and changes no answer (every candidate is matched in full).
    private let byFirstLiteral: [UInt64: [Int32]]

    init(_ rules: [RouteRule]) {
        self.rules = rules
        var anyLength: [Int32] = []
        var byLength: [[Int32]] = []
        var byFirstLiteral: [UInt64: [Int32]] = [:]
        for (position, rule) in rules.enumerated() {
            let at = Int32(position)
            if rule.segments.contains(.rest) {
                anyLength.append(at)
            } else if case .literal(let first)? = rule.segments.first {
                let key = first.withUnsafeBytes { Self.key(segmentCount: rule.segments.count, first: $0) }
                byFirstLiteral[key, default: []].append(at)
            } else {
                while byLength.count <= rule.segments.count { byLength.append([]) }
                byLength[rule.segments.count].append(at)
            }
        }
        self.anyLength = anyLength
        self.byLength = byLength
        self.byFirstLiteral = byFirstLiteral
    }

    var isEmpty: Bool { rules.isEmpty }

    /// The first rule, in precedence order, that matches the normalised `path`; nil if none.
    @inline(__always)
    func firstMatch(_ path: UnsafeRawBufferPointer) -> RouteRule? {
        guard path.count > 0, path[0] == UInt8(ascii: "/") else { return nil }
        // Segments as `RouteRule.matches` walks them: one per `/`, none for `/` alone.
        var segmentCount = 0
        var firstEnd = path.count
        if path.count > 1 {
            for i in 0..<path.count where path[i] == UInt8(ascii: "/") {
                segmentCount += 1
                if segmentCount == 2 { firstEnd = i }
            }
        }
        var best = Int32.max
        if !anyLength.isEmpty { best = firstMatch(in: anyLength, path, before: best) }
        if segmentCount < byLength.count { best = firstMatch(in: byLength[segmentCount], path, before: best) }
        if segmentCount > 0 && !byFirstLiteral.isEmpty {
            let key = Self.key(segmentCount: segmentCount, first: UnsafeRawBufferPointer(rebasing: path[1..<firstEnd]))
            if let candidates = byFirstLiteral[key] { best = firstMatch(in: candidates, path, before: best) }
        }
        return best == Int32.max ? nil : rules[Int(best)]
    }

    /// The first of `candidates` (ascending) before `bound` that matches, else `bound`.
    @inline(__always)
    private func firstMatch(in candidates: [Int32], _ path: UnsafeRawBufferPointer, before bound: Int32) -> Int32 {
        for position in candidates {
            if position >= bound { break }
            if rules[Int(position)].matches(path) { return position }
        }
        return bound
    }

    private static func key(segmentCount: Int, first: UnsafeRawBufferPointer) -> UInt64 {
        let hash = first.count == 0 ? 0 : RouteMemo.hash(first)
        return hash ^ (UInt64(truncatingIfNeeded: segmentCount) &* 0x9E37_79B9_7F4A_7C15)
    }
}
