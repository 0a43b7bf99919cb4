import Foundation

/// Reads log files into the store: for each input, recognise it (ledger fingerprint and
/// anchor), pick its format, read what is new, and commit aggregates with the ledger's new
/// position in the same transaction.
///
/// A failing input is reported and the others still land. The engine never prints; the
/// caller decides what a person sees from the outcomes and progress events.
public final class IngestEngine {
    let store: IngestStore
    let options: IngestOptions
    let now: () -> Int64
    /// Commits so far, shared with the engines that read inputs side by side.
    let commits: SharedCounter

    /// Bytes of content read to recognise a file and detect its format.
    static let sampleSize = 64 << 10
    static let detectionLines = 50

    public init(store: IngestStore, options: IngestOptions = IngestOptions(),
                now: @escaping () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.store = store
        self.options = options
        self.now = now
        commits = SharedCounter()
    }

    /// An engine for one of several inputs read side by side: its own options, the others'
    /// store (calls serialised) and commit count.
    init(sideBySideWith parent: IngestEngine, store: IngestStore, options: IngestOptions) {
        self.store = store
        self.options = options
        now = parent.now
        commits = parent.commits
    }

    /// Ingests each path (`-` is standard input); outcomes come in the order of `paths`.
    ///
    /// With more than one worker, inputs that cannot use every core on their own
    /// (compressed files, small files) are read side by side, one per worker; see
    /// `IngestEngine+SideBySide.swift`.
    public func ingest(paths: [String], progress: ((IngestProgress) -> Void)? = nil) -> [FileOutcome] {
        let storeFull = StoreFullFlag()
        guard paths.count > 1 && options.workers > 1 else {
            return paths.map { ingestUnlessStoreFull(path: $0, progress: progress, storeFull: storeFull) }
        }
        return ingestSideBySide(paths: paths, progress: progress, storeFull: storeFull)
    }

    /// One input, unless an earlier one found the store unusable for every input (the database
    /// or its disk full, its server unreachable).
    func ingestUnlessStoreFull(path: String, progress: ((IngestProgress) -> Void)?, storeFull: StoreFullFlag) -> FileOutcome {
        if let reason = storeFull.reason { return .failed(path: path, error: "\(FileNameEscaping.escaped(path)): not read: \(reason)") }
        var full: String?
        let outcome = ingestWithRetries(path: path, progress: progress, storeFull: &full)
        if let full { storeFull.set(full) }
        return outcome
    }

    /// One file a follower holds open (`FileFollower`), read as it is now: by its descriptor,
    /// whatever its name has become, through the same ledger as a file named by its path.
    func ingest(following file: InputFile, named path: String?, progress: ((IngestProgress) -> Void)? = nil) -> FileOutcome {
        var full: String?
        return ingestWithRetries(path: path ?? file.path, open: { try InputFile(again: file, path: path) }, progress: progress, storeFull: &full)
    }

    private func ingestWithRetries(path: String, open: (() throws -> InputFile)? = nil, progress: ((IngestProgress) -> Void)?,
                                   storeFull: inout String?) -> FileOutcome {
        // A concurrent run that counted the same file meanwhile: read it again from the
        // ledger's new position. Each conflict means the other run committed progress, so
        // this ends; the bound only guards against a store that always refuses.
        var attempts = 0
        while true {
            do {
                return .ingested(try ingestOne(file: try open?() ?? InputFile(path: path), progress: progress))
            } catch is StoreConflict where attempts < 1000 && path != "-" {
                attempts += 1
            } catch let error as IngestError {
                if let reason = error.storeUnusable { storeFull = reason }
                return .failed(path: path, error: error.description)
            } catch let error as InputError {
                return .failed(path: path, error: error.description)
            } catch let error as StoreFailure {
                let wrapped = IngestError.store(path: path, error)
                if let reason = error.unusableReason { storeFull = reason }
                return .failed(path: path, error: wrapped.description)
            } catch let conflict as StoreConflict {
                return .failed(path: path, error: conflict.description)
            } catch {
                return .failed(path: path, error: "\(FileNameEscaping.escaped(path)): \(error)")
            }
        }
    }

