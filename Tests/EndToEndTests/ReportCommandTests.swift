import Foundation
import Testing

/// `erranalyze report` as scripts and people use it: exit codes, thresholds, filters,
/// output files, colour. Runs the built binary on the shared fixture.
@Suite struct ReportCommandTests {
    static let day = ReportGoldenTests.day

    @Test func crossedThresholdsExitWith3AndStillPrintTheReport() throws {
        let fixture = try ReportFixture.get()
        let result = try fixture.report(Self.day + ["--format", "json", "--fail-if", "error_rate>5%", "--fail-if", "requests<100",
                                                    "--fail-if", "code:PROVIDER_ERROR>=50", "--fail-if", "status:5xx>1000"])
        #expect(result.status == 3)
        #expect(result.stdout.hasPrefix("{"), "the report is still written")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 2, "one line per crossed threshold: \(result.stderr)")
        #expect(lines.contains { $0.contains("threshold crossed: error_rate>5% (error_rate is 7.28%)") })
        #expect(lines.contains { $0.contains("threshold crossed: code:PROVIDER_ERROR>=50 (code:PROVIDER_ERROR is 66)") })
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let thresholds = json.array("thresholds")
        #expect(thresholds.map { $0["crossed"] as? Bool } == [true, false, true, false])
    }

