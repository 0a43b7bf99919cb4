import Foundation

/// Several inputs at once: one plain file is split across every worker, but a compressed
/// file is one stream (inflating it is most of the work), and a small file is not worth
/// splitting. A directory of rotated logs (`access.log.1`, `access.log.2.gz`, …) would
/// otherwise keep one core busy while the others wait. Such inputs are read side by side,
/// one per worker, each by an engine of its own; their commits take turns on the one
/// database connection.
///
/// Counting stays exact for the same reasons it does across processes: each commit moves
/// one ledger entry from the position its reader saw, and a commit that finds the entry
/// moved (the same content named twice, read by two workers at once) is refused and read
/// again from the new position (`StoreConflict`).
extension IngestEngine {
    func ingestSideBySide(paths: [String], progress: ((IngestProgress) -> Void)?, storeFull: StoreFullFlag) -> [FileOutcome] {
        var outcomes = [FileOutcome?](repeating: nil, count: paths.count)
        var shared: [Int] = []
        for (index, path) in paths.enumerated() {
            if readsAlone(path) {
                // Already every worker's work (a large plain file), or a stream only this
                // process can read once (standard input): in order, on its own.
                outcomes[index] = ingestUnlessStoreFull(path: path, progress: progress, storeFull: storeFull)
            } else {
                shared.append(index)
            }
        }
        guard shared.count > 1 else {
            for index in shared { outcomes[index] = ingestUnlessStoreFull(path: paths[index], progress: progress, storeFull: storeFull) }
            return outcomes.map { $0! }
        }

        let lock = NSLock()
        let serialised = SerialisedStore(store)
        var oneWorker = options
        oneWorker.workers = 1
        let engine = IngestEngine(sideBySideWith: self, store: serialised, options: oneWorker)
        let reportProgress = progress.map { report in { (p: IngestProgress) in lock.withLock { report(p) } } }
        var next = 0
        DispatchQueue.concurrentPerform(iterations: min(options.workers, shared.count)) { _ in
            while true {
                let index: Int? = lock.withLock {
                    guard next < shared.count else { return nil }
                    defer { next += 1 }
                    return shared[next]
                }
                guard let index else { return }
                let outcome = engine.ingestUnlessStoreFull(path: paths[index], progress: reportProgress, storeFull: storeFull)
                lock.withLock { outcomes[index] = outcome }
            }
        }
        return outcomes.map { $0! }
    }

    /// Whether `path` is read on its own: standard input, or a plain regular file of at
    /// least `minimumBytesToReadAlone`. Only looked at, never opened for reading a stream: a
    /// named pipe (`<(zcat …)`) would lose the bytes read here. Anything that cannot be
    /// looked at goes with the others (its error is reported when it is read).
    private func readsAlone(_ path: String) -> Bool {
        if path == "-" { return true }
        var info = stat()
        let cPath = ArgumentBytes.bytes(of: path).map { CChar(bitPattern: $0) } + [0]
        guard stat(cPath, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int64(info.st_size) >= options.minimumBytesToReadAlone else {
            return false
        }
        let fd = open(cPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var magic = [UInt8](repeating: 0, count: ContentKind.sniffLength)
        let got = magic.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        return ContentKind(magic: magic.prefix(max(0, got))) == .plain
    }
}

/// Set once by the first input that finds the database or its disk full: the inputs after
/// it are not read (each would fail the same way, after the work of reading it).
final class StoreFullFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value: String?

    var reason: String? { lock.withLock { value } }

    func set(_ reason: String) {
        lock.withLock { if value == nil { value = reason } }
    }
}

/// A count shared by threads.
final class SharedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    var current: Int { lock.withLock { value } }

    /// Adds one and returns the new count.
    func increment() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}
