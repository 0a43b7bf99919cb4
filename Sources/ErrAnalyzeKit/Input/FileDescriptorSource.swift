import Glibc

/// Reads an open file descriptor with plain `read(2)` calls (files, pipes, standard input),
/// or with `pread(2)` over a byte range of a regular file (one worker's chunk).
public final class FileDescriptorSource: ByteSource {
    private let fd: Int32
    private let name: String
    private let ownsDescriptor: Bool
    private var position: Int64
    private let end: Int64?

    /// Sequential reads from the descriptor's current position.
    public init(fd: Int32, name: String, ownsDescriptor: Bool) {
        self.fd = fd
        self.name = name
        self.ownsDescriptor = ownsDescriptor
        self.position = -1
        self.end = nil
    }

    /// Positional reads of `range` only; the descriptor is shared and not closed.
    public init(fd: Int32, name: String, range: Range<Int64>) {
        self.fd = fd
        self.name = name
        self.ownsDescriptor = false
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let result: Int
            if let end {
                let wanted = Int(min(Int64(buffer.count), end - position))
                if wanted <= 0 { return 0 }
                result = pread(fd, base, wanted, off_t(position))
            } else {
                result = Glibc.read(fd, base, buffer.count)
            }
            if result >= 0 {
                if end != nil { position += Int64(result) }
                return result
            }
            if errno == EINTR { continue }
            throw InputError.readFailed(name, errno: errno)
        }
    }
}
