/// A stream of bytes read in large blocks: a file, standard input, a decompressor.
public protocol ByteSource: AnyObject {
    /// Fills as much of `buffer` as is available, blocking if needed; returns 0 only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Why reading an input failed. Every case names the input so that a person knows which file.
public enum InputError: Error, CustomStringConvertible, Equatable {
    case notFound(String)
    case permissionDenied(String)
    case isDirectory(String)
    case notRegularFile(String)
    case readFailed(String, errno: Int32)
    case corruptGzip(String, detail: String)
    case truncatedGzip(String)
    case decompressionRatioExceeded(String, limit: Int)

    public var description: String {
        switch self {
        case .notFound(let name): return "\(name): no such file"
        case .permissionDenied(let name): return "\(name): permission denied"
        case .isDirectory(let name): return "\(name): is a directory (name the log files, e.g. \(name)/*.log)"
        case .notRegularFile(let name): return "\(name): not a regular file or pipe"
        case .readFailed(let name, let code): return "\(name): read failed (\(String(cString: strerror(code))))"
        case .corruptGzip(let name, let detail): return "\(name): corrupt gzip data (\(detail))"
        case .truncatedGzip(let name): return "\(name): gzip stream ends early (truncated file)"
        case .decompressionRatioExceeded(let name, let limit):
            return "\(name): decompresses to more than \(limit)× its size; refusing it as a likely gzip bomb (raise with --max-ratio)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
