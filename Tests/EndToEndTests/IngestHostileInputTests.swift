import Foundation
import Testing

/// Bad input of every kind: each gives a clear message naming the thing and a documented exit
/// status (1: some input failed, the rest was ingested), loses nothing already counted, and
/// never crashes or hangs.
@Suite struct IngestHostileInputTests {
    /// Runs `ingest good.log BAD good2.log` and checks that the good files landed, the bad one
    /// is named in a message with `expected`, and the exit status is `status`.
    func checkBadInput(_ h: Harness, bad: String, expected: [String], status: Int32 = 1, checkTotals: Bool = true,
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> Harness.Result {
        try h.write("good.log", Corpus.text(0..<100))
        try h.write("good2.log", Corpus.text(200..<300))
        let result = try h.run(["ingest", h.path("good.log"), bad, h.path("good2.log")])
        #expect(result.status == status, "exit \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        for text in expected {
            #expect(result.stderr.contains(text), "expected “\(text)” in: \(result.stderr)", sourceLocation: sourceLocation)
        }
        if status != 0 {
            #expect(result.stderr.contains(bad), "the message names \(bad): \(result.stderr)", sourceLocation: sourceLocation)
        }
        if checkTotals {
            #expect(try h.jsonReport().int("totals.requests") == 200, "the other files were ingested", sourceLocation: sourceLocation)
        }
        return result
    }

    @Test func missingFileDirectoryAndEmptyFile() throws {
        let h = try Harness()
        _ = try checkBadInput(h, bad: h.path("nope.log"), expected: ["no such file"])
        let h2 = try Harness()
        try h2.shell("mkdir '\(h2.path("logs"))'")
        _ = try checkBadInput(h2, bad: h2.path("logs"), expected: ["is a directory"])
        let h3 = try Harness()
        try h3.write("empty.log", Data())
        let result = try checkBadInput(h3, bad: h3.path("empty.log"), expected: [], status: 0)
        #expect(result.stdout.contains("empty, nothing to read"))
    }

