import Glibc

/// A file as the kernel knows it (device and inode), whatever it is called: a follower
/// recognises a file it already holds open under its new name after a rotation.
public struct FileIdentity: Hashable, Sendable, CustomStringConvertible {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// The identity of the regular file `path` leads to now, or nil when there is none.
    static func ofRegularFile(at path: String) -> FileIdentity? {
        var info = stat()
        let cPath = ArgumentBytes.bytes(of: path).map { CChar(bitPattern: $0) } + [0]
        guard stat(cPath, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return FileIdentity(info)
    }

    public var description: String { "\(device):\(inode)" }
}
