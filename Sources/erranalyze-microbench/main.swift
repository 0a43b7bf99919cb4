// Micro-benchmarks of the hot paths: one line of every format parsed, one aggregation step
// (the same record again, and distinct records as real logs have), route templating, line
// splitting, and the whole per-line loop. For developers; never part of the test suite.
//
//   swift run -c release erranalyze-microbench            # all
//   swift run -c release erranalyze-microbench parse      # names containing "parse"
//   swift run -c release erranalyze-microbench --list     # names only
//   swift run -c release erranalyze-microbench '=parse combined (preset)'   # exactly one
//
// Figures are nanoseconds per operation (best of 3 runs after a warm-up). Parse benchmarks
// cycle through every request line of the format's file in SampleLogs/formats (about twenty
// lines with different routes, statuses and codes), so that they measure the parser, not
// one lucky line.
import ErrAnalyzeKit
import Foundation

struct Bench {
    let name: String
    let iterations: Int
    /// Prepares the benchmark (only when it is selected) and returns its body, which runs
    /// `n` iterations and returns a value that depends on them.
    let make: () -> (Int) -> Int

    init(name: String, iterations: Int, make: @escaping () -> (Int) -> Int) {
        self.name = name
        self.iterations = iterations
        self.make = make
    }

    init(name: String, iterations: Int, body: @escaping (Int) -> Int) {
        self.init(name: name, iterations: iterations, make: { body })
    }
}

/// A value computed on first use: the setup of benchmarks that are not run costs nothing.
final class Lazy<T> {
    private var value: T?
    private let make: () -> T
    init(_ make: @escaping () -> T) { self.make = make }
    var get: T {
        if let value { return value }
        let made = make()
        value = made
        return made
    }
}

@inline(never) func blackHole(_ x: Int) { if x == 42_424_242 { print("") } }

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let samples = root.appendingPathComponent("SampleLogs/formats")

/// Lines stored back to back in one buffer, each a view into it.
final class LineSet {
    let storage: UnsafeMutableRawBufferPointer
    let lines: [UnsafeRawBufferPointer]

    init(_ texts: [String]) {
        let total = texts.reduce(0) { $0 + $1.utf8.count }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 1), alignment: 64)
        self.storage = storage
        var views: [UnsafeRawBufferPointer] = []
        var at = 0
        for text in texts {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBytes { storage.baseAddress!.advanced(by: at).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
            views.append(UnsafeRawBufferPointer(start: storage.baseAddress! + at, count: bytes.count))
            at += bytes.count
        }
        lines = views
    }
}

func sampleLines(_ file: String) -> [String] {
    guard let text = try? String(contentsOf: samples.appendingPathComponent(file), encoding: .utf8) else {
        FileHandle.standardError.write("cannot read SampleLogs/formats/\(file)\n".data(using: .utf8)!)
        exit(1)
    }
    return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
}

/// Parses `lines` round robin; lines before the first request (W3C headers) are fed once first.
func parseBench(_ name: String, format: LogFormat, lines texts: @autoclosure @escaping () -> [String], iterations: Int = 2_000_000) -> Bench {
    Bench(name: "parse \(name)", iterations: iterations) { parseBody(name, format: format, lines: texts()) }
}

func parseBody(_ name: String, format: LogFormat, lines texts: [String]) -> (Int) -> Int {
    let set = LineSet(texts)
    // Keep the lines the format reads as requests; the headers set up the parser.
    var probe = format.makeParser()
    var record = RequestRecord()
    var headers: [UnsafeRawBufferPointer] = []
    var requests: [UnsafeRawBufferPointer] = []
    for line in set.lines {
        if probe.parse(line, into: &record) == .request { requests.append(line) } else if requests.isEmpty { headers.append(line) }
    }
    precondition(!requests.isEmpty, "\(name): no line of the sample parses as a request")
    return { n in
        _ = set
        var parser = format.makeParser()
        var record = RequestRecord()
        for line in headers { _ = parser.parse(line, into: &record) }
        var sum = 0
        var k = 0
        let count = requests.count
        for _ in 0..<n {
            if parser.parse(requests[k], into: &record) == .request { sum &+= record.status }
            k += 1
            if k == count { k = 0 }
        }
        return sum
    }
}

func preset(_ name: String) -> LogFormat { FormatRegistry.preset(named: name)! }

// MARK: Distinct, realistic lines (generated here, deterministically)

