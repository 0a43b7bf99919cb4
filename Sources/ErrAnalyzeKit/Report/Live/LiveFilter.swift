/// The dashboard's `/` filter: a route (part of it), an error code, or a status (`503`, or a
/// class, `5xx`). Empty matches everything.
public struct LiveFilter: Sendable, Equatable {
    public var text: String

    public init(_ text: String) {
        self.text = text.trimmingCharactersInWhitespace()
    }

    public var isEmpty: Bool { text.isEmpty }

    public func matches(_ key: LiveMinute.Key) -> Bool {
        if text.isEmpty { return true }
        if let status = Int16(text) { return key.status == status }
        if text.count == 3, text.hasSuffix("xx"), let digit = text.first?.wholeNumberValue {
            return Int(key.status) / 100 == digit
        }
        if key.code == text { return true }
        return key.route.contains(text)
    }
}

extension String {
    func trimmingCharactersInWhitespace() -> String {
        var scalars = Substring(self)
        while scalars.first?.isWhitespace == true { scalars.removeFirst() }
        while scalars.last?.isWhitespace == true { scalars.removeLast() }
        return String(scalars)
    }
}
