import Glibc

/// One input named on the command line, opened and sniffed: a regular file, a pipe or
/// standard input (`-`), plain or gzip (recognised by its magic bytes, whatever its name).
public final class InputFile {
    /// The name to show people: the path as given, or `(standard input)`.
    public let displayName: String
    /// The path as given; `-` for standard input.
    public let path: String
    /// Whether the content is gzip-compressed.
    public let isGzip: Bool
    /// For a plain regular file: its size when opened, so that workers can split it.
    public let regularFileSize: Int64?
    /// Seconds since the epoch of the last modification, for regular files.
    public let modificationTime: Int64?

    /// For a regular file: device, inode, size and modification time (to the nanosecond) of
    /// what was opened. Equal keys mean the same unchanged file.
    public let sourceKey: String?

    /// A plain (uncompressed) regular file: it can be read at any offset and may still grow.
    public var isPlainRegularFile: Bool { regularFileSize != nil && !isGzip }
    /// The open descriptor (closed when this object goes away).
    let fd: Int32
    private let sniffed: [UInt8]

    /// Opens `path` (or standard input for `-`) and reads its first bytes to recognise gzip.
    public init(path: String) throws {
        self.path = path
        if path == "-" {
            displayName = "(standard input)"
            fd = dup(0)
            guard fd >= 0 else { throw InputError.readFailed(displayName, errno: errno) }
            regularFileSize = nil
            modificationTime = nil
            sourceKey = nil
        } else {
            displayName = path
            var info = stat()
            guard stat(path, &info) == 0 else {
                switch errno {
                case ENOENT, ENOTDIR: throw InputError.notFound(path)
                case EACCES: throw InputError.permissionDenied(path)
                default: throw InputError.readFailed(path, errno: errno)
                }
            }
            var type = info.st_mode & S_IFMT
            if type == S_IFDIR { throw InputError.isDirectory(path) }
            guard type == S_IFREG || type == S_IFIFO || type == S_IFCHR else { throw InputError.notRegularFile(path) }
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                switch errno {
                case ENOENT: throw InputError.notFound(path)
                case EACCES, EPERM: throw InputError.permissionDenied(path)
                case EISDIR: throw InputError.isDirectory(path)
                default: throw InputError.readFailed(path, errno: errno)
                }
            }
            // The size and time of what was opened, not of what the name meant a moment
            // earlier: a rotation between stat(2) and open(2) must not pair the old file's
            // size with the new file's bytes.
            guard fstat(fd, &info) == 0 else {
                let code = errno
                close(fd)
                throw InputError.readFailed(path, errno: code)
            }
            type = info.st_mode & S_IFMT
            if type == S_IFDIR { close(fd); throw InputError.isDirectory(path) }
            regularFileSize = type == S_IFREG ? Int64(info.st_size) : nil
            modificationTime = Int64(info.st_mtim.tv_sec)
            sourceKey = type == S_IFREG
                ? "\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)" : nil
        }
        // Sniff the magic bytes. A regular file is read positionally so that nothing has to
        // be put back; a pipe's first bytes are replayed by a PrefixedSource.
        var head = [UInt8](repeating: 0, count: 2)
        var got = 0
        let descriptor = fd
        let positional = regularFileSize != nil
        while got < 2 {
            let n = head.withUnsafeMutableBytes { buffer -> Int in
                positional
                    ? pread(descriptor, buffer.baseAddress! + got, 2 - got, off_t(got))
                    : Glibc.read(descriptor, buffer.baseAddress! + got, 2 - got)
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                let code = errno
                close(fd)
                if code == EISDIR { throw InputError.isDirectory(path) }
                throw InputError.readFailed(displayName, errno: code)
            }
            if n == 0 { break }
            got += n
        }
        sniffed = Array(head[0..<got])
        isGzip = got == 2 && head[0] == 0x1F && head[1] == 0x8B
    }

    deinit { close(fd) }

    /// The file's content from its start, decompressed if need be, read sequentially.
    /// Call once.
    public func contentSource(maxRatio: Int = 0) throws -> ByteSource {
        let raw: ByteSource
        if let size = regularFileSize {
            raw = FileDescriptorSource(fd: fd, name: displayName, range: 0..<size)
        } else {
            raw = PrefixedSource(prefix: sniffed, rest: FileDescriptorSource(fd: fd, name: displayName, ownsDescriptor: false))
        }
        return isGzip ? try GzipSource(upstream: raw, name: displayName, maxRatio: maxRatio) : raw
    }

    /// A byte range of a plain regular file, for one worker's share. Safe from several threads.
    public func rangeSource(_ range: Range<Int64>) -> ByteSource {
        FileDescriptorSource(fd: fd, name: displayName, range: range)
    }

    /// Reads up to `count` bytes at `offset` of a plain regular file (for fingerprints and
    /// for finding line boundaries).
    public func readPlain(at offset: Int64, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, count - got, off_t(offset + Int64(got))) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw InputError.readFailed(displayName, errno: errno) }
            if n == 0 { break }
            got += n
        }
        bytes.removeLast(count - got)
        return bytes
    }
}
