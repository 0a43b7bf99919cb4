/// Small text helpers for catalogue validation and import, namespaced so they cannot
/// collide with helpers elsewhere in the module.
enum CatalogueText {
    /// The candidate closest to a misspelt name, for "did you mean …?" hints; nil when
    /// nothing is close enough to be a plausible typo.
    static func nearest(to name: String, in candidates: some Sequence<String>) -> String? {
        let candidates = Array(candidates)
        let lowered = name.lowercased()
        // An abbreviation ("reauth" for "reauthenticate") is as telling as a typo.
        if lowered.count >= 3, let expansion = candidates.first(where: { $0.lowercased().hasPrefix(lowered) }) {
            return expansion
        }
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        guard let best, best.distance <= max(1, min(3, name.count / 3)) else { return nil }
        return best.name
    }

    /// Levenshtein distance; names here are short, so the quadratic table is fine.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The text without leading and trailing whitespace (including non-breaking spaces,
    /// which pages copied from the web are full of).
    static func trimmed(_ text: some StringProtocol) -> String {
        var s = Substring(text)
        while let first = s.first, first.isWhitespace { s.removeFirst() }
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return String(s)
    }
}
