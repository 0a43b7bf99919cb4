import CLzma

/// Decompresses xz as a stream, stream after stream (`cat a.xz b.xz`, `xz -T` blocks, and
/// the zero padding the format allows between streams are all handled by liblzma with
/// `LZMA_CONCATENATED`). liblzma verifies each block's check (CRC64 by default).
public final class XzSource: ByteSource {
    /// The most memory the decoder may use: enough for `xz -7` (a 16 MiB dictionary; the
    /// default, `-6`, uses 8 MiB). `xz -8` and `-9` files (32 and 64 MiB) are refused with a
    /// message, so that memory stays under 64 MiB whatever the input (measured: 49 MB at
    /// `-6`, 74 MB at `-8`, on a 1M-line file; docs/ingest.md).
    public static let memoryLimitMiB = 18
    /// The dictionary size named in messages (the limit less the decoder's own overhead).
    static let dictionaryLimitMiB = 16

    private let upstream: ByteSource
    private let name: String
    private var stream = lzma_stream()
    private let input: UnsafeMutableRawBufferPointer
    private var inputEnd = false
    private var finished = false
    private var compressedIn: Int64 = 0
    private var ratio: DecompressionRatioLimit
    /// An error met after some output of the current call: raised by the next call, so that
    /// the bytes decompressed before the damage are delivered first.
    private var pendingError: InputError?

    /// - Parameter maxRatio: refuse input that decompresses to more than this many times its
    ///   compressed size (after the first 64 MiB), the signature of a bomb. 0 = no limit.
    public init(upstream: ByteSource, name: String, maxRatio: Int = 0, inputBlockSize: Int = 1 << 20) throws {
        self.upstream = upstream
        self.name = name
        self.ratio = DecompressionRatioLimit(name: name, kind: .xz, maxRatio: maxRatio)
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: inputBlockSize, alignment: 64)
        let status = lzma_stream_decoder(&stream, UInt64(Self.memoryLimitMiB) << 20, clzma_concatenated)
        guard status == LZMA_OK else {
            input.deallocate()
            throw InputError.corrupt(name, .xz, detail: "liblzma init failed (\(status.rawValue))")
        }
    }

    deinit {
        lzma_end(&stream)
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let pendingError { throw pendingError }
        guard !finished, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        stream.next_out = base.assumingMemoryBound(to: UInt8.self)
        stream.avail_out = buffer.count
        do {
            try decompressInto()
        } catch let error as InputError {
            guard buffer.count - stream.avail_out > 0 else { throw error }
            pendingError = error
        }
        let produced = buffer.count - stream.avail_out
        try ratio.add(produced, consumed: compressedIn - Int64(stream.avail_in))
        return produced
    }

    private func decompressInto() throws {
        while stream.avail_out > 0 {
            if stream.avail_in == 0 && !inputEnd {
                let n = try upstream.read(into: input)
                if n == 0 {
                    inputEnd = true
                } else {
                    compressedIn += Int64(n)
                    stream.next_in = UnsafePointer(input.baseAddress!.assumingMemoryBound(to: UInt8.self))
                    stream.avail_in = n
                }
            }
            // LZMA_FINISH once the input is all there: liblzma then tells a complete last
            // stream (LZMA_STREAM_END) from one cut short (LZMA_BUF_ERROR).
            let status = lzma_code(&stream, inputEnd ? LZMA_FINISH : LZMA_RUN)
            switch status {
            case LZMA_OK:
                break
            case LZMA_STREAM_END:
                finished = true
                return
            case LZMA_BUF_ERROR:
                // No progress possible: with all input given, the data ends early.
                if inputEnd { throw InputError.truncated(name, .xz) }
            case LZMA_MEMLIMIT_ERROR:
                throw InputError.needsTooMuchMemory(name, .xz, limitMiB: Self.dictionaryLimitMiB)
            case LZMA_FORMAT_ERROR:
                throw InputError.corrupt(name, .xz, detail: "not in the xz format")
            case LZMA_OPTIONS_ERROR:
                throw InputError.corrupt(name, .xz, detail: "unsupported options")
            case LZMA_DATA_ERROR:
                throw InputError.corrupt(name, .xz, detail: "compressed data is corrupt")
            case LZMA_MEM_ERROR:
                throw InputError.corrupt(name, .xz, detail: "out of memory")
            default:
                throw InputError.corrupt(name, .xz, detail: "liblzma error \(status.rawValue)")
            }
        }
    }
}
