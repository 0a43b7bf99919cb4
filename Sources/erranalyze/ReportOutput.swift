import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Usage errors of `report`: a message on standard error and exit status 2 (docs/reports.md, "Exit status").
enum ReportCLI {
    static func usage(_ message: String) -> ExitCode {
        Terminal.error(message)
        Terminal.standardError("See 'erranalyze report --help'.\n")
        return ExitCode(2)
    }
}

/// `report --output`: the file is written beside its final name and renamed over it, so a
/// reader (node_exporter's textfile collector, a web server, a mail job) never sees half a report.
enum ReportOutput {
    struct WriteError: Error, CustomStringConvertible {
        var description: String
    }

    /// A new file is created 0600 whatever the umask (a report names routes, clients and
    /// error samples); a file that exists keeps its mode, owner and group, so that one made
    /// readable on purpose (`install -m 0644 /dev/null FILE`) stays readable.
    static func writeAtomically(_ text: String, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WriteError(description: "\(path): cannot write (\(String(cString: strerror(errno))))") }
        var existing = stat()
        if stat(path, &existing) == 0 && (existing.st_mode & S_IFMT) == S_IFREG {
            _ = fchown(fd, existing.st_uid, existing.st_gid)
            _ = fchmod(fd, existing.st_mode & 0o7777)
        } else {
            _ = fchmod(fd, 0o600)
        }
        var ok = true
        var failure = ""
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    ok = false
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += n
            }
        }
        if ok && fsync(fd) != 0 { ok = false; failure = String(cString: strerror(errno)) }
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            if ok { failure = String(cString: strerror(errno)) }
            unlink(temporary)
            throw WriteError(description: "\(path): cannot write (\(failure))")
        }
    }
}