    @Test func thresholdsThatHoldExitWith0() throws {
        let fixture = try ReportFixture.get()
        let result = try fixture.report(Self.day + ["--format", "json", "--fail-if", "error_rate>50%", "--fail-if", "requests<10"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
    }

    @Test(arguments: [
        (["--fail-if", "error_rate>>2%"], "--fail-if 'error_rate>>2%'"),
        (["--fail-if", "eror_rate>2%"], "unknown metric 'eror_rate'"),
        (["--fail-if", "server_errors>5%"], "is a count, not a rate"),
        (["--status", "6xx"], "--status '6xx'"),
        (["--section", "routes"], "--section applies to --format csv only"),
        (["--format", "csv", "--section", "nope"], "unknown section 'nope'"),
        (["--tz", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
        (["--day", "yesterday", "--since", "2h"], "--day cannot be combined"),
        (["--since", "last tuesday"], "cannot read the time 'last tuesday'"),
        (["--since", "2015-05-20", "--until", "2015-05-19"], "--until must be after --since"),
        (["--top", "0"], "--top must be at least 1"),
    ])
    func usageErrorsExitWith2AndSayWhatIsWrong(_ arguments: [String], _ message: String) throws {
        let fixture = try ReportFixture.get()
        let result = try fixture.report(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func aMissingDatabaseExitsWith1NamingIt() throws {
        let h = try Harness()
        let missing = h.path("nothing-here.sqlite")
        let result = try h.run(["report", "--db", missing])
        #expect(result.status == 1)
        #expect(result.stderr.contains(missing))
    }

    @Test func comparisonIsOnForPeopleAndOffForMachinesUnlessAsked() throws {
        let fixture = try ReportFixture.get()
        #expect(try fixture.report(Self.day).stdout.contains("Compared with the previous 24h"))
        #expect(try !fixture.report(Self.day + ["--no-compare"]).stdout.contains("Compared with"))
        #expect(try fixture.report(Self.day + ["--format", "md"]).stdout.contains("Compared with the previous 24h"))
        let plain = try JSONSerialization.jsonObject(with: Data(fixture.report(Self.day + ["--format", "json"]).stdout.utf8)) as! [String: Any]
        #expect(plain["comparison"] is NSNull)
        let compared = try JSONSerialization.jsonObject(with: Data(fixture.report(Self.day + ["--format", "json", "--compare"]).stdout.utf8)) as! [String: Any]
        let comparison = try #require(compared["comparison"] as? [String: Any])
        #expect((comparison["window"] as? [String: Any])?["since"] as? String == "2015-05-18T00:00:00Z")
        #expect((comparison["totals"] as? [String: Any])?["requests"] as? Int == 4393)
    }

    @Test func filtersRestrictTotalsCodesRoutesAndTimeline() throws {
        let fixture = try ReportFixture.get()
        let result = try fixture.report(Self.day + ["--format", "json", "--status", "5xx", "--method", "POST"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let requests = json.int("totals.requests") ?? -1
        #expect(requests > 0)
        #expect(json.int("totals.errors") == requests, "only errors pass a 5xx filter")
        #expect(json.array("routes").allSatisfy { $0["method"] as? String == "POST" })
        #expect(json.array("by_status").allSatisfy { (($0["status"] as? Int) ?? 0) >= 500 })
        #expect(json.array("timeline").reduce(0) { $0 + (($1["requests"] as? Int) ?? 0) } == requests)
        #expect(json.array("clients").isEmpty)
        #expect(json["clients_available"] as? Bool == false)
        #expect((json["filters"] as? [String: Any])?["statuses"] as? [String] == ["5xx"])
    }

    @Test func outputFileReplacesAtomicallyAndMatchesStandardOutput() throws {
        let fixture = try ReportFixture.get()
        let h = try Harness()
        let target = h.path("erranalyze.prom")
        try "stale".write(toFile: target, atomically: true, encoding: .utf8)
        let written = try fixture.report(Self.day + ["--format", "prometheus", "-o", target])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.isEmpty)
        let printed = try fixture.report(Self.day + ["--format", "prometheus"])
        #expect(try String(contentsOfFile: target, encoding: .utf8) == printed.stdout)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: h.directory.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
        let unwritable = try fixture.report(Self.day + ["-o", h.path("no/such/folder/report.txt")])
        #expect(unwritable.status == 1)
        #expect(unwritable.stderr.contains("no/such/folder/report.txt"))
    }

    @Test func colourOnlyWhenAskedOrOnATerminal() throws {
        let fixture = try ReportFixture.get()
        // Not a terminal (a pipe): no colour, NO_COLOR or not.
        #expect(try !fixture.report(Self.day, environment: ["NO_COLOR": ""]).stdout.contains("\u{1B}["))
        #expect(try !fixture.report(Self.day).stdout.contains("\u{1B}["))
        #expect(try fixture.report(Self.day + ["--color", "always"]).stdout.contains("\u{1B}["))
        #expect(try !fixture.report(Self.day + ["--color", "always", "--format", "markdown"]).stdout.contains("\u{1B}["))
    }

    @Test func textIsAtMostOneHundredColumns() throws {
        let fixture = try ReportFixture.get()
        for arguments in [Self.day, ["--tz", "UTC"], Self.day + ["--status", "4xx"], Self.day + ["--top", "30", "--min-requests", "1"]] {
            let text = try fixture.report(arguments).stdout
            for line in text.split(separator: "\n") { #expect(line.count <= 100, "\(arguments): \(line)") }
        }
    }

    @Test func csvSectionsAreRFC4180() throws {
        let fixture = try ReportFixture.get()
        let csv = try fixture.report(Self.day + ["--format", "csv", "--section", "codes"]).stdout
        #expect(csv.hasPrefix("code,status,count,share,"))
        #expect(csv.contains("\r\n\"bad\"\"code,x|y\",404,2,"), "quotes doubled, the field quoted")
        for section in ["statuses", "status_classes", "categories", "routes", "routes_by_rate", "clients", "clients_rate_limited",
                        "unknown_codes", "status_drift", "timeline", "thresholds", "malformed"] {
            let result = try fixture.report(Self.day + ["--format", "csv", "--section", section])
            #expect(result.status == 0, "\(section): \(result.stderr)")
            #expect(result.stdout.hasSuffix("\r\n"))
        }
    }

    static var chromiumInstalled: Bool {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test(.enabled(if: chromiumInstalled, "needs Chromium (apt-get install -y chromium)"))
    func htmlOpensInHeadlessChromiumWithoutErrors() throws {
        let fixture = try ReportFixture.get()
        let h = try Harness()
        let script = Harness.packageRoot.appendingPathComponent("Scripts/check-html").path
        for (name, arguments) in [("day.html", Self.day), ("filtered.html", Self.day + ["--status", "5xx"]),
                                  ("empty.html", ["--since", "2001-01-01", "--until", "2001-01-02", "--tz", "UTC"])] {
            let file = h.path(name)
            let written = try fixture.report(arguments + ["--format", "html", "-o", file])
            #expect(written.status == 0, "\(written.stderr)")
            let check = try h.run(shell: "'\(script)' '\(file)' '\(h.path(name + ".png"))'")
            #expect(check.status == 0, "\(name): \(check.stderr)")
        }
        let selfTest = try h.run(shell: "'\(script)' --self-test")
        #expect(selfTest.status == 0, "the check can fail: \(selfTest.stderr)")
    }
}

extension Harness {
    /// Runs a shell command, returning its status and output (unlike `shell`, a failure is not an issue).
    func run(shell command: String) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Standard error is drained beside standard output, so that neither pipe fills; the
        // box is read only after the group's wait.
        final class Drained: @unchecked Sendable { var data = Data() }
        let drained = Drained()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            drained.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = drained.data
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
