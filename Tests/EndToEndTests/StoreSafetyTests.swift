import ErrAnalyzeKit
import ErrAnalyzeSQLite
import Foundation
import Testing

/// The database's safety (issue 11, items 2–5, 7, 12–14): one writer per database whatever it
/// is called, reports that are one snapshot, readers of another user that neither fail nor
/// lock the owner out, damage that stops a run, and clear one-line messages.
@Suite struct StoreSafetyTests {
    // MARK: 2. One lock per database, whatever its name

    @Test func aHardLinkOrASymlinkToTheDatabaseWaitsForTheSameLock() throws {
        let h = try Harness()
        try h.write("small.log", Corpus.text(0..<10))
        try h.ingest(["small.log"])
        try h.write("more.log", Corpus.text(100..<200))
        try h.age("more.log")
        #expect(link(h.db, h.path("hard.sqlite")) == 0)
        #expect(symlink(h.db, h.path("soft.sqlite")) == 0)

        // An ingest reading a pipe this test holds open: it holds the lock until the pipe closes.
        let input = Pipe()
        let holder = try h.start(["ingest", "--quiet", "-"], stdin: input)
        var held = false
        while !held && holder.process.isRunning {
            held = try h.run(["ingest", "--no-wait", "--db", h.db, h.path("more.log")]).status == 75
        }
        #expect(held, "the ingest reading the pipe holds the lock: \(holder.stderrSoFar)")
        for name in ["hard.sqlite", "soft.sqlite"] {
            let other = try h.run(["ingest", "--no-wait", "--db", h.path(name), h.path("more.log")])
            #expect(other.status == 75, "\(name) names the same database: it must wait for the same lock: \(other.stderr)")
            #expect(other.stderr.contains("pid \(holder.process.processIdentifier)"), "\(other.stderr)")
        }
        try Self.feed(input, Corpus.text(1000..<1100))
        try input.fileHandleForWriting.close()
        #expect(holder.wait().status == 0)
        // Through the link, once the lock is free.
        try h.ingest([], ["--db", h.path("hard.sqlite"), h.path("more.log")])
        #expect(try h.jsonReport().int("totals.requests") == 210)
    }

    /// Writes to a child's standard input; a child that already exited is a failed
    /// expectation, not a SIGPIPE that ends the whole test run.
    static func feed(_ pipe: Pipe, _ data: Data) throws {
        signal(SIGPIPE, SIG_IGN)
        do {
            try pipe.fileHandleForWriting.write(contentsOf: data)
        } catch {
            Issue.record("the process reading the pipe ended early: \(error)")
        }
    }

    // MARK: 3. A report is one snapshot

    @Test func everyReportDuringAnIngestAddsUp() throws {
        let h = try Harness()
        var data = Data()
        for _ in 0..<2 { data.append(Corpus.text(0..<10_000)) }
        try h.write("big.log", data)
        try h.age("big.log")
        try h.write("small.log", Corpus.text(5000..<5010))
        try h.ingest(["small.log"])
        let ingest = try h.start(["ingest", "--quiet", "--workers", "1", h.path("big.log")],
                                 environment: ["ERRANALYZE_CHECKPOINT_BYTES": "8192"])
        var reports = 0, inTheMiddle = 0
        var problems: [String] = []
        while ingest.process.isRunning || reports == 0 {
            let result = try h.run(["report", "--format", "json", "--top", "100000", "--min-requests", "0"])
            guard result.status == 0 else { problems.append(result.stderr); break }
            let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
            reports += 1
            let requests = report.int("totals.requests") ?? -1, errors = report.int("totals.errors") ?? -1
            if requests > 10 && requests < 20_010 { inTheMiddle += 1 }
            let sums: [(String, Int, Int)] = [
                ("by_status", report.statusCounts.values.reduce(0, +), requests),
                ("timeline requests", Self.sum(report, "timeline", "requests"), requests),
                ("timeline errors", Self.sum(report, "timeline", "errors"), errors),
                ("routes errors", Self.sum(report, "routes", "errors"), errors),
            ]
            for (name, sum, total) in sums where sum != total {
                problems.append("report \(reports): \(name) add up to \(sum), the totals say \(total)")
            }
        }
        #expect(ingest.wait().status == 0)
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        #expect(inTheMiddle > 0, "at least one report ran in the middle of the ingest (\(reports) reports)")
    }

