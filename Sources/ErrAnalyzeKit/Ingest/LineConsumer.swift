import Glibc

/// The per-line loop of one worker: split, parse, count (a line with a NUL byte is
/// malformed `binary_data` in every format, before any parser sees it); and, every `checkpointEvery` bytes
/// of content, hand the aggregate so far to `checkpoint` (which commits it) at a line boundary.
///
/// Generic over the parser so that the parser's methods are called directly; the format's
/// existential parser is opened once per run, not once per line.
enum LineConsumer {
    /// - Parameters:
    ///   - headerLines: shown to the new parser before the first line (a resumed file's header).
    ///   - finishesInput: whether the reader's end is the input's end (a finished file or
    ///     stream): a line still held in pieces there is read as it is. Otherwise the read
    ///     stops before it (`ReadStop.heldBack`), and a later read starts there.
    ///   - checkpointEvery: bytes of content between checkpoints; nil for none.
    ///   - checkpoint: receives the aggregate so far and the stream position after its last
    ///     line; the aggregate starts empty again afterwards.
    ///   - stop: where the lines counted end (set on return and on a throw).
    static func run(format: LogFormat, reader: LineReader, aggregate: inout TrafficAggregate,
                    includeUnterminatedTail: Bool, finishesInput: Bool? = nil, headerLines: [[UInt8]] = [],
                    checkpointEvery: Int64? = nil, stop: inout ReadStop,
                    checkpoint: (TrafficAggregate, Int64) throws -> Void = { _, _ in }) throws {
        func open<P: LineParser>(_ parser: P) throws {
            var parser = parser
            var record = RequestRecord()
            for line in headerLines {
                _ = line.withUnsafeBytes { ByteScanning.containsNUL($0) ? .skip : parser.parse($0, into: &record) }
            }
            try loop(parser: &parser, reader: reader, aggregate: &aggregate, includeUnterminatedTail: includeUnterminatedTail,
                     finishesInput: finishesInput ?? includeUnterminatedTail, checkpointEvery: checkpointEvery,
                     stop: &stop, checkpoint: checkpoint)
        }
        try open(format.makeParser())
    }

    /// `run` without a `ReadStop` (the reader's position is where the lines end).
    static func run(format: LogFormat, reader: LineReader, aggregate: inout TrafficAggregate,
                    includeUnterminatedTail: Bool, headerLines: [[UInt8]] = [], checkpointEvery: Int64? = nil,
                    checkpoint: (TrafficAggregate, Int64) throws -> Void = { _, _ in }) throws {
        var stop = ReadStop(reader)
        try run(format: format, reader: reader, aggregate: &aggregate, includeUnterminatedTail: includeUnterminatedTail,
                headerLines: headerLines, checkpointEvery: checkpointEvery, stop: &stop, checkpoint: checkpoint)
    }

    static func loop<P: LineParser>(parser: inout P, reader: LineReader, aggregate: inout TrafficAggregate,
                                    includeUnterminatedTail: Bool, finishesInput: Bool, checkpointEvery: Int64?,
                                    stop: inout ReadStop,
                                    checkpoint: (TrafficAggregate, Int64) throws -> Void) throws {
        var record = RequestRecord()
        var nextCheckpoint = checkpointEvery.map { reader.consumedOffset + $0 } ?? .max
        // While the parser holds a line in pieces, `heldFrom` is where that line began: no
        // checkpoint is taken until its last piece has come, and a read that ends before it
        // stops there (`ReadStop.heldBack`).
        var heldFrom: Int64 = -1
        var lineStart = reader.consumedOffset
        do {
            try reader.forEachLine(includeUnterminatedTail: includeUnterminatedTail, onLine: { line in
                if ByteScanning.containsNUL(line) {
                    // Checked before any parser sees the line: a parser that stops at the NUL, or
                    // reads it inside a path or a JSON string, would otherwise count a request.
                    aggregate.addMalformed(.binaryData, line: line)
                } else {
                    switch parser.parse(line, into: &record) {
                    case .request: aggregate.add(record)
                    case .skip: aggregate.addSkipped()
                    case .malformed(let reason): aggregate.addMalformed(reason, line: line)
                    }
                }
                if parser.holdsPartialRecord {
                    if heldFrom < 0 { heldFrom = lineStart }
                } else {
                    heldFrom = -1
                }
                lineStart = reader.consumedOffset
                if heldFrom < 0 && reader.consumedOffset >= nextCheckpoint, let every = checkpointEvery {
                    try checkpoint(aggregate, reader.consumedOffset)
                    aggregate = aggregate.emptyCopy()
                    nextCheckpoint = reader.consumedOffset + every
                }
            }, onOverlongLine: {
                aggregate.addMalformed(.lineTooLong, line: .empty)
            })
        } catch {
            stop = ReadStop(reader)
            throw error
        }
        if heldFrom >= 0 {
            guard finishesInput else {
                // Not the input's end: the held line is read again later, from its start.
                stop = ReadStop(heldAt: heldFrom)
                return
            }
            while let result = parser.finishPartialRecord(into: &record) {
                switch result {
                case .request: aggregate.add(record)
                case .skip: aggregate.addSkipped()
                case .malformed(let reason): aggregate.addMalformed(reason, line: .empty)
                }
            }
        }
        stop = ReadStop(reader)
    }

}

/// Where the lines a reader counted end: the reader's position, or, when it stopped before a
/// line held in pieces (a container runtime's partial line), the start of that line.
struct ReadStop {
    var position: Int64
    var endsMidLine: Bool
    /// Whether the read ended inside a line held in pieces, which began at `position`: the
    /// aggregate also counted the lines after `position` (its first pieces, and the other
    /// stream's lines between them), so the caller counts the input again up to `position`.
    var heldBack: Bool

    init(_ reader: LineReader) {
        position = reader.consumedOffset
        endsMidLine = reader.endsMidLine
        heldBack = false
    }

    init(heldAt position: Int64) {
        self.position = position
        endsMidLine = false
        heldBack = true
    }
}
