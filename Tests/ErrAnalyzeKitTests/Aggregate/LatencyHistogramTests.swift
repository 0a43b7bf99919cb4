import Foundation
import Testing
import TestSupport
@testable import ErrAnalyzeKit

/// The bucket layout, percentiles within the stated bound of exact ones, and merging.
@Suite struct LatencyHistogramTests {
    /// The nearest-rank percentile of raw values: the ⌈q·n⌉-th smallest.
    static func exactPercentile(_ sorted: [Int64], _ q: Double) -> Int64 {
        sorted[max(1, Int((q * Double(sorted.count)).rounded(.up))) - 1]
    }

    static func histogram(_ values: [Int64]) -> LatencyHistogram {
        var h = LatencyHistogram()
        for v in values { h.add(micros: v) }
        return h
    }

    /// Within the stated relative bound of the exact percentile, for every q asked.
    static func expectWithinBound(_ values: [Int64], _ label: String) {
        let sorted = values.sorted()
        let h = histogram(values)
        #expect(h.total == Int64(values.count))
        for q in [0.5, 0.9, 0.95, 0.99, 0.999] {
            let exact = exactPercentile(sorted, q)
            let estimate = h.percentile(q)!
            let error = exact == 0 ? Double(estimate) : abs(Double(estimate - exact)) / Double(exact)
            #expect(error <= LatencyBuckets.relativeErrorBound, "\(label) p\(q * 100): \(estimate) µs vs exact \(exact) µs")
        }
    }