    static func sum(_ report: [String: Any], _ section: String, _ field: String) -> Int {
        report.array(section).reduce(0) { $0 + (($1[field] as? NSNumber)?.intValue ?? 0) }
    }

    // MARK: 4. A reader of another user

    @Test(.enabled(if: getuid() == 0, "SKIPPED: needs root to create a second and third user (useradd, runuser)"))
    func aReaderOfAnotherUserNeitherFailsNorLocksTheOwnerOut() throws {
        let h = try Harness()
        try h.shell("""
            getent group ea-share >/dev/null || groupadd ea-share
            id ea-owner >/dev/null 2>&1 || useradd -M -N -g ea-share -s /usr/sbin/nologin ea-owner
            id ea-reader >/dev/null 2>&1 || useradd -M -N -G ea-share -s /usr/sbin/nologin ea-reader
            chgrp ea-share '\(h.directory.path)' && chmod 0775 '\(h.directory.path)'
            """)
        for (name, range) in [("a.log", 0..<3000), ("b.log", 3000..<6000), ("c.log", 6000..<9000)] {
            try h.write(name, Corpus.text(range))
            try h.age(name)
        }
        // The owner ingests, then shares the database with the group as docs/operations.md says.
        #expect(try Self.run(as: "ea-owner", ["ingest", "--db", h.db, h.path("a.log")]).status == 0)
        try h.shell("runuser -u ea-owner -- chmod 0640 '\(h.db)' && runuser -u ea-owner -- chgrp ea-share '\(h.db)'")
        #expect(try Self.run(as: "ea-owner", ["ingest", "--db", h.db, h.path("b.log")]).status == 0)

        // The reader, whose group may read and whose folder it may write to.
        let report = try Self.run(as: "ea-reader", ["report", "--format", "json", "--db", h.db])
        #expect(report.status == 0, "\(report.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(object.int("totals.requests") == 6000)
        #expect(try Self.run(as: "ea-reader", ["status", "--db", h.db]).status == 0)
        let owners = try h.shell("stat -c '%U %n' '\(h.directory.path)'/test.sqlite*")
        #expect(!owners.contains("ea-reader"), "the reader left no file behind: \(owners)")

        // The owner's next ingest still writes; a reader in the middle of an ingest still reads.
        let input = Pipe()
        let live = try Self.start(as: "ea-owner", ["ingest", "--quiet", "--db", h.db, "-"], stdin: input)
        try Self.feed(input, Corpus.text(9000..<9500))
        let during = try Self.run(as: "ea-reader", ["report", "--format", "json", "--db", h.db])
        #expect(during.status == 0, "a reader during the owner's ingest: \(during.stderr)")
        try input.fileHandleForWriting.close()
        #expect(live.wait().status == 0, "\(live.stderrSoFar)")
        let last = try Self.run(as: "ea-owner", ["ingest", "--db", h.db, h.path("c.log")])
        #expect(last.status == 0, "the owner still writes after the reader: \(last.stderr)")
        #expect(try h.jsonReport().int("totals.requests") == 9500)

        // A reader that tries to write: one line, before anything is read.
        let writes = try Self.run(as: "ea-reader", ["ingest", "--db", h.db, h.path("c.log")])
        #expect(writes.status == 1)
        #expect(writes.stderr.contains("user ea-reader may not write the database: run as its owner"), "\(writes.stderr)")
        #expect(writes.stderr.split(separator: "\n").count == 1, "\(writes.stderr)")

        // Without the group's permission: one line naming what is missing.
        try h.shell("runuser -u ea-owner -- chmod 0600 '\(h.db)'")
        let refused = try Self.run(as: "ea-reader", ["report", "--db", h.db])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("ea-reader may not read") && refused.stderr.contains("permission denied"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
    }

    static func start(as user: String, _ arguments: [String], stdin: Pipe? = nil) throws -> RunningProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
        process.arguments = ["-u", user, "--", Harness.binary.path] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin ?? FileHandle.nullDevice
        try process.run()
        return RunningProcess(process: process, stdout: out, stderr: err)
    }

