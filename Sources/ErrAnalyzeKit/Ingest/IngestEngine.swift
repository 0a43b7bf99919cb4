import Foundation

/// Reads log files into the store: for each input, recognise it (ledger fingerprint), pick
/// its format, read what is new, and commit aggregates with the ledger's new position.
///
/// A failing input is reported and the others still land. The engine never prints; the
/// caller decides what a person sees from the outcomes and progress events.
public final class IngestEngine {
    private let store: AggregateStore
    private let options: IngestOptions
    private let now: () -> Int64

    /// Bytes of content read to recognise a file and detect its format.
    static let sampleSize = 64 << 10
    static let detectionLines = 50

    public init(store: AggregateStore, options: IngestOptions = IngestOptions(),
                now: @escaping () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.store = store
        self.options = options
        self.now = now
    }

    /// Ingests each path (`-` is standard input) in turn.
    public func ingest(paths: [String], progress: ((IngestProgress) -> Void)? = nil) -> [FileOutcome] {
        paths.map { path in
            // A concurrent run that counted the same file meanwhile: read it again from the
            // ledger's new position (a few tries; each one means the other run progressed).
            var attempts = 0
            while true {
                do {
                    return .ingested(try ingestOne(path: path, progress: progress))
                } catch is StoreConflict where attempts < 5 && path != "-" {
                    attempts += 1
                } catch let error as IngestError {
                    return .failed(path: path, error: error.description)
                } catch let error as InputError {
                    return .failed(path: path, error: error.description)
                } catch let error as StoreError {
                    return .failed(path: path, error: IngestError.store(path: path, error).description)
                } catch {
                    return .failed(path: path, error: "\(path): \(error)")
                }
            }
        }
    }

    private func ingestOne(path: String, progress: ((IngestProgress) -> Void)?) throws -> FileReport {
        let file = try InputFile(path: path)
        if let size = file.regularFileSize, !file.isGzip {
            return try ingestPlainFile(file, size: size, progress: progress)
        }
        return try ingestStream(file, progress: progress)
    }

    // MARK: Plain regular files: positional reads, split across workers

    private func ingestPlainFile(_ file: InputFile, size: Int64, progress: ((IngestProgress) -> Void)?) throws -> FileReport {
        let sample = try file.readPlain(at: 0, count: Self.sampleSize)
        var report = FileReport(path: file.displayName, format: "", compressed: false, disposition: .new, bytesRead: 0,
                                lines: 0, requests: 0, malformed: 0, malformedSamples: [], heldBackPartialLine: false)
        if sample.isEmpty {
            report.disposition = .empty
            return report
        }
        let head = Array(sample.prefix(ContentFingerprint.fullLength))
        let entry = try store.findLedgerEntry(head: head)
        var start = entry?.bytesRead ?? 0
        if let entry {
            if size < entry.bytesRead {
                report.disposition = .restarted
                start = 0
            } else if size == entry.bytesRead {
                report.disposition = .upToDate
                report.format = entry.format
                return report
            } else {
                report.disposition = .resumed(fromByte: entry.bytesRead)
            }
        }
        let format = try chooseFormat(for: file, sample: sample, entry: entry)
        report.format = format.name

        let live = (file.modificationTime ?? 0) > now() - options.liveFileSeconds
        var state = CommitState(entryID: entry?.id, expected: entry?.bytesRead ?? 0)
        var position = start
        while position < size {
            // One segment per checkpoint: parsed by every worker, then committed.
            let segmentEnd: Int64
            if size - position > options.checkpointBytes {
                segmentEnd = try PlainFileSplitter.lineStart(after: position + options.checkpointBytes - 1, in: file, limit: size)
            } else {
                segmentEnd = size
            }
            let isLast = segmentEnd == size
            let parts = format.supportsChunking && segmentEnd - position >= options.minimumBytesToSplit ? options.workers : 1
            let ranges = try PlainFileSplitter.split(position..<segmentEnd, parts: parts, file: file)
            let results = try parseRanges(ranges, of: file, format: format, includeTail: isLast && !live)
            var aggregate = TrafficAggregate(templater: options.templater, maxRoutes: options.maxRoutes)
            for result in results { aggregate.merge(result.aggregate) }
            let consumed = results.last!.consumed
            if consumed > position || !aggregate.isEmpty {
                try commit(aggregate, upTo: consumed, file: file, format: format, sample: sample, state: &state, report: &report)
            }
            if isLast && consumed < size { report.heldBackPartialLine = true }
            progress?(IngestProgress(path: file.displayName, bytesRead: consumed, totalBytes: size, lines: report.lines))
            if consumed <= position {
                if case .resumed = report.disposition { report.disposition = .upToDate }
                break
            }
            position = isLast ? size : consumed
        }
        report.bytesRead = max(0, (state.expected) - start)
        return report
    }

