/// Which statuses a status rule covers: one exact status or a whole class (`5xx`).
public enum StatusMatch: Hashable, Sendable, CustomStringConvertible, Comparable {
    case exact(Int)
    /// The hundreds digit: `.range(5)` is `5xx`.
    case range(Int)

    /// Parses `"503"` or `"5xx"` (also `"5XX"`); nil for anything else or a status outside
    /// 100…599.
    public init?(_ text: String) {
        let chars = Array(text)
        guard chars.count == 3, let first = chars[0].wholeNumberValue, (1...5).contains(first) else { return nil }
        if chars[1] == "x" || chars[1] == "X" {
            guard chars[2] == "x" || chars[2] == "X" else { return nil }
            self = .range(first)
        } else if let status = Int(text), chars.allSatisfy({ $0.isASCII && $0.isNumber }) {
            self = .exact(status)
        } else {
            return nil
        }
    }

    public func matches(_ status: Int) -> Bool {
        switch self {
        case .exact(let s): return s == status
        case .range(let hundreds): return status / 100 == hundreds && status >= 100
        }
    }

    public var isExact: Bool {
        if case .exact = self { return true }
        return false
    }

    /// `503` or `5xx`.
    public var description: String {
        switch self {
        case .exact(let s): return String(s)
        case .range(let hundreds): return "\(hundreds)xx"
        }
    }

    /// Orders by status, a class (`4xx`) just before the statuses it covers.
    public static func < (lhs: StatusMatch, rhs: StatusMatch) -> Bool {
        func key(_ m: StatusMatch) -> (Int, Int) {
            switch m {
            case .exact(let s): return (s / 100, s)
            case .range(let h): return (h, h * 100 - 1)
            }
        }
        return key(lhs) < key(rhs)
    }
}

/// What a catalogue says about responses with a given status when no known code was logged.
public struct StatusRule: Hashable, Sendable {
    public var match: StatusMatch
    public var category: String
    public var meaning: String
    public var action: String
    public var retry: RetryPolicy
    /// True when the rule is not stated by the source document (e.g. standard HTTP
    /// semantics added so that every status is covered).
    public var inferred: Bool
    public var inferredFields: [String]
    public var note: String?

    public init(match: StatusMatch, category: String, meaning: String, action: String, retry: RetryPolicy,
                inferred: Bool = false, inferredFields: [String] = [], note: String? = nil) {
        self.match = match
        self.category = category
        self.meaning = meaning
        self.action = action
        self.retry = retry
        self.inferred = inferred
        self.inferredFields = inferredFields
        self.note = note
    }
}