    static func run(as user: String, _ arguments: [String]) throws -> Harness.Result {
        try start(as: user, arguments).wait()
    }

    // MARK: 5 and 14. Damage stops the run; messages are one line

    /// Breaks the header of the first leaf of `traffic` (the earliest hours): a page that an
    /// ingest of later hours never reads.
    static func damageOldTraffic(_ db: String) throws {
        let connection = try SQLiteConnection(path: db, readOnly: true)
        let page = try connection.prepare("SELECT pageno, pgsize FROM dbstat WHERE name = 'traffic' AND pagetype = 'leaf' ORDER BY path LIMIT 1")
            .firstRow { ($0.int(0), $0.int(1)) }
        let (number, size) = try #require(page)
        let fd = open(db, O_WRONLY)
        let garbage = [UInt8](repeating: 0xEE, count: 16)
        #expect(garbage.withUnsafeBytes { pwrite(fd, $0.baseAddress!, 16, off_t((number - 1) * size)) } == 16)
        close(fd)
    }

    @Test func aDamagedDatabaseStopsTheIngestAndStatusCheckSaysWhere() throws {
        let h = try Harness()
        try h.write("early.log", Corpus.text(0..<3000))
        try h.write("late.log", Corpus.text(7000..<10_000))
        try h.age("early.log")
        try h.age("late.log")
        try h.ingest(["early.log"])
        try Self.damageOldTraffic(h.db)

        let ingest = try h.run(["ingest", h.path("late.log")])
        #expect(ingest.status == 1, "an ingest into a damaged database fails: \(ingest.stdout) \(ingest.stderr)")
        #expect(ingest.stderr.contains("the database is damaged"), "\(ingest.stderr)")
        #expect(ingest.stderr.split(separator: "\n").count == 1, "\(ingest.stderr)")

        let check = try h.run(["status", "--check"])
        #expect(check.status == 1)
        #expect(check.stdout.contains("DAMAGED") || check.stderr.contains("damaged"), "\(check.stdout) \(check.stderr)")

        // A report that meets the damage: one line, what happened and what to do; SQL only when asked.
        // Hours rather than whole days: the hourly rows, where the damage is, are read.
        let damagedHours = ["report", "--tz", "UTC", "--since", "2015-05-17T10:00:00Z", "--until", "2015-05-17T13:00:00Z"]
        let report = try h.run(damagedHours)
        #expect(report.status == 1)
        #expect(report.stderr.contains("status --check"), "\(report.stderr)")
        #expect(report.stderr.split(separator: "\n").count == 1 && !report.stderr.contains("SELECT"), "\(report.stderr)")
        let debug = try h.run(damagedHours, environment: ["ERRANALYZE_DEBUG": "1"])
        #expect(debug.stderr.contains("[SQL: SELECT"), "\(debug.stderr)")
        #expect(debug.stderr.split(separator: "\n").count == 1, "\(debug.stderr)")
    }

