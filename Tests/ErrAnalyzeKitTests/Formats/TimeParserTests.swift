import Testing
@testable import ErrAnalyzeKit

private func bytes<T>(_ s: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
    Array(s.utf8).withUnsafeBytes(body)
}

private func iso(_ s: String) -> Int64? {
    var p = ISO8601TimestampParser()
    return bytes(s) { p.parse($0) }
}

private func clf(_ s: String) -> Int64? {
    var p = CLFTimestampParser()
    return bytes(s) { p.parse($0) }
}

private func epoch(_ s: String, _ unit: EpochUnit = .auto) -> Int64? {
    bytes(s) { EpochTimestampParser.parse($0, unit: unit) }
}

private func duration(_ s: String, _ unit: DurationUnit) -> Int64? {
    bytes(s) { DurationParser.micros($0, unit: unit) }
}

@Suite struct ISO8601Tests {
    @Test func zonesAndFractions() {
        #expect(iso("2026-11-20T10:05:03Z") == sampleEpoch)
        #expect(iso("2026-11-20T10:05:03.123Z") == sampleEpoch)
        #expect(iso("2026-11-20T10:05:03.123456789Z") == sampleEpoch)
        #expect(iso("2026-11-20T11:05:03.123+01:00") == sampleEpoch)
        #expect(iso("2026-11-20T11:05:03+0100") == sampleEpoch)
        #expect(iso("2026-11-20T11:05:03+01") == sampleEpoch)
        #expect(iso("2026-11-20T10:05:03,5z") == sampleEpoch)
        #expect(iso("2026-11-20 10:05:03 UTC") == sampleEpoch)
        #expect(iso("2026-11-20 10:05:03") == sampleEpoch, "no zone reads as UTC")
        #expect(iso("2026-11-20T10:05") == sampleEpoch - 3)
    }

    @Test func negativeOffsetsCrossMidnight() {
        // 23:30 on the 19th in New York (-05:00) is 04:30 UTC on the 20th.
        #expect(iso("2026-11-19T23:30:00-05:00") == iso("2026-11-20T04:30:00Z"))
        #expect(iso("2026-11-20T05:35:03.999-04:30") == sampleEpoch)
        #expect(iso("2026-11-19T22:05:03-1200") == sampleEpoch)
    }

    @Test func dateOnlyAndLeapDays() {
        #expect(iso("1970-01-01") == 0)
        #expect(iso("2024-02-29T12:00:00Z") == 1_709_208_000)
        #expect(iso("2000-02-29T00:00:00Z") == 951_782_400)
        #expect(iso("2026-02-29T00:00:00Z") == nil, "2026 is not a leap year")
        #expect(iso("1900-02-29T00:00:00Z") == nil, "1900 is not a leap year")
        #expect(iso("2016-12-31T23:59:60Z") == iso("2017-01-01T00:00:00Z"), "a leap second rolls over")
    }

    @Test func rejectsNonsense() {
        for text in ["", "2026-11-20T25:00:00Z", "2026-13-01T00:00:00Z", "2026-11-20T10:05:03+", "2026-11-20T10:05:03 EST",
                     "2026/11/20 10:05:03", "2026-11-20T10:05:03.Z", "2026-11-20X10:05:03Z", "20261120T100503Z"] {
            #expect(iso(text) == nil, "\(text)")
        }
    }

    @Test func cacheIsKeyedOnTheMinute() {
        var p = ISO8601TimestampParser()
        let a = bytes("2026-11-20T10:05:03Z") { p.parse($0) }
        let b = bytes("2026-11-20T10:05:59.9Z") { p.parse($0) }
        let c = bytes("2026-11-20T10:05:03+01:00") { p.parse($0) }
        let d = bytes("2026-11-20T10:06:00Z") { p.parse($0) }
        #expect(a == sampleEpoch)
        #expect(b == sampleEpoch + 56)
        #expect(c == sampleEpoch - 3600)
        #expect(d == sampleEpoch + 57)
    }
}

@Suite struct CLFTests {
    @Test func offsets() {
        #expect(clf("20/Nov/2026:10:05:03 +0000") == sampleEpoch)
        #expect(clf("20/Nov/2026:11:05:03 +0100") == sampleEpoch)
        #expect(clf("20/Nov/2026:05:05:03 -0500") == sampleEpoch)
        #expect(clf("19/Nov/2026:22:35:03 -1130") == sampleEpoch)
        #expect(clf("01/Mar/2024:00:30:00 +0100") == iso("2024-02-29T23:30:00Z"))
    }

    @Test func leapDaysAndInvalid() {
        #expect(clf("29/Feb/2024:00:00:00 +0000") == 1_709_164_800)
        #expect(clf("29/Feb/2025:00:00:00 +0000") == nil)
        #expect(clf("20/Foo/2026:10:05:03 +0000") == nil)
        #expect(clf("20/Nov/2026:10:05:03 0000") == nil)
        #expect(clf("20/nov/2026:10:05:03 +0000") == sampleEpoch, "month names in any case")
    }
}

@Suite struct EpochTests {
    @Test func unitsByMagnitude() {
        #expect(epoch("1795169103") == sampleEpoch)
        #expect(epoch("1795169103.123") == sampleEpoch)
        #expect(epoch("1795169103123") == sampleEpoch)
        #expect(epoch("1795169103123456") == sampleEpoch)
        #expect(epoch("1795169103123456789") == sampleEpoch)
        #expect(epoch("1.795169103123e+09") == sampleEpoch)
        #expect(epoch("1795169103.999999") == sampleEpoch, "fractions are dropped, not rounded")
        #expect(epoch("0") == 0)
    }

