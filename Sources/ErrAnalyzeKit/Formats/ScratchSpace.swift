/// Bytes a parser owns for values it had to rewrite (unescaped JSON strings, request targets
/// with backslash escapes). Record fields may point here until the parser's next call.
///
/// Each line first reserves room for everything it may write (`beginLine(reserving:)`), so
/// the buffer never moves while fields already point into it; it grows only when a line
/// needs more than any before it. A parser is used by one thread, so is its scratch space.
final class ScratchSpace {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var used = 0

    init(capacity: Int = 1024) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Starts a line that will write at most `bytes` bytes.
    @inline(__always)
    func beginLine(reserving bytes: Int) {
        used = 0
        if bytes > capacity { grow(to: bytes) }
    }

    private func grow(to bytes: Int) {
        var newCapacity = capacity
        while newCapacity < bytes { newCapacity *= 2 }
        base.deallocate()
        base = .allocate(capacity: newCapacity)
        capacity = newCapacity
    }

    /// Where the next value starts; the caller writes at most the reserved room.
    @inline(__always)
    var cursor: UnsafeMutablePointer<UInt8> { base + used }

    /// Marks `count` bytes written at `cursor` and returns them.
    @inline(__always)
    func commit(_ count: Int) -> UnsafeRawBufferPointer {
        let start = base + used
        used += count
        return UnsafeRawBufferPointer(start: start, count: count)
    }
}
