import CZlib

/// Decompresses gzip as a stream, member after member: `cat a.gz b.gz` and some log
/// rotators produce files of several members, and all of them are the file's content.
public final class GzipSource: ByteSource {
    private let upstream: ByteSource
    private let name: String
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var inputEnd = false
    private var memberEnded = false
    private var finished = false
    private var compressedIn: Int64 = 0
    private var ratio: DecompressionRatioLimit
    /// An error met after some output of the current call: raised by the next call, so that
    /// the bytes inflated before the damage are delivered first.
    private var pendingError: InputError?

    /// - Parameter maxRatio: refuse input that inflates to more than this many times its
    ///   compressed size (after the first 64 MiB), the signature of a gzip bomb. 0 = no limit.
    public init(upstream: ByteSource, name: String, maxRatio: Int = 0, inputBlockSize: Int = 1 << 20) throws {
        self.upstream = upstream
        self.name = name
        self.ratio = DecompressionRatioLimit(name: name, kind: .gzip, maxRatio: maxRatio)
        self.input = UnsafeMutableRawBufferPointer.allocate(byteCount: inputBlockSize, alignment: 64)
        // 15 + 16: gzip wrapper only (zlib streams and raw deflate are not log files).
        let status = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            input.deallocate()
            throw InputError.corrupt(name, .gzip, detail: "zlib init failed (\(status))")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let pendingError { throw pendingError }
        guard !finished, let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
        stream.next_out = out.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        do {
            try inflateInto()
        } catch let error as InputError {
            guard buffer.count - Int(stream.avail_out) > 0 else { throw error }
            pendingError = error
        }
        let produced = buffer.count - Int(stream.avail_out)
        try ratio.add(produced, consumed: compressedIn - Int64(stream.avail_in))
        return produced
    }

    private func inflateInto() throws {
        while stream.avail_out > 0 {
            if stream.avail_in == 0 && !inputEnd {
                let n = try upstream.read(into: input)
                if n == 0 {
                    inputEnd = true
                } else {
                    compressedIn += Int64(n)
                    stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = UInt32(n)
                }
            }
            if memberEnded {
                // Between members: more data means another member; nothing means the end.
                if stream.avail_in == 0 && inputEnd { finished = true; break }
                if stream.avail_in == 0 { continue }
                if stream.next_in[0] == 0 && allZero() {
                    // Some writers pad the last member with zeros (tape blocking); gzip(1) ignores them.
                    stream.avail_in = 0
                    continue
                }
                guard inflateReset(&stream) == Z_OK else { throw InputError.corrupt(name, .gzip, detail: "reset failed") }
                memberEnded = false
            }
            if stream.avail_in == 0 && inputEnd {
                throw InputError.truncated(name, .gzip)
            }
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                memberEnded = true
            case Z_DATA_ERROR:
                let message = stream.msg.map { String(cString: $0) } ?? "invalid deflate data"
                throw InputError.corrupt(name, .gzip, detail: message)
            case Z_MEM_ERROR:
                throw InputError.corrupt(name, .gzip, detail: "out of memory")
            default:
                throw InputError.corrupt(name, .gzip, detail: "zlib error \(status)")
            }
        }
    }

    private func allZero() -> Bool {
        for i in 0..<Int(stream.avail_in) where stream.next_in[i] != 0 { return false }
        return true
    }
}
