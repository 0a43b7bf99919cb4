import Foundation
import Testing

/// Container runtime wrappers written around real lines, the way containerd / CRI-O, Docker's
/// json-file driver and `kubectl logs --timestamps` write them.
enum ContainerWrapping {
    /// The corpus's lines, without their newlines.
    static let corpusLines: [[UInt8]] = {
        let data = Array((try? Data(contentsOf: URL(fileURLWithPath: CorpusTests.apacheLogs))) ?? Data())
        return data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
    }()

    static let noise = Array("2026/11/20 10:05:03 [warn] 29#29: *1 an upstream response is buffered to a temporary file".utf8)

    static func stamp(_ i: Int) -> [UInt8] {
        Array(String(format: "2026-11-20T10:%02d:%02d.%09dZ", (i / 60) % 60, i % 60, i).utf8)
    }

    /// CRI: one line in ten in pieces (`P` … `F`, a stderr line between two pieces of one
    /// line in three), a stderr line every seventh line.
    static func cri(_ lines: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(lines.count * 300)
        func put(_ i: Int, _ stream: String, _ tag: String, _ content: ArraySlice<UInt8>) {
            out += stamp(i) + Array(" \(stream) \(tag) ".utf8) + content + [0x0A]
        }
        for (i, line) in lines.enumerated() {
            if i % 10 == 3 && line.count > 20 {
                let a = line.count / 3, b = 2 * line.count / 3
                put(i, "stdout", "P", line[..<a])
                if i % 20 == 3 { put(i, "stderr", "F", noise[...]) }
                put(i, "stdout", "P", line[a..<b])
                put(i, "stdout", "F", line[b...])
            } else {
                put(i, "stdout", "F", line[...])
            }
            if i % 7 == 0 { put(i, "stderr", "F", noise[...]) }
        }
        return out
    }

