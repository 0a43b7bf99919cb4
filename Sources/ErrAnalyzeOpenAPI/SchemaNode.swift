/// A response body's schema reduced to what finding its error codes needs, so that one
/// finder serves OpenAPI 3.x (through OpenAPIKit) and Swagger 2.0 (our own small model).
/// A class: a struct holding arrays of (name, itself) is a circular type to the compiler.
final class SchemaNode {
    /// Object properties, as written.
    var properties: [(name: String, node: SchemaNode)] = []
    /// An array's item schema (none or one).
    var items: [SchemaNode] = []
    /// `allOf`, `oneOf` and `anyOf` members.
    var variants: [SchemaNode] = []
    /// `enum` or `const` values, as text (numbers as written, booleans and nulls left out).
    var allowed: [String] = []
    /// `x-enum-descriptions` (or `x-enumDescriptions`), parallel to `allowed` where given.
    var allowedDescriptions: [String?] = []
    var description: String?
    /// Examples of the whole value (`example`, `examples`).
    var examples: [Any] = []

    func property(_ name: String) -> SchemaNode? { properties.first { $0.name == name }?.node }

    /// An example or enum value as a code: strings, and whole numbers written without a point.
    static func text(_ value: Any) -> String? {
        switch value {
        case let s as String: return s.isEmpty ? nil : s
        case let b as Bool: _ = b; return nil
        case let i as Int: return String(i)
        case let u as UInt: return String(u)
        case let d as Double: return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : nil
        default: return nil
        }
    }

    /// `x-enum-descriptions`: a list parallel to the values, or a map from value to text.
    static func enumDescriptions(_ extensions: [String: Any], values: [String]) -> [String?] {
        guard let raw = extensions["x-enum-descriptions"] ?? extensions["x-enumDescriptions"] else { return [] }
        if let list = raw as? [Any] { return list.map { $0 as? String } }
        if let map = raw as? [String: Any] { return values.map { map[$0] as? String } }
        return []
    }
}

/// Finds the error codes a response documents: the allowed values of its body's code
/// property (`code`, `error_code`, `errorCode`, at the top or inside `error` / `errors[]`),
/// and the codes of its examples.
enum ErrorCodeFinder {
    static let codeKeys = ["code", "error_code", "errorCode"]
    static let wrapperKeys = ["error", "errors"]
    static let messageKeys = ["message", "detail", "title", "description", "error_description"]

    struct Found: Equatable {
        var code: String
        var description: String?
    }

    /// Codes of a body schema and of its examples, each once, in the order met.
    static func codes(schema: SchemaNode?, examples: [(value: Any, summary: String?)]) -> [Found] {
        var found: [Found] = []
        if let schema {
            found += codes(in: schema, depth: 0)
            found += schema.examples.flatMap { codes(inExample: $0, summary: nil) }
        }
        found += examples.flatMap { codes(inExample: $0.value, summary: $0.summary) }
        var merged: [Found] = []
        for item in found {
            if let at = merged.firstIndex(where: { $0.code == item.code }) {
                if merged[at].description == nil { merged[at].description = item.description }
            } else {
                merged.append(item)
            }
        }
        return merged
    }

    static func codes(in schema: SchemaNode, depth: Int) -> [Found] {
        guard depth < 12 else { return [] }
        var found: [Found] = []
        for variant in schema.variants { found += codes(in: variant, depth: depth + 1) }
        for key in codeKeys {
            if let property = schema.property(key) { found += allowedValues(property, depth: depth + 1) }
        }
        for key in wrapperKeys {
            guard let wrapper = schema.property(key) else { continue }
            found += codes(in: wrapper, depth: depth + 1)
            for item in wrapper.items { found += codes(in: item, depth: depth + 1) }
            for variant in wrapper.variants { for item in variant.items { found += codes(in: item, depth: depth + 1) } }
        }
        return found
    }

    /// The values a code property allows: its `enum`/`const`, or those of its variants
    /// (`oneOf: [{const: A, description: …}, …]`, a common way to describe each code).
    static func allowedValues(_ node: SchemaNode, depth: Int) -> [Found] {
        guard depth < 12 else { return [] }
        var found: [Found] = []
        for (index, value) in node.allowed.enumerated() {
            let listed = index < node.allowedDescriptions.count ? node.allowedDescriptions[index] : nil
            found.append(Found(code: value, description: listed ?? (node.allowed.count == 1 ? node.description : nil)))
        }
        for variant in node.variants { found += allowedValues(variant, depth: depth + 1) }
        return found
    }

    /// The code of an example body: `{"code": …}`, `{"error": {"code": …}}`,
    /// `{"errors": [{"code": …}]}`; described by the example's summary, else its message.
    static func codes(inExample value: Any, summary: String?) -> [Found] {
        guard let object = value as? [String: Any] else { return [] }
        for key in codeKeys {
            if let raw = object[key], let code = SchemaNode.text(raw) {
                let message = messageKeys.lazy.compactMap { object[$0] as? String }.first { !$0.isEmpty }
                return [Found(code: code, description: summary ?? message)]
            }
        }
        for key in wrapperKeys {
            if let inner = object[key] as? [String: Any] { return codes(inExample: inner, summary: summary) }
            if let list = object[key] as? [Any] { return list.flatMap { codes(inExample: $0, summary: summary) } }
        }
        return []
    }
}
