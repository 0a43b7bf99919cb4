import Testing
import TestSupport
@testable import ErrAnalyzeKit

/// The per-request list of (row, bucket) and its grouping into histograms: the counting sort
/// must give, for every row, exactly the buckets and counts a plain dictionary count gives.
@Suite struct LatencyTallyTests {
    /// (row, bucket) → requests, counted the obvious way.
    func naive(_ pairs: [(row: Int, bucket: Int, count: Int64)]) -> [Int: [Int: Int64]] {
        var out: [Int: [Int: Int64]] = [:]
        for p in pairs { out[p.row, default: [:]][p.bucket, default: 0] += p.count }
        return out
    }

    func read(_ h: LatencyRowHistograms) -> [Int: [Int: Int64]] {
        var out: [Int: [Int: Int64]] = [:]
        for row in 0..<h.rows {
            let range = h.range(ofRow: row)
            guard !range.isEmpty else { continue }
            var last = -1
            for i in range {
                let bucket = Int(h.buckets[i])
                #expect(bucket > last, "buckets ascend, each once")
                last = bucket
                #expect(h.counts[i] > 0)
                out[row, default: [:]][bucket] = Int64(h.counts[i])
            }
        }
        return out
    }

    @Test func groupingGivesEachRowsBucketsAndCountsInOrder() {
        var rng = SeededGenerator(seed: 5)
        for (rows, requests) in [(1, 1), (3, 10), (50, 5_000), (400, 20_000)] {
            var tally = LatencyTally()
            var pairs: [(row: Int, bucket: Int, count: Int64)] = []
            for _ in 0..<requests {
                // A few rows with many requests (sorted by the library sort), most with few
                // (insertion sort); buckets from the whole range, overflow included.
                let row = Int.random(in: 0..<rows, using: &rng) % (Int.random(in: 0...3, using: &rng) == 0 ? 1 : rows)
                let bucket = Int.random(in: 0..<LatencyBuckets.count, using: &rng) % (row == 0 ? LatencyBuckets.count : 40)
                tally.add(row: row, bucket: bucket)
                pairs.append((row, bucket, 1))
            }
            #expect(tally.count == requests)
            let h = tally.histograms(rows: rows + 2)   // rows with no timed request stay empty
            #expect(h.rows == rows + 2)
            #expect(h.range(ofRow: rows + 1).isEmpty)
            #expect(read(h) == naive(pairs))
        }
    }

    @Test func rowsBeyondTheNarrowEntriesAreCountedToo() {
        #expect(LatencyBuckets.count <= 512, "a narrow entry keeps the bucket in 9 bits")
        var tally = LatencyTally()
        let far = (1 << 23) + 5
        tally.add(row: far, bucket: 353)
        tally.add(row: 3, bucket: 353)
        tally.add(row: far, bucket: 353)
        tally.add(row: far, bucket: 0)
        #expect(tally.count == 4)
        let h = tally.histograms(rows: far + 1)
        #expect(read(h) == [3: [353: 1], far: [0: 1, 353: 2]])
    }

    @Test func mergeRenumbersRowsAndKeepsEveryRequest() {
        var a = LatencyTally(), b = LatencyTally()
        a.add(row: 0, bucket: 7); a.add(row: 1, bucket: 7)
        b.add(row: 0, bucket: 7); b.add(row: 0, bucket: 9); b.add(row: 1, bucket: 353)
        // b's row 0 is a's row 1; b's row 1 is new, row 2 here.
        a.merge(b, rowMap: [1, 2])
        #expect(read(a.histograms(rows: 3)) == [0: [7: 1], 1: [7: 2, 9: 1], 2: [353: 1]])
    }

    @Test func aRowPacksAsItsBucketsAndCounts() {
        var tally = LatencyTally()
        for _ in 0..<3 { tally.add(row: 1, bucket: 300) }
        tally.add(row: 1, bucket: 2)
        tally.add(row: 0, bucket: 353)
        let h = tally.histograms(rows: 3)
        var packed: [UInt8] = []
        h.pack(row: 1, into: &packed)
        #expect(PackedLatencyBuckets.pairs(packed).map { [$0.bucket, Int($0.count)] } == [[2, 1], [300, 3]])
        h.pack(row: 2, into: &packed)
        #expect(packed.isEmpty, "a row without timed requests packs to nothing (stored as NULL)")
        h.pack(row: -1, into: &packed)
        #expect(packed.isEmpty)
    }

    /// A tally of `requests` random (row, bucket) pairs over `rows` rows, with each row's count.
    func randomTally(rows: Int, requests: Int, seed: UInt64) -> (LatencyTally, [Int]) {
        var rng = SeededGenerator(seed: seed)
        var tally = LatencyTally()
        var perRow = [Int](repeating: 0, count: rows)
        for _ in 0..<requests {
            let row = Int.random(in: 0..<rows, using: &rng)
            tally.add(row: row, bucket: Int.random(in: 0..<LatencyBuckets.count, using: &rng) % (row % 5 == 0 ? LatencyBuckets.count : 12))
            perRow[row] += 1
        }
        return (tally, perRow)
    }

    @Test("the grouping given each row's count of requests equals the grouping that counts them, and a count that does not add up is counted again")
    func groupingFromTheRowsCounts() {
        var rng = SeededGenerator(seed: 11)
        for (rows, requests) in [(1, 0), (1, 7), (40, 3_000), (700, 30_000)] {
            let (tally, perRow) = randomTally(rows: rows, requests: requests, seed: UInt64(rows))
            let position = (0..<rows).map(Int32.init).shuffled(using: &rng)
            let counted = read(tally.histograms(position: position))
            #expect(read(tally.histograms(position: position) { perRow[$0] }) == counted)
            // Counts off by one (never from an aggregate, whose counts are its rows'): still exact.
            #expect(read(tally.histograms(position: position) { perRow[$0] + ($0 == 0 ? 1 : 0) }) == counted)
            // The same sum, but the first group given one request too few: it would run below
            // the first slot; caught, counted again.
            if let first = position.firstIndex(of: 0), perRow[first] > 0, rows > 1 {
                let other = first == 0 ? 1 : 0
                #expect(read(tally.histograms(position: position) {
                    perRow[$0] + ($0 == first ? -1 : $0 == other ? 1 : 0)
                }) == counted)
            }
            // And row r's histogram is the result's row position[r].
            let plain = read(tally.histograms(rows: rows))
            for row in 0..<rows { #expect(counted[Int(position[row])] == plain[row]) }
        }
    }

    @Test("every row packed into one buffer is each row packed on its own")
    func packedRowsAreEachRowPacked() {
        let (tally, _) = randomTally(rows: 300, requests: 20_000, seed: 3)
        let histograms = tally.histograms(rows: 302)   // two rows with no timed request
        let (bytes, ends) = histograms.packedRows()
        #expect(ends.count == 302)
        var from = 0
        var one: [UInt8] = []
        for row in 0..<302 {
            histograms.pack(row: row, into: &one)
            #expect(Array(bytes[from..<Int(ends[row])]) == one, "row \(row)")
            from = Int(ends[row])
        }
        #expect(from == bytes.count)
        #expect(Array(bytes[Int(ends[299])..<Int(ends[301])]).isEmpty)
    }
}
