/// The routes of an `APIContract` as route rules: a logged path that matches a documented
/// path is counted under the document's own template (`/v1/agents/{agentId}/commands`).
///
/// Concrete paths win over templated ones, as OpenAPI says (`/v1/agents/me` before
/// `/v1/agents/{agentId}`): rules are ordered segment by segment, literal before partly
/// templated (`{name}.pdf`) before a whole parameter, and otherwise in the contract's order.
public struct ContractRoutes: Sendable {
    let rules: [RouteRule]
    /// `rules` indexed by segment count and first segment, for `documentedRoute(for:)`.
    private let index: RouteRuleIndex
    /// Route → the methods documented on it, with their operations.
    private let operations: [String: [String: ContractOperation]]

    public init(_ contract: APIContract) {
        var seen = Set<String>()
        var rules: [RouteRule] = []
        var operations: [String: [String: ContractOperation]] = [:]
        for operation in contract.operations {
            operations[operation.route, default: [:]][operation.method] = operation
            guard seen.insert(operation.route).inserted else { continue }
            rules.append(RouteRule(documentedPath: operation.route))
        }
        self.rules = rules.enumerated().sorted { lhs, rhs in
            let l = lhs.element.specificity, r = rhs.element.specificity
            if l != r { return l.lexicographicallyPrecedes(r) }
            return lhs.offset < rhs.offset
        }.map(\.element)
        index = RouteRuleIndex(self.rules)
        self.operations = operations
    }

    /// The documented route a route or path matches, or nil when the document has none.
    /// Works on stored routes too: a heuristic placeholder (`/v1/agents/{uuid}`) is one
    /// segment like any other, so data ingested without the document still maps onto it.
    public func documentedRoute(for route: String) -> String? {
        var bytes = Array(route.utf8)
        return bytes.withUnsafeMutableBytes { buffer -> String? in
            let path = UnsafeRawBufferPointer(buffer)
            return index.firstMatch(path).map { String(decoding: $0.text, as: UTF8.self) }
        }
    }

    /// The operation of `method` on the documented `route`; nil when the route has no such
    /// method. An empty method (not logged) stands for any: the route's first operation.
    public func operation(method: String, route: String) -> ContractOperation? {
        guard let methods = operations[route] else { return nil }
        if method.isEmpty {
            return ContractOperation.methodOrder.lazy.compactMap { methods[$0] }.first ?? methods.values.first
        }
        return methods[method.uppercased()]
    }
}

extension RouteTemplater {
    /// A templater whose `patterns` (`--route`) come first, then the paths `contract`
    /// documents, then the heuristics.
    public init(rules patterns: [String], contract: APIContract?) throws {
        let user = try patterns.map(RouteRule.init(pattern:))
        self.init(compiled: user + (contract.map { ContractRoutes($0).rules } ?? []))
    }
}

extension RouteRule {
    /// A documented path (`/v1/files/{fileId}`, `/v1/files/{name}.pdf`): a segment that is
    /// one `{parameter}` matches any one segment; a segment with a parameter inside matches
    /// as a `*` glob; the rest literally. A matching path becomes the path as documented.
    init(documentedPath path: String) {
        var segments: [Segment] = []
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        for part in parts {
            if part.hasPrefix("{") && part.hasSuffix("}") && part.count > 2 && part.dropFirst().firstIndex(of: "{") == nil {
                segments.append(.one)
            } else if part.contains("{") {
                var glob: [UInt8] = []
                var inside = false
                for byte in part.utf8 {
                    if byte == UInt8(ascii: "{") { inside = true; glob.append(UInt8(ascii: "*")) }
                    else if byte == UInt8(ascii: "}") { inside = false }
                    else if !inside { glob.append(byte) }
                }
                segments.append(.glob(glob))
            } else {
                segments.append(.literal(Array(part.utf8)))
            }
        }
        self.segments = segments
        text = Array(("/" + parts.joined(separator: "/")).utf8)
    }

    /// Per segment, 0 literal, 1 glob, 2 parameter (and 3 for `**`): lower sorts first.
    var specificity: [Int] {
        segments.map { segment in
            switch segment {
            case .literal: return 0
            case .glob: return 1
            case .one: return 2
            case .rest: return 3
            }
        }
    }
}
