import Foundation

/// Runs a source on its own thread, a few blocks ahead of the reader: decompression on one
/// core while parsing runs on another. Memory is bounded by `depth` blocks.
public final class ReadAheadSource: ByteSource {
    private let upstream: ByteSource
    private let blockSize: Int
    private let condition = NSCondition()
    private var filled: [(buffer: UnsafeMutableRawBufferPointer, count: Int)] = []
    private var free: [UnsafeMutableRawBufferPointer] = []
    private var finished = false
    private var failure: Error?
    private var cancelled = false
    private var current: (buffer: UnsafeMutableRawBufferPointer, count: Int, offset: Int)?
    private var thread: Thread?
    private var producerDone = false

    public init(upstream: ByteSource, blockSize: Int = 1 << 20, depth: Int = 4) {
        self.upstream = upstream
        self.blockSize = blockSize
        for _ in 0..<depth { free.append(.allocate(byteCount: blockSize, alignment: 64)) }
        let thread = Thread { [unowned self] in self.produce() }
        thread.stackSize = 1 << 20
        thread.name = "erranalyze-read-ahead"
        self.thread = thread
        thread.start()
    }

    deinit {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !producerDone { condition.wait() }
        condition.unlock()
        for block in free { block.deallocate() }
        for block in filled { block.buffer.deallocate() }
        if let current { current.buffer.deallocate() }
    }

    private func produce() {
        while true {
            condition.lock()
            while free.isEmpty && !cancelled { condition.wait() }
            if cancelled {
                producerDone = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let block = free.removeLast()
            condition.unlock()

            var count = 0
            var error: Error?
            do {
                // Fill the block completely (a short read from a pipe is not the end).
                while count < blockSize {
                    let n = try upstream.read(into: UnsafeMutableRawBufferPointer(rebasing: block[count...]))
                    if n == 0 { break }
                    count += n
                }
            } catch let thrown {
                error = thrown
            }

            condition.lock()
            if count > 0 { filled.append((block, count)) } else { free.append(block) }
            if let error { failure = error }
            let end = count < blockSize || error != nil
            if end {
                finished = true
                producerDone = true
            }
            condition.broadcast()
            condition.unlock()
            if end { return }
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if current == nil {
            condition.lock()
            while filled.isEmpty && !finished { condition.wait() }
            if filled.isEmpty {
                let error = failure
                condition.unlock()
                if let error { throw error }
                return 0
            }
            let next = filled.removeFirst()
            condition.unlock()
            current = (next.buffer, next.count, 0)
        }
        guard var block = current else { return 0 }
        let n = min(buffer.count, block.count - block.offset)
        buffer.baseAddress!.copyMemory(from: block.buffer.baseAddress! + block.offset, byteCount: n)
        block.offset += n
        if block.offset == block.count {
            condition.lock()
            free.append(block.buffer)
            condition.signal()
            condition.unlock()
            current = nil
        } else {
            current = block
        }
        return n
    }
}