/// A small deterministic generator of API traffic: many distinct ids, as real logs have.
struct Traffic {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func hex(_ n: Int) -> String { String((0..<n).map { _ in Array("0123456789abcdef")[below(16)] }) }
    mutating func uuid() -> String { "\(hex(8))-\(hex(4))-4\(hex(3))-\(["8", "9", "a", "b"][below(4)])\(hex(3))-\(hex(12))" }
    mutating func token() -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<14).map { _ in letters[below(letters.count)] })
    }

    mutating func path() -> String {
        switch below(12) {
        case 0, 1, 2: return "/v1/contacts/\(uuid())"
        case 3: return "/v1/contacts/\(uuid())/notes/\(below(100_000))"
        case 4: return "/v1/contacts?page=\(below(50))&limit=50"
        case 5: return "/v1/leads/\(below(10_000_000))"
        case 6: return "/v1/customers/cus_\(token())/invoices"
        case 7: return "/v1/agents/\(uuid())/commands"
        case 8: return "/v1/files/\(hex(40)).pdf"
        case 9: return "/v1/sessions"
        case 10: return "/v2/marketing/campaigns/\(below(5000))/stats?from=2026-11-01"
        default: return "/healthz"
        }
    }

    mutating func combinedLine(second: Int) -> String {
        let methods = ["GET", "GET", "GET", "POST", "PATCH", "DELETE"]
        let statuses = [200, 200, 200, 200, 201, 204, 400, 401, 404, 404, 409, 422, 429, 500, 503]
        let s = second % 60, m = (second / 60) % 60, h = 10 + (second / 3600) % 10
        let time = "17/Nov/2026:\(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m):\(s < 10 ? "0" : "")\(s) +0000"
        let ip = "203.0.113.\(below(250))"
        return "\(ip) - - [\(time)] \"\(methods[below(methods.count)]) \(path()) HTTP/1.1\" \(statuses[below(statuses.count)]) \(below(5000)) \"-\" \"okhttp/4.12.0\""
    }
}

let distinctCount = 1 << 16
let distinctCombinedLazy = Lazy<[String]> {
    var t = Traffic()
    return (0..<distinctCount).map { t.combinedLine(second: $0 / 4) }
}
var distinctCombined: [String] { distinctCombinedLazy.get }

