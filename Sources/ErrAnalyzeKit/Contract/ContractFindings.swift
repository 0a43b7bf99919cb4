/// What a report found when it held the traffic against an API's own description
/// (`report --openapi`): responses the document does not declare, and routes it does not know.
public struct ContractFindings: Sendable, Equatable {
    public struct UndocumentedResponse: Sendable, Equatable {
        public enum Kind: String, Sendable, Equatable {
            /// The operation declares no such status (exactly, by range or by `default`).
            case status
            /// The status is declared, the code is not among the operation's documented codes.
            case code
        }

        public var method: String
        /// The documented route (`/v1/contacts/{contactId}`).
        public var route: String
        public var status: Int
        /// `code`: the code outside the documented ones. `status`: nil (one row per status,
        /// whatever the codes; see `codes`).
        public var code: String?
        /// The codes logged with these responses, sorted (`status`: every distinct one, none
        /// when no code was logged; `code`: the one code).
        public var codes: [String]
        public var kind: Kind
        public var count: Int64
        /// The operation's response keys (`200`, `4XX`, `default`), for `status`; its
        /// documented codes, for `code`.
        public var documented: [String]
    }

    /// A (method, route) the document does not describe: its path is unknown, or the path
    /// is known but not with this method (`pathDocumented`).
    public struct UndocumentedRoute: Sendable, Equatable {
        public var method: String
        /// The route as stored (templated by `--route` rules or the heuristics).
        public var route: String
        public var requests: Int64
        public var errors: Int64
        public var pathDocumented: Bool
    }

    /// The document: `info.title`, `info.version`, its format (`2.0`, `3.1.0`) and how many
    /// operations it describes.
    public var title: String
    public var version: String
    public var specVersion: String
    public var operations: Int
    /// Requests on documented operations (the ones whose responses were checked).
    public var checkedRequests: Int64 = 0
    /// Most responses first.
    public var undocumentedResponses: [UndocumentedResponse] = []
    /// Most requests first.
    public var undocumentedRoutes: [UndocumentedRoute] = []

    public init(title: String, version: String, specVersion: String, operations: Int) {
        self.title = title
        self.version = version
        self.specVersion = specVersion
        self.operations = operations
    }

    /// Responses outside the contract: the `undocumented_responses` metric of `--fail-if`.
    public var undocumentedResponseCount: Int64 { undocumentedResponses.reduce(0) { $0 + $1.count } }
    /// Requests on routes the document does not describe: the `undocumented_routes` metric.
    public var undocumentedRouteRequests: Int64 { undocumentedRoutes.reduce(0) { $0 + $1.requests } }
}

/// Holds traffic groups against a contract, at report time, so that a document given to
/// `report` applies to everything already ingested (with or without `ingest --openapi`).
public struct ContractCheck {
    public let contract: APIContract
    private let routes: ContractRoutes

    public init(contract: APIContract) {
        self.contract = contract
        routes = ContractRoutes(contract)
    }

    private struct ResponseKey: Hashable { var method: String; var route: String; var status: Int; var code: String?; var kind: ContractFindings.UndocumentedResponse.Kind }
    private struct ResponseTally { var count: Int64 = 0; var documented: [String]; var codes = Set<String>() }
    private struct RouteKey: Hashable { var method: String; var route: String }

    /// Each response is counted at most once: an undocumented status is reported as such,
    /// and its code is checked only when the status is declared.
    public func findings(for groups: [TrafficGroup]) -> ContractFindings {
        var result = ContractFindings(title: contract.title, version: contract.version, specVersion: contract.specVersion,
                                      operations: contract.operations.count)
        var documentedRoute: [String: String?] = [:]
        var responses: [ResponseKey: ResponseTally] = [:]
        var unknown: [RouteKey: ContractFindings.UndocumentedRoute] = [:]
        for group in groups {
            let n = group.counts.requests
            let route: String?
            if let known = documentedRoute[group.route] {
                route = known
            } else {
                route = routes.documentedRoute(for: group.route)
                documentedRoute[group.route] = route
            }
            guard let route, let operation = routes.operation(method: group.method, route: route) else {
                let key = RouteKey(method: group.method, route: group.route)
                var entry = unknown[key] ?? ContractFindings.UndocumentedRoute(
                    method: group.method, route: group.route, requests: 0, errors: 0, pathDocumented: route != nil)
                entry.requests += n
                if group.status >= 400 { entry.errors += n }
                unknown[key] = entry
                continue
            }
            result.checkedRequests += n
            if !operation.responses.declares(group.status) {
                // One row per (method, route, status): the status is what the document misses.
                let key = ResponseKey(method: operation.method, route: route, status: group.status, code: nil, kind: .status)
                responses[key, default: ResponseTally(documented: operation.responses.keys)].count += n
                if let code = group.code { responses[key]!.codes.insert(code) }
            } else if let code = group.code, !operation.documents(code: code) {
                let key = ResponseKey(method: operation.method, route: route, status: group.status, code: code, kind: .code)
                responses[key, default: ResponseTally(documented: operation.errorCodes.map(\.code), codes: [code])].count += n
            }
        }
        result.undocumentedResponses = responses.map { key, value in
            ContractFindings.UndocumentedResponse(method: key.method, route: key.route, status: key.status, code: key.code,
                                                  codes: value.codes.sorted(), kind: key.kind, count: value.count, documented: value.documented)
        }.sorted {
            ($0.count, $1.route, $1.method, -$0.status, $1.kind.rawValue, $1.code ?? "") > ($1.count, $0.route, $0.method, -$1.status, $0.kind.rawValue, $0.code ?? "")
        }
        result.undocumentedRoutes = unknown.values.sorted {
            ($0.requests, $1.route, $1.method) > ($1.requests, $0.route, $0.method)
        }
        return result
    }
}
