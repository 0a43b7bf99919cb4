import Foundation
import Testing

/// `ingest --follow` through the binary: a writer appends and rotates (rename then create,
/// copytruncate, delete and recreate, rename then compress), the follower is killed with
/// `kill -9` at random moments and started again, cron ingests of the same files run at the
/// same time: the totals equal one clean run over every line written.
@Suite struct IngestFollowTests {
    enum Rotation: String, CaseIterable {
        case renameThenCreate, copytruncate, deleteAndRecreate, renameThenCompress
    }

    /// Small steps and fast passes, so that a kill lands inside passes and commits.
    static let environment = ["ERRANALYZE_CHECKPOINT_BYTES": "16384"]

    final class Scenario {
        let h: Harness
        let rotation: Rotation
        var written = Data()
        var next = 0
        var follower: RunningProcess?
        var crons: [RunningProcess] = []
        var generator: SeededGenerator

        init(_ rotation: Rotation, seed: UInt64) throws {
            h = try Harness()
            self.rotation = rotation
            generator = SeededGenerator(seed: seed)
        }

        /// What the follower is given: a quoted pattern, except for delete-and-recreate,
        /// which follows one name (the deleted file is read through the descriptor it holds).
        var followed: String { rotation == .deleteAndRecreate ? h.path("access.log") : h.path("access.log") + "*" }

        func append(_ name: String, lines count: Int) throws {
            let start = next % 9000
            let data = Corpus.text(start..<(start + count))
            next += count
            try h.append(name, data)
            written.append(data)
        }

        func startFollower() throws {
            follower = try h.start(["ingest", "--follow", "--commit-every", "200ms", "--quiet", followed], environment: IngestFollowTests.environment)
        }

        func killFollower(afterMicroseconds delay: UInt32) {
            usleep(delay)
            follower?.kill9()
            follower?.wait()
            follower = nil
        }

        /// A cron ingest of every file there now, left running.
        func startCronIngest() throws {
            let names = try h.glob("access.log").map(h.path)
            crons.append(try h.start(["ingest", "--quiet"] + names, environment: IngestFollowTests.environment))
        }

        var countedLines: Int {
            guard let status = try? h.run(["status", "--format", "json"]), status.status == 0,
                  let json = try? JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any],
                  let totals = json["totals"] as? [String: Any] else { return -1 }
            return (totals["lines"] as? NSNumber)?.intValue ?? -1
        }

        /// Waits until the database holds every line written (true), or 90 s pass.
        func waitUntilCaughtUp() -> Bool {
            let expected = written.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            let deadline = Date(timeIntervalSinceNow: 90)
            while Date() < deadline {
                if countedLines == expected { return true }
                usleep(100_000)
            }
            return false
        }

