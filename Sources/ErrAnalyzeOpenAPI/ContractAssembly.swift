import ErrAnalyzeKit
import Foundation

/// What both readers (OpenAPI 3.x, Swagger 2.0) hand over for one response, and the steps
/// they share: base paths, routes, response keys, codes.
struct ResponseFacts {
    /// As the document writes it: `200`, `4XX`, `default`.
    var key: String
    var description: String?
    /// Body schemas of every media type.
    var schemas: [SchemaNode]
    var examples: [(value: Any, summary: String?)]
}

enum ContractAssembly {
    /// The path of a server URL (`https://api.example.com/v1/` → `/v1`), its `{variables}`
    /// replaced by their defaults; "" for none. A relative URL without a leading `/` is
    /// relative to where the document is served, which a log does not know: "".
    static func basePath(serverURL: String, defaults: [String: String]) -> String {
        var url = ""
        var name = ""
        var inside = false
        for character in serverURL {
            if character == "{" { inside = true; name = ""; continue }
            if character == "}" && inside { inside = false; url += defaults[name] ?? ""; continue }
            if inside { name.append(character) } else { url.append(character) }
        }
        var path: Substring
        if let scheme = url.range(of: "://") {
            let rest = url[scheme.upperBound...]
            guard let slash = rest.firstIndex(of: "/") else { return "" }
            path = rest[slash...]
        } else if url.hasPrefix("//") {
            let rest = url.dropFirst(2)
            guard let slash = rest.firstIndex(of: "/") else { return "" }
            path = rest[slash...]
        } else if url.hasPrefix("/") {
            path = Substring(url)
        } else {
            return ""
        }
        if let end = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<end] }
        return normalised(String(path)) == "/" ? "" : normalised(String(path))
    }

    /// Base paths once each, in order; `[""]` when there are none.
    static func unique(_ paths: [String]) -> [String] {
        var seen = Set<String>()
        let kept = paths.filter { seen.insert($0).inserted }
        return kept.isEmpty ? [""] : kept
    }

    /// `/v1` + `/contacts/{id}/` → `/v1/contacts/{id}`: one `/` between segments, none at the end.
    static func route(base: String, path: String) -> String {
        normalised(base + "/" + path)
    }

    static func normalised(_ path: String) -> String {
        "/" + path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }

    /// By route, then method (`ContractOperation.methodOrder`): JSON decoders do not all keep
    /// a document's key order, and the same document must give the same contract.
    static func ordered(_ operations: [ContractOperation]) -> [ContractOperation] {
        func rank(_ method: String) -> Int { ContractOperation.methodOrder.firstIndex(of: method) ?? ContractOperation.methodOrder.count }
        return operations.sorted { ($0.route, rank($0.method), $0.method) < ($1.route, rank($1.method), $1.method) }
    }

    static func operation(method: String, route: String, id: String?, responses: [ResponseFacts]) -> ContractOperation {
        var declared = DeclaredResponses()
        var codes: [DocumentedErrorCode] = []
        for response in responses {
            let key = response.key.trimmingCharacters(in: .whitespaces)
            var status: Int?
            if key.lowercased() == "default" {
                declared.hasDefault = true
            } else if key.count == 3, key.uppercased().hasSuffix("XX"), let first = Int(key.prefix(1)), (1...5).contains(first) {
                declared.add(class: first)
            } else if let exact = Int(key), (100...599).contains(exact) {
                declared.add(status: exact)
                status = exact
            } else {
                continue
            }
            var found: [ErrorCodeFinder.Found] = []
            for schema in response.schemas { found += ErrorCodeFinder.codes(schema: schema, examples: []) }
            found += ErrorCodeFinder.codes(schema: nil, examples: response.examples)
            let distinct = Set(found.map(\.code))
            for item in found {
                let description = item.description ?? (distinct.count == 1 ? response.description.flatMap { $0.isEmpty ? nil : $0 } : nil)
                if let at = codes.firstIndex(where: { $0.code == item.code }) {
                    if let status, !codes[at].statuses.contains(status) { codes[at].statuses.append(status) }
                    if codes[at].description == nil { codes[at].description = description }
                } else {
                    codes.append(DocumentedErrorCode(code: item.code, statuses: status.map { [$0] } ?? [], description: description))
                }
            }
        }
        // By status, then code, for the same reason as `ordered`.
        codes.sort { ($0.statuses.min() ?? 999, $0.code) < ($1.statuses.min() ?? 999, $1.code) }
        return ContractOperation(method: method, route: route, operationID: id, responses: declared, errorCodes: codes)
    }
}
