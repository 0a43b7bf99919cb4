import Foundation
import Testing

/// `erranalyze top`'s dashboard in a real terminal: tmux runs it in a 120 × 40 pane, the test
/// types keys (`send-keys`) and reads the screen (`capture-pane`).
@Suite(.serialized) struct TopDashboardTests {
    /// A tmux server of its own (its socket named after the test), one session running `command`.
    final class Pane {
        let socket = "erranalyze-test-\(UUID().uuidString.prefix(8))"

        init(_ command: String, width: Int = 120, height: Int = 40) throws {
            try tmux(["new-session", "-d", "-s", "top", "-x", "\(width)", "-y", "\(height)", command])
        }

        deinit {
            _ = try? tmux(["kill-server"])
            try? FileManager.default.removeItem(atPath: "/tmp/tmux-\(getuid())/\(socket)")
        }

        /// Runs `tmux -L SOCKET ARGUMENTS` and returns its output. posix_spawn and waitpid,
        /// with the output in a file: the server that new-session starts keeps descriptors it
        /// inherited (a pipe would never end), and the client is reaped here at once.
        @discardableResult
        func tmux(_ arguments: [String]) throws -> String {
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket)-\(UUID().uuidString).out").path
            defer { try? FileManager.default.removeItem(atPath: output) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            var environment = ProcessInfo.processInfo.environment
            environment["TERM"] = "xterm-256color"
            environment.removeValue(forKey: "TMUX")
            let argv = (["tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
            let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { (argv + envp).forEach { free($0) } }
            // The test's threads block most signals, and a spawned process inherits the mask:
            // the tmux server would then never hear of its children or of kill-server.
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var none = sigset_t(), defaults = sigset_t()
            sigemptyset(&none)
            sigemptyset(&defaults)
            for signal in [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCHLD, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGTSTP] {
                sigaddset(&defaults, signal)
            }
            posix_spawnattr_setsigmask(&attributes, &none)
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
            var pid: pid_t = 0
            guard posix_spawn(&pid, "/usr/bin/tmux", &actions, &attributes, argv, envp) == 0 else { return "" }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        }

        var screen: String { (try? tmux(["capture-pane", "-p", "-t", "top"])) ?? "" }

        func send(_ keys: String...) throws { try tmux(["send-keys", "-t", "top"] + keys) }

        /// Waits until the screen satisfies `condition` (true), or 60 s pass.
        func waitFor(_ condition: (String) -> Bool) -> Bool {
            let deadline = Date(timeIntervalSinceNow: 60)
            while Date() < deadline {
                if condition(screen) { return true }
                usleep(100_000)
            }
            return condition(screen)
        }
    }

    /// The requests count the dashboard shows ("Requests 1,234 (…/s)").
    static func shownRequests(_ screen: String) -> Int? {
        guard let range = screen.range(of: #"Requests [0-9,]+"#, options: .regularExpression) else { return nil }
        return Int(screen[range].dropFirst("Requests ".count).replacingOccurrences(of: ",", with: ""))
    }

    /// `top` in a shell that says how it ended and whether the terminal echoes again.
    static func command(_ arguments: String, environment: String = "") -> String {
        "sh -c '\(environment) \(Harness.binary.path) top --interval 200ms --window 15 \(arguments); echo EXITED $?; stty -a | tr \" \" \"\\n\" | grep -x -e echo -e -echo; sleep 120'"
    }

    /// Whether the shell around `top` has printed stty's verdict (`echo` or `-echo`) yet.
    static func sttyAnswered(_ screen: String) -> Bool {
        screen.split(separator: "\n").contains { $0 == "echo" || $0 == "-echo" }
    }

    static var haveTmux: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    @Test func screenCountsEqualTheLinesAppendedThroughARotation() throws {
        try #require(Self.haveTmux, "tmux is installed by Scripts/lib/ensure-system-packages")
        let h = try Harness()
        try h.write("access.log", Corpus.text(0..<2000))
        let pane = try Pane(Self.command("\"\(h.path("access.log"))*\""))
        #expect(pane.waitFor { Self.shownRequests($0) == 0 }, "\(pane.screen)")
        try h.append("access.log", Corpus.text(2000..<2300))
        #expect(pane.waitFor { Self.shownRequests($0) == 300 }, "\(pane.screen)")
        try h.shell("cd '\(h.directory.path)' && mv access.log access.log.1")
        try h.append("access.log.1", Corpus.text(2300..<2340))
        try h.append("access.log", Corpus.text(2340..<2500))
        #expect(pane.waitFor { Self.shownRequests($0) == 500 }, "\(pane.screen)")
        usleep(600_000)
        #expect(Self.shownRequests(pane.screen) == 500, "nothing counted twice: \(pane.screen)")
        // The errors the screen shows are the 4xx and 5xx among those lines.
        let statuses = try Harness.cleanTotals(of: Corpus.text(2000..<2500))
        let errors = (statuses["by_status"] as? [[String: Any]] ?? []).reduce(0) { sum, row in
            let status = (row["status"] as? NSNumber)?.intValue ?? 0
            return sum + (status >= 400 ? (row["count"] as? NSNumber)?.intValue ?? 0 : 0)
        }
        #expect(pane.screen.contains("Errors \(errors) ("), "\(errors) errors: \(pane.screen)")
    }

    @Test func keysSwitchPanelsFilterSortPauseAndQuitRestoresTheTerminal() throws {
        try #require(Self.haveTmux)
        let h = try Harness()
        try h.write("access.log", Data())
        let pane = try Pane(Self.command("\"\(h.path("access.log"))\""))
        #expect(pane.waitFor { $0.contains("CODE") && $0.contains("q quit") }, "\(pane.screen)")
        try h.append("access.log", Corpus.text(0..<400))
        #expect(pane.waitFor { Self.shownRequests($0) == 400 })
        try pane.send("Tab")
        #expect(pane.waitFor { $0.contains("ROUTE") && $0.contains("GET /") }, "\(pane.screen)")
        try pane.send("3")
        #expect(pane.waitFor { $0.contains("HOST") }, "\(pane.screen)")
        try pane.send("s")
        #expect(pane.waitFor { $0.contains("sort: requests") }, "\(pane.screen)")
        try pane.send("2", "/", "favicon", "Enter")
        #expect(pane.waitFor { $0.contains("filter: favicon") && $0.contains("GET /favicon.ico") && !$0.contains("GET /style2.css") }, "\(pane.screen)")
        try pane.send("Escape")
        #expect(pane.waitFor { !$0.contains("filter: favicon") })
        try pane.send("p")
        #expect(pane.waitFor { $0.contains("PAUSED") })
        try h.append("access.log", Corpus.text(400..<500))
        usleep(800_000)
        #expect(Self.shownRequests(pane.screen) == 400, "paused: the screen keeps its numbers")
        try pane.send("p")
        #expect(pane.waitFor { Self.shownRequests($0) == 500 && !$0.contains("PAUSED") }, "\(pane.screen)")
        try pane.send("w")
        #expect(pane.waitFor { $0.contains("[1 min]") }, "\(pane.screen)")
        try pane.send("q")
        #expect(pane.waitFor { Self.sttyAnswered($0) && $0.contains("EXITED 0") }, "\(pane.screen)")
        let after = pane.screen
        #expect(!after.contains("q quit"), "the dashboard is gone (the terminal's own screen is back): \(after)")
        #expect(after.split(separator: "\n").contains("echo"), "the terminal echoes again: \(after)")
    }

    @Test func sigtermRestoresTheTerminalAndResizeRedraws() throws {
        try #require(Self.haveTmux)
        let h = try Harness()
        try h.write("access.log", Data())
        let pane = try Pane(Self.command("\"\(h.path("access.log"))\"", environment: "NO_COLOR=1"))
        #expect(pane.waitFor { $0.contains("q quit") })
        try pane.tmux(["resize-window", "-t", "top", "-x", "60", "-y", "20"])
        #expect(pane.waitFor { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return screen.contains("Requests 0") && lines.count <= 21 && lines.allSatisfy { $0.count <= 60 }
                && lines.contains { $0.hasPrefix("q quit") }
        }, "\(pane.screen)")
        try pane.tmux(["resize-window", "-t", "top", "-x", "120", "-y", "40"])
        #expect(pane.waitFor { $0.contains("Esc clear filter") }, "the full help line again at 120 columns: \(pane.screen)")
        // The pane runs sh, whose child is the dashboard.
        let shell = try pane.tmux(["list-panes", "-t", "top", "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let pid = try h.shell("pgrep -P \(shell) -x erranalyze || true").trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(Int32(pid) != nil, "the dashboard's pid")
        kill(Int32(pid)!, SIGTERM)
        #expect(pane.waitFor { Self.sttyAnswered($0) && $0.contains("EXITED 0") }, "\(pane.screen)")
        #expect(!pane.screen.contains("q quit") && pane.screen.split(separator: "\n").contains("echo"), "\(pane.screen)")
    }
}