    private func ingestOne(file: InputFile, progress: ((IngestProgress) -> Void)?) throws -> FileReport {
        if let size = file.regularFileSize, !file.isCompressed {
            return try ingestPlainFile(file, size: size, progress: progress)
        }
        return try ingestStream(file, progress: progress)
    }

    // MARK: Plain regular files: positional reads, split across workers

    private func ingestPlainFile(_ file: InputFile, size: Int64, progress: ((IngestProgress) -> Void)?) throws -> FileReport {
        var state = CommitState(entryID: nil, expected: 0, head: [], lastKnownFileID: nil)
        var report = FileReport(path: file.displayName, format: "", compressed: false, disposition: .new, bytesRead: 0,
                                lines: 0, requests: 0, malformed: 0, malformedSamples: [], heldBackPartialLine: false)
        do {
            try readPlainFile(file, size: size, state: &state, report: &report, progress: progress)
            return report
        } catch let change as FileChangedWhileReading {
            // The step being read was discarded; what was committed before it stays.
            finish(&report, state: state)
            report.warning = change.warning(path: file.displayName, countedThrough: state.expected)
            return report
        } catch let error as StoreFailure where state.entryID != nil {
            throw IngestError.partial(.store(path: file.displayName, error), countedThrough: state.expected, lines: state.lines - state.baseLines)
        } catch let error as InputError where state.entryID != nil {
            throw IngestError.partial(.input(error), countedThrough: state.expected, lines: state.lines - state.baseLines)
        }
    }

