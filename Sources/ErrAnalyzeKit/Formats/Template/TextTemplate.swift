/// What a field of a text log line means to erranalyze. Fields that mean nothing here
/// (`$body_bytes_sent`, `%{Referer}i`…) are `ignored`.
enum TextFieldKind: UInt8, Sendable {
    case ignored
    case clientAddress
    /// An explicit, non-secret client identity (`X-Client-Id`, `X-Api-Key-Id`…), preferred to the address.
    case clientID
    case timeCLF
    case timeISO8601
    case timeEpoch
    case timeStrftime
    case request
    case method
    /// Path with query string (`$request_uri`, `%U%q`).
    case target
    case path
    case status
    case duration
    /// nginx upstream times, `0.012, 0.003`: used when the format has no request time.
    case durationList
    case errorCode
    case idempotencyKey
    case retryAfter

    /// Whether the parser must reach this field (the rest of a line after the last needed
    /// field is not read).
    var isNeeded: Bool { self != .ignored }
}

/// One element of a compiled log format: literal text or a field.
enum TextElement: Equatable {
    case literal([UInt8])
    case field(TextField)
}

struct TextField: Equatable {
    var kind: TextFieldKind
    /// The name as written (`$status`, `%>s`), for messages.
    var name: String
    /// Column of the field in the format string, for messages.
    var column: Int
    var durationUnit: DurationUnit = .auto
    var epochUnit: EpochUnit = .seconds
    var strftime: String?
    /// Higher wins when two fields fill the same record field.
    var priority: Int = 0
    /// The value may start with any byte, so it cannot directly follow another field.
    var startByte: UInt8? = nil
}

/// A log format as literal/field elements, before compilation into a parser plan.
struct TextTemplate {
    var elements: [TextElement] = []
    let source: String

    mutating func literal(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if case .literal(let previous)? = elements.last {
            elements[elements.count - 1] = .literal(previous + bytes)
        } else {
            elements.append(.literal(bytes))
        }
    }

    mutating func field(_ field: TextField) {
        elements.append(.field(field))
    }

    /// Checks what the parser needs and builds the shared plan.
    func compile(name: String) throws -> TemplatePlan {
        var fields: [TextField] = []
        for element in elements { if case .field(let f) = element { fields.append(f) } }
        let end = source.count + 1
        guard fields.contains(where: { $0.kind == .status }) else {
            throw LogFormatError(column: end, reason: "the format has no status field ($status, %s or %>s); erranalyze needs it", format: source)
        }
        guard fields.contains(where: { [.timeCLF, .timeISO8601, .timeEpoch, .timeStrftime].contains($0.kind) }) else {
            throw LogFormatError(column: end, reason: "the format has no time field ($time_local, $time_iso8601, $msec, %t or %{…}t)", format: source)
        }
        // Two fields in a row can be split only when the second starts with a known byte.
        for (a, b) in zip(elements, elements.dropFirst()) {
            if case .field(let first) = a, case .field(let second) = b, second.startByte == nil {
                throw LogFormatError(column: second.column, reason: "\(second.name) directly follows \(first.name) with nothing between them, so erranalyze cannot tell where one ends", format: source)
            }
        }
        return TemplatePlan(name: name, elements: elements)
    }
}
