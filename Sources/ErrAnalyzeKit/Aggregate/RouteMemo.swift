/// Remembers which route id recent request targets (the raw bytes, query included) were
/// given, so that a target seen again costs a hash and a comparison instead of templating
/// and interning. Logs repeat targets heavily: static pages, list endpoints, the same
/// entities over and over.
///
/// Direct-mapped: 4096 entries of 128 bytes (512 KiB, within a core's L2 cache), each the
/// hash, route id, length and bytes of one target of at most 112 bytes; a new target
/// replaces whatever shared its slot. Bounded whatever the input. Also owns the scratch
/// space templating writes into, so that counting a line allocates nothing.
///
/// Ids are those of one `TrafficAggregate`'s route interner: a memo belongs to one
/// aggregate (the aggregate replaces a memo it shares with a copy before adding to it).
/// The aggregate works through a `View` of plain pointers, so that the hot path neither
/// retains nor releases.
final class RouteMemo {
    /// The memo's tables, for the aggregate that owns the memo (which keeps it alive).
    struct View {
        fileprivate let entries: UnsafeMutableRawPointer
        fileprivate let methods: UnsafeMutablePointer<Int64>
    }

    var view: View { View(entries: entries, methods: methods) }

    static let entryCount = 4096
    static let entrySize = 128
    static let headerSize = 16
    static let maxTargetLength = entrySize - headerSize

    private let entries: UnsafeMutableRawPointer
    /// Methods of 1 to 7 bytes → id: 8 direct-mapped pairs (the bytes packed in a word with
    /// the length in its top byte, so never 0; the id).
    private let methods: UnsafeMutablePointer<Int64>
    private(set) var scratch: UnsafeMutablePointer<UInt8>
    private(set) var scratchCapacity: Int

    init() {
        let bytes = Self.entryCount * Self.entrySize
        entries = .allocate(byteCount: bytes, alignment: 64)
        entries.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        methods = .allocate(capacity: 16)
        methods.initialize(repeating: 0, count: 16)
        scratchCapacity = 4096
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit {
        entries.deallocate()
        methods.deallocate()
        scratch.deallocate()
    }

    /// Scratch space of at least `capacity` bytes (its contents are not kept).
    @inline(__always)
    func scratch(capacity: Int) -> UnsafeMutablePointer<UInt8> {
        if capacity > scratchCapacity { growScratch(capacity) }
        return scratch
    }

    @inline(never)
    private func growScratch(_ capacity: Int) {
        scratch.deallocate()
        scratchCapacity = max(capacity, scratchCapacity * 2)
        scratch = .allocate(capacity: scratchCapacity)
    }

    /// A hash of non-empty bytes, eight at a time (the last word overlapping the one before:
    /// no byte loop). Collisions only cost a comparison.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let n = bytes.count
        let p = bytes.baseAddress!
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(n)
        if n >= 8 {
            var i = 0
            while i + 8 < n {
                h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
                h ^= h &>> 29
                i += 8
            }
            h = (h ^ p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
        } else {
            var word: UInt64 = 0
            for k in 0..<n { word |= UInt64(p.load(fromByteOffset: k, as: UInt8.self)) &<< (8 * UInt64(k)) }
            h = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
        }
        h ^= h &>> 32
        h = h &* 0xD6E8_FEB8_6659_FD93
        return h ^ (h &>> 32)
    }

    @inline(__always)
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        var i = 0
        while i + 8 <= n {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < n {
            if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }
}

extension RouteMemo.View {
    /// The route id remembered for `target` (non-empty), or -1; `hash` is `Self.hash(target)`.
    @inline(__always)
    func lookup(_ target: UnsafeRawBufferPointer, hash: UInt64) -> Int {
        let entry = entries + Int(truncatingIfNeeded: hash &>> 52) * RouteMemo.entrySize
        guard entry.load(as: UInt64.self) == hash,
              Int(entry.load(fromByteOffset: 12, as: Int32.self)) == target.count,
              RouteMemo.equal(UnsafeRawPointer(entry + RouteMemo.headerSize), target.baseAddress!, target.count)
        else { return -1 }
        return Int(entry.load(fromByteOffset: 8, as: Int32.self))
    }

    /// Remembers `route` for `target` (non-empty) if it is short enough.
    @inline(__always)
    func remember(_ target: UnsafeRawBufferPointer, hash: UInt64, route: Int) {
        guard target.count <= RouteMemo.maxTargetLength else { return }
        let entry = entries + Int(truncatingIfNeeded: hash &>> 52) * RouteMemo.entrySize
        entry.storeBytes(of: hash, as: UInt64.self)
        entry.storeBytes(of: Int32(truncatingIfNeeded: route), toByteOffset: 8, as: Int32.self)
        entry.storeBytes(of: Int32(truncatingIfNeeded: target.count), toByteOffset: 12, as: Int32.self)
        (entry + RouteMemo.headerSize).copyMemory(from: target.baseAddress!, byteCount: target.count)
    }

    /// The id of a method, from the memo or from `intern` (called for a method not seen
    /// recently, or longer than 7 bytes, or empty).
    @inline(__always)
    func method(_ bytes: UnsafeRawBufferPointer, intern: (UnsafeRawBufferPointer) -> Int) -> Int {
        let n = bytes.count
        guard n > 0 && n < 8 else { return intern(bytes) }
        var word = UInt64(n) &<< 56
        for k in 0..<n { word |= UInt64(bytes[k]) &<< (8 * UInt64(k)) }
        let slot = Int(truncatingIfNeeded: (word &* 0x9E37_79B9_7F4A_7C15) &>> 61) * 2
        if methods[slot] == Int64(bitPattern: word) { return Int(methods[slot + 1]) }
        let id = intern(bytes)
        methods[slot] = Int64(bitPattern: word)
        methods[slot + 1] = Int64(id)
        return id
    }
}