    private func readPlainFile(_ file: InputFile, size: Int64, state: inout CommitState, report: inout FileReport,
                               progress: ((IngestProgress) -> Void)?) throws {
        let sample = try file.readPlain(at: 0, count: Int(min(size, Int64(Self.sampleSize))))
        if sample.isEmpty {
            report.disposition = .empty
            return
        }
        let head = Array(sample.prefix(ContentFingerprint.fullLength))
        let check = FileChangeCheck(plainFileHead: head)
        let lookup = try store.ledgerLookup(head: head)
        // The entry this file continues: its first bytes match, and so do the bytes just
        // before the position where reading stopped. The furthest such entry wins.
        var entry: LedgerEntry?
        for candidate in lookup.candidates where candidate.bytesRead <= size {
            guard candidate.bytesRead > (entry?.bytesRead ?? -1) else { continue }
            if try anchorHolds(candidate, in: file) { entry = candidate }
        }
        state = CommitState(entryID: entry?.id, expected: entry?.bytesRead ?? 0, head: head, lastKnownFileID: lookup.lastFileID,
                            lines: entry?.lines ?? 0, baseLines: entry?.lines ?? 0, resumedFrom: entry?.bytesRead ?? 0)
        var position = entry?.bytesRead ?? 0
        if let entry {
            // The bytes before the position, checked again at each commit: a file rewritten
            // between two steps holds other bytes there.
            let length = Int(min(Int64(ContentFingerprint.fullLength), entry.bytesRead))
            state.counted = ParsedEnding(position: entry.bytesRead, bytes: try file.readPlain(at: entry.bytesRead - Int64(length), count: length))
            if size == entry.bytesRead {
                report.disposition = .upToDate
                report.format = entry.format
                return
            }
            report.disposition = .resumed(fromByte: entry.bytesRead)
        } else if !lookup.candidates.isEmpty {
            report.disposition = .restarted
        }
        let live = (file.modificationTime ?? 0) > now() - options.liveFileSeconds
        if entry == nil && live && !sample.contains(0x0A) && size <= Int64(Self.sampleSize) {
            // Only a first line still being written: nothing to recognise or count yet.
            report.heldBackPartialLine = true
            return
        }
        let format = try chooseFormat(for: file, sample: sample, entry: entry)
        report.format = format.name

        if let entry, entry.endsMidLine {
            // The line at the read position was counted without its newline (the file had
            // stopped changing); what was added to it since belongs to it: drop it.
            let next = try PlainFileSplitter.lineStart(after: position, in: file, limit: size)
            let stillMidLine = try next == size && file.readPlain(at: size - 1, count: 1) != [0x0A]
            try commit(TrafficAggregate(templater: options.templater, maxRoutes: options.maxRoutes), upTo: next,
                       endsMidLine: stillMidLine, parsed: [], check: check,
                       file: file, format: format, sample: sample, state: &state, report: &report)
            position = next
        }

        if !format.supportsChunking {
            // The header sets the parser up: one parser reads the rest in order.
            var headers = HeaderLines()
            if position > 0 {
                let prefix = LineReader(source: file.rangeSource(0..<position), maxLineLength: options.maxLineLength)
                try prefix.forEachLine(includeUnterminatedTail: false, onLine: { headers.offer($0) }, onOverlongLine: {})
            }
            let reader = LineReader(source: file.rangeSource(position..<size), startOffset: position, maxLineLength: options.maxLineLength)
            try readSequentially(reader, file: file, format: format, sample: sample, headerLines: headers.lines,
                                 includeTail: !live, totalBytes: size, check: check, state: &state, report: &report, progress: progress)
            finish(&report, state: state)
            return
        }

        // After a step that could count nothing because a line held in pieces (a container
        // runtime's partial line) spans it: read the next one on one thread, or to the end.
        var oneRange = false, toTheEnd = false
        while position < size {
            // One segment per checkpoint: parsed by every worker, then committed.
            let segmentEnd: Int64
            if size - position > options.checkpointBytes && !toTheEnd {
                segmentEnd = try PlainFileSplitter.recordStart(after: position + options.checkpointBytes - 1, in: file, limit: size,
                                                               endsRecord: format.endsRecord)
            } else {
                segmentEnd = size
            }
            let isLast = segmentEnd == size
            let parts = segmentEnd - position >= options.minimumBytesToSplit && !oneRange ? options.workers : 1
            let ranges = try PlainFileSplitter.split(position..<segmentEnd, parts: parts, file: file, endsRecord: format.endsRecord)
            var results = try parseRanges(ranges, of: file, format: format, includeTail: isLast && !live)
            // A range read short met a truncation: its last line may be a fragment, and the
            // ranges after it hold nothing. The whole step is discarded.
            for (range, result) in zip(ranges, results) {
                try check.requireWholeRead(upTo: range.upperBound, received: result.received, in: file)
            }
            // A range that stopped before its end holds a line in pieces that goes on after it:
            // the step ends there, and what follows is read again by the next step.
            if let cut = results.indices.dropLast().first(where: { results[$0].consumed < ranges[$0].upperBound }) {
                results.removeSubrange((cut + 1)...)
            }
            let readWhole = results.count == ranges.count
            // The first range's aggregate is the step's (made with the same rules and caps, a
            // merge into an empty one would rebuild it identically); the others merge into it.
            var aggregate = results[0].aggregate
            // Its duration list shared no more, the next ranges' are appended to it in place
            // (room was made for the whole step's bytes in `parseRanges`).
            results[0].aggregate.releaseLatency()
            for result in results.dropFirst() { aggregate.merge(result.aggregate) }
            let consumed = results.last!.consumed
            if consumed > position || !aggregate.isEmpty {
                try commit(aggregate, upTo: consumed, endsMidLine: results.last!.endsMidLine,
                           parsed: results.map { ParsedEnding(position: $0.consumed, bytes: $0.ending) }, check: check,
                           file: file, format: format, sample: sample, state: &state, report: &report)
            }
            if isLast && readWhole && consumed < size { report.heldBackPartialLine = true }
            progress?(IngestProgress(path: file.displayName, bytesRead: consumed, totalBytes: size, lines: report.lines))
            if consumed <= position {
                if parts > 1 { oneRange = true; continue }
                if !isLast { toTheEnd = true; continue }
                break
            }
            oneRange = false
            toTheEnd = false
            position = isLast && readWhole ? size : consumed
        }
        finish(&report, state: state)
    }

