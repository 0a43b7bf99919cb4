/// The bomb check shared by every decompressor: refuse input that inflates to more than
/// `maxRatio` times the compressed bytes consumed so far, once past a grace allowance.
struct DecompressionRatioLimit {
    /// Output allowed before the ratio is checked: small files of repeated lines compress
    /// very well and are not bombs.
    static let grace: Int64 = 64 << 20

    let name: String
    let kind: Compression
    /// 0 = no limit.
    let maxRatio: Int
    private(set) var produced: Int64 = 0

    init(name: String, kind: Compression, maxRatio: Int) {
        self.name = name
        self.kind = kind
        self.maxRatio = maxRatio
    }

    /// Records `bytes` more output, `consumed` being the compressed bytes decoded so far
    /// (not those merely read ahead into the decoder's input buffer).
    mutating func add(_ bytes: Int, consumed: Int64) throws {
        produced += Int64(bytes)
        if maxRatio > 0 && produced > Self.grace && produced > max(consumed, 1) * Int64(maxRatio) {
            throw InputError.decompressionRatioExceeded(name, kind, limit: maxRatio)
        }
    }
}
