import Testing
@testable import ErrAnalyzeKit

/// The bounded client table: exact while it fits, and past its capacity exact totals, named
/// counts never above the truth, heavy clients kept, memory bounded.
@Suite struct ClientTallyTests {
    struct Pair: Hashable { var hour: Int32; var client: String }

    /// A stream of errors: `heavy` clients each on about one line in `heavyEvery`, between
    /// them a scan of `distinct` one-off addresses, over `hours` hours; every third error a 429.
    static func stream(distinct: Int, heavy: Int, heavyEvery: Int = 4, hours: Int32 = 3, seed: UInt64) -> [(Pair, ClientCounts)] {
        var generator = TallySeededGenerator(seed: seed)
        var result: [(Pair, ClientCounts)] = []
        var scanned = 0
        while scanned < distinct {
            let hour = Int32(Int(hours) * scanned / distinct)
            let client: String
            if heavy > 0 && generator.next() % UInt64(heavyEvery) == 0 {
                client = "heavy-\(generator.next() % UInt64(heavy))"
            } else {
                client = "10.\(scanned >> 16).\((scanned >> 8) & 255).\(scanned & 255)"
                scanned += 1
            }
            result.append((Pair(hour: hour, client: client), ClientCounts(errors: 1, rateLimited: generator.next() % 3 == 0 ? 1 : 0)))
        }
        return result
    }

    static func truth(_ stream: [(Pair, ClientCounts)]) -> [Pair: ClientCounts] {
        var counts: [Pair: ClientCounts] = [:]
        for (pair, added) in stream { counts[pair, default: ClientCounts()] += added }
        return counts
    }

    static func named(_ tally: ClientTally) -> [Pair: ClientCounts] {
        var counts: [Pair: ClientCounts] = [:]
        tally.forEachNamed { hour, name, added in
            counts[Pair(hour: hour, client: String(decoding: name, as: UTF8.self)), default: ClientCounts()] += added
        }
        return counts
    }

    static func hourTotals(_ truth: [Pair: ClientCounts]) -> [Int32: ClientCounts] {
        var totals: [Int32: ClientCounts] = [:]
        for (pair, counts) in truth { totals[pair.hour, default: ClientCounts()] += counts }
        return totals
    }