    private func finish(_ report: inout FileReport, state: CommitState) {
        report.bytesRead = max(0, state.expected - state.resumedFrom)
        if case .resumed = report.disposition, report.lines == 0 { report.disposition = .upToDate }
    }

    /// Whether `file` holds `entry`'s anchor just before `entry.bytesRead`.
    private func anchorHolds(_ entry: LedgerEntry, in file: InputFile) throws -> Bool {
        // Entries recorded before anchors existed are recognised by their first bytes alone.
        guard let anchor = entry.anchor else { return true }
        guard Int64(anchor.length) <= entry.bytesRead else { return false }
        let bytes = try file.readPlain(at: entry.bytesRead - Int64(anchor.length), count: anchor.length)
        return bytes.count == anchor.length && ContentFingerprint(of: bytes) == anchor
    }

    private struct RangeResult {
        var aggregate: TrafficAggregate
        var consumed: Int64
        var endsMidLine: Bool
        /// Where the bytes received from the file ended (the range's end unless it was truncated).
        var received: Int64
        /// The last bytes parsed, before `consumed`.
        var ending: [UInt8]
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
            // The first range's list becomes the step's when merged: room for all of it.
            aggregate.reserve(forInputBytes: (index == 0 ? ranges.last!.upperBound : range.upperBound) - range.lowerBound)
            do {
                // Only the last range can end in a partial line.
                let isLastRange = index == ranges.count - 1
                let tail = isLastRange ? includeTail : true
                var stop = ReadStop(reader)
                try LineConsumer.run(format: format, reader: reader, aggregate: &aggregate, includeUnterminatedTail: tail,
                                     finishesInput: isLastRange && includeTail, stop: &stop)
                var ending = Array(reader.recentBytes(ContentFingerprint.fullLength))
                if stop.heldBack {
                    // The range ends inside a line in pieces (it goes on after the range, or is
                    // still being written): count the range again up to that line's start,
                    // where the next step begins. Rare: cuts are placed after whole lines.
                    aggregate = TrafficAggregate(templater: options.templater, maxRoutes: options.maxRoutes)
                    let again = LineReader(source: file.rangeSource(range.lowerBound..<stop.position), startOffset: range.lowerBound,
                                           maxLineLength: options.maxLineLength)
                    var recounted = ReadStop(again)
                    try LineConsumer.run(format: format, reader: again, aggregate: &aggregate, includeUnterminatedTail: true,
                                         finishesInput: false, stop: &recounted)
                    ending = Array(again.recentBytes(ContentFingerprint.fullLength))
                }
                let result = RangeResult(aggregate: aggregate, consumed: stop.position, endsMidLine: stop.endsMidLine,
                                         received: reader.receivedOffset, ending: ending)
                lock.lock(); results[index] = result; lock.unlock()
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

    /// Opens `file`'s content as a stream (decompressing on another thread when there are
    /// cores for it) and reads its first bytes, which the returned reader delivers again.
    private func openStream(_ file: InputFile) throws -> (reader: LineReader, sample: [UInt8]) {
        var source = try file.contentSource(maxRatio: options.maxDecompressionRatio)
        if file.isCompressed && options.workers > 1 {
            source = ReadAheadSource(upstream: source)
        }
        var sample = [UInt8](repeating: 0, count: Self.sampleSize)
        var got = 0
        while got < sample.count {
            let n = try sample.withUnsafeMutableBytes { try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[got...])) }
            if n == 0 { break }
            got += n
        }
        sample.removeLast(sample.count - got)
        let reader = LineReader(source: PrefixedSource(prefix: sample, rest: source), maxLineLength: options.maxLineLength)
        return (reader, sample)
    }

