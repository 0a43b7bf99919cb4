/// A stream of bytes read in large blocks: a file, standard input, a decompressor.
public protocol ByteSource: AnyObject {
    /// Fills as much of `buffer` as is available, blocking if needed; returns 0 only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Why reading an input failed. Every case names the input (its escaped display name, see
/// `FileNameEscaping`) so that a person knows which file.
public enum InputError: Error, CustomStringConvertible, Equatable {
    case notFound(String)
    case permissionDenied(String)
    case isDirectory(String)
    case notRegularFile(String)
    case readFailed(String, errno: Int32)
    case corrupt(String, Compression, detail: String)
    case truncated(String, Compression)
    case decompressionRatioExceeded(String, Compression, limit: Int)
    /// zstd or xz data whose window or dictionary is larger than the decoder may allocate
    /// (`zstd --long`, `--ultra`, `xz -8`, `-9`): memory stays bounded whatever the input.
    case needsTooMuchMemory(String, Compression, limitMiB: Int)
    /// bzip2 or lz4: recognised, named, not read.
    case unsupportedCompression(String, UnsupportedCompression)

    public var description: String {
        switch self {
        case .notFound(let name): return "\(name): no such file"
        case .permissionDenied(let name): return "\(name): permission denied"
        case .isDirectory(let name): return "\(name): is a directory (name the log files, e.g. \(name)/*.log)"
        case .notRegularFile(let name): return "\(name): not a regular file or pipe"
        case .readFailed(let name, let code): return "\(name): read failed (\(String(cString: strerror(code))))"
        case .corrupt(let name, let kind, let detail): return "\(name): corrupt \(kind.name) data (\(detail))"
        case .truncated(let name, let kind): return "\(name): \(kind.name) stream ends early (truncated file)"
        case .decompressionRatioExceeded(let name, let kind, let limit):
            return "\(name): decompresses to more than \(limit)× its size; refusing it as a likely \(kind.name) bomb (raise with --max-ratio)"
        case .needsTooMuchMemory(let name, let kind, let limit):
            return "\(name): \(kind.name) data compressed with a window larger than \(limit) MiB (zstd --long or --ultra, xz -8 or -9); "
                + "not read, to keep memory bounded; decompress it first: \(kind.catTool) \(name) | erranalyze ingest -"
        case .unsupportedCompression(let name, let kind):
            return "\(name): \(kind.rawValue)-compressed: not supported; decompress it first: \(kind.catTool) \(name) | erranalyze ingest -"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
