/// Identifies a log file by its content rather than its name or inode: a hash of its first
/// bytes (decompressed), so that `access.log` found again as `access.log.1` or
/// `access.log.2.gz` is the same file, and a new file under an old name is a new file.
public struct ContentFingerprint: Equatable, Sendable {
    /// How many of the first bytes are hashed (fewer than `fullLength` while the file is small).
    public var length: Int
    /// 128 bits: two independent 64-bit hashes of those bytes.
    public var hash: [UInt8]

    /// The number of leading bytes a fingerprint covers once a file is that large.
    public static let fullLength = 1024

    public init(length: Int, hash: [UInt8]) {
        self.length = length
        self.hash = hash
    }

    /// The fingerprint of `bytes` (callers pass at most `fullLength` bytes).
    public init(of bytes: UnsafeRawBufferPointer) {
        length = bytes.count
        var a: UInt64 = 0xCBF2_9CE4_8422_2325
        var b: UInt64 = 0x84222325_CBF29CE4
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            b = (b &+ UInt64(byte)) &* 0x9E37_79B9_7F4A_7C15
            b ^= b >> 29
        }
        var out = [UInt8]()
        out.reserveCapacity(16)
        for value in [a, b] {
            for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }
        hash = out
    }

    public init(of bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { ContentFingerprint(of: $0) }
    }
}