    /// Everything `ClientTally` promises, against the truth of the same stream.
    static func checkGuarantees(_ tally: ClientTally, _ stream: [(Pair, ClientCounts)], sourceLocation: SourceLocation = #_sourceLocation) {
        let truth = truth(stream)
        let named = named(tally)
        let n = Int64(stream.count)
        #expect(tally.totalsByHour == hourTotals(truth), "totals per hour are exact", sourceLocation: sourceLocation)
        #expect(named.count <= tally.capacity, sourceLocation: sourceLocation)
        #expect(tally.storedNames <= 2 * tally.capacity + 1, "memory stays bounded: \(tally.storedNames) names", sourceLocation: sourceLocation)
        for (pair, counts) in named {
            let real = truth[pair] ?? ClientCounts()
            #expect(counts.errors <= real.errors && counts.rateLimited <= real.rateLimited,
                    "\(pair) is never credited with another's errors", sourceLocation: sourceLocation)
        }
        let bound = n / Int64(tally.capacity)
        for (pair, counts) in truth where counts.errors > bound {
            let kept = named[pair]
            #expect(kept != nil, "\(pair) with \(counts.errors) of \(n) errors is named", sourceLocation: sourceLocation)
            #expect((kept?.errors ?? 0) >= counts.errors - bound, "\(pair) short by at most N/capacity", sourceLocation: sourceLocation)
        }
    }

    @Test func exactWhileItFits() {
        let stream = Self.stream(distinct: 300, heavy: 5, seed: 1)
        var tally = ClientTally(capacity: 400)
        for (pair, counts) in stream { tally.add(hour: pair.hour, client: pair.client, counts) }
        #expect(Self.named(tally) == Self.truth(stream))
        #expect(tally.folded.isEmpty)
    }

    @Test func aScanFoldsIntoOtherAndHeavyClientsStayExact() {
        let stream = Self.stream(distinct: 20_000, heavy: 8, seed: 2)
        var tally = ClientTally(capacity: 256)
        for (pair, counts) in stream { tally.add(hour: pair.hour, client: pair.client, counts) }
        Self.checkGuarantees(tally, stream)
        #expect(!tally.folded.isEmpty)
        // In the first hour the heavy clients came in before the table was full and were
        // never the lightest after: never evicted, so exact. (In later hours one may be
        // evicted once on arrival, among the scan's addresses: the bound above holds then.)
        let truth = Self.truth(stream)
        let named = Self.named(tally)
        for (pair, counts) in truth where pair.client.hasPrefix("heavy-") && pair.hour == 0 {
            #expect(named[pair] == counts, "\(pair)")
        }
    }

    @Test func aClientThatArrivesLateClimbsPastTheScan() {
        var stream = Self.stream(distinct: 10_000, heavy: 0, hours: 1, seed: 3)
        // 200 errors from one client at the very end, between the last addresses of the scan.
        for k in 0..<200 {
            stream.insert((Pair(hour: 0, client: "late"), ClientCounts(errors: 1, rateLimited: 1)), at: stream.count - 400 + k)
        }
        var tally = ClientTally(capacity: 100)
        for (pair, counts) in stream { tally.add(hour: pair.hour, client: pair.client, counts) }
        Self.checkGuarantees(tally, stream)
        #expect(Self.named(tally)[Pair(hour: 0, client: "late")]?.errors ?? 0 >= 190)
    }

    @Test func mergedPartsKeepTheGuarantees() {
        let stream = Self.stream(distinct: 12_000, heavy: 6, seed: 4)
        var parts: [ClientTally] = []
        for range in [0..<3000, 3000..<9000, 9000..<stream.count] {
            var part = ClientTally(capacity: 128)
            for (pair, counts) in stream[range] { part.add(hour: pair.hour, client: pair.client, counts) }
            parts.append(part)
        }
        var merged = ClientTally(capacity: 128)
        for part in parts { merged.merge(part) }
        Self.checkGuarantees(merged, stream)
        // And adding after a merge still holds them.
        var more = merged
        let extra = Self.stream(distinct: 2000, heavy: 6, seed: 5)
        for (pair, counts) in extra { more.add(hour: pair.hour, client: pair.client, counts) }
        Self.checkGuarantees(more, stream + extra)
    }

    @Test func mergingSmallTalliesIsExact() {
        let stream = Self.stream(distinct: 200, heavy: 3, seed: 6)
        var a = ClientTally(capacity: 1000), b = ClientTally(capacity: 1000)
        for (index, (pair, counts)) in stream.enumerated() {
            if index % 2 == 0 { a.add(hour: pair.hour, client: pair.client, counts) } else { b.add(hour: pair.hour, client: pair.client, counts) }
        }
        a.merge(b)
        #expect(Self.named(a) == Self.truth(stream))
    }

    @Test func theAggregateCountsClientsThroughTheTally() {
        var parser = NCSALogParser()
        var record = RequestRecord()
        var a = TrafficAggregate(maxClients: 50)
        var errors: Int64 = 0
        for i in 0..<2000 {
            let status = i % 4 == 0 ? 200 : 404
            if status >= 400 { errors += 1 }
            var line = #"10.0.\#(i / 256).\#(i % 256) - - [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" \#(status) 1"#
            line.withUTF8 { if parser.parse(UnsafeRawBufferPointer($0), into: &record) == .request { a.add(record) } }
        }
        #expect(a.clients.namedCount <= 50)
        #expect(a.clients.totalsByHour.values.reduce(0) { $0 + $1.errors } == errors)
        var copy = a.emptyCopy()
        copy.merge(a)
        #expect(copy.clients.totalsByHour == a.clients.totalsByHour)
        #expect(copy.maxClients == 50)
    }
}

struct TallySeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