    private func ingestStream(_ file: InputFile, progress: ((IngestProgress) -> Void)?) throws -> FileReport {
        var report = FileReport(path: file.displayName, format: "", compressed: file.isCompressed, disposition: .new, bytesRead: 0,
                                lines: 0, requests: 0, malformed: 0, malformedSamples: [], heldBackPartialLine: false,
                                compression: file.compression)
        var state = CommitState(entryID: nil, expected: 0, head: [], lastKnownFileID: nil)
        do {
            try readStream(file, report: &report, state: &state, progress: progress)
            return report
        } catch let change as FileChangedWhileReading {
            finish(&report, state: state)
            report.warning = change.warning(path: file.displayName, countedThrough: state.expected)
            return report
        } catch let error as InputError {
            if case .truncated(_, let kind) = error, file.regularFileSize != nil,
               let modified = file.modificationTime, modified > now() - options.liveFileSeconds {
                // Most likely being written right now (logrotate compressing it): what was
                // complete is counted, the rest is read by the next run.
                report.warning = "\(file.displayName): \(kind.name) stream ends early; it changed \(max(0, now() - modified)) s ago and is probably still being written: the rest is read by the next run"
                return report
            }
            throw IngestError.partial(.input(error), countedThrough: state.expected, lines: report.lines)
        } catch let error as StoreFailure where state.entryID != nil {
            throw IngestError.partial(.store(path: file.displayName, error), countedThrough: state.expected, lines: report.lines)
        }
    }

    private func readStream(_ file: InputFile, report: inout FileReport, state: inout CommitState,
                            progress: ((IngestProgress) -> Void)?) throws {
        // A compressed file is finished: once read to its end, the same unchanged file
        // (device, inode, size, time) need not be decompressed again to know it.
        let sourceKey = file.isCompressed ? file.sourceKey : nil
        if let sourceKey, let known = try store.ledgerEntry(sourceKey: sourceKey) {
            report.disposition = .upToDate
            report.format = known.format
            return
        }
        let check = try FileChangeCheck(stream: file)
        var (reader, sample) = try openStream(file)
        if sample.isEmpty {
            report.disposition = .empty
            return
        }
        let head = Array(sample.prefix(ContentFingerprint.fullLength))
        let lookup = try store.ledgerLookup(head: head)
        state = CommitState(entryID: nil, expected: 0, head: head, lastKnownFileID: lookup.lastFileID)

        // Walk to each candidate's read position in turn (a stream cannot seek) and keep the
        // furthest whose anchor is there.
        var headers = HeaderLines()
        let collect: (UnsafeRawBufferPointer) -> Void = { headers.offer($0) }
        var entry: LedgerEntry?
        for candidate in lookup.candidates.sorted(by: { $0.bytesRead < $1.bytesRead }) {
            guard try reader.advance(to: candidate.bytesRead, onLine: collect) else { break }
            if anchorHolds(candidate, recent: reader.recentBytes(candidate.anchor?.length ?? 0)) { entry = candidate }
        }
        let target = entry?.bytesRead ?? 0
        if reader.consumedOffset != target {
            // Walked past the entry to resume (a further candidate did not match): start over.
            guard file.path != "-" else {
                throw IngestError.other(path: file.displayName, message: "starts like a file counted before but differs from it further on; not counted (save it to a file and ingest that)")
            }
            let reopened = try openStream(try InputFile(path: file.path))
            reader = reopened.reader
            headers.removeAll()
            guard reopened.sample.prefix(head.count).elementsEqual(head),
                  try reader.advance(to: target, onLine: collect),
                  entry.map({ anchorHolds($0, recent: reader.recentBytes($0.anchor?.length ?? 0)) }) ?? true else {
                throw IngestError.other(path: file.displayName, message: "changed while it was being read; run again")
            }
        }
        if let entry {
            state.entryID = entry.id
            state.expected = entry.bytesRead
            state.sourceKey = entry.sourceKey
            state.lines = entry.lines
            state.baseLines = entry.lines
            state.resumedFrom = entry.bytesRead
            report.disposition = .resumed(fromByte: entry.bytesRead)
            if entry.endsMidLine { reader.skipRestOfLine() }
        } else if !lookup.candidates.isEmpty {
            report.disposition = .restarted
        }
        let format = try chooseFormat(for: file, sample: sample, entry: entry)
        report.format = format.name

        // A stream that ends is finished: its last line counts even without a newline.
        try readSequentially(reader, file: file, format: format, sample: sample,
                             headerLines: format.supportsChunking ? [] : headers.lines,
                             includeTail: true, totalBytes: nil, check: check, state: &state, report: &report, progress: progress,
                             sourceKey: sourceKey)
        if let sourceKey, state.entryID != nil, state.sourceKey != sourceKey {
            // Nothing new, but now known by its identity too.
            try commit(TrafficAggregate(templater: options.templater, maxRoutes: options.maxRoutes), upTo: state.expected,
                       endsMidLine: reader.endsMidLine, parsed: [Self.ending(of: reader)], check: check,
                       file: file, format: format, sample: sample, state: &state, report: &report, sourceKey: sourceKey)
        }
        finish(&report, state: state)
    }

