import Foundation

/// What a finished process said: its exit status and its whole output.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// A child process whose output is collected as it runs (so that a chatty child never blocks
/// on a full pipe), for tests that launch the binary, a shell or a tool.
public final class RunningProcess: @unchecked Sendable {
    public let process: Process
    private let lock = NSLock()
    private var errText = Data()
    private var outText = Data()
    private let group = DispatchGroup()

    public init(process: Process, stdout: Pipe, stderr: Pipe) {
        self.process = process
        for (pipe, isError) in [(stdout, false), (stderr, true)] {
            group.enter()
            DispatchQueue.global().async { [self] in
                let handle = pipe.fileHandleForReading
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    lock.lock()
                    if isError { errText.append(chunk) } else { outText.append(chunk) }
                    lock.unlock()
                }
                group.leave()
            }
        }
    }

    /// Starts `executable ARGUMENTS` with exactly `environment`, in `directory` if given,
    /// standard input from /dev/null.
    public static func launch(_ executable: URL, _ arguments: [String], environment: [String: String],
                              in directory: URL? = nil) throws -> RunningProcess {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return RunningProcess(process: process, stdout: out, stderr: err)
    }

    public var stderrSoFar: String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: errText, as: UTF8.self)
    }

    public var stdoutSoFar: String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: outText, as: UTF8.self)
    }

    /// Waits until standard error contains `text` or the process ends; true if it appeared.
    public func waitForStderr(containing text: String) -> Bool {
        while true {
            if stderrSoFar.contains(text) { return true }
            if !process.isRunning { return stderrSoFar.contains(text) }
            usleep(5_000)
        }
    }

    public func kill9() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    @discardableResult
    public func wait() -> ProcessResult {
        process.waitUntilExit()
        group.wait()
        lock.lock(); defer { lock.unlock() }
        return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outText, as: UTF8.self),
                             stderr: String(decoding: errText, as: UTF8.self))
    }

    /// Whether the process died of SIGKILL (rather than finishing first).
    public var wasKilled: Bool { process.terminationReason == .uncaughtSignal }
}