        /// Whether the running follower holds `path` open (its first pass opened it).
        func followerHolds(_ path: String) -> Bool {
            guard let pid = follower?.process.processIdentifier,
                  let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { return false }
            return fds.contains { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")) == path }
        }

        func rotate(round: Int) throws {
            let dir = h.directory.path
            switch rotation {
            case .renameThenCreate:
                try h.shell("cd '\(dir)' && mv access.log access.log.r\(round)")
                try append("access.log.r\(round)", lines: 20)  // the writer has not reopened yet
            case .copytruncate:
                try h.shell("cd '\(dir)' && cp access.log access.log.r\(round) && : > access.log")
            case .deleteAndRecreate:
                // Only a reader that holds the file can read what it still had unread: the
                // follower must be running and have opened it, and must not be killed until it
                // has read it (nothing could, after).
                if follower == nil { try startFollower() }
                let deadline = Date(timeIntervalSinceNow: 60)
                while !followerHolds(h.path("access.log")) && Date() < deadline { usleep(20_000) }
                try append("access.log", lines: 30)
                try h.shell("cd '\(dir)' && rm access.log")
            case .renameThenCompress:
                try h.shell("cd '\(dir)' && mv access.log access.log.r\(round)")
                try append("access.log.r\(round)", lines: 15)
                try h.shell("cd '\(dir)' && gzip access.log.r\(round)")
            }
            try append("access.log", lines: 10)
            if rotation == .deleteAndRecreate {
                #expect(waitUntilCaughtUp(), "the deleted file's last lines were read through the open descriptor")
            }
        }

        func run(rounds: Int, stopWith signal: Int32) throws {
            try append("access.log", lines: 300)
            try startFollower()
            var kills = 0
            for round in 0..<rounds {
                try append("access.log", lines: Int.random(in: 50...400, using: &generator))
                if Int.random(in: 0..<3, using: &generator) == 0 { try startCronIngest() }
                if round % 2 == 1 { try rotate(round: round) }
                if Bool.random(using: &generator) {
                    killFollower(afterMicroseconds: UInt32.random(in: 0...500_000, using: &generator))
                    kills += 1
                    try append("access.log", lines: Int.random(in: 10...100, using: &generator))
                    try startFollower()
                } else {
                    usleep(UInt32.random(in: 0...300_000, using: &generator))
                }
            }
            #expect(kills > 0)
            if follower == nil { try startFollower() }
            #expect(waitUntilCaughtUp(), "\(rotation): the follower catches up")
            for cron in crons {
                let result = cron.wait()
                // A file rotated away between the listing and the run is not there any more.
                let unexpected = result.stderr.split(separator: "\n").filter { !$0.contains("no such file") && !$0.contains("warning:") }
                #expect(result.status == 0 || unexpected.isEmpty, "\(result.stderr)")
            }
            // Stopped the way systemd (SIGTERM) or a person (SIGINT) stops it: exit status 0.
            let last = follower!
            kill(last.process.processIdentifier, signal)
            let result = last.wait()
            #expect(result.status == 0 && !last.wasKilled, "\(result.stderr)")
            let expected = try Harness.cleanTotals(of: written)
            let got = try h.totals()
            #expect(sameTotals(got, expected), "\(rotation): \(describeDifference(got, expected))")
        }
    }

    @Test(arguments: Rotation.allCases)
    func everyLineCountedOnceThroughRotationsKillsAndCronIngests(rotation: Rotation) throws {
        let seed = UInt64(Rotation.allCases.firstIndex(of: rotation)! + 40)
        try Scenario(rotation, seed: seed).run(rounds: 10, stopWith: rotation == .copytruncate ? SIGINT : SIGTERM)
    }

    /// A follower never keeps the writer lock: a cron ingest that will not wait (--no-wait)
    /// gets it within a few tries while the follower runs.
    @Test func aCronIngestGetsTheDatabaseWhileAFollowerRuns() throws {
        let h = try Harness()
        try h.write("access.log", Corpus.text(0..<2000))
        try h.write("other.log", Corpus.text(2000..<2500))
        let follower = try h.start(["ingest", "--follow", "--commit-every", "1s", "--quiet", h.path("access.log")])
        defer { follower.kill9() }
        var succeeded = false
        for _ in 0..<50 where !succeeded {
            let result = try h.run(["ingest", "--quiet", "--no-wait", h.path("other.log")])
            succeeded = result.status == 0
            if !succeeded { #expect(result.status == 75, "\(result.stderr)"); usleep(50_000) }
        }
        #expect(succeeded)
        let expected = try Harness.cleanTotals(of: Corpus.text(0..<2500))
        let deadline = Date(timeIntervalSinceNow: 60)
        var got = try h.totals()
        while !sameTotals(got, expected) && Date() < deadline { usleep(200_000); got = try h.totals() }
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }

    @Test func usageErrors() throws {
        let h = try Harness()
        let stdin = try h.run(["ingest", "--follow", "-"])
        #expect(stdin.status == 2 && stdin.stderr.contains("--follow needs files"), "\(stdin.stderr)")
        let interval = try h.run(["ingest", "--follow", "--commit-every", "soon", h.path("a.log")])
        #expect(interval.status == 2 && interval.stderr.contains("--commit-every"), "\(interval.stderr)")
    }
}
