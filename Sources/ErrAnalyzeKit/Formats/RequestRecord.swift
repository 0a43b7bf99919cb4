/// One request as a format parser read it from one log line.
///
/// The byte fields point into the line being parsed (or into the parser's own scratch
/// space, for values that had to be unescaped) and are valid only until the parser is
/// called again. Nothing here allocates: the aggregator interns the few fields it keeps.
public struct RequestRecord {
    /// UTC seconds since 1970-01-01.
    public var timestamp: Int64 = 0
    /// The request method as logged (`GET`, `POST`…); empty when the log has none.
    public var method: UnsafeRawBufferPointer = .empty
    /// The request target as logged, query string included; the route templater cleans it.
    public var path: UnsafeRawBufferPointer = .empty
    /// The HTTP status code sent to the client.
    public var status: Int = 0
    /// The API error code the application reported (`X-Error-Code`, `error.code`…); empty if none.
    public var errorCode: UnsafeRawBufferPointer = .empty
    /// Who made the request: an address, an API key id, a user; empty when not logged.
    public var client: UnsafeRawBufferPointer = .empty
    /// Request duration in microseconds, or -1 when the log has no duration field.
    public var durationMicros: Int64 = -1
    /// Whether the request carried an `Idempotency-Key` header (a field was logged and non-empty).
    public var hasIdempotencyKey: Bool = false
    /// Whether the response carried a `Retry-After` header.
    public var hasRetryAfter: Bool = false

    public init() {}

    /// Clears every field; parsers call this before filling a record.
    @inline(__always)
    public mutating func reset() {
        self = RequestRecord()
    }
}

extension UnsafeRawBufferPointer {
    /// A zero-length buffer, the value of an absent field.
    public static let empty = UnsafeRawBufferPointer(start: nil, count: 0)
}
