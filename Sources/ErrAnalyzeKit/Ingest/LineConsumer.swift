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
    ///   - checkpointEvery: bytes of content between checkpoints; nil for none.
    ///   - checkpoint: receives the aggregate so far and the stream position after its last
    ///     line; the aggregate starts empty again afterwards.
    static func run(format: LogFormat, reader: LineReader, aggregate: inout TrafficAggregate,
                    includeUnterminatedTail: Bool, headerLines: [[UInt8]] = [], checkpointEvery: Int64? = nil,
                    checkpoint: (TrafficAggregate, Int64) throws -> Void = { _, _ in }) throws {
        func open<P: LineParser>(_ parser: P) throws {
            var parser = parser
            var record = RequestRecord()
            for line in headerLines {
                _ = line.withUnsafeBytes { ByteScanning.containsNUL($0) ? .skip : parser.parse($0, into: &record) }
            }
            try loop(parser: &parser, reader: reader, aggregate: &aggregate, includeUnterminatedTail: includeUnterminatedTail,
                     checkpointEvery: checkpointEvery, checkpoint: checkpoint)
        }
        try open(format.makeParser())
    }

    static func loop<P: LineParser>(parser: inout P, reader: LineReader, aggregate: inout TrafficAggregate,
                                    includeUnterminatedTail: Bool, checkpointEvery: Int64?,
                                    checkpoint: (TrafficAggregate, Int64) throws -> Void) throws {
        var record = RequestRecord()
        var nextCheckpoint = checkpointEvery.map { reader.consumedOffset + $0 } ?? .max
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
            if reader.consumedOffset >= nextCheckpoint, let every = checkpointEvery {
                try checkpoint(aggregate, reader.consumedOffset)
                aggregate = aggregate.emptyCopy()
                nextCheckpoint = reader.consumedOffset + every
            }
        }, onOverlongLine: {
            aggregate.addMalformed(.lineTooLong, line: .empty)
        })
    }
}
