/// Which traffic a report looks at (`report --route/--code/--status/--method`).
///
/// Values inside one list are alternatives; lists combine: `--status 5xx --method POST` is
/// the POST requests answered with a 5xx. An empty list does not restrict.
public struct TrafficFilter: Sendable, Equatable {
    /// A status, or an inclusive range of them (`5xx` is 500…599).
    public struct StatusRange: Sendable, Equatable, CustomStringConvertible {
        public var lower: Int
        public var upper: Int

        public init(_ lower: Int, _ upper: Int) {
            self.lower = lower
            self.upper = upper
        }

        public func contains(_ status: Int) -> Bool { status >= lower && status <= upper }

        /// As typed back to a person: `503`, `5xx`, `500-504`.
        public var description: String {
            if lower == upper { return String(lower) }
            if lower % 100 == 0 && upper == lower + 99 { return "\(lower / 100)xx" }
            return "\(lower)-\(upper)"
        }
    }

    /// Templated routes (`/v1/contacts/{id}`), raw paths (templated before comparing) or
    /// patterns with `*` (any characters, `/` included).
    public var routes: [String]
    /// Error codes, compared without regard to case.
    public var codes: [String]
    public var statuses: [StatusRange]
    /// Request methods, compared without regard to case.
    public var methods: [String]
    /// Hosts (`report --host`): names, or patterns with `*`; compared exactly otherwise.
    public var hosts: [String]

    public init(routes: [String] = [], codes: [String] = [], statuses: [StatusRange] = [], methods: [String] = [],
                hosts: [String] = []) {
        self.routes = routes
        self.codes = codes
        self.statuses = statuses
        self.methods = methods
        self.hosts = hosts
    }

    public var isEmpty: Bool { routes.isEmpty && codes.isEmpty && statuses.isEmpty && methods.isEmpty && hosts.isEmpty }

    public func matches(_ group: TrafficGroup) -> Bool {
        matches(host: group.host) &&
        matches(status: group.status) && matches(method: group.method) && matches(code: group.code) && matches(route: group.route)
    }

    /// Whether `host` is one of `hosts` (always, when none are given).
    public func matches(host: String) -> Bool {
        hosts.isEmpty || hosts.contains { HostPattern($0).matches(host) }
    }

    public func matches(status: Int) -> Bool {
        statuses.isEmpty || statuses.contains { $0.contains(status) }
    }

    public func matches(method: String) -> Bool {
        methods.isEmpty || methods.contains { $0.caseInsensitiveEquals(method) }
    }

    /// A response without a code matches no `--code` value.
    public func matches(code: String?) -> Bool {
        guard !codes.isEmpty else { return true }
        guard let code else { return false }
        return codes.contains { $0.caseInsensitiveEquals(code) }
    }

    public func matches(route: String) -> Bool {
        routes.isEmpty || routePatterns.contains { $0.matches(route) }
    }

    private var routePatterns: [RoutePattern] { routes.map(RoutePattern.init) }
}

/// One `--route` value, prepared for matching stored (templated) routes.
struct RoutePattern {
    let text: String
    let templated: String
    let parts: [Substring]?

    init(_ text: String) {
        self.text = text
        if text.contains("*") {
            parts = text.split(separator: "*", omittingEmptySubsequences: false)
            templated = text
        } else {
            parts = nil
            var output: [UInt8] = []
            var bytes = Array(text.utf8)
            bytes.withUnsafeMutableBytes { RouteTemplater().template(UnsafeRawBufferPointer($0), into: &output) }
            templated = String(decoding: output, as: UTF8.self)
        }
    }

    func matches(_ route: String) -> Bool {
        guard let parts else { return route == text || route == templated }
        return StarPattern.matches(parts, route)
    }
}

/// `*` matches any run of characters (`/` included): the pieces between stars must appear
/// in order, the first at the start and the last at the end.
enum StarPattern {
    static func matches(_ parts: [Substring], _ text: String) -> Bool {
        var rest = Substring(text)
        for (index, part) in parts.enumerated() {
            if index == 0 {
                guard rest.hasPrefix(part) else { return false }
                rest = rest.dropFirst(part.count)
            } else if index == parts.count - 1 {
                return rest.count >= part.count && rest.hasSuffix(part)
            } else if !part.isEmpty {
                guard let found = rest.range(of: part) else { return false }
                rest = rest[found.upperBound...]
            }
        }
        return rest.isEmpty
    }
}

/// One `--host` value: a host name, or a pattern with `*` (`web-*`, `shop/*`).
public struct HostPattern: Sendable {
    public let text: String
    private let parts: [Substring]?

    public init(_ text: String) {
        self.text = text
        parts = text.contains("*") ? text.split(separator: "*", omittingEmptySubsequences: false) : nil
    }

    public func matches(_ host: String) -> Bool {
        guard let parts else { return host == text }
        return StarPattern.matches(parts, host)
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        count == other.count && lowercased() == other.lowercased()
    }
}
