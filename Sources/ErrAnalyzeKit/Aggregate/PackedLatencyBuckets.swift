/// One stored histogram key's non-empty buckets, packed: unsigned LEB128 varints, a
/// (bucket delta, count) pair per non-empty bucket in ascending bucket order (the first delta
/// is the bucket itself, every later one ≥ 1; every count ≥ 1). A key that used to be one row
/// per bucket is one row; two packed histograms merge by adding counts bucket by bucket, in one
/// pass over both (the stores' upsert merge). Typical sizes: 2 bytes per bucket.
public enum PackedLatencyBuckets {
    /// Builds a packed histogram from (bucket, count) pairs given in ascending bucket order;
    /// equal consecutive buckets are added, zero counts skipped.
    public struct Builder {
        public private(set) var bytes: [UInt8] = []
        private var lastBucket = -1
        private var pending: (bucket: Int, count: Int64)?

        public init() { bytes.reserveCapacity(16) }

        public var isEmpty: Bool { pending == nil && bytes.isEmpty }

        @inline(__always)
        public mutating func add(bucket: Int, _ count: Int64) {
            guard count != 0 else { return }
            if let p = pending, p.bucket == bucket {
                pending = (bucket, p.count + count)
                return
            }
            flush()
            pending = (bucket, count)
        }

        private mutating func flush() {
            guard let p = pending else { return }
            precondition(p.bucket > lastBucket, "packed latency buckets must ascend")
            PackedLatencyBuckets.appendVarint(UInt64(lastBucket < 0 ? p.bucket : p.bucket - lastBucket), to: &bytes)
            PackedLatencyBuckets.appendVarint(UInt64(p.count), to: &bytes)
            lastBucket = p.bucket
            pending = nil
        }

        /// The packed bytes (the builder is done after this).
        public mutating func finish() -> [UInt8] {
            flush()
            return bytes
        }
    }

    @inline(__always)
    public static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    @inline(__always)
    static func readVarint(_ p: UnsafeRawBufferPointer, _ i: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while i < p.count {
            let byte = p[i]
            i += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }

    /// Calls `body` with each (bucket, count) of `packed`, ascending; false when the bytes are
    /// not a packed histogram (truncated, a bucket out of order).
    @discardableResult
    public static func forEach(_ packed: UnsafeRawBufferPointer, _ body: (Int, Int64) -> Void) -> Bool {
        var i = 0
        var bucket = -1
        while i < packed.count {
            guard let delta = readVarint(packed, &i), let count = readVarint(packed, &i),
                  delta <= UInt64(Int32.max), count <= UInt64(Int64.max) else { return false }
            let next = bucket < 0 ? Int(delta) : bucket + Int(delta)
            guard next > bucket else { return false }
            bucket = next
            body(bucket, Int64(count))
        }
        return true
    }

    public static func forEach(_ packed: [UInt8], _ body: (Int, Int64) -> Void) {
        packed.withUnsafeBytes { _ = forEach($0, body) }
    }

    /// The (bucket, count) pairs of `packed`.
    public static func pairs(_ packed: [UInt8]) -> [(bucket: Int, count: Int64)] {
        var result: [(bucket: Int, count: Int64)] = []
        forEach(packed) { result.append(($0, $1)) }
        return result
    }

    /// The sum of two packed histograms (bucket by bucket), packed; nil when either is not
    /// a packed histogram.
    public static func merge(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(a.count + b.count)
        var ia = 0, ib = 0
        var bucketA = -1, bucketB = -1
        var countA: Int64 = 0, countB: Int64 = 0
        var last = -1
        // Reads the next pair of one side; bucket Int.max when it is exhausted.
        func next(_ p: UnsafeRawBufferPointer, _ i: inout Int, _ bucket: inout Int, _ count: inout Int64) -> Bool {
            guard i < p.count else { bucket = .max; return true }
            guard let delta = readVarint(p, &i), let n = readVarint(p, &i), delta <= UInt64(Int32.max), n <= UInt64(Int64.max) else { return false }
            let b = bucket < 0 ? Int(delta) : bucket + Int(delta)
            guard b > bucket else { return false }
            bucket = b
            count = Int64(n)
            return true
        }
        func emit(_ bucket: Int, _ count: Int64) {
            appendVarint(UInt64(last < 0 ? bucket : bucket - last), to: &out)
            appendVarint(UInt64(count), to: &out)
            last = bucket
        }
        guard next(a, &ia, &bucketA, &countA), next(b, &ib, &bucketB, &countB) else { return nil }
        while bucketA != .max || bucketB != .max {
            if bucketA == bucketB {
                emit(bucketA, countA &+ countB)
                guard next(a, &ia, &bucketA, &countA), next(b, &ib, &bucketB, &countB) else { return nil }
            } else if bucketA < bucketB {
                emit(bucketA, countA)
                guard next(a, &ia, &bucketA, &countA) else { return nil }
            } else {
                emit(bucketB, countB)
                guard next(b, &ib, &bucketB, &countB) else { return nil }
            }
        }
        return out
    }

    public static func merge(_ a: [UInt8], _ b: [UInt8]) -> [UInt8]? {
        a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in merge(pa, pb) } }
    }

    /// Requests in `packed` (every bucket's count added).
    public static func total(_ packed: [UInt8]) -> Int64 {
        var n: Int64 = 0
        forEach(packed) { n += $1 }
        return n
    }
}
