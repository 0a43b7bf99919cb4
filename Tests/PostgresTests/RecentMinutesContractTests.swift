import ErrAnalyzeKit
import ErrAnalyzePostgres
import ErrAnalyzeSQLite
import Foundation
import Testing

/// Recent minutes (`RecentMinutesStore`, what `top` shows with no files) through both stores:
/// the lines of the last hour read back exactly once whatever the ingests do (resume, a run
/// again, a stale commit), old lines write nothing, each commit drops its host's minutes older
/// than an hour, `prune` drops them too, and the two stores return the same minutes.
@Suite(TestServer.required, .serialized) struct RecentMinutesContractTests {
    typealias S = StoreComparison
    typealias Kind = StoreContractTests.Kind
    typealias Opened = StoreContractTests.Opened

    static var wallClock: Int64 { Int64(Date().timeIntervalSince1970) }

    /// Ingests with the real clock (the recent floor is the wall clock's).
    @discardableResult
    func ingest(_ paths: [String], into store: IngestStore, sourceLocation: SourceLocation = #_sourceLocation) -> [FileReport] {
        var reports: [FileReport] = []
        for outcome in IngestEngine(store: store, options: IngestOptions(workers: 1, liveFileSeconds: 0)).ingest(paths: paths) {
            switch outcome {
            case .ingested(let report): reports.append(report)
            case .failed(let path, let error): Issue.record("\(path): \(error)", sourceLocation: sourceLocation)
            }
        }
        return reports
    }

    struct Line {
        var time: Int64
        var client: String
        var path: String
        var status: Int
        var text: String { S.line(client: client, time: time, path: path, status: status) }
    }

    /// `count` lines between `from` and `to` seconds before now.
    func lines(_ count: Int, seed: Int, secondsAgo from: Int64, to: Int64) -> [Line] {
        let now = Self.wallClock
        return (0..<count).map { i in
            let k = i * 7 + seed
            return Line(time: now - from + Int64(k * 13 % Int(max(1, from - to))), client: "10.1.0.\(k % 9)",
                        path: ["/v1/orders", "/v1/users/\(k)", "/health"][k % 3], status: [200, 200, 404, 429, 503, 201][k % 6])
        }
    }

    /// Requests per minute and status, and 429s per minute and client: as the store gives them.
    func counts(_ minutes: [LiveMinute]) -> (byStatus: [String: Int64], rateLimited: [String: Int64]) {
        var byStatus: [String: Int64] = [:], limited: [String: Int64] = [:]
        for minute in minutes {
            for (key, count) in minute.requests { byStatus["\(minute.minute) \(key.host) \(key.status)", default: 0] += count }
            for (client, count) in minute.rateLimitedClients { limited["\(minute.minute) \(client)", default: 0] += count }
        }
        return (byStatus, limited)
    }

    /// The same, counted from the lines written.
    func expected(_ lines: [Line], host: String) -> (byStatus: [String: Int64], rateLimited: [String: Int64]) {
        var byStatus: [String: Int64] = [:], limited: [String: Int64] = [:]
        for line in lines {
            byStatus["\(line.time / 60) \(host) \(line.status)", default: 0] += 1
            if line.status == 429 { limited["\(line.time / 60) \(line.client)", default: 0] += 1 }
        }
        return (byStatus, limited)
    }

    func recent(_ store: any IngestStore) throws -> [LiveMinute] {
        try (store as! any RecentMinutesStore).recentMinutes(since: LiveView.minute(of: Self.wallClock) - 90)
    }

