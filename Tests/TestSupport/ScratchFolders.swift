import Foundation

/// Folders for tests' files, removed when the test process exits (unless
/// ERRANALYZE_KEEP_TEST_FILES=1, to look at them), so that a test run leaves nothing in the
/// temporary folder: a test that made a database in a fresh folder a case used to leave ~140 a
/// run, and static fixtures, never deinitialised, could not remove theirs.
public enum ScratchFolders {
    /// A new folder `<temporary folder>/<prefix>-<UUID>`, removed at exit.
    public static func make(_ prefix: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        removeAtExit(folder.path)
        return folder
    }

    /// Removes `path` (a folder made some other way, e.g. by `mkdtemp`) when the process exits.
    public static func removeAtExit(_ path: String) {
        Registry.shared.add(path)
    }

    public static var keepFiles: Bool { ProcessInfo.processInfo.environment["ERRANALYZE_KEEP_TEST_FILES"] == "1" }

    private final class Registry: @unchecked Sendable {
        static let shared = Registry()
        private let lock = NSLock()
        private var paths: [String] = []

        private init() {
            atexit { Registry.shared.removeAll() }
        }

        func add(_ path: String) {
            lock.lock()
            paths.append(path)
            lock.unlock()
        }

        private func removeAll() {
            guard !ScratchFolders.keepFiles else { return }
            lock.lock()
            defer { lock.unlock() }
            for path in paths { try? FileManager.default.removeItem(atPath: path) }
            paths = []
        }
    }
}
