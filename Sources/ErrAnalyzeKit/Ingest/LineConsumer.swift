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
    ///     stops before it (`ReadStop`), and a later read starts there.
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
        // While the parser holds a line in pieces, the lines read are counted aside and added
        // once its last piece has come: the read never stops, nor commits, inside such a line.
        var held: TrafficAggregate?
        var heldFrom: Int64 = 0
        var lineStart = reader.consumedOffset
        do {
            try reader.forEachLine(includeUnterminatedTail: includeUnterminatedTail, onLine: { line in
                let result: LineParseResult
                if ByteScanning.containsNUL(line) {
                    // Checked before any parser sees the line: a parser that stops at the NUL, or
                    // reads it inside a path or a JSON string, would otherwise count a request.
                    result = .malformed(.binaryData)
                } else {
                    result = parser.parse(line, into: &record)
                }
                if held == nil && !parser.holdsPartialRecord {
                    count(result, record, line, into: &aggregate)
                } else {
                    if held == nil {
                        held = aggregate.emptyCopy()
                        heldFrom = lineStart
                    }
                    count(result, record, line, into: &held!)
                    if !parser.holdsPartialRecord {
                        aggregate.merge(held!)
                        held = nil
                    }
                }
                lineStart = reader.consumedOffset
                if held == nil && reader.consumedOffset >= nextCheckpoint, let every = checkpointEvery {
                    try checkpoint(aggregate, reader.consumedOffset)
                    aggregate = aggregate.emptyCopy()
                    nextCheckpoint = reader.consumedOffset + every
                }
            }, onOverlongLine: {
                if held == nil {
                    aggregate.addMalformed(.lineTooLong, line: .empty)
                } else {
                    held!.addMalformed(.lineTooLong, line: .empty)
                }
            })
        } catch {
            stop = held == nil ? ReadStop(reader) : ReadStop(heldAt: heldFrom)
            throw error
        }
        if held != nil {
            guard finishesInput else {
                // Not the input's end: the held line and what followed it are read again later.
                stop = ReadStop(heldAt: heldFrom)
                return
            }
            while let result = parser.finishPartialRecord(into: &record) {
                count(result, record, .empty, into: &held!)
            }
            aggregate.merge(held!)
        }
        stop = ReadStop(reader)
    }

    @inline(__always)
    private static func count(_ result: LineParseResult, _ record: RequestRecord, _ line: UnsafeRawBufferPointer,
                              into aggregate: inout TrafficAggregate) {
        switch result {
        case .request: aggregate.add(record)
        case .skip: aggregate.addSkipped()
        case .malformed(let reason): aggregate.addMalformed(reason, line: line)
        }
    }
}

/// Where the lines a reader counted end: the reader's position, or, when it stopped before a
/// line held in pieces (a container runtime's partial line), the start of that line.
struct ReadStop {
    var position: Int64
    var endsMidLine: Bool
    /// Whether `position` is before the reader's: its recent bytes are not the bytes before it.
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
