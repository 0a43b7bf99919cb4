import Foundation
import Testing

/// Shipping: the binary stands alone (catalogues compiled in) and a config file drives `ingest`.
@Suite struct ConfigAndPackagingTests {
    /// The built binary copied alone into an empty folder, as a user copies it to another host.
    static func copiedAlone(into h: Harness) throws -> URL {
        let folder = h.directory.appendingPathComponent("alone")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let copy = folder.appendingPathComponent("erranalyze")
        try FileManager.default.copyItem(at: Harness.binary, to: copy)
        return copy
    }

    /// Runs `binary ARGS` in `directory` with only a minimal environment.
    static func run(_ binary: URL, _ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Harness.Result {
        var env = ["PATH": "/usr/bin:/bin", "HOME": directory.path, "NO_COLOR": "1"]
        for (k, v) in environment { env[k] = v }
        return try RunningProcess.launch(binary, arguments, environment: env, in: directory).wait()
    }

    @Test("the binary copied alone lists and uses its built-in catalogues, opening nothing under the build or source folders")
    func copiedAloneBinaryWorks() throws {
        let h = try Harness()
        let binary = try Self.copiedAlone(into: h)
        let list = try Self.run(binary, ["catalogue", "list"], in: binary.deletingLastPathComponent())
        #expect(list.status == 0, "\(list.stderr)")
        for name in ["http", "opsmerge", "crm-connect", "marketing", "extraction"] {
            #expect(list.stdout.contains(name), "catalogue list lacks \(name): \(list.stdout)")
        }
        let show = try Self.run(binary, ["catalogue", "show", "RATE_LIMITED"], in: binary.deletingLastPathComponent())
        #expect(show.status == 0, "\(show.stderr)")

        // Where strace exists, prove it: no file of the checkout (its .build or Sources) is opened.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else { return }
        let trace = h.path("trace.txt")
        let traced = try Self.run(URL(fileURLWithPath: "/usr/bin/strace"),
                                  ["-f", "-e", "trace=open,openat,stat,newfstatat,access", "-o", trace, binary.path, "catalogue", "list"],
                                  in: binary.deletingLastPathComponent())
        #expect(traced.status == 0, "\(traced.stderr)")
        let opened = try String(contentsOfFile: trace, encoding: .utf8)
        let checkout = Harness.packageRoot.path
        let touched = opened.split(separator: "\n").filter { $0.contains(checkout) }
        #expect(touched.isEmpty, "the copied binary looked into the checkout: \(touched.prefix(3))")
    }

    /// A config file with one `[[source]]`; `ERRANALYZE_DB` is cleared so that the file's database applies.
    static func writeConfig(_ h: Harness, _ body: String) throws -> String {
        let path = h.path("config.toml")
        try body.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let noEnvironmentDatabase = ["ERRANALYZE_DB": ""]

    static func nginxSourceConfig(_ h: Harness, database: String) throws -> String {
        let logFormat = try SampleLogsTruthTests.nginxLogFormat()
        return try writeConfig(h, """
        database = "\(database)"

        [[source]]
        name = "nginx"
        paths = ["\(SampleLogsTruthTests.nginx.path)/access.log*"]
        log_format = \(Self.tomlLiteral(logFormat))
        """)
    }

    /// A TOML multi-line literal string: no escapes, so a log_format line goes in as written.
    static func tomlLiteral(_ text: String) -> String { "'''" + text + "'''" }

    @Test("ingest --config FILE with no paths reads the [[source]]'s files with its log_format: counts equal the truth")
    func ingestFromConfigCountsExactly() throws {
        let h = try Harness()
        let database = h.path("from-config.sqlite")
        let config = try Self.nginxSourceConfig(h, database: database)
        let result = try h.run(["ingest", "--config", config], environment: Self.noEnvironmentDatabase)
        #expect(result.status == 0, "\(result.stderr)")
        // The glob took the current, the rotated and the compressed file.
        for name in ["access.log:", "access.log.1:", "access.log.2.gz:"] { #expect(result.stdout.contains(name), "\(result.stdout)") }
        #expect(FileManager.default.fileExists(atPath: database))
        let report = try h.run(["report", "--config", config, "--format", "json", "--top", "1000"], environment: Self.noEnvironmentDatabase)
        #expect(report.status == 0, "\(report.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any] ?? [:]
        SampleLogsTruthTests.expectMatches(json, try SampleLogsTruthTests.truth("nginx-access-all.json"), codes: true)
        // Run again: nothing is counted twice.
        let again = try h.run(["ingest", "--config", config, "--quiet"], environment: Self.noEnvironmentDatabase)
        #expect(again.status == 0 && again.stdout.isEmpty, "\(again.stdout)\(again.stderr)")
        let json2 = try h.jsonReport(db: database)
        #expect(json2.int("totals.requests") == json.int("totals.requests"))
    }

    @Test("flags override the file: --db writes elsewhere, a format flag replaces the source's")
    func flagsOverride() throws {
        let h = try Harness()
        let configured = h.path("configured.sqlite")
        let config = try Self.writeConfig(h, """
        database = "\(configured)"
        [[source]]
        name = "app"
        paths = ["\(SampleLogsTruthTests.api.path)/app.jsonl"]
        format = "combined"
        """)
        // As configured, a JSON log read as combined is all malformed.
        let wrong = try h.run(["ingest", "--config", config, "--db", h.path("wrong.sqlite")], environment: Self.noEnvironmentDatabase)
        #expect(wrong.stdout.contains(", 0 requests"), "\(wrong.stdout)")
        // --format on the command line wins over the source's, --db over its database.
        let other = h.path("other.sqlite")
        let right = try h.run(["ingest", "--config", config, "--db", other, "--format", "json"], environment: Self.noEnvironmentDatabase)
        #expect(right.status == 0, "\(right.stderr)")
        #expect(!FileManager.default.fileExists(atPath: configured), "--db must override the file's database")
        let truth = try SampleLogsTruthTests.truth("api-app.jsonl.json")
        #expect(try h.jsonReport(db: other).int("totals.requests") == truth.int("requests"))
    }

    @Test("a source whose glob matches nothing is a note, not an error")
    func unmatchedSourceIsANote() throws {
        let h = try Harness()
        let config = try Self.writeConfig(h, """
        database = "\(h.path("n.sqlite"))"
        [[source]]
        name = "gone"
        paths = ["\(h.directory.path)/nothing-here*.log"]
        """)
        let result = try h.run(["ingest", "--config", config], environment: Self.noEnvironmentDatabase)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("note: source gone: \(h.directory.path)/nothing-here*.log matches no file"), "\(result.stderr)")
    }

    @Test("config check reports every problem with line and column and exits 1; a broken file stops other commands with 2")
    func configCheck() throws {
        let h = try Harness()
        let config = try Self.writeConfig(h, """
        database = "/tmp/x.sqlite"
        [[source]]
        name = "a"
        paths = ["/var/log/a.log"]
        format = "no-such-format"
        colour = true
        """)
        let check = try h.run(["config", "check", "--config", config])
        #expect(check.status == 1)
        #expect(check.stdout.contains("\(config):5:1: error: source[0] (a).format: unknown format 'no-such-format'"), "\(check.stdout)")
        #expect(check.stdout.contains("\(config):6:1: error: source[0] (a).colour: unknown key"), "\(check.stdout)")
        let status = try h.run(["status", "--config", config])
        #expect(status.status == 2)
        #expect(status.stderr.contains("\(config):6:1"), "\(status.stderr)")

        let good = try Self.writeConfig(h, "database = \"/tmp/x.sqlite\"\n")
        let ok = try h.run(["config", "check", "--config", good])
        #expect(ok.status == 0, "\(ok.stdout)")
        #expect(ok.stdout.contains("valid (0 sources)"))
    }

    @Test("config show prints the effective settings with the database password masked")
    func configShow() throws {
        let h = try Harness()
        let config = try Self.writeConfig(h, """
        database = "postgresql://ops:hunter2@db.example/errors"
        catalogues = ["opsmerge"]
        """)
        let show = try h.run(["config", "show", "--config", config], environment: Self.noEnvironmentDatabase)
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("postgresql://ops:****@db.example/errors"), "\(show.stdout)")
        #expect(!show.stdout.contains("hunter2"))
        #expect(show.stdout.contains(#"catalogues = ["opsmerge"]"#))
    }

    @Test("every command takes --config")
    func everyCommandTakesConfig() throws {
        let h = try Harness()
        for command in [["ingest"], ["report"], ["status"], ["prune"], ["config", "check"], ["config", "show"],
                        ["catalogue", "list"], ["catalogue", "show"], ["catalogue", "classify"], ["catalogue", "validate"],
                        ["catalogue", "format"], ["catalogue", "import"]] {
            let help = try h.run(command + ["--help"])
            #expect(help.stdout.contains("--config"), "\(command.joined(separator: " ")) --help lacks --config")
        }
    }
}
