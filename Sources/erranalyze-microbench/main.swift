// Micro-benchmarks of the hot paths: one line of each format parsed, one aggregation step,
// route templating, line splitting. For developers; never part of the test suite.
//
//   swift run -c release erranalyze-microbench            # all
//   swift run -c release erranalyze-microbench parse      # names containing "parse"
import ErrAnalyzeKit
import Foundation

struct Bench {
    let name: String
    let iterations: Int
    let body: (Int) -> Int
}

@inline(never) func blackHole(_ x: Int) { if x == 42_424_242 { print("") } }

func lineBench(_ name: String, format: LogFormat, line: String, iterations: Int = 2_000_000) -> Bench {
    Bench(name: "parse \(name)", iterations: iterations) { n in
        var parser = format.makeParser()
        var record = RequestRecord()
        var bytes = Array(line.utf8)
        var sum = 0
        bytes.withUnsafeMutableBytes { raw in
            let view = UnsafeRawBufferPointer(raw)
            for _ in 0..<n {
                if parser.parse(view, into: &record) == .request { sum &+= record.status }
            }
        }
        return sum
    }
}

let combinedLine = #"83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1" 200 203023 "http://semicomplete.com/presentations/logstash-monitorama-2013/" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36""#

var benches: [Bench] = []
for format in FormatRegistry.presets where format.name == "combined" {
    benches.append(lineBench("combined", format: format, line: combinedLine))
}
benches.append(Bench(name: "route template", iterations: 2_000_000) { n in
    let templater = RouteTemplater()
    var out: [UInt8] = []
    var path = Array("/v1/contacts/6f1c2a3b-1111-2222-3333-444455556666/notes/12345?limit=50".utf8)
    var sum = 0
    path.withUnsafeMutableBytes { raw in
        for _ in 0..<n {
            templater.template(UnsafeRawBufferPointer(raw), into: &out)
            sum &+= out.count
        }
    }
    return sum
})
benches.append(Bench(name: "aggregate add (parsed combined line)", iterations: 2_000_000) { n in
    var parser = NCSALogParser()
    var record = RequestRecord()
    var aggregate = TrafficAggregate()
    var bytes = Array(combinedLine.utf8)
    bytes.withUnsafeMutableBytes { raw in
        _ = parser.parse(UnsafeRawBufferPointer(raw), into: &record)
        for _ in 0..<n { aggregate.add(record) }
    }
    return Int(aggregate.requests)
})
/// Serves the same 4 MiB block of lines `blocks` times, so that only the splitting is measured.
final class RepeatingSource: ByteSource {
    let block: [UInt8]
    var remaining: Int
    init(line: String, blocks: Int) {
        let bytes = Array((line + "\n").utf8)
        var block = [UInt8]()
        while block.count + bytes.count <= 4 << 20 { block += bytes }
        self.block = block
        remaining = blocks
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard remaining > 0 else { return 0 }
        remaining -= 1
        let k = min(buffer.count, block.count)
        block.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: k) }
        return k
    }
}
let linesPerBlock = (4 << 20) / (combinedLine.utf8.count + 1)
benches.append(Bench(name: "line split (4 MiB blocks, 237-byte lines)", iterations: linesPerBlock * 100) { n in
    var count = 0
    try? LineReader(source: RepeatingSource(line: combinedLine, blocks: n / linesPerBlock))
        .forEachLine(includeUnterminatedTail: true, onLine: { count &+= $0.count }, onOverlongLine: {})
    return count
})

let filter = CommandLine.arguments.dropFirst().first
print("benchmark                                          ns/op     ops/s")
for bench in benches where filter == nil || bench.name.contains(filter!) {
    _ = bench.body(bench.iterations / 20) // warm up
    let clock = ContinuousClock()
    var result = 0
    let elapsed = clock.measure { result = bench.body(bench.iterations) }
    blackHole(result)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let ns = seconds * 1e9 / Double(bench.iterations)
    print(bench.name.padding(toLength: 48, withPad: " ", startingAt: 0), String(format: "%8.1f %10.0f", ns, 1e9 / ns))
}
