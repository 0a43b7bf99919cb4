/// A log format a file can be read in: its name, how to recognise it and how to make parsers.
///
/// A `LogFormat` is a description, shared between threads; each worker asks it for its
/// own parser with `makeParser()`.
public struct LogFormat: Sendable {
    /// The preset name (`combined`, `json`…) or a short description of a custom format.
    public let name: String
    /// Whether a chunk cut from the middle of a file can be parsed without the lines before
    /// it. False for formats whose header (W3C `#Fields:`) sets up the parser.
    public let supportsChunking: Bool
    /// For formats whose parser may hold a line in pieces (container wrappers): whether a
    /// physical line ends the line it belongs to, so that a file cut after it cuts no line
    /// in two. Nil: every physical line is a whole line.
    public let endsRecord: (@Sendable (UnsafeRawBufferPointer) -> Bool)?
    private let factory: @Sendable () -> any LineParser

    public init(name: String, supportsChunking: Bool = true, endsRecord: (@Sendable (UnsafeRawBufferPointer) -> Bool)? = nil,
                makeParser: @escaping @Sendable () -> any LineParser) {
        self.name = name
        self.supportsChunking = supportsChunking
        self.endsRecord = endsRecord
        self.factory = makeParser
    }

    public func makeParser() -> any LineParser { factory() }
}
