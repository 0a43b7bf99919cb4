/// The stream a container wrote a line to. A container runtime keeps both in one file.
public enum ContainerStream: Int, Sendable {
    case stdout = 0
    case stderr = 1
}

/// What a container runtime's wrapper holds of one physical line: the application's bytes
/// (or a piece of them) and where they came from.
struct WrappedPiece {
    var stream: ContainerStream
    /// The application's bytes, without the wrapper and without the newline the application
    /// wrote. Points into the line, or into the wrapper's scratch space until its next call.
    var content: UnsafeRawBufferPointer
    /// Whether this piece ends the application's line. A runtime cuts a long line into
    /// pieces (CRI `P` … `F`, Docker's 16 KiB pieces without a trailing newline).
    var endsLine: Bool
    /// Whether `content` holds a NUL byte the wrapper's escapes hid (Docker's `\u0000`): the
    /// line is binary data, as a physical line with a NUL is.
    var hasNUL = false
}

/// The bytes a container runtime (or `kubectl logs --timestamps`) writes around each line an
/// application printed. One file per wrapper; each unwraps on bytes, allocating nothing
/// per line.
protocol ContainerWrapper {
    init()
    /// The piece `line` carries, or nil when `line` is not in this wrapper's syntax.
    mutating func unwrap(_ line: UnsafeRawBufferPointer) -> WrappedPiece?
}

extension ContainerWrapper {
    /// Whether `line` ends an application's line (or is not in this wrapper's syntax, which
    /// holds nothing either): a file may be cut after it without cutting a line in two.
    static func endsLine(_ line: UnsafeRawBufferPointer) -> Bool {
        var wrapper = Self()
        return wrapper.unwrap(line)?.endsLine ?? true
    }
}

/// The wrappers erranalyze unwraps before the inner format reads a line.
public enum ContainerWrapperKind: String, CaseIterable, Sendable {
    /// The CRI log format of containerd and CRI-O (`/var/log/containers`, `/var/log/pods`).
    case cri
    /// Docker's json-file logging driver.
    case docker
    /// An RFC 3339 timestamp and a space before each line: `kubectl logs --timestamps`,
    /// `docker logs -t`.
    case timestamped

    /// `format` read inside this wrapper: named `cri+combined`, `docker+json`….
    public func wrap(_ format: LogFormat) -> LogFormat {
        switch self {
        case .cri: return Self.wrap(format, in: CRILogWrapper.self, name: rawValue)
        case .docker: return Self.wrap(format, in: DockerJSONLogWrapper.self, name: rawValue)
        case .timestamped: return Self.wrap(format, in: TimestampPrefixWrapper.self, name: rawValue)
        }
    }

    private static func wrap<W: ContainerWrapper>(_ format: LogFormat, in wrapper: W.Type, name: String) -> LogFormat {
        LogFormat(name: "\(name)+\(format.name)", supportsChunking: format.supportsChunking,
                  endsRecord: { W.endsLine($0) }) {
            func open<P: LineParser>(_ inner: P) -> any LineParser { WrappedLineParser<W, P>(inner: inner) }
            return open(format.makeParser())
        }
    }

    /// Whether `line` is in this wrapper's syntax.
    func matches(_ line: UnsafeRawBufferPointer) -> Bool {
        switch self {
        case .cri: var w = CRILogWrapper(); return w.unwrap(line) != nil
        case .docker: var w = DockerJSONLogWrapper(); return w.unwrap(line) != nil
        case .timestamped: var w = TimestampPrefixWrapper(); return w.unwrap(line) != nil
        }
    }

    /// The application's lines in `lines` (pieces joined), those written to standard output
    /// first: what detection reads.
    func innerLines(_ lines: [UnsafeRawBufferPointer]) -> [[UInt8]] {
        switch self {
        case .cri: return Self.innerLines(lines, CRILogWrapper())
        case .docker: return Self.innerLines(lines, DockerJSONLogWrapper())
        case .timestamped: return Self.innerLines(lines, TimestampPrefixWrapper())
        }
    }

    private static func innerLines<W: ContainerWrapper>(_ lines: [UnsafeRawBufferPointer], _ wrapper: W) -> [[UInt8]] {
        var wrapper = wrapper
        var joined: [[UInt8]] = [[], []]
        var out: [[[UInt8]]] = [[], []]
        for line in lines {
            guard let piece = wrapper.unwrap(line) else { continue }
            let s = piece.stream.rawValue
            joined[s].append(contentsOf: piece.content)
            if piece.endsLine {
                out[s].append(joined[s])
                joined[s].removeAll(keepingCapacity: true)
            }
        }
        return out[0].isEmpty ? out[1] : out[0]
    }
}
