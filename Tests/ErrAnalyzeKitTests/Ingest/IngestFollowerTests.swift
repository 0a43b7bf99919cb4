import Foundation
import Testing
@testable import ErrAnalyzeKit
@testable import ErrAnalyzeSQLite

/// The follower in-process: which files a pass reads (by identity, under their names now),
/// and that passes over growing, rotated, truncated and deleted files count each line once.
@Suite struct IngestFollowerTests {
    /// `count` combined lines, numbered from `first` (distinct routes, so totals are checkable).
    static func lines(_ first: Int, _ count: Int) -> [UInt8] {
        var text = ""
        for n in first..<(first + count) {
            text += "10.0.0.\(n % 250) - - [17/May/2015:10:05:03 +0000] \"GET /items/\(n) HTTP/1.1\" \(n % 7 == 0 ? 500 : 200) 512 \"-\" \"t\"\n"
        }
        return Array(text.utf8)
    }

    func follower(_ bench: IngestBench, _ patterns: [String]) -> IngestFollower {
        IngestFollower(patterns: FollowPatterns(patterns.map(bench.path)), store: bench.store, options: IngestOptions(workers: 1))
    }

    @Test func patternsAreExpandedAgainAtEachPass() throws {
        let bench = try IngestBench()
        try bench.write("a.log", Self.lines(0, 3))
        let patterns = FollowPatterns([bench.path("*.log"), bench.path("missing.log")])
        #expect(patterns.expand() == [bench.path("a.log")])
        try bench.write("b.log", Self.lines(0, 1))
        #expect(patterns.expand() == [bench.path("a.log"), bench.path("b.log")])
        #expect(FollowPatterns.isPattern("/var/log/nginx/access.log*"))
        #expect(!FollowPatterns.isPattern("/var/log/nginx/access.log"))
    }

    @Test func aRenamedFileIsTheSameFollowedFileUnderItsNewName() throws {
        let bench = try IngestBench()
        try bench.write("access.log", Self.lines(0, 10))
        let files = FollowedFiles(patterns: FollowPatterns([bench.path("access.log*")]))
        let first = files.refresh().files
        #expect(first.count == 1)
        try bench.shell("mv access.log access.log.1 && : > access.log")
        let second = files.refresh().files
        #expect(second.count == 2)
        let renamed = second.first { $0.identity == first[0].identity }
        #expect(renamed?.name == bench.path("access.log.1"))
    }

    @Test func aDeletedFileIsReadToItsEndThenClosed() throws {
        let bench = try IngestBench()
        try bench.write("app.log", Self.lines(0, 100))
        let follower = follower(bench, ["app.log"])
        #expect(follower.passOnce().lines == 100)
        // Lines written after the pass, then the file deleted and a new one made: the old
        // file is still open and its last lines are read.
        try bench.append("app.log", Self.lines(100, 50))
        try bench.shell("rm app.log && : > app.log")
        try bench.append("app.log", Self.lines(150, 20))
        let pass = follower.passOnce()
        #expect(pass.lines == 70, "\(pass.reports)")
        #expect(follower.files.count == 2, "the deleted file stays open while it may still change")
        // Stopped changing long ago (as the follower's clock sees it): closed.
        follower.files.closeFinishedOrphans(now: Int64(Date().timeIntervalSince1970) + 3600)
        #expect(follower.files.count == 1)
        #expect(bench.ledgerLines == 170)
        #expect(bench.requests == 170)
    }

    @Test func everyRotationKindCountsEachLineOnce() throws {
        let bench = try IngestBench()
        var written = 0
        func append(_ count: Int) throws { try bench.append("access.log", Self.lines(written, count)); written += count }
        try append(200)
        let follower = follower(bench, ["access.log*"])
        _ = follower.passOnce()
        // rename then create, with lines written to the old file after the rename
        try append(30)
        try bench.shell("mv access.log access.log.1")
        try bench.append("access.log.1", Self.lines(written, 5)); written += 5
        try append(40)
        _ = follower.passOnce()
        // the rotated file compressed after lines were added to it unread
        try bench.append("access.log.1", Self.lines(written, 7)); written += 7
        try bench.shell("gzip access.log.1")
        _ = follower.passOnce()
        // copytruncate
        try append(25)
        try bench.shell("cp access.log access.log.2 && : > access.log")
        try append(60)
        _ = follower.passOnce()
        // nothing new: nothing read
        let idle = follower.passOnce()
        #expect(idle.lines == 0 && idle.failures.isEmpty, "\(idle.reports) \(idle.failures)")
        #expect(bench.ledgerLines == Int64(written))
        #expect(bench.requests == Int64(written))
    }

    @Test func aStopRequestWakesTheFollowerAndEndsTheRun() throws {
        let bench = try IngestBench()
        try bench.write("access.log", Self.lines(0, 5))
        let follower = follower(bench, ["access.log"])
        let stop = FollowStop()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { stop.request() }
        let started = Date()
        var passes = 0
        try follower.run(every: 3600, stop: stop, turn: nil) { _ in passes += 1 }
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(passes == 1)
        #expect(bench.ledgerLines == 5)
    }
}
