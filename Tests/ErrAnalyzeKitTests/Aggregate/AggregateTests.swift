import Testing
@testable import ErrAnalyzeKit

func parseCombined(_ lines: [String]) -> TrafficAggregate {
    var parser = NCSALogParser()
    var record = RequestRecord()
    var aggregate = TrafficAggregate()
    for line in lines {
        var copy = line
        copy.withUTF8 { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            switch parser.parse(raw, into: &record) {
            case .request: aggregate.add(record)
            case .skip: aggregate.addSkipped()
            case .malformed(let reason): aggregate.addMalformed(reason, line: raw)
            }
        }
    }
    return aggregate
}

let sampleLines = [
    #"1.1.1.1 - - [17/May/2015:10:05:03 +0000] "GET /v1/contacts/42?x=1 HTTP/1.1" 404 10 "-" "curl""#,
    #"1.1.1.2 - - [17/May/2015:10:15:03 +0000] "GET /v1/contacts/43 HTTP/1.1" 404 10 "-" "curl""#,
    #"1.1.1.1 - - [17/May/2015:11:05:03 +0200] "POST /v1/contacts HTTP/1.1" 201 10 "-" "curl""#,
    "garbage line",
    #"1.1.1.3 - - [17/May/2015:12:05:03 +0000] "GET /v1/contacts/6f1c2a3b-1111-2222-3333-444455556666 HTTP/1.1" 503 0"#,
]

@Suite struct AggregateTests {
    @Test func countsByTemplatedRouteAndHour() {
        let a = parseCombined(sampleLines)
        #expect(a.lines == 5)
        #expect(a.requests == 4)
        #expect(a.malformed.total == 1)
        #expect(a.malformed.samples.first?.line == 4)
        let routes = (0..<a.routes.count).map { a.routes.string($0) }
        #expect(Set(routes) == ["/v1/contacts/{id}", "/v1/contacts", "/v1/contacts/{uuid}"])
        let notFound = a.traffic.filter { $0.key.status == 404 }
        #expect(notFound.count == 1, "both 404s fall into one hour and one route")
        #expect(notFound.first?.value.requests == 2)
        // +0200 means 09:05 UTC, the hour before the others.
        #expect(a.firstTimestamp == 1_431_853_503)
        #expect(a.clients.totalsByHour.values.reduce(0) { $0 + $1.errors } == 3)
    }

    @Test func mergingPartsEqualsCountingTheWhole() {
        let whole = parseCombined(sampleLines)
        var merged = parseCombined(Array(sampleLines[0..<2]))
        merged.merge(parseCombined(Array(sampleLines[2...])))
        #expect(merged.requests == whole.requests)
        #expect(merged.lines == whole.lines)
        #expect(merged.malformed.samples.first?.line == 4, "line numbers continue across parts")
        func byValue(_ a: TrafficAggregate) -> [String: Int64] {
            var out: [String: Int64] = [:]
            for (k, v) in a.traffic { out["\(k.hour) \(a.routes.string(Int(k.route))) \(a.methods.string(Int(k.method))) \(k.status)", default: 0] += v.requests }
            return out
        }
        #expect(byValue(merged) == byValue(whole))
    }

    @Test func routesPastTheCapFoldIntoOther() {
        var parser = NCSALogParser()
        var record = RequestRecord()
        var a = TrafficAggregate(maxRoutes: 3)
        for i in 0..<10 {
            var line = #"1.1.1.1 - - [17/May/2015:10:05:03 +0000] "GET /page-\#(i) HTTP/1.1" 404 1"#
            line.withUTF8 { if parser.parse(UnsafeRawBufferPointer($0), into: &record) == .request { a.add(record) } }
        }
        #expect(a.routes.count <= 4)
        #expect(a.routes.lookup(TrafficAggregate.otherRoute) != nil)
        #expect(a.requests == 10)
    }

    @Test func internerFindsWhatItStored() {
        var interner = ByteInterner(capacity: 2)
        var ids: [Int] = []
        for i in 0..<1000 { ids.append(interner.intern("value-\(i)")) }
        #expect(ids == Array(0..<1000))
        #expect(interner.intern("value-500") == 500)
        #expect(interner.string(999) == "value-999")
        #expect(interner.lookup("missing") == nil)
    }
}