    @Test func statusCheckSaysOkOnAGoodDatabase() throws {
        let h = try Harness()
        try h.write("a.log", Corpus.text(0..<100))
        try h.age("a.log")
        try h.ingest(["a.log"])
        let check = try h.run(["status", "--check"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("Integrity    ok"), "\(check.stdout)")
        let json = try h.run(["status", "--check", "--format", "json"])
        #expect(json.stdout.contains("\"ok\" : true"), "\(json.stdout)")
    }

    // MARK: 7. File modes

    @Test func theDatabaseItsJournalAndReportFilesAreCreatedPrivate() throws {
        let h = try Harness()
        try h.write("a.log", Corpus.text(0..<100))
        try h.age("a.log")
        let binary = Harness.binary.path
        try h.shell("""
            cd '\(h.directory.path)' && umask 000 && ERRANALYZE_DB='\(h.db)' '\(binary)' ingest --quiet a.log \
              && '\(binary)' report --db '\(h.db)' -o new.txt && touch kept.txt && chmod 0644 kept.txt \
              && '\(binary)' report --db '\(h.db)' -o kept.txt
            """)
        let modes = try h.shell("cd '\(h.directory.path)' && stat -c '%a %n' test.sqlite test.sqlite-wal test.sqlite-shm new.txt kept.txt")
        #expect(modes == "600 test.sqlite\n600 test.sqlite-wal\n600 test.sqlite-shm\n600 new.txt\n644 kept.txt\n", "\(modes)")
    }

    // MARK: 12. No HOME

    @Test func withoutHomeThereIsNoDefaultDatabase() throws {
        let h = try Harness()
        func run(_ environment: [String: String]) throws -> Harness.Result {
            let process = Process()
            process.executableURL = Harness.binary
            process.arguments = ["status"]
            process.environment = environment
            process.currentDirectoryURL = h.directory
            let err = Pipe(), out = Pipe()
            process.standardError = err
            process.standardOutput = out
            try process.run()
            let text = err.fileHandleForReading.readDataToEndOfFile()
            _ = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Harness.Result(status: process.terminationStatus, stdout: "", stderr: String(decoding: text, as: UTF8.self))
        }
        for environment in [["PATH": "/usr/bin:/bin"], ["PATH": "/usr/bin:/bin", "XDG_DATA_HOME": "relative/data"]] {
            let result = try run(environment)
            #expect(result.status == 2, "\(environment): \(result.stderr)")
            #expect(result.stderr == "erranalyze: no default database: HOME is not set; pass --db PATH or set ERRANALYZE_DB\n", "\(result.stderr)")
        }
        // A relative XDG_DATA_HOME is ignored (the XDG specification): HOME decides.
        _ = try run(["HOME": h.path("home"), "XDG_DATA_HOME": "relative/data"])
        #expect(!FileManager.default.fileExists(atPath: h.path(".local")) && !FileManager.default.fileExists(atPath: h.path("relative")))
        try h.write("a.log", Corpus.text(0..<10))
        let ingest = Process()
        ingest.executableURL = Harness.binary
        ingest.arguments = ["ingest", "--quiet", "a.log"]
        ingest.environment = ["HOME": h.path("home"), "XDG_DATA_HOME": "relative/data"]
        ingest.currentDirectoryURL = h.directory
        try ingest.run()
        ingest.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: h.path("home/.local/share/erranalyze/erranalyze.sqlite")))
        #expect(!FileManager.default.fileExists(atPath: h.path("relative")))
    }

    // MARK: 13. Readers of an empty or foreign database

    @Test func readersOfAnEmptyOrForeignDatabaseSaySoAndWriteNothing() throws {
        let h = try Harness()
        _ = FileManager.default.createFile(atPath: h.path("empty.sqlite"), contents: nil)
        let foreign = try SQLiteConnection(path: h.path("foreign.sqlite"))
        try foreign.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        let foreignBytes = try Data(contentsOf: URL(fileURLWithPath: h.path("foreign.sqlite")))
        for command in [["report"], ["status"], ["report", "--format", "json"]] {
            let empty = try h.run(command + ["--db", h.path("empty.sqlite")])
            #expect(empty.status == 1)
            #expect(empty.stderr == "erranalyze: \(h.path("empty.sqlite")): no data yet: run `erranalyze ingest` first\n", "\(empty.stderr)")
            let other = try h.run(command + ["--db", h.path("foreign.sqlite")])
            #expect(other.status == 1)
            #expect(other.stderr.contains("not an erranalyze database") && !other.stderr.contains("no such table"), "\(other.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: h.path("empty.sqlite"))).isEmpty, "status wrote nothing into the empty file")
        #expect(try Data(contentsOf: URL(fileURLWithPath: h.path("foreign.sqlite"))) == foreignBytes)
    }
}