    /// The JSON string escapes of Docker's encoder (Go's: `<`, `>`, `&` as \u escapes too).
    static func jsonEscaped(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): out += [0x5C, b]
            case UInt8(ascii: "\\"): out += [0x5C, b]
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), 0..<0x20:
                out += Array(String(format: "\\u%04x", b).utf8)
            default: out.append(b)
            }
        }
        return out
    }

    /// Docker json-file: one line in ten in two pieces (the first without its newline), a
    /// stderr line every seventh line.
    static func docker(_ lines: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(lines.count * 350)
        func put(_ i: Int, _ stream: String, _ log: [UInt8]) {
            out += Array(#"{"log":""#.utf8) + log + Array(#"","stream":""#.utf8) + Array(stream.utf8)
                + Array(#"","time":""#.utf8) + stamp(i) + Array(#""}"#.utf8) + [0x0A]
        }
        for (i, line) in lines.enumerated() {
            if i % 10 == 3 && line.count > 20 {
                let a = line.count / 2
                put(i, "stdout", jsonEscaped(line[..<a]))
                put(i, "stdout", jsonEscaped(line[a...] + [0x0A]))
            } else {
                put(i, "stdout", jsonEscaped(line[...] + [0x0A]))
            }
            if i % 7 == 0 { put(i, "stderr", jsonEscaped(noise[...] + [0x0A])) }
        }
        return out
    }

    /// `kubectl logs --timestamps`.
    static func timestamped(_ lines: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, line) in lines.enumerated() { out += stamp(i) + [0x20] + line + [0x0A] }
        return out
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}

@Suite struct ContainerLogsTests {
    static let expected = CorpusTests.expectedStatuses

    static func hosts(_ report: [String: Any]) -> [String] {
        report.array("hosts").compactMap { $0["host"] as? String }.sorted()
    }

    @Test func theCorpusInCRIWithPiecesAndStderrNoiseCountsExactly() throws {
        let h = try Harness()
        let file = h.path("cri.log")
        try ContainerWrapping.write(ContainerWrapping.cri(ContainerWrapping.corpusLines), to: file)
        // Small steps: many commits, each after a whole line.
        let result = try h.run(["ingest", "--checkpoint-bytes", "65536", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("cri+combined"), "\(result.stdout)")
        let report = try h.jsonReport()
        #expect(report.statusCounts == Self.expected)
        #expect(report.int("totals.requests") == 10_000)
        #expect(report.int("totals.malformed_lines") == 0, "stderr lines are not requests, and not malformed")
        // Four copies: large enough to be split between workers.
        let many = try Harness()
        let big = many.path("big.log")
        let one = ContainerWrapping.cri(ContainerWrapping.corpusLines)
        try ContainerWrapping.write(one + one + one + one, to: big)
        let split = try many.run(["ingest", "--workers", "3", big])
        #expect(split.status == 0, "\(split.stderr)")
        #expect(try many.jsonReport().statusCounts == Self.expected.mapValues { $0 * 4 })
    }

    @Test func theCorpusInDockerJSONFileCountsExactly() throws {
        let h = try Harness()
        let file = h.path("0123abcd-json.log")
        try ContainerWrapping.write(ContainerWrapping.docker(ContainerWrapping.corpusLines), to: file)
        let result = try h.run(["ingest", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("docker+combined"), "\(result.stdout)")
        let report = try h.jsonReport()
        #expect(report.statusCounts == Self.expected)
        #expect(report.int("totals.malformed_lines") == 0)
        // Compressed, it is the same.
        let gz = try Harness()
        let packed = try gz.gzip(file, to: "0123abcd-json.log.1.gz")
        #expect(try gz.run(["ingest", packed]).status == 0)
        #expect(try gz.jsonReport().statusCounts == Self.expected)
    }

    @Test func jsonApplicationLinesInsideDockerWithJSONFieldsAreExact() throws {
        let h = try Harness()
        let source = Array(try Data(contentsOf: SampleLogsTruthTests.api.appendingPathComponent("app.jsonl")))
        let lines = source.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
        let file = h.path("app-json.log")
        try ContainerWrapping.write(ContainerWrapping.docker(lines), to: file)
        let fields = "time=time,method=request.method,path=request.path,status=response.status,code=error.code,duration=response.duration_ms,client=client.api_key,idempotency_key=request.headers.idempotency_key,retry_after=response.retry_after"
        let result = try h.run(["ingest", "--json-fields", fields, file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("docker+json"), "\(result.stdout)")
        SampleLogsTruthTests.expectMatches(try h.jsonReport(), try SampleLogsTruthTests.truth("api-app.jsonl.json"), codes: true)
    }

    @Test func kubeletFilesAreTheirWorkloadsAndRotationCountsOnce() throws {
        let h = try Harness()
        let pod = h.path("var/log/pods/shop_api-gateway-7d9f8c6b5-x2k4p_0c6f0c52-5c7e-4a3b-9d1e-2f3a4b5c6d7e/nginx")
        let lines = ContainerWrapping.corpusLines
        let parts = [0..<2500, 2500..<5000, 5000..<7500, 7500..<10_000].map { ContainerWrapping.cri(Array(lines[$0])) }
        let live = pod + "/0.log"
        try ContainerWrapping.write(parts[0], to: live)
        var result = try h.run(["ingest", live])
        #expect(result.status == 0, "\(result.stderr)")
        // The kubelet rotates: 0.log → 0.log.<time>; the runtime opens a new 0.log.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: live))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(parts[1]))
        try handle.close()
        let rotated = pod + "/0.log.20261120-100503"
        try FileManager.default.moveItem(atPath: live, toPath: rotated)
        try ContainerWrapping.write(parts[2], to: live)
        result = try h.run(["ingest", live, rotated])
        #expect(result.status == 0, "\(result.stderr)")
        // Later it compresses the rotated file; the new one grows.
        try h.shell("gzip '\(rotated)'")
        let more = try FileHandle(forWritingTo: URL(fileURLWithPath: live))
        try more.seekToEnd()
        try more.write(contentsOf: Data(parts[3]))
        try more.close()
        // /var/log/containers links to the same file: still counted once.
        let link = h.path("var/log/containers/api-gateway-7d9f8c6b5-x2k4p_shop_nginx-" + String(repeating: "ab", count: 32) + ".log")
        try FileManager.default.createDirectory(atPath: (link as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: live)
        result = try h.run(["ingest", rotated + ".gz", live, link])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try h.jsonReport()
        #expect(report.statusCounts == Self.expected, "every line once across the rotation")
        #expect(Self.hosts(report) == ["shop/api-gateway"], "the workload, never the pod")
        #expect(try h.jsonReport(["--host", "shop/api-gateway"]).int("totals.requests") == 10_000)
        #expect(try h.jsonReport(["--host", "shop/other"]).int("totals.requests") == 0)
        // An explicit --host wins over the path.
        let named = try Harness()
        try ContainerWrapping.write(parts[0], to: named.path("var/log/pods/shop_web-0_u1/app/0.log"))
        #expect(try named.run(["ingest", "--host", "edge-1", named.path("var/log/pods/shop_web-0_u1/app/0.log")]).status == 0)
        #expect(Self.hosts(try named.jsonReport()) == ["edge-1"])
    }

    /// `ingest --follow` over a pattern of kubelet pod folders: each file is its workload's,
    /// as for a cron ingest of the same files, including files that appear while it runs.
    @Test func aFollowerOfPodFoldersCommitsEachWorkloadAsItsOwnSource() throws {
        let h = try Harness()
        let lines = ContainerWrapping.corpusLines
        let api = h.path("var/log/pods/shop_api-gateway-7d9f8c6b5-x2k4p_u1/nginx/0.log")
        let web = h.path("var/log/pods/shop_web-6c8d7f9b4-k2m4n_u2/nginx/0.log")
        try ContainerWrapping.write(ContainerWrapping.cri(Array(lines[0..<4000])), to: api)
        let follower = try h.start(["ingest", "--follow", "--commit-every", "200ms", "--quiet", "--db", h.db,
                                    h.path("var/log/pods/*/nginx/*.log")])
        func requests(_ host: String) -> Int {
            (try? h.jsonReport(["--host", host]).int("totals.requests")) ?? -1
        }
        let deadline = Date().addingTimeInterval(60)
        while requests("shop/api-gateway") != 4000 && Date() < deadline { usleep(100_000) }
        // A pod appears while the follower runs: found by the pattern, its workload's own.
        try ContainerWrapping.write(ContainerWrapping.cri(Array(lines[4000..<10_000])), to: web)
        while requests("shop/web") != 6000 && Date() < deadline { usleep(100_000) }
        kill(follower.process.processIdentifier, SIGTERM)
        let result = follower.wait()
        #expect(result.status == 0, "\(result.stderr)")
        let report = try h.jsonReport()
        #expect(Self.hosts(report) == ["shop/api-gateway", "shop/web"])
        #expect(report.statusCounts == Self.expected, "every line once")
        #expect(requests("shop/api-gateway") == 4000 && requests("shop/web") == 6000)
    }

    @Test func kubectlLogsWithTimestampsThroughStandardInput() throws {
        let h = try Harness()
        let bytes = ContainerWrapping.timestamped(ContainerWrapping.corpusLines)
        let result = try h.run(["ingest", "--host", "shop/api", "-"], stdin: Data(bytes))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("timestamped+combined"), "\(result.stdout)")
        let report = try h.jsonReport()
        #expect(report.statusCounts == Self.expected)
        #expect(Self.hosts(report) == ["shop/api"])
    }

    /// SampleLogs/containers (Scripts/wrap-container-logs): the wrapped samples count what the
    /// lines they wrap count (their truth files).
    @Test func containerSampleLogsMatchTheTruthOfTheLinesTheyWrap() throws {
        let root = Harness.sampleLogs.appendingPathComponent("containers")
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }.sorted() ?? []
        let cri = try #require(files.first { $0.hasSuffix("/nginx/0.log") })
        let docker = try #require(files.first { $0.hasSuffix("-json.log.1.gz") })

        let h = try Harness()
        let result = try h.run(["ingest", root.appendingPathComponent(cri).path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("cri+combined"), "\(result.stdout)")
        let report = try h.jsonReport()
        SampleLogsTruthTests.expectMatches(report, try SampleLogsTruthTests.truth("nginx-legacy-combined.log.gz.json"), codes: false)
        #expect(Self.hosts(report) == ["shop/api-gateway"])

        let d = try Harness()
        let dockerResult = try d.run(["ingest", root.appendingPathComponent(docker).path])
        #expect(dockerResult.status == 0, "\(dockerResult.stderr)")
        #expect(dockerResult.stdout.contains("docker+json"), "\(dockerResult.stdout)")
        SampleLogsTruthTests.expectMatches(try d.jsonReport(), try SampleLogsTruthTests.truth("api-app.jsonl.json"), codes: true)
    }

    /// One run reads the files of two workloads and a plain file: each workload is its own
    /// source with its own ledger, the plain file the machine's; SQLite and PostgreSQL alike.
    @Test(arguments: ["sqlite", "postgresql"])
    func oneRunOfSeveralWorkloadsStoresEachUnderItsOwnSource(store: String) throws {
        var server: FleetTests.ScratchServerDatabase?
        if store == "postgresql" {
            server = try FleetTests.ScratchServerDatabase()
            guard server != nil else { return }
        }
        defer { server?.drop() }
        let h = try Harness()
        let db = server?.uri ?? h.db
        let lines = ContainerWrapping.corpusLines
        let gateway = h.path("var/log/pods/shop_api-gateway-7d9f8c6b5-x2k4p_u1/nginx/0.log")
        let orders = h.path("var/log/pods/shop_orders-0_u2/app/0.log")
        let plain = h.path("access.log")
        try ContainerWrapping.write(ContainerWrapping.cri(Array(lines[0..<4000])), to: gateway)
        try ContainerWrapping.write(ContainerWrapping.docker(Array(lines[4000..<7000])), to: orders)
        try ContainerWrapping.write(lines[7000...].flatMap { $0 + [0x0A] }, to: plain)
        let first = try h.run(["ingest", "--db", db, gateway, plain, orders])
        #expect(first.status == 0, "\(first.stderr)")
        // One line per input, in the order given.
        #expect(first.stdout.split(separator: "\n").map { $0.hasPrefix(gateway) || $0.hasPrefix(plain) || $0.hasPrefix(orders) } == [true, true, true])
        let report = try h.jsonReport([], db: db)
        #expect(report.statusCounts == Self.expected)
        let perHost = Dictionary(uniqueKeysWithValues: report.array("hosts").map { ($0["host"] as! String, ($0["requests"] as! NSNumber).intValue) })
        #expect(perHost["shop/api-gateway"] == 4000)
        #expect(perHost["shop/orders"] == 3000)
        #expect(perHost.count == 3 && perHost.values.reduce(0, +) == 10_000, "\(perHost)")
        let again = try h.run(["ingest", "--db", db, orders, gateway, plain])
        #expect(again.stdout.components(separatedBy: "already counted").count == 4, "\(again.stdout)")
        #expect(try h.jsonReport([], db: db).statusCounts == Self.expected)
    }
}
