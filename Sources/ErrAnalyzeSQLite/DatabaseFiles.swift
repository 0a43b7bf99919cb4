import ErrAnalyzeKit
import Glibc

/// The files of one database on disk (`DB`, `DB-wal`, `DB-shm`): who may create them, with
/// which mode, and what a reader needs before it opens them (docs/operations.md, "Sharing the
/// database with readers").
///
/// The rule: only the writer's user creates files. The database is created 0600 whatever the
/// umask; SQLite gives the `-wal` and `-shm` it creates the database's mode and, as root, its
/// owner; the writer keeps both files after it closes (`keepWriteAheadLogFiles`) and gives
/// them the database's mode and group again each time it opens, so that an owner who shares
/// the database (`chgrp team DB; chmod 0640 DB`) shares all three. A reader of another user
/// then opens existing files read-only, which SQLite supports with a live writer.
enum DatabaseFiles {
    static let companionSuffixes = ["-wal", "-shm"]

    /// Creates the database file empty with mode 0600 if it does not exist (SQLite would create
    /// it 0644 less the umask, readable by everyone on most systems).
    static func createIfMissing(_ path: String) throws {
        let path = followingSymbolicLinks(path)
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 {
            _ = fchmod(fd, 0o600)
            close(fd)
            return
        }
        guard errno == EEXIST else {
            let reason = String(cString: strerror(errno))
            throw StoreError(message: "\(path): cannot create the database (\(reason))", code: 0)
        }
    }

    /// The file a chain of symbolic links ends at, even where that file does not exist yet (a
    /// dangling link to a database still to be created): `O_CREAT | O_EXCL` refuses a link,
    /// so the file must be created under its own name. SQLite, too, puts `-wal` and `-shm`
    /// beside the file the links lead to.
    static func followingSymbolicLinks(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n > 0 else { return current }
            let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if target.hasPrefix("/") {
                current = target
            } else if let slash = current.lastIndex(of: "/") {
                current = String(current[...slash]) + target
            } else {
                current = target
            }
        }
        return current
    }

    /// Gives the `-wal` and `-shm` files the database's permission bits and group, where this
    /// user owns them (a failure changes nothing and is not an error: SQLite says more if
    /// the files cannot be used).
    static func matchCompanionsToDatabase(_ path: String) {
        var database = stat()
        guard stat(path, &database) == 0 else { return }
        let mode = database.st_mode & 0o666
        for suffix in companionSuffixes {
            var info = stat()
            guard lstat(path + suffix, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == geteuid() else { continue }
            if info.st_mode & 0o777 != mode { _ = chmod(path + suffix, mode) }
            if info.st_gid != database.st_gid { _ = chown(path + suffix, uid_t.max, database.st_gid) }
        }
    }

    /// Checks, before opening, that a reader can read the database without creating or
    /// writing a file: one clear line naming what is missing otherwise.
    static func checkReadable(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT {
                throw StoreError(message: "\(path): no database here yet (run `erranalyze ingest` first, or pass --db)", code: 0)
            }
            throw StoreError(message: "\(path): cannot read the database (\(String(cString: strerror(errno))))", code: 0)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw StoreError(message: "\(path): is a directory, not a database file (pass --db FOLDER/erranalyze.sqlite)", code: 0)
        }
        let user = userName()
        var unreadable: [String] = []
        for name in [path] + companionSuffixes.map({ path + $0 }) where access(name, F_OK) == 0 && access(name, R_OK) != 0 {
            unreadable.append(name)
        }
        if !unreadable.isEmpty {
            throw StoreError(message: "\(path): \(user) may not read \(unreadable.joined(separator: " and ")) (permission denied); "
                + "the owner can share the database with a group: see docs/operations.md, \"Sharing the database with readers\"", code: 0)
        }
        // In WAL mode, a reader would create missing `-wal`/`-shm` files as itself: the
        // owner's next ingest could not write them. Only the owner (or root, for whom SQLite
        // gives them the database's owner) may create them.
        let missing = companionSuffixes.map { path + $0 }.filter { access($0, F_OK) != 0 }
        if !missing.isEmpty && isWriteAheadLogged(path) && geteuid() != 0 && geteuid() != info.st_uid {
            throw StoreError(message: "\(path): \(user) cannot read it yet: \(missing.joined(separator: " and ")) do not exist, and "
                + "creating them as \(user) would stop the owner's ingest; the owner's next `erranalyze ingest` creates them", code: 0)
        }
    }

    /// Whether the file's header says WAL mode (bytes 18 and 19 are 2).
    static func isWriteAheadLogged(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 20)
        let n = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, 20, 0) }
        return n == 20 && header[18] == 2 && header[19] == 2
    }

    static func userName() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return "user " + String(cString: name) }
        return "uid \(geteuid())"
    }
}