    @Test func explicitUnits() {
        #expect(epoch("1795169103", .seconds) == sampleEpoch)
        #expect(epoch("1795169103000", .milliseconds) == sampleEpoch)
        #expect(epoch("5000", .milliseconds) == 5)
        #expect(epoch("1795169103000000", .microseconds) == sampleEpoch)
    }

    @Test func rejects() {
        for text in ["", "-1", "abc", "12a", "1.2.3", "99999999999999999999", "1e"] {
            #expect(epoch(text) == nil, "\(text)")
        }
    }
}

@Suite struct OtherTimeTests {
    @Test func w3cDateAndTime() {
        var p = W3CDateTimeParser()
        let t = Array("2026-11-20".utf8).withUnsafeBytes { d in Array("10:05:03".utf8).withUnsafeBytes { p.parse(date: d, time: $0) } }
        #expect(t == sampleEpoch)
        let leap = Array("2028-02-29".utf8).withUnsafeBytes { d in Array("23:59:59.5".utf8).withUnsafeBytes { p.parse(date: d, time: $0) } }
        #expect(leap == iso("2028-02-29T23:59:59Z"))
        let bad = Array("2027-02-29".utf8).withUnsafeBytes { d in Array("10:05:03".utf8).withUnsafeBytes { p.parse(date: d, time: $0) } }
        #expect(bad == nil)
    }

    @Test func haproxyAcceptDate() {
        var p = HAProxyTimestampParser()
        #expect(bytes("20/Nov/2026:10:05:03.655") { p.parse($0) } == sampleEpoch)
        #expect(bytes("20/Nov/2026:10:05:03") { p.parse($0) } == sampleEpoch)
        #expect(bytes("20/Nov/2026:10:05:03.") { p.parse($0) } == nil)
        #expect(bytes("32/Nov/2026:10:05:03.655") { p.parse($0) } == nil)
    }

    @Test func flexibleDispatchesOnShape() {
        var p = FlexibleTimestampParser()
        for text in ["2026-11-20T10:05:03.5Z", "20/Nov/2026:11:05:03 +0100", "[20/Nov/2026:10:05:03 +0000]",
                     "1795169103", "1795169103.25", "1795169103250", "1795169103250000000"] {
            #expect(bytes(text) { p.parse($0) } == sampleEpoch, "\(text)")
        }
        #expect(bytes("yesterday") { p.parse($0) } == nil)
    }

    @Test func strftimePatterns() throws {
        func read(_ pattern: String, _ text: String) throws -> Int64? {
            var p = try StrftimeTimestampParser(pattern: pattern)
            var parts = TimeParts()
            guard bytes(text, { p.parse($0, into: &parts) }) else { return nil }
            return parts.epochSeconds
        }
        #expect(try read("%Y-%m-%dT%H:%M:%S%z", "2026-11-20T11:05:03+0100") == sampleEpoch)
        #expect(try read("%d/%b/%Y:%H:%M:%S %z", "20/Nov/2026:05:05:03 -0500") == sampleEpoch)
        #expect(try read("%F %T", "2026-11-20 10:05:03") == sampleEpoch)
        #expect(try read("%a, %d %b %Y %H:%M:%S %Z", "Fri, 20 Nov 2026 10:05:03 GMT") == sampleEpoch)
        #expect(try read("%m/%d/%y %I:%M:%S %p", "11/20/26 10:05:03 AM") == sampleEpoch)
        #expect(try read("%m/%d/%y %I:%M:%S %p", "11/20/26 12:05:03 PM") == sampleEpoch + 7200)
        #expect(try read("%s", "1795169103") == sampleEpoch)
        #expect(try read("%Y-%m-%d", "2026-11-2x") == nil)
        #expect(throws: StrftimeTimestampParser.UnsupportedConversion.self) { try StrftimeTimestampParser(pattern: "%Y %Q") }
    }

    @Test func durations() {
        #expect(duration("0.123", .seconds) == 123_000)
        #expect(duration("0.000123456", .seconds) == 123)
        #expect(duration("123", .milliseconds) == 123_000)
        #expect(duration("1520", .microseconds) == 1_520)
        #expect(duration("8123456", .nanoseconds) == 8_123)
        #expect(duration("0.008123s", .seconds) == 8_123)
        #expect(duration("12ms", .seconds) == 12_000)
        #expect(duration("250µs", .seconds) == 250)
        #expect(duration("250us", .seconds) == 250)
        #expect(duration("1m2.5s", .seconds) == 62_500_000)
        #expect(duration("1h", .seconds) == 3_600_000_000)
        #expect(duration("1.5", .auto) == 1_500_000, "a fraction in auto is seconds")
        #expect(duration("15", .auto) == 15_000, "a whole number in auto is milliseconds")
        for bad in ["", "-", "-1", "abc", "1m30", "12 ms", "1.2.3"] {
            #expect(duration(bad, .seconds) == nil, "\(bad)")
        }
        #expect(bytes("0.012, 0.003 : 0.100") { DurationParser.secondsList($0) } == 115_000)
        #expect(bytes("-, 0.004") { DurationParser.secondsList($0) } == 4_000)
        #expect(bytes("-") { DurationParser.secondsList($0) } == nil)
    }
}
