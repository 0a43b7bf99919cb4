import Foundation
import Testing

/// What can be named on the command line: zstd and xz rotated logs (read like gzip), bzip2
/// and lz4 (named in a clear error), devices (refused at once, while pipes, `<(…)` and
/// `/dev/stdin` still work), and file names that are not UTF-8 or hold control characters
/// (read by their bytes, shown escaped).
///
/// Needs the zstd, xz-utils, bzip2 and lz4 command-line tools to make its inputs
/// independently of erranalyze (Scripts/lib/ensure-system-packages installs them); a test
/// whose tool is missing fails saying which package to install.
@Suite struct IngestInputKindsTests {
    /// Fails, naming the Debian package, when `tool` is not installed.
    func requireTool(_ tool: String, package: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let found = ["/usr/bin/", "/bin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + tool) }
        try #require(found, "\(tool) is not installed: apt-get install \(package)", sourceLocation: sourceLocation)
    }

    /// Runs `script` with /bin/sh, `$0` being the erranalyze binary, in the scratch folder.
    func sh(_ h: Harness, _ script: String) throws -> Harness.Result {
        try h.run(["/bin/sh", "-c", "cd '\(h.directory.path)' && \(script)", Harness.binary.path], viaShell: true)
    }

    func ledgerLines(_ h: Harness) throws -> Int {
        let status = try h.run(["status", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any] ?? [:]
        return (object["totals"] as? [String: Any] ?? [:]).int("lines") ?? -1
    }

    // MARK: zstd and xz

    /// logrotate with `compresscmd zstd` (or xz): the rotated copy counts exactly what the
    /// plain file counts, every line once, whatever the number of frames or streams.
    @Test(arguments: [("zstd", "zstd", "zst", "zstd -q -c", "zstd -dc"), ("xz", "xz-utils", "xz", "xz -q -c", "xz -dc")])
    func rotatedCopyCountsWhatThePlainFileCounts(tool: String, package: String, ext: String, compress: String, decompress: String) throws {
        try requireTool(tool, package: package)
        let expected = try Harness.cleanTotals(of: Corpus.text(0..<Corpus.lines.count))
        let h = try Harness()
        try h.write("plain.log", Corpus.text(0..<Corpus.lines.count))
        // Two frames (streams) back to back, as `cat a.zst b.zst` or a compressor run twice makes.
        try h.shell("cd '\(h.directory.path)' && head -n 4000 plain.log | \(compress) > access.log.1.\(ext) && tail -n +4001 plain.log | \(compress) >> access.log.1.\(ext)")
        let independent = Int(try h.shell("\(decompress) '\(h.path("access.log.1.\(ext)"))' | wc -l").trimmingCharacters(in: .whitespacesAndNewlines))
        let result = try h.ingest(["access.log.1.\(ext)"])
        #expect(result.stdout.contains("\(tool), combined: \(HumanCount(independent ?? 0)) lines"), "\(result.stdout)")
        #expect(try ledgerLines(h) == independent)
        let got = try h.totals()
        #expect(sameTotals(got, expected), "\(describeDifference(got, expected))")
        // Known again without decompressing it (its identity on disk), and as the plain file's copy.
        #expect(try h.ingest(["access.log.1.\(ext)", "plain.log"]).stdout.components(separatedBy: "already counted").count == 3)
        let status = try h.run(["status"])
        #expect(status.stdout.contains("access.log.1.\(ext) (\(tool))"), "\(status.stdout)")
        let again = try h.totals()
        #expect(sameTotals(again, expected), "\(describeDifference(again, expected))")
    }

    /// A compressed copy cut short: the complete lines before the cut count once, the file is
    /// named with what is wrong, and each later run says so again without counting twice.
    @Test(arguments: [("zstd", "zstd", "zst", "zstd -q -c"), ("xz", "xz-utils", "xz", "xz -q -c")])
    func truncatedCopyIsReportedLikeATruncatedGzip(tool: String, package: String, ext: String, compress: String) throws {
        try requireTool(tool, package: package)
        let h = try Harness()
        try h.write("full.log", Corpus.text(0..<Corpus.lines.count))
        try h.shell("cd '\(h.directory.path)' && \(compress) full.log > full.\(ext) && head -c $(( $(stat -c %s full.\(ext)) / 2 )) full.\(ext) > cut.log.\(ext) && rm full.log")
        try h.age("cut.log.\(ext)")
        let result = try h.run(["ingest", h.path("cut.log.\(ext)")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cut.log.\(ext): \(tool) stream ends early (truncated file)"), "\(result.stderr)")
        let counted = try h.jsonReport().int("totals.requests") ?? 0
        #expect(counted > 0 && counted < Corpus.lines.count, "the complete lines before the cut were counted: \(counted)")
        #expect(try h.run(["ingest", h.path("cut.log.\(ext)")]).status == 1)
        #expect(try h.jsonReport().int("totals.requests") == counted, "nothing counted twice")
        try h.shell("cd '\(h.directory.path)' && mv full.\(ext) cut.log.\(ext)")
        try h.ingest(["cut.log.\(ext)"])
        #expect(try h.jsonReport().int("totals.requests") == Corpus.lines.count, "the repaired file adds the rest")
    }

    /// bzip2 and lz4 are named, with the command that reads them; no binary reaches the terminal.
    @Test(arguments: [("bzip2", "bzip2", "bzip2 -c", "bzcat"), ("lz4", "lz4", "lz4 -q -c", "lz4cat")])
    func unsupportedCompressionIsNamed(tool: String, package: String, compress: String, cat: String) throws {
        try requireTool(tool, package: package)
        let h = try Harness()
        try h.write("good.log", Corpus.text(0..<100))
        try h.shell("cd '\(h.directory.path)' && head -n 500 '\(CorpusTests.apacheLogs)' | \(compress) > access.log.2")
        let result = try h.run(["ingest", h.path("access.log.2"), h.path("good.log")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("access.log.2: \(tool)-compressed: not supported; decompress it first: \(cat) \(h.path("access.log.2")) | erranalyze ingest -"),
                "\(result.stderr)")
        #expect(!result.stderr.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || $0.value >= 0x7F }, "only text: \(result.stderr)")
        #expect(try h.jsonReport().int("totals.requests") == 100, "the other file was ingested")
    }

    // MARK: devices, pipes, standard input

    /// `/dev/zero` would be read forever: refused at once, before it is opened, with exit 1.
    @Test func devicesAreRefusedAtOnce() throws {
        let h = try Harness()
        try h.write("good.log", Corpus.text(0..<100))
        let running = try h.start(["ingest", "--format", "combined", "/dev/zero", "/dev/urandom", h.path("good.log")])
        let deadline = Date().addingTimeInterval(30)
        while running.process.isRunning && Date() < deadline { usleep(20_000) }
        let hung = running.process.isRunning
        running.kill9()
        let result = running.wait()
        try #require(!hung, "ingest of /dev/zero still running after 30 s")
        #expect(result.status == 1)
        #expect(result.stderr.contains("/dev/zero: not a regular file or pipe"), "\(result.stderr)")
        #expect(result.stderr.contains("/dev/urandom: not a regular file or pipe"), "\(result.stderr)")
        #expect(try h.jsonReport().int("totals.requests") == 100, "the other file was ingested")
        // Standard input that is a device other than a terminal or /dev/null: the same.
        let redirected = try sh(h, "exec \"$0\" ingest --format combined - < /dev/zero")
        #expect(redirected.status == 1)
        #expect(redirected.stderr.contains("(standard input): not a regular file or pipe"), "\(redirected.stderr)")
        // /dev/null reads as empty, as in `grep PATTERN FILES /dev/null`.
        let null = try h.run(["ingest", "/dev/null"])
        #expect(null.status == 0 && null.stdout.contains("/dev/null: empty, nothing to read"), "\(null.stdout) \(null.stderr)")
    }

    /// What people really pass still works: `/dev/stdin` and `-` when standard input is a pipe
    /// or a file, and `<(…)` (/dev/fd/N, a pipe), compressed or not.
    @Test func pipesAndStandardInputStillWork() throws {
        try requireTool("zstd", package: "zstd")
        let h = try Harness()
        try h.shell("""
            cd '\(h.directory.path)' && head -n 2000 '\(CorpusTests.apacheLogs)' > a.log && sed -n '2001,4000p' '\(CorpusTests.apacheLogs)' > b.log && \
            sed -n '4001,6000p' '\(CorpusTests.apacheLogs)' > c.log && sed -n '6001,8000p' '\(CorpusTests.apacheLogs)' > d.log
            """)
        #expect(try sh(h, "cat a.log | exec \"$0\" ingest /dev/stdin").status == 0)
        #expect(try sh(h, "exec \"$0\" ingest /dev/stdin < b.log").status == 0)
        let piped = try h.run(["/bin/bash", "-c", "cd '\(h.directory.path)' && exec \"$0\" ingest <(zstd -q -c c.log) - < d.log", Harness.binary.path],
                              viaShell: true)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(try h.jsonReport().int("totals.requests") == 8000)
    }

    // MARK: file names

    /// `bad\xff.log` is a valid name on Linux: read by its bytes, shown escaped everywhere.
    @Test func aNameThatIsNotUTF8IsReadAndShownEscaped() throws {
        let h = try Harness()
        try h.shell("cd '\(h.directory.path)' && head -n 3000 '\(CorpusTests.apacheLogs)' > \"$(printf 'bad\\377.log')\" && touch -d '10 minutes ago' \"$(printf 'bad\\377.log')\"")
        let result = try sh(h, "exec \"$0\" ingest \"$(printf 'bad\\377.log')\" \"$(printf 'gone\\376.log')\"")
        #expect(result.status == 1, "only the missing file fails: \(result.stderr)")
        #expect(result.stdout.contains("bad\\xff.log: combined: 3,000 lines"), "\(result.stdout)")
        #expect(result.stderr.contains("gone\\xfe.log: no such file"), "\(result.stderr)")
        #expect(try h.jsonReport().int("totals.requests") == 3000)
        let status = try h.run(["status"])
        #expect(status.stdout.contains("bad\\xff.log"), "\(status.stdout)")
        // Read again by its bytes: already counted.
        #expect(try sh(h, "exec \"$0\" ingest \"$(printf 'bad\\377.log')\"").stdout.contains("bad\\xff.log: already counted"))
    }

    /// Control characters in a name (a hyperlink, a colour, a fake second line) never reach
    /// the terminal raw: not from ingest, not from its errors, not from status.
    @Test func controlCharactersInNamesAreEscaped() throws {
        let h = try Harness()
        // An OSC 8 hyperlink, a newline that starts a fake message, a carriage return.
        let evil = "evil\\033]8;;https:x.example\\007link\\033]8;;\\007\\nerranalyze: fake\\r.log"
        let shown = "evil\\x1b]8;;https:x.example\\x07link\\x1b]8;;\\x07\\nerranalyze: fake\\r.log"
        try h.shell("cd '\(h.directory.path)' && head -n 100 '\(CorpusTests.apacheLogs)' > \"$(printf '\(evil)')\" && printf 'junk\\n' >> \"$(printf '\(evil)')\"")
        let result = try sh(h, "exec \"$0\" ingest \"$(printf '\(evil)')\" \"$(printf 'gone\\033[2J.log')\"")
        #expect(result.status == 1)
        #expect(result.stdout.contains("\(shown): combined: 101 lines"), "\(result.stdout)")
        #expect(result.stderr.contains("gone\\x1b[2J.log: no such file"), "\(result.stderr)")
        let status = try h.run(["status"])
        #expect(status.stdout.contains(shown), "\(status.stdout)")
        let json = try h.run(["status", "--format", "json"])
        for output in [result.stdout, result.stderr, status.stdout, json.stdout] {
            #expect(!output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0 == "\r" }, "no raw control character: \(output)")
        }
        #expect(!status.stdout.split(separator: "\n").contains { $0.hasPrefix("erranalyze: fake") }, "no fake line")
    }
}