    private func anchorHolds(_ entry: LedgerEntry, recent: UnsafeRawBufferPointer) -> Bool {
        guard let anchor = entry.anchor else { return true }
        return recent.count == anchor.length && ContentFingerprint(of: recent) == anchor
    }

    /// Reads `reader` to its end with one parser, committing every `checkpointBytes`. An
    /// input error part-way commits what was read before it, then goes up.
    ///
    /// - Parameters:
    ///   - totalBytes: for a plain file, its size: the reader must receive every byte up to
    ///     it (fewer means the file was truncated while it was read).
    ///   - check: notices a regular file changed under the reader before each commit.
    private func readSequentially(_ reader: LineReader, file: InputFile, format: LogFormat, sample: [UInt8], headerLines: [[UInt8]],
                                  includeTail: Bool, totalBytes: Int64?, check: FileChangeCheck?, state: inout CommitState, report: inout FileReport,
                                  progress: ((IngestProgress) -> Void)?, sourceKey: String? = nil) throws {
        var aggregate = TrafficAggregate(templater: options.templater, maxRoutes: options.maxRoutes)
        var stop = ReadStop(reader)
        func ending() -> ParsedEnding { Self.ending(of: reader) }
        do {
            // Read in order to its end: a line still in pieces at the end is read as it is
            // (formats with a header are not read inside container wrappers in practice).
            try LineConsumer.run(format: format, reader: reader, aggregate: &aggregate, includeUnterminatedTail: includeTail,
                                 finishesInput: true, headerLines: headerLines, checkpointEvery: options.checkpointBytes,
                                 stop: &stop) { partial, position in
                try commit(partial, upTo: position, endsMidLine: false, parsed: [Self.ending(of: reader)], check: check,
                           file: file, format: format, sample: sample, state: &state, report: &report)
                progress?(IngestProgress(path: file.displayName, bytesRead: position, totalBytes: totalBytes, lines: report.lines))
            }
        } catch let error as InputError {
            // Keep what was read before damage (the lines up to the last newline); but a
            // likely bomb is refused, not counted in part.
            if case .decompressionRatioExceeded = error { throw error }
            if stop.position > state.expected || !aggregate.isEmpty {
                try commit(aggregate, upTo: stop.position, endsMidLine: stop.endsMidLine,
                           parsed: [ending()], check: check,
                           file: file, format: format, sample: sample, state: &state, report: &report)
            } else if let check {
                // Nothing to commit; but a stream that ends early because its file was
                // truncated is that change, not damage.
                _ = try check.verifiedAnchor(file, at: stop.position, parsed: [ending()])
            }
            throw error
        }
        if let check, let totalBytes, case .plain = check.content {
            try check.requireWholeRead(upTo: totalBytes, received: reader.receivedOffset, in: file)
        }
        if stop.position > state.expected || !aggregate.isEmpty {
            try commit(aggregate, upTo: stop.position, endsMidLine: stop.endsMidLine,
                       parsed: [ending()], check: check,
                       file: file, format: format, sample: sample, state: &state, report: &report, sourceKey: sourceKey)
        }
        if let totalBytes, stop.position < totalBytes, !includeTail { report.heldBackPartialLine = true }
    }

    // MARK: Shared steps