/// The nginx `combined` log_format, compiled: the same lines as the built-in parser.
let nginxCombined = try! LogFormat.compile(logFormat: #"log_format combined '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';"#)
let apacheCombined = try! LogFormat.compile(logFormat: #"LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"" combined"#)
let nginxAPI = try! LogFormat.compile(logFormat: #"log_format api '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time "$sent_http_x_error_code" "$http_idempotency_key" "$sent_http_retry_after"';"#)
let nginxCustom = try! LogFormat.compile(logFormat: #"log_format api '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time uct="$upstream_connect_time" urt="$upstream_response_time" code=$sent_http_x_error_code idem=$http_idempotency_key ra=$sent_http_retry_after';"#)
let apacheCustom = try! LogFormat.compile(logFormat: #"LogFormat "%h %l %u %t \"%r\" %>s %b %D \"%{X-Error-Code}o\" \"%{Idempotency-Key}i\" \"%{Retry-After}o\"" api"#)
let customJSON = try! FormatRegistry.json(fields: "time=@t,method=http.verb,path=http.target,status=http.code,code=err.id,duration_ms=Elapsed,client=consumer.key_id,idempotency_key=hdr.idem,retry_after=hdr.retry")

var benches: [Bench] = []

// One line of each format.
for (name, file) in [("combined", "combined.log"), ("common", "common.log"), ("vhost_combined", "vhost_combined.log"),
                     ("alb", "alb.log"), ("cloudfront", "cloudfront.log"), ("w3c", "iis_w3c.log"), ("haproxy", "haproxy.log"),
                     ("nginx-json", "nginx_json.log"), ("caddy", "caddy.log"), ("traefik", "traefik.json"),
                     ("envoy", "envoy.json"), ("gcp-lb", "gcp_lb.json"), ("cloudflare", "cloudflare.json")] {
    benches.append(parseBench("\(name) (preset)", format: preset(name), lines: sampleLines(file)))
}
benches.append(parseBench("json app (pino)", format: preset("json"), lines: sampleLines("app_pino.json")))
benches.append(parseBench("json app (structured)", format: preset("json"), lines: sampleLines("app_structured.json")))
benches.append(parseBench("json --json-fields", format: customJSON, lines: sampleLines("app_custom_fields.json")))
benches.append(parseBench("log_format nginx custom", format: nginxCustom, lines: sampleLines("nginx_custom.log")))
benches.append(parseBench("LogFormat apache custom", format: apacheCustom, lines: sampleLines("apache_custom.log")))

// Built-in combined against compiled log_format lines on the same distinct lines.
benches.append(parseBench("distinct combined: built-in", format: preset("combined"), lines: distinctCombined))
benches.append(parseBench("distinct combined: nginx log_format", format: nginxCombined, lines: distinctCombined))
benches.append(parseBench("distinct combined: Apache LogFormat", format: apacheCombined, lines: distinctCombined))
let nginxAPILines = Lazy<[String]> {
    var t = Traffic()
    let codes = ["-", "-", "-", "CONTACT_NOT_FOUND", "RATE_LIMITED", "validation_failed"]
    return distinctCombined.map { "\($0) 0.\(t.below(900) + 10) \"\(codes[t.below(codes.count)])\" \"-\" \"-\"" }
}
benches.append(parseBench("distinct nginx-api: built-in combined", format: preset("combined"), lines: nginxAPILines.get))
benches.append(parseBench("distinct nginx-api: log_format", format: nginxAPI, lines: nginxAPILines.get))

// A duration's latency bucket (issue 13): found from its bits, no logarithm.
benches.append(Bench(name: "latency bucket of a duration", iterations: 20_000_000, make: {
    var t = Traffic()
    let durations = (0..<4096).map { _ in Int64(t.below(2_000_000)) }
    return { n in
        var sum = 0
        for i in 0..<n { sum &+= LatencyBuckets.bucket(ofMicros: durations[i & 4095]) }
        return sum
    }
}))

// Route templating, into scratch space as the aggregate does (and once into an array).
for (name, path) in [("static", "/v1/sessions"),
                     ("uuid + id + query", "/v1/contacts/6f1c2a3b-1111-2222-3333-444455556666/notes/12345?limit=50"),
                     ("token", "/v1/customers/cus_9s6XKzkNRiz8i3/invoices"),
                     ("long static", "/presentations/logstash-monitorama-2013/images/kibana-search.png"),
                     ("percent-encoded", "/v1/files/my%20report%2Fq3.pdf")] {
    benches.append(Bench(name: "route template: \(name)", iterations: 2_000_000) { n in
        let templater = RouteTemplater()
        var bytes = Array(path.utf8)
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: templater.scratchCapacity(forPathLength: bytes.count))
        defer { scratch.deallocate() }
        var sum = 0
        bytes.withUnsafeMutableBytes { raw in
            for _ in 0..<n { sum &+= templater.template(UnsafeRawBufferPointer(raw), scratch: scratch).count }
        }
        return sum
    })
}
benches.append(Bench(name: "route template: uuid + id + query, into [UInt8]", iterations: 2_000_000) { n in
    let templater = RouteTemplater()
    var out: [UInt8] = []
    var bytes = Array("/v1/contacts/6f1c2a3b-1111-2222-3333-444455556666/notes/12345?limit=50".utf8)
    var sum = 0
    bytes.withUnsafeMutableBytes { raw in
        for _ in 0..<n {
            templater.template(UnsafeRawBufferPointer(raw), into: &out)
            sum &+= out.count
        }
    }
    return sum
})

let combinedLine = #"83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1" 200 203023 "http://semicomplete.com/presentations/logstash-monitorama-2013/" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36""#

// Aggregation: one step.
benches.append(Bench(name: "aggregate add: same record", iterations: 2_000_000) { n in
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
benches.append(Bench(name: "aggregate add: distinct records", iterations: 2_000_000, make: {
  let distinctSet = LineSet(distinctCombined)
  var parser = NCSALogParser()
  let distinctRecords: [RequestRecord] = distinctSet.lines.map { line in
      var record = RequestRecord()
      _ = parser.parse(line, into: &record)
      return record
  }
  return { n in
    _ = distinctSet
    var aggregate = TrafficAggregate()
    var k = 0
    for _ in 0..<n {
        aggregate.add(distinctRecords[k])
        k = (k + 1) & (distinctCount - 1)
    }
    return Int(aggregate.requests)
  }
}))

// The same with a logged duration (0–2 s): the latency histogram's counter table too.
benches.append(Bench(name: "aggregate add: distinct timed records", iterations: 2_000_000, make: {
  let distinctSet = LineSet(distinctCombined)
  var parser = NCSALogParser()
  var t = Traffic()
  let distinctRecords: [RequestRecord] = distinctSet.lines.map { line in
      var record = RequestRecord()
      _ = parser.parse(line, into: &record)
      record.durationMicros = Int64(t.below(1000)) * 1000
      return record
  }
  return { n in
    _ = distinctSet
    var aggregate = TrafficAggregate()
    var k = 0
    for _ in 0..<n {
        aggregate.add(distinctRecords[k])
        k = (k + 1) & (distinctCount - 1)
    }
    return Int(aggregate.requests)
  }
}))

/// Serves the same block of lines `blocks` times.
final class RepeatingSource: ByteSource {
    let block: [UInt8]
    var remaining: Int
    init(lines: [String], blockSize: Int = 4 << 20, blocks: Int) {
        var block = [UInt8]()
        var k = 0
        while true {
            let bytes = Array((lines[k % lines.count] + "\n").utf8)
            if block.count + bytes.count > blockSize { break }
            block += bytes
            k += 1
        }
        self.block = block
        remaining = blocks
    }
    var linesPerBlock: Int { block.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard remaining > 0 else { return 0 }
        remaining -= 1
        let k = min(buffer.count, block.count)
        block.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: k) }
        return k
    }
}
let linesPerBlock = RepeatingSource(lines: [combinedLine], blocks: 0).linesPerBlock
benches.append(Bench(name: "line split (4 MiB blocks, 237-byte lines)", iterations: linesPerBlock * 100) { n in
    var count = 0
    try? LineReader(source: RepeatingSource(lines: [combinedLine], blocks: n / linesPerBlock))
        .forEachLine(includeUnterminatedTail: true, onLine: { count &+= $0.count }, onOverlongLine: {})
    return count
})

/// Serves exactly `count` lines, cycling through `lines`, as a file read would.
final class CyclingSource: ByteSource {
    let text: [UInt8]
    let starts: [Int]
    var next = 0
    var remaining: Int

    /// The lines back to back, newline-terminated, and where each starts (plus the end).
    static func layout(_ lines: [String]) -> (text: [UInt8], starts: [Int]) {
        var text: [UInt8] = []
        var starts: [Int] = []
        for line in lines {
            starts.append(text.count)
            text += Array((line + "\n").utf8)
        }
        starts.append(text.count)
        return (text, starts)
    }

    init(_ layout: (text: [UInt8], starts: [Int]), count: Int) {
        text = layout.text
        starts = layout.starts
        remaining = count
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var written = 0
        while remaining > 0 {
            let length = starts[next + 1] - starts[next]
            if written + length > buffer.count { break }
            text.withUnsafeBytes { (buffer.baseAddress! + written).copyMemory(from: $0.baseAddress! + starts[next], byteCount: length) }
            written += length
            remaining -= 1
            next += 1
            if next == starts.count - 1 { next = 0 }
        }
        return written
    }
}

// The whole per-line loop of one worker on distinct lines: split + parse + aggregate.
for (name, format) in [("built-in combined", preset("combined")), ("nginx log_format", nginxCombined)] {
    benches.append(Bench(name: "line loop, distinct combined: \(name)", iterations: 500_000, make: {
        let layout = CyclingSource.layout(distinctCombined)
        return { n in
            var parser = format.makeParser()
            var record = RequestRecord()
            var aggregate = TrafficAggregate()
            try? LineReader(source: CyclingSource(layout, count: n))
                .forEachLine(includeUnterminatedTail: true, onLine: { line in
                    if parser.parse(line, into: &record) == .request { aggregate.add(record) }
                }, onOverlongLine: {})
            return Int(aggregate.requests)
        }
    }))
}

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--list" {
    for bench in benches { print(bench.name) }
    exit(0)
}
let filter = arguments.first
// MICROBENCH_ITERATIONS=N runs N iterations (and N/20 to warm up) once, for
// valgrind --tool=callgrind: see Scripts/bench-ir.
let fixedIterations = ProcessInfo.processInfo.environment["MICROBENCH_ITERATIONS"].flatMap(Int.init)
print("benchmark                                               ns/op       ops/s")
func selected(_ name: String) -> Bool {
    guard let filter else { return true }
    return filter.hasPrefix("=") ? name == filter.dropFirst() : name.contains(filter)
}
for original in benches where selected(original.name) {
    let iterations = fixedIterations ?? original.iterations
    let body = original.make()
    _ = body(iterations / 20) // warm up
    let clock = ContinuousClock()
    var best = Double.infinity
    for _ in 0..<(fixedIterations == nil ? 3 : 1) {
        var result = 0
        let elapsed = clock.measure { result = body(iterations) }
        blackHole(result)
        best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    let ns = best * 1e9 / Double(iterations)
    print(original.name.padding(toLength: 52, withPad: " ", startingAt: 0), String(format: "%8.1f %11.0f", ns, 1e9 / ns))
}
