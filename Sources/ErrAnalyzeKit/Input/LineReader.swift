import Glibc

/// Splits a byte stream into lines without copying them: each line is handed over as a view
/// into a large block buffer, `\n` or `\r\n` removed.
///
/// A line longer than `maxLineLength` is not buffered (a 100 MB line must not cost 100 MB):
/// it is reported once through `onOverlongLine` and skipped to its newline.
public final class LineReader {
    private let source: ByteSource
    private var buffer: UnsafeMutableRawBufferPointer
    private let maxLineLength: Int
    /// Bytes of the stream before `buffer[0]`.
    private var bufferOffset: Int64
    /// Bytes of the stream consumed through the newline of the last line delivered: the
    /// position a later run resumes from.
    public private(set) var consumedOffset: Int64

    /// - Parameters:
    ///   - startOffset: the stream position of the source's first byte (when resuming).
    ///   - blockSize: the read size; large blocks amortise system calls and memchr setup.
    public init(source: ByteSource, startOffset: Int64 = 0, blockSize: Int = 4 << 20, maxLineLength: Int = 4 << 20) {
        self.source = source
        self.buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(blockSize, 4096), alignment: 64)
        self.maxLineLength = max(maxLineLength, blockSize)
        self.bufferOffset = startOffset
        self.consumedOffset = startOffset
    }

    deinit { buffer.deallocate() }

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
        var start = 0
        var end = 0
        var discarding = false
        while true {
            if end == buffer.count {
                if start > 0 {
                    // Move the partial line to the front to make room.
                    let pending = end - start
                    if pending > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + start, pending) }
                    bufferOffset += Int64(start)
                    end = pending
                    start = 0
                } else if buffer.count < maxLineLength {
                    grow()
                } else {
                    // A line fills the largest buffer we allow: report it and drop it.
                    if !discarding { try onOverlongLine() }
                    discarding = true
                    bufferOffset += Int64(end)
                    start = 0
                    end = 0
                }
            }
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
            if n == 0 { break }
            var scan = end
            end += n
            let base = UnsafeRawPointer(buffer.baseAddress!)
            while scan < end, let hit = memchr(base + scan, 0x0A, end - scan) {
                let newline = base.distance(to: UnsafeRawPointer(hit))
                if discarding {
                    discarding = false
                } else {
                    var lineEnd = newline
                    if lineEnd > start && base.load(fromByteOffset: lineEnd - 1, as: UInt8.self) == 0x0D { lineEnd -= 1 }
                    consumedOffset = bufferOffset + Int64(newline + 1)
                    try onLine(UnsafeRawBufferPointer(start: base + start, count: lineEnd - start))
                }
                consumedOffset = bufferOffset + Int64(newline + 1)
                start = newline + 1
                scan = start
            }
            if discarding {
                bufferOffset += Int64(end)
                start = 0
                end = 0
            }
        }
        if discarding {
            // An overlong last line without a newline: already reported, never resumed into.
            if includeUnterminatedTail { consumedOffset = bufferOffset + Int64(end) }
            return
        }
        if end > start && includeUnterminatedTail {
            let base = UnsafeRawPointer(buffer.baseAddress!)
            var lineEnd = end
            if base.load(fromByteOffset: lineEnd - 1, as: UInt8.self) == 0x0D { lineEnd -= 1 }
            consumedOffset = bufferOffset + Int64(end)
            try onLine(UnsafeRawBufferPointer(start: base + start, count: lineEnd - start))
        }
    }

    /// Reads and drops `count` bytes (resuming a compressed file, which cannot seek).
    /// Returns how many were there to drop: fewer means the stream is shorter than `count`.
    @discardableResult
    public func skip(_ count: Int64) throws -> Int64 {
        var remaining = count
        while remaining > 0 {
            let wanted = Int(min(Int64(buffer.count), remaining))
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]))
            if n == 0 { break }
            remaining -= Int64(n)
        }
        bufferOffset += count - remaining
        consumedOffset = bufferOffset
        return count - remaining
    }

    private func grow() {
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: min(buffer.count * 2, maxLineLength), alignment: 64)
        bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: buffer.count)
        buffer.deallocate()
        buffer = bigger
    }
}
