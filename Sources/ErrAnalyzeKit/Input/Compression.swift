/// How an input's content is compressed. Recognised by its magic bytes, never by its name:
/// logrotate's `compresscmd` and `compressext` are free, and `access.log.1` may be anything.
public enum Compression: String, Sendable, CaseIterable {
    case gzip, zstd, xz

    public var name: String { rawValue }

    /// The tool that decompresses it to standard output, for messages.
    public var catTool: String {
        switch self {
        case .gzip: return "zcat"
        case .zstd: return "zstdcat"
        case .xz: return "xzcat"
        }
    }

    /// The ledger's `compressed` column: 0 plain, 1 gzip (what it always meant), 2 zstd,
    /// 3 xz. An older erranalyze reads any non-zero value as "compressed", which stays true.
    public var ledgerCode: Int {
        switch self {
        case .gzip: return 1
        case .zstd: return 2
        case .xz: return 3
        }
    }

    public init?(ledgerCode: Int64) {
        guard let kind = Self.allCases.first(where: { Int64($0.ledgerCode) == ledgerCode }) else { return nil }
        self = kind
    }
}

/// Compressions recognised but not read: refused with a message that names them and the
/// tool that decompresses them, instead of "matches no known log format" and binary junk.
public enum UnsupportedCompression: String, Sendable {
    case bzip2, lz4

    public var catTool: String {
        switch self {
        case .bzip2: return "bzcat"
        case .lz4: return "lz4cat"
        }
    }
}

/// What the first bytes of an input say it is.
public enum ContentKind: Equatable, Sendable {
    case plain
    case compressed(Compression)
    case unsupported(UnsupportedCompression)

    /// Bytes needed to tell the kinds apart (fewer at the end of a short input is fine).
    public static let sniffLength = 10

    /// Recognises the formats by their magic numbers (RFC 1952, RFC 8878, the xz and lz4
    /// frame specifications, bzip2's stream and block headers). A text log cannot start with
    /// any of them: each has a byte that is a control character or not ASCII.
    public init<Bytes: Collection>(magic head: Bytes) where Bytes.Element == UInt8 {
        let b = Array(head.prefix(Self.sniffLength))
        func starts(_ magic: [UInt8]) -> Bool { b.count >= magic.count && Array(b.prefix(magic.count)) == magic }
        if starts([0x1F, 0x8B]) {
            self = .compressed(.gzip)
        } else if starts([0x28, 0xB5, 0x2F, 0xFD]) {
            self = .compressed(.zstd)
        } else if b.count >= 4 && b[0] & 0xF0 == 0x50 && b[1] == 0x2A && b[2] == 0x4D && b[3] == 0x18 {
            // A skippable frame (0x184D2A5?): pzstd starts its files with one. lz4 shares
            // the range; libzstd then names the lz4 frame after it as corrupt.
            self = .compressed(.zstd)
        } else if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) {
            self = .compressed(.xz)
        } else if starts([0x04, 0x22, 0x4D, 0x18]) || starts([0x02, 0x21, 0x4C, 0x18]) {
            // The lz4 frame format, and the legacy format of `lz4 -l`.
            self = .unsupported(.lz4)
        } else if b.count >= 10 && starts([0x42, 0x5A, 0x68]) && (0x31...0x39).contains(b[3])
                    && (Array(b[4..<10]) == [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]      // a block (π)
                        || Array(b[4..<10]) == [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]) { // end of stream (√π): empty
            // "BZh1"…"BZh9" alone could begin a text line; the block magic after it cannot.
            self = .unsupported(.bzip2)
        } else {
            self = .plain
        }
    }
}
