/// What an API's own description (an OpenAPI or Swagger document) promises about its traffic,
/// reduced to what a log can be checked against: each operation's method and path, the
/// statuses it may answer with, and the error codes it documents.
///
/// Neutral: the reading of OpenAPI 3.0/3.1 and Swagger 2.0 documents lives in the
/// ErrAnalyzeOpenAPI target, so that this library links no spec parser.
public struct APIContract: Sendable, Equatable {
    /// `info.title` and `info.version` of the document.
    public var title: String
    public var version: String
    /// The document's own format: `2.0`, `3.0.3`, `3.1.0`…
    public var specVersion: String
    /// By route, then method in `ContractOperation.methodOrder` (not the document's order,
    /// which JSON decoders do not all keep). Error codes likewise by status, then code.
    public var operations: [ContractOperation]

    public init(title: String, version: String, specVersion: String, operations: [ContractOperation]) {
        self.title = title
        self.version = version
        self.specVersion = specVersion
        self.operations = operations
    }

    /// Every error code the document names, once, in the order first met, with the statuses
    /// of every response that names it (for `catalogue import`).
    public var errorCodes: [DocumentedErrorCode] {
        var merged: [DocumentedErrorCode] = []
        var index: [String: Int] = [:]
        for operation in operations {
            for code in operation.errorCodes {
                if let at = index[code.code] {
                    for status in code.statuses where !merged[at].statuses.contains(status) { merged[at].statuses.append(status) }
                    if merged[at].description == nil { merged[at].description = code.description }
                } else {
                    index[code.code] = merged.count
                    merged.append(code)
                }
            }
        }
        return merged
    }
}

/// One method on one path.
public struct ContractOperation: Sendable, Equatable {
    /// Upper case: `GET`, `POST`…
    public var method: String
    /// The route as requests arrive: the server's base path (`servers[].url`, Swagger
    /// `basePath`) and the path as the document writes it, parameter names included
    /// (`/v1/agents/{agentId}/commands`), without a trailing `/`.
    public var route: String
    public var operationID: String?
    public var responses: DeclaredResponses
    /// The error codes the operation's responses document (an `enum` or `const` on the error
    /// body's code property, or the code of a response example). Empty: none documented, so
    /// codes are not checked for this operation.
    public var errorCodes: [DocumentedErrorCode]

    public init(method: String, route: String, operationID: String? = nil, responses: DeclaredResponses,
                errorCodes: [DocumentedErrorCode] = []) {
        self.method = method.uppercased()
        self.route = route
        self.operationID = operationID
        self.responses = responses
        self.errorCodes = errorCodes
    }

    /// The order operations of one path are listed in.
    public static let methodOrder = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "QUERY"]

    /// Whether `code` is one the operation documents (always, when it documents none).
    public func documents(code: String) -> Bool {
        errorCodes.isEmpty || errorCodes.contains { $0.code == code }
    }
}

/// The response keys of an operation: exact statuses, ranges (`4XX`) and `default`.
public struct DeclaredResponses: Sendable, Equatable {
    /// Sorted, each once.
    public private(set) var statuses: [Int] = []
    /// The first digit of each declared range (`4` for `4XX`), sorted, each once.
    public private(set) var classes: [Int] = []
    public var hasDefault = false

    public init(statuses: [Int] = [], classes: [Int] = [], hasDefault: Bool = false) {
        for status in statuses { add(status: status) }
        for statusClass in classes { add(class: statusClass) }
        self.hasDefault = hasDefault
    }

    public mutating func add(status: Int) {
        if !statuses.contains(status) { statuses.append(status); statuses.sort() }
    }

    public mutating func add(class statusClass: Int) {
        if !classes.contains(statusClass) { classes.append(statusClass); classes.sort() }
    }

    /// Whether a response with `status` is one the operation declares: exactly, by its range,
    /// or by `default` (which covers every status the others do not).
    public func declares(_ status: Int) -> Bool {
        hasDefault || statuses.contains(status) || classes.contains(status / 100)
    }

    /// As the document writes the keys: `200`, `404`, `4XX`, `default`.
    public var keys: [String] {
        statuses.map(String.init) + classes.map { "\($0)XX" } + (hasDefault ? ["default"] : [])
    }
}

/// An error code a document names, with the statuses of the responses that name it.
public struct DocumentedErrorCode: Sendable, Equatable {
    public var code: String
    /// Exact statuses only (a code under `4XX` or `default` has none from that response).
    public var statuses: [Int]
    /// What the document says of it: an example's summary or message, an
    /// `x-enum-descriptions` entry, or the response's description when it names one code.
    public var description: String?

    public init(code: String, statuses: [Int], description: String? = nil) {
        self.code = code
        self.statuses = statuses
        self.description = description
    }
}
