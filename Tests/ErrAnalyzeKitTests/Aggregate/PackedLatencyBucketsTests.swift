import Testing
import TestSupport
@testable import ErrAnalyzeKit

/// The packed form of one stored histogram key: round trip, merge by addition, bad bytes.
@Suite struct PackedLatencyBucketsTests {
    func packed(_ pairs: [(Int, Int64)]) -> [UInt8] {
        var builder = PackedLatencyBuckets.Builder()
        for (bucket, count) in pairs { builder.add(bucket: bucket, count) }
        return builder.finish()
    }

    @Test func roundTripsAscendingBucketsAndAddsRepeatedOnes() {
        let pairs: [(Int, Int64)] = [(0, 1), (1, 300), (1, 2), (57, 1), (LatencyBuckets.overflow, 1 << 40)]
        let decoded = PackedLatencyBuckets.pairs(packed(pairs))
        #expect(decoded.map(\.bucket) == [0, 1, 57, LatencyBuckets.overflow])
        #expect(decoded.map(\.count) == [1, 302, 1, 1 << 40])
        #expect(PackedLatencyBuckets.total(packed(pairs)) == 1 + 302 + 1 + (1 << 40))
        // Small buckets and counts take one byte each.
        #expect(packed([(3, 1), (5, 2)]) == [3, 1, 2, 2])
        #expect(packed([]).isEmpty)
    }

    @Test func mergeAddsBucketByBucketLikeTheDenseHistogram() {
        var rng = SeededGenerator(seed: 13)
        for _ in 0..<200 {
            var a = LatencyHistogram(), b = LatencyHistogram()
            for _ in 0..<Int.random(in: 0...40, using: &rng) { a.add(bucket: Int.random(in: 0..<LatencyBuckets.count, using: &rng), Int64.random(in: 1...1000, using: &rng)) }
            for _ in 0..<Int.random(in: 0...40, using: &rng) { b.add(bucket: Int.random(in: 0..<LatencyBuckets.count, using: &rng), Int64.random(in: 1...1000, using: &rng)) }
            func pack(_ h: LatencyHistogram) -> [UInt8] { packed(h.counts.enumerated().map { ($0.offset, $0.element) }) }
            var sum = a
            sum.merge(b)
            #expect(PackedLatencyBuckets.merge(pack(a), pack(b)) == pack(sum))
            #expect(PackedLatencyBuckets.merge(pack(b), pack(a)) == pack(sum))
        }
    }

    @Test func bytesThatAreNotAPackedHistogramAreRefused() {
        #expect(PackedLatencyBuckets.merge([0x80], [1, 1]) == nil)           // truncated varint
        #expect(PackedLatencyBuckets.merge([5, 1, 0, 1], []) == nil)          // a repeated bucket (delta 0)
        #expect(PackedLatencyBuckets.merge([5, 1], [2, 3]) == [2, 3, 3, 1])
    }
}