    @Test func theLayoutCoversOneMicrosecondToBeyondAnHourWithUnderAndOverflow() {
        let bounds = LatencyBuckets.upperBounds
        #expect(bounds[0] == 0)                       // underflow: 0 µs
        #expect(Array(bounds[1...9]) == Array(1...9))  // one bucket per µs below 10 µs
        #expect(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 })
        #expect(bounds.last! >= 3_600_000_000)        // at least an hour
        #expect(LatencyBuckets.bucket(ofMicros: bounds.last! + 1) == LatencyBuckets.overflow)
        #expect(LatencyBuckets.bucket(ofMicros: -5) == 0)
        #expect(LatencyBuckets.count == 354)
        #expect(LatencyBuckets.layoutVersion == 1)
        // Consecutive bounds differ by at most 10 % from 10 µs on: the source of the bound.
        for (a, b) in zip(bounds.dropFirst(10), bounds.dropFirst(11)) { #expect(Double(b) / Double(a) <= 1.1 + 1e-12) }
    }

    @Test func everyBucketsRepresentativeIsWithinTheBoundOfEveryValueInIt() {
        for bucket in 1..<LatencyBuckets.overflow {
            let range = LatencyBuckets.range(of: bucket)
            let r = Double(LatencyBuckets.representative(of: bucket))
            let low = Double(range.lowerBound), high = Double(range.upperBound)
            #expect(range.contains(Int64(r)))
            #expect(max((r - low) / low, (high - r) / high) <= LatencyBuckets.relativeErrorBound, "bucket \(bucket) \(range)")
        }
    }

    @Test func theBitIndexAgreesWithABinarySearchOfTheBounds() {
        func reference(_ v: Int64) -> Int {
            if v <= 0 { return 0 }
            return LatencyBuckets.upperBounds.firstIndex { v <= $0 } ?? LatencyBuckets.overflow
        }
        for v in Int64(0)...70_000 { #expect(LatencyBuckets.bucket(ofMicros: v) == reference(v)) }
        for bound in LatencyBuckets.upperBounds {
            for v in [bound - 1, bound, bound + 1] { #expect(LatencyBuckets.bucket(ofMicros: v) == reference(v), "\(v)") }
        }
        var rng = SeededGenerator(seed: 13)
        for _ in 0..<20_000 {
            let v = Int64.random(in: 0...20_000_000_000, using: &rng)
            #expect(LatencyBuckets.bucket(ofMicros: v) == reference(v), "\(v)")
        }
    }

    @Test func uniformDurationsArWithinTheBound() {
        var rng = SeededGenerator(seed: 1)
        Self.expectWithinBound((0..<50_000).map { _ in Int64.random(in: 1_000...500_000, using: &rng) }, "uniform")
    }

    @Test func lognormalDurationsAreWithinTheBound() {
        var rng = SeededGenerator(seed: 2)
        let values = (0..<50_000).map { _ -> Int64 in
            // Box–Muller: median e^11 µs ≈ 60 ms, σ = 1.
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &rng), u2 = Double.random(in: 0..<1, using: &rng)
            let z = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            return Int64(exp(11 + z).rounded())
        }
        Self.expectWithinBound(values, "lognormal")
    }

    @Test func bimodalDurationsWithASlowOnePercentTailAreWithinTheBound() {
        var rng = SeededGenerator(seed: 3)
        let values = (0..<40_000).map { i -> Int64 in
            i % 100 == 0 ? Int64.random(in: 2_000_000...9_000_000, using: &rng)   // 1 %: 2–9 s
                         : Int64.random(in: 8_000...40_000, using: &rng)           // 8–40 ms
        }
        Self.expectWithinBound(values, "bimodal")
        // The tail shows in p99.9 but not in p95.
        let h = Self.histogram(values)
        #expect(h.percentile(0.95)! < 45_000)
        #expect(h.percentile(0.999)! > 1_900_000)
    }

    @Test func millisecondResolutionLogsWithZerosAreExactAtTheLowEnd() {
        // nginx $request_time: 0.000, 0.001, … — whole milliseconds and many zeros.
        let values: [Int64] = Array(repeating: 0, count: 600) + (1...400).map { Int64($0 % 7) * 1_000 }
        Self.expectWithinBound(values, "milliseconds")
        #expect(Self.histogram(values).percentile(0.5) == 0)
    }

    @Test func mergingInAnyOrderAndAnySplitGivesTheSameHistogram() {
        var rng = SeededGenerator(seed: 4)
        let values = (0..<10_000).map { _ in Int64.random(in: 0...3_000_000, using: &rng) }
        let whole = Self.histogram(values)
        for parts in [2, 3, 7, 64] {
            var pieces = [LatencyHistogram](repeating: LatencyHistogram(), count: parts)
            for (i, v) in values.enumerated() { pieces[(i * 31) % parts].add(micros: v) }
            var merged = LatencyHistogram()
            for piece in pieces.shuffled(using: &rng) { merged.merge(piece) }
            #expect(merged == whole)
        }
    }

    @Test func apdexAndSlowThresholdsPeopleTypeAreBucketBoundsSoTheirCountsAreExact() {
        let typed: [Int64] = [100, 150, 200, 250, 300, 350, 400, 450, 500, 600, 700, 750, 800, 1_000, 1_500, 2_000].map { $0 * 1_000 }
        for t in typed {
            #expect(LatencyBuckets.bucket(withUpperBound: t) != nil, "T = \(t) µs")
            #expect(LatencyBuckets.bucket(withUpperBound: 4 * t) != nil, "4T = \(4 * t) µs")
        }
        // Durations exactly at T count as satisfied; one microsecond more does not.
        var rng = SeededGenerator(seed: 5)
        var values = (0..<5_000).map { _ in Int64.random(in: 0...3_000_000, using: &rng) }
        values += [300_000, 300_000, 300_001, 1_200_000, 1_200_001]
        let h = Self.histogram(values)
        for t in typed {
            let counted = h.count(atMost: t)
            #expect(counted.exact)
            #expect(counted.count == Int64(values.filter { $0 <= t }.count), "≤ \(t)")
        }
        // A threshold inside a non-empty bucket says so.
        #expect(!h.count(atMost: 305_000).exact)
    }

    @Test func durationsAreReadAndWrittenWithTheirUnits() {
        #expect(DurationText.micros("300ms") == 300_000)
        #expect(DurationText.micros("1s") == 1_000_000)
        #expect(DurationText.micros("1.5s") == 1_500_000)
        #expect(DurationText.micros("250us") == 250)
        #expect(DurationText.micros("2m") == 120_000_000)
        #expect(DurationText.micros("800") == nil)
        #expect(DurationText.micros("fast") == nil)
        #expect(DurationText.human(0) == "0 ms")
        #expect(DurationText.human(842) == "842 µs")
        #expect(DurationText.human(12_345) == "12.3 ms")
        #expect(DurationText.human(1_240_000) == "1.24 s")
    }
}
