import ErrAnalyzeKit
import Glibc

/// An advisory lock, `flock(2)` on the database file itself, that keeps the writers of one
/// database (`ingest`, `prune`) apart: overlapping cron runs queue instead of interleaving.
///
/// The lock belongs to the file, not to a name: a hard link, a symbolic link or another path
/// to the same database waits for the same lock (a lock file beside one name would let a
/// writer through another name in). A database that does not exist yet is created empty
/// (mode 0600) so that there is a file to lock; SQLite takes an empty file as a new database.
///
/// `flock` and SQLite's own POSIX locks do not interact on Linux. But closing *any*
/// descriptor of the database drops every POSIX lock the process holds on it, SQLite's
/// included: the descriptor must stay open while a connection is open. `SQLiteStore` keeps
/// the lock it is given alive until its connection is closed.
///
/// The kernel releases the lock when the holder exits, however it exits (`kill -9` included),
/// so there is never a stale lock to clean up. A waiting run finds the holder's pid in
/// `/proc/locks`. Readers (`report`, `status`) never take it: SQLite's WAL journal gives them
/// a consistent snapshot while a writer works.
public final class WriterLock {
    /// The database path the lock was asked for.
    public let path: String
    private var fd: Int32
    public private(set) var isHeld = false

    /// Opens (creating it empty, mode 0600, if needed) the database at `databasePath`.
    public init(databasePath: String) throws {
        path = databasePath
        try SQLiteStore.createParentDirectory(of: databasePath)
        fd = try Self.openDatabaseFile(databasePath)
    }

    deinit { close(fd) }

    /// Opens the database file for locking, creating it empty with mode 0600 (whatever the
    /// umask) if it does not exist.
    static func openDatabaseFile(_ path: String) throws -> Int32 {
        for _ in 0..<100 {
            let existing = open(path, O_RDONLY | O_CLOEXEC)
            if existing >= 0 {
                var info = stat()
                if fstat(existing, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
                    close(existing)
                    throw StoreError(message: "\(path): is a directory, not a database file (pass --db FOLDER/erranalyze.sqlite)", code: 0)
                }
                return existing
            }
            guard errno == ENOENT else { throw openFailure(path) }
            let created = open(DatabaseFiles.followingSymbolicLinks(path), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if created >= 0 {
                _ = fchmod(created, 0o600)
                return created
            }
            // Another process created it first: open theirs.
            guard errno == EEXIST else { throw openFailure(path) }
        }
        throw StoreError(message: "\(path): cannot open the database (it keeps appearing and disappearing)", code: 0)
    }

    private static func openFailure(_ path: String) -> StoreError {
        let reason = String(cString: strerror(errno))
        let advice = errno == EACCES ? ": check the permissions of the database and its folder" : ""
        return StoreError(message: "\(path): cannot open the database (\(reason))\(advice)", code: 0)
    }

    /// Takes the lock if it is free; false if another process holds it.
    public func tryLock() throws -> Bool {
        try take(blocking: false)
    }

    /// Waits until the lock is free, then takes it.
    public func lock() throws {
        _ = try take(blocking: true)
    }

    private func take(blocking: Bool) throws -> Bool {
        while true {
            if flock(fd, LOCK_EX | (blocking ? 0 : LOCK_NB)) != 0 {
                if errno == EINTR { continue }
                if errno == EWOULDBLOCK { return false }
                throw StoreError(message: "\(path): cannot lock (\(String(cString: strerror(errno))))", code: 0)
            }
            // The file may have been removed (and another made) while this run waited: the
            // lock must be on the file the path names now.
            var held = stat(), named = stat()
            if fstat(fd, &held) == 0 && stat(path, &named) == 0 && held.st_dev == named.st_dev && held.st_ino == named.st_ino {
                isHeld = true
                return true
            }
            flock(fd, LOCK_UN)
            let reopened = try Self.openDatabaseFile(path)
            close(fd)
            fd = reopened
        }
    }

    /// Releases the lock (closing the object releases it too).
    public func unlock() {
        guard isHeld else { return }
        flock(fd, LOCK_UN)
        isHeld = false
    }

    /// The pid of the process holding the lock, from `/proc/locks`, if it can be seen.
    public func holderPID() -> Int32? {
        var info = stat()
        guard fstat(fd, &info) == 0, let file = fopen("/proc/locks", "r") else { return nil }
        defer { fclose(file) }
        // Lines read `1: FLOCK  ADVISORY  WRITE 1234 fe:00:16220215 0 EOF`: the device's
        // major and minor numbers in hexadecimal, the inode in decimal.
        // glibc's major() and minor(), which Swift cannot import (they are macros).
        let dev = UInt64(info.st_dev)
        let device = String(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfff), radix: 16) + ":"
            + String((dev & 0xff) | ((dev >> 12) & ~0xff), radix: 16)
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, Int32(line.count), file) != nil {
            let fields = String(cString: line).split(separator: " ")
            guard fields.count >= 6, fields[1] == "FLOCK", let pid = Int32(fields[4]), pid > 0 else { continue }
            let id = fields[5].split(separator: ":")
            guard id.count == 3, let inode = UInt64(id[2]), inode == UInt64(info.st_ino),
                  let major = UInt32(id[0], radix: 16), let minor = UInt32(id[1], radix: 16),
                  String(major, radix: 16) + ":" + String(minor, radix: 16) == device else { continue }
            return pid
        }
        return nil
    }
}
