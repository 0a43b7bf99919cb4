/// Which clients a report lists, and in what order: the rule every store follows, kept here
/// once so that SQLite and PostgreSQL give the same list byte for byte.
///
/// A client's measure is summed over the window (and the hosts selected); the list is the
/// `limit` clients with the largest measure, ties broken by name compared as bytes of UTF-8
/// (SQLite's BINARY collation, PostgreSQL's `COLLATE "C"`), because a locale's order differs
/// between machines and a fleet's reports must not. A store may narrow the candidates in its
/// own query language first (it must not read every client of a month into memory), but the
/// final list is always `top(_:limit:)` of what it found, so a store that narrows wrongly
/// gives a visibly different list in the contract tests rather than a subtly different one.
public enum ClientRanking: Sendable, CaseIterable {
    /// Clients with the most error responses (the report's "clients" section).
    case byErrors
    /// Clients with the most 429 responses; clients with none are left out.
    case byRateLimited

    /// What clients are ranked by.
    @inline(__always)
    public func measure(_ counts: ClientCounts) -> Int64 {
        switch self {
        case .byErrors: counts.errors
        case .byRateLimited: counts.rateLimited
        }
    }

    /// Whether a client with these sums can be listed at all.
    @inline(__always)
    public func admits(_ counts: ClientCounts) -> Bool {
        switch self {
        case .byErrors: counts.errors != 0 || counts.rateLimited != 0
        case .byRateLimited: counts.rateLimited > 0
        }
    }

    /// Whether `a` is listed before `b`.
    public func precedes(_ a: ClientErrorTotal, _ b: ClientErrorTotal) -> Bool {
        let ma = measure(ClientCounts(errors: a.errors, rateLimited: a.rateLimited))
        let mb = measure(ClientCounts(errors: b.errors, rateLimited: b.rateLimited))
        if ma != mb { return ma > mb }
        return a.client.utf8.lexicographicallyPrecedes(b.client.utf8)
    }

    /// The listed clients among `candidates`, in order, at most `limit`.
    public func top(_ candidates: [ClientErrorTotal], limit: Int) -> [ClientErrorTotal] {
        guard limit > 0 else { return [] }
        return Array(candidates
            .filter { admits(ClientCounts(errors: $0.errors, rateLimited: $0.rateLimited)) }
            .sorted(by: precedes)
            .prefix(limit))
    }

    /// The smallest measure that can still make a list of `limit` among `measures` (the
    /// `limit`-th largest, or the smallest of all when there are fewer), or nil when there are
    /// none. Found with a heap of `limit` values, without sorting every client: a month's
    /// window may hold hundreds of thousands of them. A store that sums clients itself uses it
    /// to read the names of only the clients that can make the list.
    public static func floor<S: Sequence>(of measures: S, limit: Int) -> Int64? where S.Element == Int64 {
        guard limit > 0 else { return nil }
        var heap: [Int64] = []  // a min-heap of the `limit` largest so far
        heap.reserveCapacity(limit)
        for value in measures {
            if heap.count < limit {
                heap.append(value)
                var i = heap.count - 1
                while i > 0 && heap[(i - 1) / 2] > heap[i] { heap.swapAt(i, (i - 1) / 2); i = (i - 1) / 2 }
            } else if value > heap[0] {
                heap[0] = value
                var i = 0
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var smallest = i
                    if l < heap.count && heap[l] < heap[smallest] { smallest = l }
                    if r < heap.count && heap[r] < heap[smallest] { smallest = r }
                    if smallest == i { break }
                    heap.swapAt(i, smallest)
                    i = smallest
                }
            }
        }
        return heap.first
    }
}
