import Glibc

/// One input named on the command line, opened and sniffed: a regular file, a pipe or
/// standard input (`-`), plain or compressed (gzip, zstd, xz, recognised by their magic
/// bytes, whatever the name).
///
/// Devices, sockets and other special files are refused before they are opened: reading
/// `/dev/zero` would never end, and opening some devices has effects of its own. What a
/// user legitimately passes still works: `-`, a named pipe, `<(zcat …)` (`/dev/fd/N`, a
/// pipe) and `/dev/stdin` when standard input is a pipe or a file — the checks follow
/// symbolic links and look at what is at the end of them.
public final class InputFile {
    /// The name to show people: the path as given, escaped (`FileNameEscaping`), or
    /// `(standard input)`.
    public let displayName: String
    /// The path as given (its bytes carried as `ArgumentBytes` describes); `-` for standard input.
    public let path: String
    /// How the content is compressed; nil for plain content.
    public let compression: Compression?
    /// Whether the content is compressed (one sequential stream, never split or resumed in place).
    public var isCompressed: Bool { compression != nil }
    /// For a plain regular file: its size when opened, so that workers can split it.
    public let regularFileSize: Int64?
    /// Seconds since the epoch of the last modification, for regular files.
    public let modificationTime: Int64?

    /// For a regular file: device, inode, size and modification time (to the nanosecond) of
    /// what was opened. Equal keys mean the same unchanged file.
    public let sourceKey: String?

    /// A plain (uncompressed) regular file: it can be read at any offset and may still grow.
    public var isPlainRegularFile: Bool { regularFileSize != nil && !isCompressed }
    /// The open descriptor (closed when this object goes away).
    let fd: Int32
    private let sniffed: [UInt8]

    /// Opens `path` (or standard input for `-`) and reads its first bytes to recognise
    /// compression. `path` is opened by its exact bytes (`ArgumentBytes.bytes(of:)`).
    public convenience init(path: String) throws {
        let opened = try Self.openDescriptor(path: path)
        try self.init(opened: opened.fd, info: opened.info, path: path, displayName: opened.displayName, standardInput: path == "-")
    }

    /// What `other` has open, as it is now (its size and time read again), under `path` (its
    /// name now) or its old name: a follower keeps reading a file it opened after the file
    /// was renamed or deleted (`FollowedFile`).
    public convenience init(again other: InputFile, path: String? = nil) throws {
        let fd = dup(other.fd)
        guard fd >= 0 else { throw InputError.readFailed(other.displayName, errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw InputError.readFailed(other.displayName, errno: code)
        }
        let name = path ?? other.path
        try self.init(opened: fd, info: info, path: name, displayName: path.map { FileNameEscaping.escaped($0) } ?? other.displayName,
                      standardInput: other.path == "-")
    }

    /// Device and inode of what is open (equal for two names of one file).
    public var identity: FileIdentity? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return FileIdentity(info)
    }

    private static func openDescriptor(path: String) throws -> (fd: Int32, info: stat, displayName: String) {
        let fd: Int32
        let displayName: String
        var info = stat()
        if path == "-" {
            displayName = "(standard input)"
            fd = dup(0)
            guard fd >= 0 else { throw InputError.readFailed(displayName, errno: errno) }
            guard fstat(fd, &info) == 0 else {
                let code = errno
                close(fd)
                throw InputError.readFailed(displayName, errno: code)
            }
            // Standard input was chosen by whoever started us: a pipe, a file, a socket
            // (inetd, ssh), a terminal someone types or pastes into, or /dev/null (systemd's
            // default). Other devices (`< /dev/zero`) are refused like a named one.
            let type = info.st_mode & S_IFMT
            guard type == S_IFREG || type == S_IFIFO || type == S_IFSOCK || isatty(fd) == 1 || Self.isNullDevice(info) else {
                close(fd)
                throw InputError.notRegularFile(displayName)
            }
        } else {
            let name = FileNameEscaping.escaped(path)
            displayName = name
            let cPath = ArgumentBytes.bytes(of: path).map { CChar(bitPattern: $0) } + [0]
            guard stat(cPath, &info) == 0 else {
                switch errno {
                case ENOENT, ENOTDIR: throw InputError.notFound(name)
                case EACCES: throw InputError.permissionDenied(name)
                default: throw InputError.readFailed(name, errno: errno)
                }
            }
            try Self.requireReadableKind(info, name: name)
            fd = open(cPath, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                switch errno {
                case ENOENT: throw InputError.notFound(name)
                case EACCES, EPERM: throw InputError.permissionDenied(name)
                case EISDIR: throw InputError.isDirectory(name)
                default: throw InputError.readFailed(name, errno: errno)
                }
            }
            // The size and time of what was opened, not of what the name meant a moment
            // earlier: a rotation between stat(2) and open(2) must not pair the old file's
            // size with the new file's bytes (nor a file's check with a device's bytes).
            guard fstat(fd, &info) == 0 else {
                let code = errno
                close(fd)
                throw InputError.readFailed(name, errno: code)
            }
            do {
                try Self.requireReadableKind(info, name: name)
            } catch {
                close(fd)
                throw error
            }
        }
        return (fd, info, displayName)
    }

