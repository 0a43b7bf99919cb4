import Glibc

/// A file a follower holds open, by identity: it keeps reading it under a new name after a
/// rename, and after its name is gone (deleted, or renamed out of the patterns) until what
/// the writer still added is read.
public final class FollowedFile {
    public let identity: FileIdentity
    /// The file as first opened (read again by descriptor at each pass).
    let opened: InputFile
    /// The name that leads to it now, or nil when none of the patterns does (an orphan).
    public internal(set) var name: String?
    /// Size and modification time (ns) when a pass last found it read to its end with nothing
    /// held back: while they stay the same, there is nothing to read.
    var settled: (size: Int64, modified: Int64)?
    /// The last failure reported for it (said once, not at every pass).
    var lastFailure: String?

    init(opened: InputFile, identity: FileIdentity, name: String) {
        self.opened = opened
        self.identity = identity
        self.name = name
    }

    /// Size and modification time (ns) of the open file now.
    var sizeAndTime: (size: Int64, modified: Int64)? {
        var info = stat()
        guard fstat(opened.fd, &info) == 0 else { return nil }
        return (Int64(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }

    /// Whether it holds nothing that was not read at the last settled pass.
    var isUnchangedSinceSettled: Bool {
        guard let settled, let now = sizeAndTime else { return false }
        return settled.size == now.size && settled.modified == now.modified
    }
}
