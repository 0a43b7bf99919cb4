import Glibc

/// Splits a byte stream into lines without copying them: each line is handed over as a view
/// into a large block buffer, `\n` or `\r\n` removed.
///
/// A line longer than `maxLineLength` is not buffered (a 100 MB line must not cost 100 MB):
/// it is reported once through `onOverlongLine` and skipped to its newline.
///
/// The reader keeps the last `historyLength` bytes before the read position in its buffer,
/// so that the ingest can fingerprint the content just before a checkpoint (the ledger's
/// "anchor") without reading it again.
public final class LineReader {
    private let source: ByteSource
    private var buffer: UnsafeMutableRawBufferPointer
    private let maxLineLength: Int
    /// Bytes of the stream before `buffer[0]`.
    private var bufferOffset: Int64
    /// The first byte not yet consumed, and the end of the valid bytes, as buffer indexes.
    private var start = 0
    private var end = 0
    /// Dropping bytes up to the next newline: the rest of an overlong line, or of a line an
    /// earlier run already counted without its newline.
    private var discarding = false
    private var sourceEnded = false

    /// Bytes of the stream consumed through the newline of the last line delivered: the
    /// position a later run resumes from.
    public private(set) var consumedOffset: Int64

    /// The stream position just after the last byte received from the source. For a byte
    /// range of a file read to its end this is the range's end; less means the source ended
    /// early (the file was truncated while it was read).
    public var receivedOffset: Int64 { bufferOffset + Int64(end) }

    /// Whether `consumedOffset` is inside a line rather than at the start of one: the last line
    /// was delivered (or reported as overlong) without its newline. A later run that finds
    /// more bytes there must drop them up to the next newline (`skipRestOfLine()`), because
    /// that line was already counted.
    public var endsMidLine: Bool { discarding }

    /// Bytes kept before the read position (see `recentBytes`).
    public static let historyLength = 1024

