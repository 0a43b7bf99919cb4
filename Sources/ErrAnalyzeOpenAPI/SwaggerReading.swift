import ErrAnalyzeKit
import Foundation

/// A Swagger 2.0 document as a contract: `basePath` before every path, responses and
/// schemas followed through `#/responses/…` and `#/definitions/…`.
enum SwaggerReading {
    static let methods = ["get", "put", "post", "delete", "options", "head", "patch"]

    static func contract(_ document: SwaggerDocument) -> APIContract {
        let base = ContractAssembly.basePath(serverURL: document.basePath ?? "", defaults: [:])
        var operations: [ContractOperation] = []
        for (path, item) in document.paths?.entries ?? [] {
            let item = resolve(item, document, depth: 0)
            for method in methods {
                guard let operation = item[method] else { continue }
                var responses: [ResponseFacts] = []
                if case .object(let map)? = operation["responses"] {
                    for (key, value) in map.entries where !key.hasPrefix("x-") {
                        responses.append(facts(key, resolve(value, document, depth: 0), document))
                    }
                }
                operations.append(ContractAssembly.operation(
                    method: method.uppercased(), route: ContractAssembly.route(base: base, path: path),
                    id: operation["operationId"]?.string, responses: responses))
            }
        }
        return APIContract(title: document.info?.title ?? "", version: document.info?.version ?? "",
                           specVersion: document.swagger, operations: ContractAssembly.ordered(operations))
    }

    /// Follows a `$ref` to this document's `definitions` or `responses` (chains included);
    /// anything else (another file, a URL) is left as it is.
    static func resolve(_ value: SwaggerValue, _ document: SwaggerDocument, depth: Int) -> SwaggerValue {
        guard depth < 16, let ref = value["$ref"]?.string else { return value }
        let parts = ref.split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
        guard parts.count == 3, parts[0] == "#" else { return value }
        let target: SwaggerValue?
        switch parts[1] {
        case "definitions": target = document.definitions?[parts[2]]
        case "responses": target = document.responses?[parts[2]]
        default: target = nil
        }
        return target.map { resolve($0, document, depth: depth + 1) } ?? value
    }

    static func facts(_ key: String, _ response: SwaggerValue, _ document: SwaggerDocument) -> ResponseFacts {
        var examples: [(value: Any, summary: String?)] = []
        if case .object(let map)? = response["examples"] {
            examples = map.entries.map { (value: $0.value.plain, summary: nil as String?) }
        }
        let schemas = response["schema"].map { [node($0, document, depth: 0)] } ?? []
        return ResponseFacts(key: key, description: response["description"]?.string, schemas: schemas, examples: examples)
    }

    static func node(_ value: SwaggerValue, _ document: SwaggerDocument, depth: Int) -> SchemaNode {
        guard depth < 16 else { return SchemaNode() }
        let schema = resolve(value, document, depth: 0)
        let node = SchemaNode()
        node.description = value["description"]?.string ?? schema["description"]?.string
        if let example = schema["example"] { node.examples = [example.plain] }
        if case .array(let values)? = schema["enum"] { node.allowed = values.compactMap { SchemaNode.text($0.plain) } }
        if case .object(let object) = schema {
            let extensions = Dictionary(object.entries.filter { $0.key.hasPrefix("x-") }.map { ($0.key, $0.value.plain) },
                                        uniquingKeysWith: { a, _ in a })
            node.allowedDescriptions = SchemaNode.enumDescriptions(extensions, values: node.allowed)
        }
        if case .object(let properties)? = schema["properties"] {
            node.properties = properties.entries.map { ($0.key, Self.node($0.value, document, depth: depth + 1)) }
        }
        if let items = schema["items"] { node.items = [Self.node(items, document, depth: depth + 1)] }
        if case .array(let members)? = schema["allOf"] { node.variants = members.map { Self.node($0, document, depth: depth + 1) } }
        return node
    }
}
