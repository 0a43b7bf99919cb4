import Glibc

/// An advisory lock, `flock(2)` on `DATABASE.lock`, that keeps the writers of one database
/// (`ingest`, `prune`) apart: overlapping cron runs queue instead of interleaving.
///
/// The kernel releases it when the holder exits, however it exits (`kill -9` included), so
/// there is never a stale lock to clean up. The holder writes its pid into the file so that
/// a waiting run can say whom it waits for. Readers (`report`, `status`) never take it:
/// SQLite's WAL journal gives them a consistent snapshot while a writer works.
public final class WriterLock {
    public let path: String
    private let fd: Int32
    public private(set) var isHeld = false

    /// Opens (creating if needed) the lock file beside the database at `databasePath`.
    public init(databasePath: String) throws {
        path = databasePath + ".lock"
        try SQLiteStore.createParentDirectory(of: databasePath)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StoreError(message: "\(path): cannot open the lock file (\(String(cString: strerror(errno))))", code: 0)
        }
        fd = descriptor
    }

    deinit { close(fd) }

    /// Takes the lock if it is free; false if another process holds it.
    public func tryLock() throws -> Bool {
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK { return false }
            throw StoreError(message: "\(path): cannot lock (\(String(cString: strerror(errno))))", code: 0)
        }
        tookLock()
        return true
    }

    /// Waits until the lock is free, then takes it.
    public func lock() throws {
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            throw StoreError(message: "\(path): cannot lock (\(String(cString: strerror(errno))))", code: 0)
        }
        tookLock()
    }

    /// Releases the lock (closing the object releases it too).
    public func unlock() {
        guard isHeld else { return }
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        isHeld = false
    }

    /// The pid the current holder wrote, if any.
    public func holderPID() -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 32)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, 32, 0) }
        guard n > 0 else { return nil }
        let digits = bytes[0..<n].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard let pid = Int32(String(decoding: digits, as: UTF8.self)), pid > 0 else { return nil }
        return pid
    }

    private func tookLock() {
        isHeld = true
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress!, $0.count, 0) }
    }
}