    /// - Parameters:
    ///   - startOffset: the stream position of the source's first byte (when resuming).
    ///   - blockSize: the read size; large blocks amortise system calls and memchr setup.
    public init(source: ByteSource, startOffset: Int64 = 0, blockSize: Int = 4 << 20, maxLineLength: Int = 4 << 20) {
        self.source = source
        self.buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(blockSize, 4096), alignment: 64)
        self.maxLineLength = max(maxLineLength, blockSize, 4096)
        self.bufferOffset = startOffset
        self.consumedOffset = startOffset
    }

    deinit { buffer.deallocate() }

    /// The last (up to) `count` bytes of the stream before `consumedOffset`, while they are
    /// still buffered (at least `historyLength` of them, unless an overlong line was dropped
    /// in between). The view is valid until the reader reads again.
    public func recentBytes(_ count: Int) -> UnsafeRawBufferPointer {
        let endIndex = consumedOffset - bufferOffset
        guard endIndex > 0, endIndex <= Int64(end) else { return .empty }
        let n = min(count, Int(endIndex))
        return UnsafeRawBufferPointer(start: buffer.baseAddress! + Int(endIndex) - n, count: n)
    }

    /// Drops the bytes up to and including the next newline without delivering them: the
    /// stream starts inside a line that was already counted.
    public func skipRestOfLine() {
        discarding = true
    }

    /// Reads the source to its end.
    ///
    /// - Parameters:
    ///   - includeUnterminatedTail: whether a last line without a newline is a line (a
    ///     finished or compressed file) or is left for a later run (a file being written).
    ///   - onLine: called with each line; the view is valid only during the call.
    ///   - onOverlongLine: called once for each line longer than the limit.
    public func forEachLine(includeUnterminatedTail: Bool,
                            onLine: (UnsafeRawBufferPointer) throws -> Void,
                            onOverlongLine: () throws -> Void) throws {
        _ = try scan(until: nil, onLine: onLine, onOverlongLine: onOverlongLine)
        if discarding {
            // The rest of a line already counted (overlong, or counted by an earlier run)
            // that has no newline yet: its bytes are consumed; a later run drops the rest.
            consumedOffset = bufferOffset + Int64(end)
            start = end
            return
        }
        if end > start && includeUnterminatedTail {
            let base = UnsafeRawPointer(buffer.baseAddress!)
            var lineEnd = end
            if base.load(fromByteOffset: lineEnd - 1, as: UInt8.self) == 0x0D { lineEnd -= 1 }
            consumedOffset = bufferOffset + Int64(end)
            let line = UnsafeRawBufferPointer(start: base + start, count: lineEnd - start)
            start = end
            discarding = true
            try onLine(line)
        }
    }

    /// Moves the read position to `target` (resuming a compressed file or a pipe, which
    /// cannot seek), handing each complete line on the way to `onLine` if one is given (to
    /// let a parser see a file's header lines). A `target` inside a line leaves the reader
    /// there. Returns false when the stream ends before `target`.
    public func advance(to target: Int64, onLine: ((UnsafeRawBufferPointer) throws -> Void)? = nil) throws -> Bool {
        if target <= consumedOffset { return target == consumedOffset }
        return try scan(until: target, onLine: onLine ?? { _ in }, onOverlongLine: {})
    }

    /// Reads and drops `count` bytes. Returns how many were there to drop: fewer means the
    /// stream is shorter than `count`.
    @discardableResult
    public func skip(_ count: Int64) throws -> Int64 {
        let from = consumedOffset
        _ = try advance(to: from + count)
        return consumedOffset - from
    }

    /// The line loop. With a `limit`, stops once `consumedOffset` reaches it (placing the
    /// read position exactly there, inside a line if need be) and returns whether it did.
    private func scan(until limit: Int64?, onLine: (UnsafeRawBufferPointer) throws -> Void,
                      onOverlongLine: () throws -> Void) throws -> Bool {
        while true {
            // Lines already in the buffer.
            let base = UnsafeRawPointer(buffer.baseAddress!)
            var at = start
            while at < end {
                if let limit {
                    let limitIndex = Int(min(limit - bufferOffset, Int64(end)))
                    if limitIndex <= start {
                        return true
                    }
                    // Everything up to the limit is inside the buffer: stop there.
                    if let hit = memchr(base + at, 0x0A, limitIndex - at) {
                        at = try deliver(newline: base.distance(to: UnsafeRawPointer(hit)), onLine: onLine)
                        continue
                    }
                    if limit - bufferOffset <= Int64(end) {
                        // The limit falls inside a line: stop in its middle.
                        start = limitIndex
                        consumedOffset = limit
                        discarding = false
                        return true
                    }
                    at = end
                    continue
                }
                guard let hit = memchr(base + at, 0x0A, end - at) else { break }
                at = try deliver(newline: base.distance(to: UnsafeRawPointer(hit)), onLine: onLine)
            }
            if discarding && start < end {
                // Inside a dropped line: its bytes are consumed as they come.
                start = end
                consumedOffset = bufferOffset + Int64(end)
            }
            if sourceEnded { return limit.map { consumedOffset >= $0 } ?? true }
            if end == buffer.count { try makeRoom(onOverlongLine: onOverlongLine) }
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
            if n == 0 {
                sourceEnded = true
                if let limit { return consumedOffset >= limit }
                return true
            }
            end += n
        }
    }

    /// Hands over the line ending at the newline at buffer index `newline` (or drops it, if
    /// discarding) and returns the index after it.
    @inline(__always)
    private func deliver(newline: Int, onLine: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        let base = UnsafeRawPointer(buffer.baseAddress!)
        let lineStart = start
        start = newline + 1
        consumedOffset = bufferOffset + Int64(start)
        if discarding {
            discarding = false
        } else {
            var lineEnd = newline
            if lineEnd > lineStart && base.load(fromByteOffset: lineEnd - 1, as: UInt8.self) == 0x0D { lineEnd -= 1 }
            try onLine(UnsafeRawBufferPointer(start: base + lineStart, count: lineEnd - lineStart))
        }
        return start
    }

    /// The buffer is full: move the pending partial line (and the history before it) to the
    /// front, or grow, or, for a line that fills the largest buffer allowed, report it and
    /// drop it.
    private func makeRoom(onOverlongLine: () throws -> Void) throws {
        let keepFrom = max(0, start - Self.historyLength)
        if keepFrom > 0 && (keepFrom >= buffer.count / 4 || buffer.count >= maxLineLength) {
            let kept = end - keepFrom
            memmove(buffer.baseAddress!, buffer.baseAddress! + keepFrom, kept)
            bufferOffset += Int64(keepFrom)
            start -= keepFrom
            end = kept
        } else if buffer.count < maxLineLength {
            grow()
        } else {
            // A line fills the largest buffer we allow: report it once and drop it.
            if !discarding { try onOverlongLine() }
            discarding = true
            bufferOffset += Int64(end)
            start = 0
            end = 0
            consumedOffset = bufferOffset
        }
    }

    private func grow() {
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: min(buffer.count * 2, maxLineLength), alignment: 64)
        bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
        buffer.deallocate()
        buffer = bigger
    }
}