    @Test(arguments: Kind.allCases) func theLastHourIsReadBackOnceThroughResumeRunAgainAndAStaleCommit(_ kind: Kind) throws {
        let opened = try Opened(kind)
        defer { opened.close() }
        let store = try opened.store(host: "web-1")
        let folder = try S.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/access.log"
        let old = lines(100, seed: 1, secondsAgo: 5 * 3600, to: 2 * 3600)
        let first = lines(200, seed: 2, secondsAgo: 1800, to: 60)
        try S.write((old + first).map(\.text), to: path)
        #expect(ingest([path], into: store).map(\.requests) == [300])
        #expect(counts(try recent(store)) == expected(first, host: "web-1"))

        #expect(ingest([path], into: store).map(\.disposition) == [.upToDate])
        #expect(counts(try recent(store)) == expected(first, host: "web-1"), "a run again adds nothing")

        let more = lines(50, seed: 3, secondsAgo: 600, to: 0)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data((more.map(\.text).joined(separator: "\n") + "\n").utf8))
        try handle.close()
        #expect(ingest([path], into: store).map(\.requests) == [50])
        #expect(counts(try recent(store)) == expected(first + more, host: "web-1"), "a resumed file adds its new lines once")

        // A commit that lost the race is refused whole: none of its recent minutes count.
        let entry = try #require(try store.ledgerEntries().first)
        var aggregate = TrafficAggregate()
        aggregate.add(S.record(time: Self.wallClock - 30, path: "/v1/orders", status: 503))
        #expect(!aggregate.recent.isEmpty)
        let stale = IngestCheckpoint(entryID: entry.id, expectedBytesRead: entry.bytesRead - 1, path: entry.path, format: entry.format,
                                     compressed: false, fingerprint: entry.fingerprint, bytesRead: entry.bytesRead + 10,
                                     aggregate: aggregate, now: Self.wallClock)
        #expect(throws: StoreConflict.self) { try store.commit(stale) }
        #expect(counts(try recent(store)) == expected(first + more, host: "web-1"))
    }

    @Test(arguments: Kind.allCases) func oldLogsWriteNoRecentMinutes(_ kind: Kind) throws {
        let opened = try Opened(kind)
        defer { opened.close() }
        let store = try opened.store(host: "web-1")
        #expect(ingest([S.sample("api/app.jsonl"), S.sample("nginx/access.log")], into: store).allSatisfy { $0.requests > 0 })
        #expect(try (store as! any RecentMinutesStore).recentMinutes(since: 0).isEmpty)
    }

    @Test(arguments: Kind.allCases) func eachCommitDropsItsHostsMinutesOlderThanAnHourAndPruneDropsThemToo(_ kind: Kind) throws {
        let opened = try Opened(kind)
        defer { opened.close() }
        let web1 = try opened.store(host: "web-1"), web2 = try opened.store(host: "web-2")
        let now = Self.wallClock
        // A step that ran 10 minutes ago counted a line of 65 minutes ago (then within its hour).
        func commit(_ store: any IngestStore, times: [Int64], at: Int64, head: String) throws {
            var aggregate = TrafficAggregate()
            aggregate.recent = RecentMinutes(now: at)
            for time in times { aggregate.add(S.record(time: time, path: "/v1/orders", status: 200)) }
            try store.commit(IngestCheckpoint(entryID: nil, expectedBytesRead: 0, path: head, format: "combined", compressed: false,
                                              fingerprint: ContentFingerprint(of: Array(head.utf8)), bytesRead: 100,
                                              aggregate: aggregate, now: at))
        }
        try commit(web1, times: [now - 3900, now - 120], at: now - 600, head: "one")
        try commit(web2, times: [now - 3900], at: now - 600, head: "two")
        let oldMinute = LiveView.minute(of: now - 3900)
        let all = { try (web1 as! any RecentMinutesStore).recentMinutes(since: 0) }
        #expect(try all().map(\.minute) == [oldMinute, LiveView.minute(of: now - 120)])
        #expect(try all().first?.requests.count == 2, "both hosts' rows of the old minute")

        // web-1 commits now: its own rows older than an hour go, web-2's wait for web-2's next commit.
        try commit(web1, times: [now - 60], at: now, head: "three")
        let after = try all()
        #expect(after.map(\.minute) == [oldMinute, LiveView.minute(of: now - 120), LiveView.minute(of: now - 60)])
        #expect(after.first.map { Array($0.requests.keys.map(\.host)) } == ["web-2"])
        try commit(web2, times: [], at: now, head: "four")
        #expect(try all().map(\.minute) == [LiveView.minute(of: now - 120), LiveView.minute(of: now - 60)])

        // prune drops the minutes of the hours it removes (their routes may go with them).
        _ = try (web1 as any MaintenanceStore).prune(beforeHour: Int32(now / 3600 + 1), now: now, dryRun: false)
        #expect(try all().isEmpty)
    }

    @Test func bothStoresReturnTheSameMinutesOfSeveralHosts() throws {
        let folder = try S.temporaryFolder()
        let scratch = try ScratchDatabase()
        defer { scratch.drop(); try? FileManager.default.removeItem(atPath: folder) }
        let a = lines(400, seed: 5, secondsAgo: 3000, to: 0), b = lines(300, seed: 6, secondsAgo: 900, to: 0)
        try S.write(a.map(\.text), to: folder + "/a.log")
        try S.write(b.map(\.text), to: folder + "/b.log")
        // JSON lines with durations: the minutes' histograms (top's p95).
        let now = Self.wallClock
        let timed: [(time: Int64, micros: Int64)] = (0..<300).map { (i: Int) -> (time: Int64, micros: Int64) in
            let ago = Int64((i * 11) % 1700), micros = Int64((i * 7919) % 2_000_000)
            return (now - ago, micros)
        }
        let stamp = ISO8601DateFormatter()
        let json: [String] = timed.map { (t: (time: Int64, micros: Int64)) -> String in
            let time = stamp.string(from: Date(timeIntervalSince1970: TimeInterval(t.time)))
            return "{\"time\":\"\(time)\",\"method\":\"GET\",\"path\":\"/v2/x\",\"status\":200,\"duration_us\":\(t.micros)}"
        }
        try S.write(json, to: folder + "/c.jsonl")
        var expectedLatency: [String: Int64] = [:]
        for t in timed { expectedLatency["\(t.time / 60) \(LatencyBuckets.bucket(ofMicros: t.micros))", default: 0] += 1 }
        var results: [[LiveMinute]] = []
        for kind in Kind.allCases {
            let opened = try Opened(kind)
            defer { opened.close() }
            let web1 = try opened.store(host: "web-1"), web2 = try opened.store(host: "web-2")
            ingest([folder + "/a.log"], into: web1)
            ingest([folder + "/b.log"], into: web2)
            ingest([folder + "/c.jsonl"], into: web1)
            let minutes = try recent(web1)
            var latency: [String: Int64] = [:]
            for minute in minutes { for (bucket, n) in minute.latency { latency["\(minute.minute) \(bucket)", default: 0] += n } }
            #expect(latency == expectedLatency, "\(kind): every timed line once, in its minute and bucket")
            var both = expected(a, host: "web-1")
            for t in timed { both.byStatus["\(t.time / 60) web-1 200", default: 0] += 1 }
            let second = expected(b, host: "web-2")
            both.byStatus.merge(second.byStatus, uniquingKeysWith: +)
            both.rateLimited.merge(second.rateLimited, uniquingKeysWith: +)
            #expect(counts(minutes) == both, "\(kind)")
            results.append(minutes)
        }
        #expect(results[0] == results[1], "SQLite and PostgreSQL give the same minutes")
    }
}

extension StoreComparison {
    /// A parsed request as ingest hands it to the aggregate.
    static func record(time: Int64, method: String = "GET", path: String, status: Int, client: String = "10.9.9.9") -> RequestRecord {
        // The buffers must outlive the record's use: kept for the test process's life.
        let bytes = { (s: String) -> UnsafeRawBufferPointer in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, s.utf8.count), alignment: 1)
            buffer.copyBytes(from: Array(s.utf8))
            return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<s.utf8.count])
        }
        var record = RequestRecord()
        record.timestamp = time
        record.method = bytes(method)
        record.path = bytes(path)
        record.status = status
        record.client = bytes(client)
        return record
    }
}
