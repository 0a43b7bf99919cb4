/// Why a line could not be read as a request. Stored by raw value; append new cases only.
public enum MalformedReason: UInt8, CaseIterable, Sendable, Codable {
    case unrecognisedLayout = 1
    case badTimestamp = 2
    case badStatus = 3
    case badRequestLine = 4
    case badJSON = 5
    case missingField = 6
    case lineTooLong = 7
    case binaryData = 8

    /// A short phrase for people, used in `status` and in reports.
    public var description: String {
        switch self {
        case .unrecognisedLayout: return "does not match the log format"
        case .badTimestamp: return "unreadable timestamp"
        case .badStatus: return "missing or invalid status"
        case .badRequestLine: return "unreadable request line"
        case .badJSON: return "invalid JSON"
        case .missingField: return "a required field is missing"
        case .lineTooLong: return "line longer than the limit"
        case .binaryData: return "binary data (NUL bytes)"
        }
    }

    /// A stable machine name, used in JSON output.
    public var name: String {
        switch self {
        case .unrecognisedLayout: return "unrecognised_layout"
        case .badTimestamp: return "bad_timestamp"
        case .badStatus: return "bad_status"
        case .badRequestLine: return "bad_request_line"
        case .badJSON: return "bad_json"
        case .missingField: return "missing_field"
        case .lineTooLong: return "line_too_long"
        case .binaryData: return "binary_data"
        }
    }
}

/// What a parser made of one line.
public enum LineParseResult: Equatable {
    /// The record now describes a request.
    case request
    /// Not a request and not an error: a comment, a header (`#Fields:`), a blank line,
    /// a syslog line of a load balancer that is not an access record.
    case skip
    /// The line should have been a request but could not be read.
    case malformed(MalformedReason)
}

/// Turns the bytes of one line (without its newline) into a `RequestRecord`.
///
/// A parser is used by one thread at a time and may keep state between lines (a cached
/// timestamp, a `#Fields:` header it has seen); each worker makes its own from a `LogFormat`.
public protocol LineParser {
    mutating func parse(_ line: UnsafeRawBufferPointer, into record: inout RequestRecord) -> LineParseResult
    /// Whether the parser holds the first pieces of a line whose last piece has not come yet
    /// (a container runtime cuts long lines into pieces): a read position here would cut
    /// that line in two, so the ingest never stops or commits here.
    var holdsPartialRecord: Bool { get }
    /// At the end of a finished input: reads a line still held in pieces (its last piece
    /// never came), or returns nil when none is held.
    mutating func finishPartialRecord(into record: inout RequestRecord) -> LineParseResult?
}

extension LineParser {
    public var holdsPartialRecord: Bool { false }
    public mutating func finishPartialRecord(into record: inout RequestRecord) -> LineParseResult? { nil }
}
