/// Why a `--log-format` string cannot be compiled.
public struct LogFormatError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The 1-based character column in the format string where the problem is.
    public let column: Int
    public let reason: String
    public let format: String

    public init(column: Int, reason: String, format: String) {
        self.column = column
        self.reason = reason
        self.format = format
    }

    public var description: String {
        "log format, column \(column): \(reason)"
    }
}
