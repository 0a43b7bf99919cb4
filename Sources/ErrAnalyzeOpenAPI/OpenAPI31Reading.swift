import ErrAnalyzeKit
import OpenAPIKit

/// An OpenAPI 3.1/3.2 document (or a 3.0 one converted by OpenAPIKitCompat) as a contract.
///
/// References are followed through the document's own components with OpenAPIKit's
/// `Components.lookup` (path items, responses, examples, schemas), rather than by
/// `locallyDereferenced()`, which refuses a document whose schemas refer to themselves
/// (a tree, a linked error `cause`): common in real APIs, and harmless here, where a
/// schema is followed only as deep as an error body's code property.
enum OpenAPI31Reading {
    static func contract(_ document: OpenAPI.Document) throws -> APIContract {
        let components = document.components
        let documentBases = bases(document.servers)
        var operations: [ContractOperation] = []
        for (path, maybeItem) in document.paths {
            let item = try components.lookup(maybeItem)
            let pathBases = item.servers.map(bases) ?? documentBases
            var endpoints = item.endpoints
            endpoints.sort { order($0.method.rawValue) < order($1.method.rawValue) }
            for endpoint in endpoints {
                let operationBases = endpoint.operation.servers.map(bases) ?? pathBases
                var responses: [ResponseFacts] = []
                for (status, maybeResponse) in endpoint.operation.responses {
                    let response = try components.lookup(maybeResponse)
                    responses.append(facts(status.rawValue, response, components))
                }
                for base in operationBases {
                    operations.append(ContractAssembly.operation(
                        method: endpoint.method.rawValue, route: ContractAssembly.route(base: base, path: path.rawValue),
                        id: endpoint.operation.operationId, responses: responses))
                }
            }
        }
        return APIContract(title: document.info.title, version: document.info.version,
                           specVersion: document.openAPIVersion.rawValue, operations: ContractAssembly.ordered(operations))
    }

    static func order(_ method: String) -> Int {
        ContractOperation.methodOrder.firstIndex(of: method.uppercased()) ?? ContractOperation.methodOrder.count
    }

    static func bases(_ servers: [OpenAPI.Server]) -> [String] {
        ContractAssembly.unique(servers.map { server in
            ContractAssembly.basePath(serverURL: server.urlTemplate.rawValue,
                                      defaults: Dictionary(server.variables.map { ($0.key, $0.value.default) }, uniquingKeysWith: { a, _ in a }))
        })
    }

    static func facts(_ key: String, _ response: OpenAPI.Response, _ components: OpenAPI.Components) -> ResponseFacts {
        var schemas: [SchemaNode] = []
        var examples: [(value: Any, summary: String?)] = []
        for (_, maybeContent) in response.content {
            // 3.2 lets a media type be a reference too (components/mediaTypes).
            guard let content = try? components.lookup(maybeContent) else { continue }
            if let schema = content.schema { schemas.append(node(schema, components, depth: 0)) }
            // OpenAPIKit fills `example` from the first of `examples` too: read it alone only.
            if let example = content.example, content.examples == nil { examples.append((example.value, nil)) }
            guard let named = content.examples else { continue }
            for (_, maybeExample) in named {
                guard let example = try? components.lookup(maybeExample), let value = example.dataOrLegacyValue else { continue }
                examples.append((value.value, example.summary))
            }
        }
        return ResponseFacts(key: key, description: response.description, schemas: schemas, examples: examples)
    }

    /// Follows references (and stops at a depth that no error body's code property needs,
    /// which also ends a schema that refers to itself).
    static func node(_ schema: JSONSchema, _ components: OpenAPI.Components, depth: Int) -> SchemaNode {
        guard depth < 16 else { return SchemaNode() }
        let node = SchemaNode()
        node.description = schema.description
        node.examples = schema.examples.map(\.value)
        node.allowed = (schema.allowedValues ?? []).compactMap { SchemaNode.text($0.value) }
        node.allowedDescriptions = SchemaNode.enumDescriptions(schema.vendorExtensions.mapValues(\.value), values: node.allowed)
        switch schema.value {
        case .reference:
            guard let target = try? components.lookupOnce(schema) else { return node }
            let resolved = Self.node(target, components, depth: depth + 1)
            if let description = node.description { resolved.description = description }
            return resolved
        case .object(_, let object):
            node.properties = object.properties.map { ($0.key, Self.node($0.value, components, depth: depth + 1)) }
        case .array(_, let array):
            node.items = array.items.map { [Self.node($0, components, depth: depth + 1)] } ?? []
        case .all(let members, _), .one(let members, _), .any(let members, _):
            node.variants = members.map { Self.node($0, components, depth: depth + 1) }
        default:
            break
        }
        return node
    }
}
