import CZstd

/// Decompresses zstd as a stream, frame after frame: `zstd` run by logrotate writes one
/// frame, `cat a.zst b.zst` and pzstd write several (pzstd with skippable frames between),
/// and all of them are the file's content. libzstd verifies each frame's checksum.
public final class ZstdSource: ByteSource {
    /// The largest window accepted: 2^24 = 16 MiB covers every level without `--ultra`
    /// (level 19 uses 8 MiB; logrotate's `compresscmd zstd`, level 3, 2 MiB). Larger windows
    /// (`--long`, `--ultra -20` and up) are refused with a message, so that memory stays
    /// under 64 MiB whatever the input (measured: 44 MB at level 3, 76 MB with a 32 MiB
    /// window, on a 1M-line file; docs/ingest.md).
    public static let maxWindowLog: Int32 = 24

    private let upstream: ByteSource
    private let name: String
    private let context: OpaquePointer
    private let input: UnsafeMutableRawBufferPointer
    private var inBuffer: ZSTD_inBuffer
    private var inputEnd = false
    private var finished = false
    /// libzstd's last hint: 0 when a frame has just ended and all of it was delivered.
    private var frameOpen = false
    private var compressedIn: Int64 = 0
    private var ratio: DecompressionRatioLimit
    /// An error met after some output of the current call: raised by the next call, so that
    /// the bytes decompressed before the damage are delivered first.
    private var pendingError: InputError?

    /// - Parameter maxRatio: refuse input that decompresses to more than this many times its
    ///   compressed size (after the first 64 MiB), the signature of a bomb. 0 = no limit.
    public init(upstream: ByteSource, name: String, maxRatio: Int = 0, inputBlockSize: Int = 1 << 20) throws {
        guard let context = ZSTD_createDCtx() else { throw InputError.corrupt(name, .zstd, detail: "out of memory") }
        self.upstream = upstream
        self.name = name
        self.context = context
        self.ratio = DecompressionRatioLimit(name: name, kind: .zstd, maxRatio: maxRatio)
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: inputBlockSize, alignment: 64)
        inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: 0, pos: 0)
        ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, Self.maxWindowLog)
    }

    deinit {
        ZSTD_freeDCtx(context)
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let pendingError { throw pendingError }
        guard !finished, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var out = ZSTD_outBuffer(dst: base, size: buffer.count, pos: 0)
        do {
            try decompress(into: &out)
        } catch let error as InputError {
            guard out.pos > 0 else { throw error }
            pendingError = error
        }
        try ratio.add(out.pos, consumed: compressedIn - Int64(inBuffer.size - inBuffer.pos))
        return out.pos
    }

    private func decompress(into out: inout ZSTD_outBuffer) throws {
        while out.pos < out.size {
            if inBuffer.pos == inBuffer.size && !inputEnd {
                let n = try upstream.read(into: input)
                if n == 0 {
                    inputEnd = true
                } else {
                    compressedIn += Int64(n)
                    inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: n, pos: 0)
                }
            }
            if inBuffer.pos == inBuffer.size && inputEnd && !frameOpen {
                // Every frame ended and was delivered in full, and nothing follows.
                finished = true
                return
            }
            let before = out.pos
            let hint = ZSTD_decompressStream(context, &out, &inBuffer)
            if ZSTD_isError(hint) != 0 { throw error(for: hint) }
            frameOpen = hint != 0
            if inBuffer.pos == inBuffer.size && inputEnd && frameOpen && out.pos < out.size && out.pos == before {
                // No input left, room to write, and the frame still wants more: cut short.
                throw InputError.truncated(name, .zstd)
            }
        }
    }

    private func error(for code: Int) -> InputError {
        if ZSTD_getErrorCode(code) == ZSTD_error_frameParameter_windowTooLarge {
            return .needsTooMuchMemory(name, .zstd, limitMiB: 1 << (Int(Self.maxWindowLog) - 20))
        }
        if ZSTD_getErrorCode(code) == ZSTD_error_memory_allocation {
            return .corrupt(name, .zstd, detail: "out of memory")
        }
        return .corrupt(name, .zstd, detail: String(cString: ZSTD_getErrorName(code)))
    }
}