    @Test func unreadableFile() throws {
        let h = try Harness()
        try h.write("secret.log", Corpus.text(0..<10))
        try h.shell("chmod 000 '\(h.path("secret.log"))'")
        if getuid() == 0 {
            // root reads anything: run as nobody, with the scratch folder open to it.
            try h.shell("chmod 777 '\(h.directory.path)'")
            try h.write("good.log", Corpus.text(0..<100))
            let result = try h.run(["/bin/sh", "-c", "exec setpriv --reuid=65534 --regid=65534 --clear-groups \"$0\" \"$@\"",
                                    Harness.binary.path, "ingest", h.path("secret.log"), h.path("good.log")], viaShell: true)
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stderr.contains("\(h.path("secret.log")): permission denied"), "\(result.stderr)")
        } else {
            _ = try checkBadInput(h, bad: h.path("secret.log"), expected: ["permission denied"])
        }
    }

    @Test func binaryJunkMatchesNoFormat() throws {
        let h = try Harness()
        var generator = SeededGenerator(seed: 3)
        try h.write("junk.bin", Data((0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        _ = try checkBadInput(h, bad: h.path("junk.bin"), expected: ["matches no known log format"])
    }

    @Test func nulBytesAndInvalidUTF8InsideAValidLog() throws {
        let h = try Harness()
        var data = Corpus.text(0..<50)
        data.append(Data("\0\0\0\0 garbage \0 with NULs\n".utf8))
        data.append(Data([0, 0, 0, 0x0A]))
        // Invalid UTF-8 in the path and the user agent of otherwise valid lines.
        data.append(Data(#"1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /caf"#.utf8) + Data([0xC3, 0x28, 0xFF]) + Data(#" HTTP/1.1" 404 10 "-" ""#.utf8) + Data([0xF0, 0x28, 0x8C, 0x28]) + Data("\"\n".utf8))
        data.append(Corpus.text(50..<100))
        try h.write("mixed.log", data)
        try h.age("mixed.log")
        let result = try h.ingest(["mixed.log"])
        #expect(result.stdout.contains("103 lines, 101 requests, 2 malformed"), "\(result.stdout)")
        #expect(result.stdout.contains("binary data"), "\(result.stdout)")
        let report = try h.jsonReport()
        #expect(report.int("totals.requests") == 101)
        #expect(report.int("totals.malformed_lines") == 2)
        let status = try h.run(["status", "--format", "json"])
        #expect(status.stdout.contains("\"binary_data\""), "\(status.stdout)")
        #expect((try? JSONSerialization.jsonObject(with: Data(status.stdout.utf8))) != nil, "status JSON stays valid")
    }

    @Test func aHundredMegabyteLineCostsNoMoreMemory() throws {
        let h = try Harness()
        try h.write("long.log", Corpus.text(0..<10))
        try h.shell("head -c 100000000 /dev/zero | tr '\\0' 'x' >> '\(h.path("long.log"))' && echo >> '\(h.path("long.log"))'")
        try h.append("long.log", Corpus.text(10..<20))
        try h.age("long.log")
        let timed = FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
        let arguments = ["ingest", h.path("long.log")]
        let result = timed
            ? try h.run(["/usr/bin/time", "-f", "maxrss_kb=%M", Harness.binary.path] + arguments, viaShell: true)
            : try h.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("21 lines, 20 requests, 1 malformed"), "\(result.stdout)")
        #expect(result.stdout.contains("longer than the limit"), "\(result.stdout)")
        if timed, let range = result.stderr.range(of: "maxrss_kb=") {
            let kb = Int(result.stderr[range.upperBound...].prefix { $0.isNumber }) ?? 0
            #expect(kb > 0 && kb < 64 * 1024, "peak memory \(kb) kB stays under 64 MiB")
        }
    }

    @Test func truncatedGzipKeepsWhatWasReadAndFailsUntilRepaired() throws {
        let h = try Harness()
        try h.write("full.log", Corpus.text(1000..<10_000))
        try h.shell("cd '\(h.directory.path)' && gzip -c full.log > full.gz && head -c $(( $(stat -c %s full.gz) / 2 )) full.gz > cut.log.gz && rm full.log")
        try h.age("cut.log.gz")
        let result = try checkBadInput(h, bad: h.path("cut.log.gz"), expected: ["gzip stream ends early (truncated file)", "lines before byte"],
                                       checkTotals: false)
        let counted = try h.jsonReport().int("totals.requests") ?? 0
        #expect(counted > 200 && counted < 9200, "the complete lines before the cut were counted: \(counted)")
        // Again: the same error, and nothing counted twice.
        let again = try h.run(["ingest", h.path("cut.log.gz")])
        #expect(again.status == 1)
        #expect(try h.jsonReport().int("totals.requests") == counted, "\(result.stderr)")
        // The whole file turns up (under the same name): the rest is read.
        try h.shell("cd '\(h.directory.path)' && mv full.gz cut.log.gz")
        try h.ingest(["cut.log.gz"])
        #expect(try h.jsonReport().int("totals.requests") == 9200)
    }

    @Test func gzipBeingWrittenIsLeftForTheNextRunWithAWarning() throws {
        let h = try Harness()
        try h.write("access.log.1", Corpus.text(0..<10_000))
        try h.shell("cd '\(h.directory.path)' && gzip -c access.log.1 > full.gz && head -c 150000 full.gz > access.log.2.gz && rm access.log.1")
        let result = try h.run(["ingest", h.path("access.log.2.gz")])
        #expect(result.status == 0, "a compressed file still being written is not a failure: \(result.stderr)")
        #expect(result.stderr.contains("warning:") && result.stderr.contains("probably still being written"), "\(result.stderr)")
        try h.shell("cd '\(h.directory.path)' && mv full.gz access.log.2.gz")
        try h.ingest(["access.log.2.gz"])
        let expected = try Harness.cleanTotals(of: Corpus.text(0..<10_000))
        let got = try h.totals()
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }

    /// Damage in the middle: the lines before it count (once: a second run adds nothing),
    /// the message names the file.
    @Test func corruptGzip() throws {
        let h = try Harness()
        try h.write("x.log", Corpus.text(5000..<8000))
        // Overwrite bytes in the middle of the deflate data.
        try h.shell("cd '\(h.directory.path)' && gzip x.log && printf '\\377\\377\\377\\377\\377\\377\\377\\377' | dd of=x.log.gz bs=1 seek=40000 conv=notrunc 2>/dev/null")
        _ = try checkBadInput(h, bad: h.path("x.log.gz"), expected: ["gzip"], checkTotals: false)
        let counted = try h.jsonReport().int("totals.requests") ?? 0
        #expect(counted >= 200 && counted < 3200, "\(counted)")
        let again = try h.run(["ingest", h.path("x.log.gz")])
        #expect(again.status == 1)
        #expect(try h.jsonReport().int("totals.requests") == counted)
    }

    /// A bomb of zeros is not a log: refused at once. A bomb of one log line repeated (80 MB
    /// that compress 300:1) is refused past the first 64 MiB by the ratio limit, counts
    /// nothing, and costs little memory.
    @Test func gzipBombsAreRefused() throws {
        let h = try Harness()
        try h.shell("head -c 20000000 /dev/zero | gzip -1 > '\(h.path("zeros.gz"))'")
        _ = try checkBadInput(h, bad: h.path("zeros.gz"), expected: ["matches no known log format"])
        let h2 = try Harness()
        let line = #"1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /v1/health HTTP/1.1" 200 2 "-" "probe""#
        try h2.shell("yes '\(line)' | head -c 80000000 | gzip -6 > '\(h2.path("bomb.gz"))'")
        let timed = FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
        try h2.write("good.log", Corpus.text(0..<100))
        let arguments = ["ingest", h2.path("good.log"), h2.path("bomb.gz")]
        let result = timed
            ? try h2.run(["/usr/bin/time", "-f", "maxrss_kb=%M", Harness.binary.path] + arguments, viaShell: true)
            : try h2.run(arguments)
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(h2.path("bomb.gz")): decompresses to more than 100× its size"), "\(result.stderr)")
        #expect(result.stderr.contains("--max-ratio"))
        #expect(try h2.jsonReport().int("totals.requests") == 100, "nothing of the bomb was counted")
        if timed, let range = result.stderr.range(of: "maxrss_kb=") {
            let kb = Int(result.stderr[range.upperBound...].prefix { $0.isNumber }) ?? 0
            #expect(kb > 0 && kb < 64 * 1024, "peak memory \(kb) kB stays under 64 MiB")
        }
    }

    @Test func databaseThatIsNotADatabase() throws {
        let h = try Harness()
        try h.write("access.log", Corpus.text(0..<10))
        let junk = Data(String(repeating: "this is not sqlite ", count: 300).utf8)
        try junk.write(to: URL(fileURLWithPath: h.db))
        let result = try h.run(["ingest", h.path("access.log")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(h.db): not an erranalyze database"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: h.db)) == junk, "the file is left as it was")
        let report = try h.run(["report"])
        #expect(report.status == 1 && report.stderr.contains(h.db), "\(report.stderr)")
        let status = try h.run(["status"])
        #expect(status.status == 1 && status.stderr.contains("not an erranalyze database"), "\(status.stderr)")
    }

    @Test func databaseOfAnotherProgramIsNotTouched() throws {
        let h = try Harness()
        try h.shell("sqlite3 '\(h.db)' 'CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT); INSERT INTO moz_places VALUES (1, \"x\");'")
        let before = try Data(contentsOf: URL(fileURLWithPath: h.db))
        try h.write("access.log", Corpus.text(0..<10))
        let result = try h.run(["ingest", h.path("access.log")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("another program"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: h.db)) == before)
        let dir = try h.run(["ingest", "--db", h.directory.path, h.path("access.log")])
        #expect(dir.status == 1 && dir.stderr.contains("is a directory"), "\(dir.stderr)")
    }

    /// A full disk, as a file-size limit (`ulimit -f`, with SIGXFSZ ignored so that writes
    /// fail with EFBIG) that the database reaches part-way: the message says the database or
    /// disk is full, what was committed stays, and a later run with room finishes the job.
    @Test func fullDiskAsAFileSizeLimit() throws {
        let h = try Harness()
        var data = Data()
        for _ in 0..<4 { data.append(Corpus.text(0..<10_000)) }
        try h.write("big.log", data)
        let other = Corpus.lines[0..<100].reversed().reduce(Data()) { $0 + $1 }
        try h.write("other.log", other)
        try h.age("big.log")
        let command = "trap '' XFSZ; ulimit -f 1500; exec \"$0\" \"$@\""
        let result = try h.run(["/bin/sh", "-c", command, Harness.binary.path, "ingest", "--workers", "1", h.path("big.log"), h.path("other.log")],
                               environment: ["ERRANALYZE_CHECKPOINT_BYTES": "131072"], viaShell: true)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("full"), "\(result.stderr)")
        #expect(result.stderr.contains("big.log"), "\(result.stderr)")
        // One after another (--workers 1): the file after the full one is not attempted.
        // (Read side by side, it may land first; SideBySideTests covers that case.)
        #expect(result.stderr.contains("other.log: not read"), "later files are not attempted: \(result.stderr)")
        let partial = try h.jsonReport().int("totals.requests") ?? -1
        #expect(partial >= 0 && partial < 40_000)
        try h.ingest(["big.log", "other.log"])
        let expected = try Harness.cleanTotals(of: data + other)
        let got = try h.totals()
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
    }

    /// A real full disk: a 2 MB tmpfs (needs root and mount; skipped elsewhere).
    @Test(.enabled(if: getuid() == 0)) func fullDiskOnATinyFilesystem() throws {
        let h = try Harness()
        let mountPoint = h.path("tiny")
        try h.shell("mkdir '\(mountPoint)'")
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint]
        mount.standardError = FileHandle.nullDevice
        try mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else { return }  // not allowed here: the ulimit test covers it
        defer { _ = try? h.shell("umount '\(mountPoint)'") }
        var data = Data()
        for _ in 0..<4 { data.append(Corpus.text(0..<10_000)) }
        try h.write("big.log", data)
        try h.age("big.log")
        let db = mountPoint + "/db.sqlite"
        let result = try h.run(["ingest", "--db", db, h.path("big.log")], environment: ["ERRANALYZE_CHECKPOINT_BYTES": "131072"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("database or its disk is full"), "\(result.stderr)")
        let report = try h.run(["report", "--format", "json", "--db", db])
        #expect(report.status == 0, "what was committed is still readable: \(report.stderr)")
    }
}

extension Harness {
    /// Runs a command line that is not erranalyze itself (a shell or a wrapper around it).
    func run(_ commandLine: [String], environment: [String: String] = [:], viaShell: Bool) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: commandLine[0])
        process.arguments = Array(commandLine.dropFirst())
        var env = ProcessInfo.processInfo.environment
        env["ERRANALYZE_DB"] = db
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let running = RunningProcess(process: process, stdout: out, stderr: err)
        return running.wait()
    }
}