    private struct CommitState {
        var entryID: Int64?
        /// The ledger's read position as this run last saw or wrote it.
        var expected: Int64
        /// The file's first bytes and the ledger's last id when it was looked up (for a new file).
        var head: [UInt8]
        var lastKnownFileID: Int64?
        /// Lines of the file counted before this step (to number malformed samples), and
        /// before this run.
        var lines: Int64 = 0
        var baseLines: Int64 = 0
        /// The source key the ledger holds for this file.
        var sourceKey: String? = nil
        /// The ledger's position when this run began reading the file.
        var resumedFrom: Int64 = 0
        /// The bytes before the ledger's position (`expected`) as this run found them: the
        /// file must still hold them when the next step is committed.
        var counted: ParsedEnding? = nil
    }

    /// The last bytes `reader` parsed, before its position.
    private static func ending(of reader: LineReader) -> ParsedEnding {
        ParsedEnding(position: reader.consumedOffset, bytes: Array(reader.recentBytes(ContentFingerprint.fullLength)))
    }

    /// Commits `aggregate` with the ledger's new position, once `check` (for a regular file)
    /// has found that the file still holds what was parsed (`parsed`: the bytes each reader
    /// parsed last, the last of them before `position`). The anchor recorded is the bytes
    /// before `position` as parsed and found in the file.
    private func commit(_ aggregate: TrafficAggregate, upTo position: Int64, endsMidLine: Bool,
                        parsed: [ParsedEnding], check: FileChangeCheck?,
                        file: InputFile, format: LogFormat, sample: [UInt8], state: inout CommitState, report: inout FileReport,
                        sourceKey: String? = nil) throws {
        options.beforeCommit?(file.displayName, commits.current + 1)
        let anchor = try check?.verifiedAnchor(file, at: position, parsed: (state.counted.map { [$0] } ?? []) + parsed)
            ?? parsed.last(where: { $0.position == position })?.bytes ?? []
        // The fingerprint grows with the file up to its full length (a small file seen again
        // later, larger, is still recognised by its shorter prefix).
        let covered = Int(min(Int64(ContentFingerprint.fullLength), position, Int64(sample.count)))
        let fingerprint = ContentFingerprint(of: Array(sample.prefix(covered)))
        var checkpoint = IngestCheckpoint(entryID: state.entryID, expectedBytesRead: state.expected, path: file.displayName,
                                          format: format.name, compressed: file.isCompressed, fingerprint: fingerprint,
                                          bytesRead: position, aggregate: aggregate, now: now(),
                                          anchor: anchor.isEmpty ? nil : ContentFingerprint(of: anchor),
                                          endsMidLine: endsMidLine, head: state.head, lastKnownFileID: state.lastKnownFileID,
                                          sourceKey: sourceKey, compression: file.compression)
        checkpoint.threads = options.workers
        state.entryID = try store.commit(checkpoint)
        state.expected = position
        state.counted = ParsedEnding(position: position, bytes: anchor)
        if let sourceKey { state.sourceKey = sourceKey }
        report.lines += aggregate.lines
        report.requests += aggregate.requests
        report.malformed += aggregate.malformed.total
        for var sample in aggregate.malformed.samples where report.malformedSamples.count < MalformedTally.sampleLimit {
            sample.line += state.lines
            report.malformedSamples.append(sample)
        }
        state.lines += aggregate.lines
        options.afterCommit?(commits.increment())
    }

    /// `--format` when given; else the format the ledger recorded for this file; else detection.
    private func chooseFormat(for file: InputFile, sample: [UInt8], entry: LedgerEntry?) throws -> LogFormat {
        if options.format == nil, let name = entry?.format, let known = FormatRegistry.preset(named: name) { return known }
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
            // A container wrapper around the lines is found first, whatever reads inside it.
            if let format = options.format { return FormatRegistry.wrapping(format, sample: lines) }
            if let detected = FormatRegistry.detectWrapped(sample: lines) { return detected }
            let first = lines.first.map { String(decoding: $0.prefix(120), as: UTF8.self) } ?? ""
            throw IngestError.unrecognisedFormat(path: file.displayName, firstLine: Self.printable(first))
        }
    }

    /// A line shown in a message: control characters and NUL bytes as `?`, invalid UTF-8 as U+FFFD.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }
}
