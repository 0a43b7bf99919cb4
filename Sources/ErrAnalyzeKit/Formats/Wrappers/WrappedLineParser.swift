/// Reads lines inside a container wrapper: unwraps each, joins a long line's pieces (per
/// stream: the runtime may write the other stream's lines between two pieces), and hands the
/// application's line to the inner format's parser.
///
/// A line on standard error that is not a request is not counted as malformed: it is the
/// application's own messages (warnings, stack traces), skipped like a comment.
struct WrappedLineParser<Wrapper: ContainerWrapper, Inner: LineParser>: LineParser {
    private var wrapper = Wrapper()
    private var inner: Inner
    /// One per stream: the pieces of a line whose last piece has not come yet.
    private let joins = [JoinedPieces(), JoinedPieces()]
    /// The streams (bit 1 stdout, bit 2 stderr) with pieces held: read on every line, so kept
    /// here rather than in the joins (no reference counting on the common path).
    private var openStreams: UInt8 = 0

    init(inner: Inner) {
        self.inner = inner
    }

    // The ingest calls a parser through the `LineParser` protocol: specialised copies for the
    // common inner parsers spare every line the generic code's indirections.
    @_specialize(where Wrapper == CRILogWrapper, Inner == NCSALogParser)
    @_specialize(where Wrapper == CRILogWrapper, Inner == TemplateLogParser)
    @_specialize(where Wrapper == CRILogWrapper, Inner == JSONLineParser)
    @_specialize(where Wrapper == DockerJSONLogWrapper, Inner == NCSALogParser)
    @_specialize(where Wrapper == DockerJSONLogWrapper, Inner == TemplateLogParser)
    @_specialize(where Wrapper == DockerJSONLogWrapper, Inner == JSONLineParser)
    @_specialize(where Wrapper == TimestampPrefixWrapper, Inner == NCSALogParser)
    @_specialize(where Wrapper == TimestampPrefixWrapper, Inner == TemplateLogParser)
    @_specialize(where Wrapper == TimestampPrefixWrapper, Inner == JSONLineParser)
    mutating func parse(_ line: UnsafeRawBufferPointer, into record: inout RequestRecord) -> LineParseResult {
        guard let piece = wrapper.unwrap(line) else { return .malformed(.unrecognisedLayout) }
        if piece.endsLine && openStreams & Self.bit(piece.stream) == 0 {
            return readInner(piece.content, stream: piece.stream, hasNUL: piece.hasNUL, into: &record)
        }
        return join(piece, into: &record)
    }

    @inline(__always)
    private static func bit(_ stream: ContainerStream) -> UInt8 { stream == .stdout ? 1 : 2 }

    /// A piece of a long line, or its last piece.
    @inline(never)
    private mutating func join(_ piece: WrappedPiece, into record: inout RequestRecord) -> LineParseResult {
        let join = joins[piece.stream.rawValue]
        join.append(piece.content, hasNUL: piece.hasNUL)
        guard piece.endsLine else {
            openStreams |= Self.bit(piece.stream)
            return .skip
        }
        openStreams &= ~Self.bit(piece.stream)
        // The record may point into the joined bytes: they stay until the next piece comes.
        defer { join.close() }
        if join.overflowed { return piece.stream == .stderr ? .skip : .malformed(.lineTooLong) }
        return readInner(join.bytes, stream: piece.stream, hasNUL: join.hasNUL, into: &record)
    }

    var holdsPartialRecord: Bool { openStreams != 0 }

    mutating func finishPartialRecord(into record: inout RequestRecord) -> LineParseResult? {
        for (index, join) in joins.enumerated() where join.isOpen {
            let stream = ContainerStream(rawValue: index)!
            openStreams &= ~Self.bit(stream)
            defer { join.close() }
            if join.overflowed { return stream == .stderr ? .skip : .malformed(.lineTooLong) }
            return readInner(join.bytes, stream: stream, hasNUL: join.hasNUL, into: &record)
        }
        return nil
    }

    @inline(__always)
    private mutating func readInner(_ content: UnsafeRawBufferPointer, stream: ContainerStream, hasNUL: Bool,
                                    into record: inout RequestRecord) -> LineParseResult {
        let result = hasNUL ? .malformed(.binaryData) : inner.parse(content, into: &record)
        if stream == .stderr, case .malformed = result { return .skip }
        return result
    }
}

/// The pieces of one long line, copied end to end (bounded: a line longer than
/// `limit` is counted as too long, as `LineReader` does for a physical line).
final class JoinedPieces {
    static let limit = 4 << 20
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private(set) var count = 0
    private(set) var isOpen = false
    private(set) var overflowed = false
    private(set) var hasNUL = false

    init(capacity: Int = 64 << 10) {
        self.capacity = capacity
        storage = .allocate(byteCount: capacity, alignment: 1)
    }

    deinit { storage.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: count) }

    func append(_ piece: UnsafeRawBufferPointer, hasNUL: Bool) {
        isOpen = true
        if hasNUL { self.hasNUL = true }
        guard !overflowed else { return }
        guard count + piece.count <= Self.limit else {
            overflowed = true
            return
        }
        if count + piece.count > capacity {
            var bigger = capacity * 2
            while bigger < count + piece.count { bigger *= 2 }
            let grown = UnsafeMutableRawPointer.allocate(byteCount: bigger, alignment: 1)
            grown.copyMemory(from: storage, byteCount: count)
            storage.deallocate()
            storage = grown
            capacity = bigger
        }
        if let source = piece.baseAddress, piece.count > 0 { (storage + count).copyMemory(from: source, byteCount: piece.count) }
        count += piece.count
    }

    /// Ends the line; its bytes stay readable until the next `append`.
    func close() {
        count = 0
        isOpen = false
        overflowed = false
        hasNUL = false
    }
}