    private struct RangeResult {
        var aggregate: TrafficAggregate
        var consumed: Int64
    }

    /// Parses each range on its own thread with its own parser and aggregate.
    private func parseRanges(_ ranges: [Range<Int64>], of file: InputFile, format: LogFormat, includeTail: Bool) throws -> [RangeResult] {
        let options = self.options
        let lock = NSLock()
        var results = [RangeResult?](repeating: nil, count: ranges.count)
        var failure: Error?
        let work = { (index: Int) in
            let range = ranges[index]
            let reader = LineReader(source: file.rangeSource(range), startOffset: range.lowerBound, maxLineLength: options.maxLineLength)
            var aggregate = TrafficAggregate(templater: options.templater, maxRoutes: options.maxRoutes)
            do {
                // Only the last range can end in a partial line.
                let tail = index == ranges.count - 1 ? includeTail : true
                try LineConsumer.run(format: format, reader: reader, aggregate: &aggregate, includeUnterminatedTail: tail)
                lock.lock(); results[index] = RangeResult(aggregate: aggregate, consumed: reader.consumedOffset); lock.unlock()
            } catch {
                lock.lock(); failure = error; lock.unlock()
            }
        }
        if ranges.count == 1 {
            work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: ranges.count, execute: work)
        }
        if let failure { throw failure }
        return results.map { $0! }
    }

    // MARK: Compressed files, pipes and standard input: one sequential stream

    private func ingestStream(_ file: InputFile, progress: ((IngestProgress) -> Void)?) throws -> FileReport {
        var source = try file.contentSource(maxRatio: options.maxDecompressionRatio)
        if file.isGzip && options.workers > 1 {
            source = ReadAheadSource(upstream: source)
        }
        // Read the sample, then put it back in front of the rest of the stream.
        var sample = [UInt8](repeating: 0, count: Self.sampleSize)
        var got = 0
        while got < sample.count {
            let n = try sample.withUnsafeMutableBytes { try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[got...])) }
            if n == 0 { break }
            got += n
        }
        sample.removeLast(sample.count - got)
        var report = FileReport(path: file.displayName, format: "", compressed: file.isGzip, disposition: .new, bytesRead: 0,
                                lines: 0, requests: 0, malformed: 0, malformedSamples: [], heldBackPartialLine: false)
        if sample.isEmpty {
            report.disposition = .empty
            return report
        }
        let head = Array(sample.prefix(ContentFingerprint.fullLength))
        let entry = try store.findLedgerEntry(head: head)
        let format = try chooseFormat(for: file, sample: sample, entry: entry)
        report.format = format.name

        let reader = LineReader(source: PrefixedSource(prefix: sample, rest: source), maxLineLength: options.maxLineLength)
        var state = CommitState(entryID: entry?.id, expected: entry?.bytesRead ?? 0)
        if let entry {
            let skipped = try reader.skip(entry.bytesRead)
            if skipped < entry.bytesRead {
                // Shorter than what was counted: a different file that starts the same way.
                report.disposition = .restarted
                let fresh = try file.path == "-" ? nil : InputFile(path: file.path)
                guard let fresh else { throw IngestError.other(path: file.displayName, message: "standard input is shorter than the content it matched; not counted") }
                return try restartStream(fresh, entry: entry, format: format, sample: sample, progress: progress)
            }
            report.disposition = .resumed(fromByte: entry.bytesRead)
        }
        let start = reader.consumedOffset
        try readStream(reader, file: file, format: format, sample: sample, state: &state, report: &report, progress: progress)
        if reader.consumedOffset == start && report.disposition != .new { report.disposition = .upToDate }
        report.bytesRead = reader.consumedOffset - start
        return report
    }

    private func restartStream(_ file: InputFile, entry: LedgerEntry, format: LogFormat, sample: [UInt8],
                               progress: ((IngestProgress) -> Void)?) throws -> FileReport {
        var source = try file.contentSource(maxRatio: options.maxDecompressionRatio)
        if file.isGzip && options.workers > 1 { source = ReadAheadSource(upstream: source) }
        let reader = LineReader(source: source, maxLineLength: options.maxLineLength)
        var report = FileReport(path: file.displayName, format: format.name, compressed: file.isGzip, disposition: .restarted,
                                bytesRead: 0, lines: 0, requests: 0, malformed: 0, malformedSamples: [], heldBackPartialLine: false)
        var state = CommitState(entryID: entry.id, expected: entry.bytesRead)
        try readStream(reader, file: file, format: format, sample: sample, state: &state, report: &report, progress: progress)
        report.bytesRead = reader.consumedOffset
        return report
    }

    private func readStream(_ reader: LineReader, file: InputFile, format: LogFormat, sample: [UInt8],
                            state: inout CommitState, report: inout FileReport, progress: ((IngestProgress) -> Void)?) throws {
        var aggregate = TrafficAggregate(templater: options.templater, maxRoutes: options.maxRoutes)
        // A stream that ends is finished: its last line counts even without a newline.
        try LineConsumer.run(format: format, reader: reader, aggregate: &aggregate, includeUnterminatedTail: true,
                             checkpointEvery: options.checkpointBytes) { partial, position in
            try commit(partial, upTo: position, file: file, format: format, sample: sample, state: &state, report: &report)
            progress?(IngestProgress(path: file.displayName, bytesRead: position, totalBytes: nil, lines: report.lines))
        }
        if reader.consumedOffset > state.expected || !aggregate.isEmpty {
            try commit(aggregate, upTo: reader.consumedOffset, file: file, format: format, sample: sample, state: &state, report: &report)
        }
    }

    // MARK: Shared steps

    private struct CommitState {
        var entryID: Int64?
        /// The ledger's read position as this run last saw or wrote it.
        var expected: Int64
    }

    private func commit(_ aggregate: TrafficAggregate, upTo position: Int64, file: InputFile, format: LogFormat,
                        sample: [UInt8], state: inout CommitState, report: inout FileReport) throws {
        // The fingerprint grows with the file up to its full length (a small file seen again
        // later, larger, is still recognised by its shorter prefix).
        let covered = Int(min(Int64(ContentFingerprint.fullLength), position, Int64(sample.count)))
        let fingerprint = ContentFingerprint(of: Array(sample.prefix(covered)))
        let checkpoint = IngestCheckpoint(entryID: state.entryID, expectedBytesRead: state.expected, path: file.displayName,
                                          format: format.name, compressed: file.isGzip, fingerprint: fingerprint,
                                          bytesRead: position, aggregate: aggregate, now: now())
        state.entryID = try store.commit(checkpoint)
        state.expected = position
        report.lines += aggregate.lines
        report.requests += aggregate.requests
        report.malformed += aggregate.malformed.total
        for sample in aggregate.malformed.samples where report.malformedSamples.count < MalformedTally.sampleLimit {
            report.malformedSamples.append(sample)
        }
    }

    /// `--format` when given; else the format the ledger recorded for this file; else detection.
    private func chooseFormat(for file: InputFile, sample: [UInt8], entry: LedgerEntry?) throws -> LogFormat {
        if let format = options.format { return format }
        if let name = entry?.format, let known = FormatRegistry.preset(named: name) { return known }
        return try sample.withUnsafeBytes { bytes -> LogFormat in
            var lines: [UnsafeRawBufferPointer] = []
            var start = 0
            while lines.count < Self.detectionLines, let newline = ByteScanning.find(0x0A, in: bytes, from: start) {
                var end = newline
                if end > start && bytes[end - 1] == 0x0D { end -= 1 }
                lines.append(ByteScanning.slice(bytes, start, end))
                start = newline + 1
            }
            if lines.isEmpty && start < bytes.count && bytes.count < Self.sampleSize {
                lines.append(ByteScanning.slice(bytes, start, bytes.count))
            }
            if let detected = FormatRegistry.detect(sample: lines) { return detected }
            let first = lines.first.map { String(decoding: $0.prefix(120), as: UTF8.self) } ?? ""
            throw IngestError.unrecognisedFormat(path: file.displayName, firstLine: first.filter { !$0.isASCII || $0.asciiValue! >= 0x20 })
        }
    }
}
