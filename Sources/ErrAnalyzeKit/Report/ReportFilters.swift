/// Reads the values people type after `--route`, `--code`, `--status`, `--method` and `--host`.
/// Each option may be repeated and each value but a host may be a comma-separated list.
public enum ReportFilters {
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// A filter from the raw option values.
    /// Hosts are not split at commas (a name is taken as written), only blanks are dropped.
    public static func parse(routes: [String] = [], codes: [String] = [], statuses: [String] = [],
                             methods: [String] = [], hosts: [String] = []) throws(ParseError) -> TrafficFilter {
        var filter = TrafficFilter()
        for host in hosts where !host.isEmpty && !filter.hosts.contains(host) { filter.hosts.append(host) }
        filter.routes = split(routes)
        filter.codes = split(codes)
        filter.methods = split(methods).map { $0.uppercased() }
        for value in split(statuses) {
            guard let range = status(value) else {
                throw ParseError(description: "--status '\(value)': use a status (503), a class (5xx) or a range (500-504)")
            }
            filter.statuses.append(range)
        }
        return filter
    }

    /// `503`, `5xx` (or `5XX`), `500-504`.
    public static func status(_ text: String) -> TrafficFilter.StatusRange? {
        let t = text.lowercased()
        if t.count == 3, t.hasSuffix("xx"), let digit = Int(t.prefix(1)), (1...5).contains(digit) {
            return TrafficFilter.StatusRange(digit * 100, digit * 100 + 99)
        }
        if let dash = t.firstIndex(of: "-"), let lower = code(t[..<dash]), let upper = code(t[t.index(after: dash)...]), lower <= upper {
            return TrafficFilter.StatusRange(lower, upper)
        }
        if let value = code(Substring(t)) { return TrafficFilter.StatusRange(value, value) }
        return nil
    }

    private static func code(_ text: Substring) -> Int? {
        guard text.count == 3, text.allSatisfy(\.isASCII), let value = Int(text), (100...599).contains(value) else { return nil }
        return value
    }

    /// Comma lists flattened, blanks dropped, duplicates removed (first kept).
    static func split(_ values: [String]) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for value in values {
            for part in value.split(separator: ",") {
                let item = part.trimmingWhitespace()
                if !item.isEmpty && seen.insert(item).inserted { result.append(item) }
            }
        }
        return result
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

extension TrafficFilter {
    /// One line for people: `status 5xx · method POST · route /v1/* · host web-*`; empty when unfiltered.
    public var summary: String {
        var parts: [String] = []
        if !statuses.isEmpty { parts.append("status " + statuses.map(\.description).joined(separator: ", ")) }
        if !codes.isEmpty { parts.append("code " + codes.joined(separator: ", ")) }
        if !methods.isEmpty { parts.append("method " + methods.joined(separator: ", ")) }
        if !routes.isEmpty { parts.append("route " + routes.joined(separator: ", ")) }
        if !hosts.isEmpty { parts.append("host " + hosts.joined(separator: ", ")) }
        return parts.joined(separator: " · ")
    }

    /// Whether the filter looks inside a host's traffic (route, code, status or method), which
    /// the per-hour client counts cannot; a host filter alone can narrow them.
    public var restrictsRequests: Bool {
        !routes.isEmpty || !codes.isEmpty || !statuses.isEmpty || !methods.isEmpty
    }
}