    /// Takes `fd` (open on what `info` describes) and sniffs its first bytes.
    private init(opened fd: Int32, info: stat, path: String, displayName: String, standardInput: Bool) throws {
        self.fd = fd
        self.path = path
        self.displayName = displayName
        let type = info.st_mode & S_IFMT
        if standardInput {
            regularFileSize = nil
            modificationTime = nil
            sourceKey = nil
        } else {
            regularFileSize = type == S_IFREG ? Int64(info.st_size) : nil
            modificationTime = Int64(info.st_mtim.tv_sec)
            sourceKey = type == S_IFREG
                ? "\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)" : nil
        }
        // Sniff the magic bytes. A regular file is read positionally so that nothing has to
        // be put back; a pipe's first bytes are replayed by a PrefixedSource.
        let want = ContentKind.sniffLength
        var head = [UInt8](repeating: 0, count: want)
        var got = 0
        let descriptor = fd
        let positional = regularFileSize != nil
        while got < want {
            let n = head.withUnsafeMutableBytes { buffer -> Int in
                positional
                    ? pread(descriptor, buffer.baseAddress! + got, want - got, off_t(got))
                    : Glibc.read(descriptor, buffer.baseAddress! + got, want - got)
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                let code = errno
                close(fd)
                if code == EISDIR { throw InputError.isDirectory(displayName) }
                throw InputError.readFailed(displayName, errno: code)
            }
            if n == 0 { break }
            got += n
        }
        sniffed = Array(head[0..<got])
        switch ContentKind(magic: sniffed) {
        case .plain:
            compression = nil
        case .compressed(let kind):
            compression = kind
        case .unsupported(let kind):
            close(fd)
            throw InputError.unsupportedCompression(displayName, kind)
        }
    }

    /// Regular files and pipes are read; a directory gets its own message; anything else
    /// (a device, a socket) is "not a regular file or pipe" — except /dev/null, which reads
    /// as empty at once (scripts pass it, as to grep, so that a list of files is never empty).
    private static func requireReadableKind(_ info: stat, name: String) throws {
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR { throw InputError.isDirectory(name) }
        guard type == S_IFREG || type == S_IFIFO || isNullDevice(info) else { throw InputError.notRegularFile(name) }
    }

    /// Whether `info` is the null device (compared with /dev/null's own device number).
    private static func isNullDevice(_ info: stat) -> Bool {
        guard info.st_mode & S_IFMT == S_IFCHR else { return false }
        var null = stat()
        return stat("/dev/null", &null) == 0 && null.st_mode & S_IFMT == S_IFCHR && null.st_rdev == info.st_rdev
    }

    deinit { close(fd) }

    /// The file's content from its start, decompressed if need be, read sequentially.
    /// `maxRatio` is the bomb limit (`--max-ratio`) for every compression.
    /// Call once.
    public func contentSource(maxRatio: Int = 0) throws -> ByteSource {
        let raw: ByteSource
        if let size = regularFileSize {
            raw = FileDescriptorSource(fd: fd, name: displayName, range: 0..<size)
        } else {
            raw = PrefixedSource(prefix: sniffed, rest: FileDescriptorSource(fd: fd, name: displayName, ownsDescriptor: false))
        }
        switch compression {
        case nil: return raw
        case .gzip: return try GzipSource(upstream: raw, name: displayName, maxRatio: maxRatio)
        case .zstd: return try ZstdSource(upstream: raw, name: displayName, maxRatio: maxRatio)
        case .xz: return try XzSource(upstream: raw, name: displayName, maxRatio: maxRatio)
        }
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
