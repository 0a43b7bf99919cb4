/// The part of a Swagger 2.0 document a contract needs, decoded with `Decodable` (from JSON
/// by Foundation, from YAML by Yams): OpenAPIKit reads OpenAPI 3.0 and later only.
///
/// Schemas, examples and vendor extensions are kept as plain values (`SwaggerValue`) and
/// read by `SwaggerReading`, which follows `#/definitions/…` and `#/responses/…` references.
struct SwaggerDocument: Decodable {
    struct Info: Decodable {
        var title: String?
        var version: String?
    }

    var swagger: String
    var info: Info?
    var basePath: String?
    /// Path → its keys: methods (and `parameters`, `$ref`, `x-…`, which are not operations).
    var paths: OrderedKeys<SwaggerValue>?
    var definitions: [String: SwaggerValue]?
    /// Shared responses (`#/responses/NotFound`).
    var responses: [String: SwaggerValue]?

    enum CodingKeys: String, CodingKey { case swagger, info, basePath, paths, definitions, responses }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // `swagger: 2.0` without quotes is a number in YAML.
        if let text = try? container.decode(String.self, forKey: .swagger) {
            swagger = text
        } else {
            swagger = String(try container.decode(Double.self, forKey: .swagger))
        }
        info = try container.decodeIfPresent(Info.self, forKey: .info)
        basePath = try container.decodeIfPresent(String.self, forKey: .basePath)
        paths = try container.decodeIfPresent(OrderedKeys<SwaggerValue>.self, forKey: .paths)
        definitions = try container.decodeIfPresent([String: SwaggerValue].self, forKey: .definitions)
        responses = try container.decodeIfPresent([String: SwaggerValue].self, forKey: .responses)
    }
}

/// A JSON or YAML value as plain data.
indirect enum SwaggerValue: Decodable {
    case object(OrderedKeys<SwaggerValue>)
    case array([SwaggerValue])
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([SwaggerValue].self) { self = .array(value) }
        else { self = .object(try container.decode(OrderedKeys<SwaggerValue>.self)) }
    }

    subscript(key: String) -> SwaggerValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    var string: String? { if case .string(let s) = self { return s }; return nil }

    /// As Foundation-style plain values (`[String: Any]`, `[Any]`, `String`, `Int`…), for examples.
    var plain: Any {
        switch self {
        case .object(let object): return Dictionary(object.entries.map { ($0.key, $0.value.plain) }, uniquingKeysWith: { a, _ in a })
        case .array(let list): return list.map(\.plain)
        case .string(let s): return s
        case .number(let d): return d
        case .integer(let i): return i
        case .bool(let b): return b
        case .null: return Optional<Any>.none as Any
        }
    }
}

/// A mapping decoded with its keys in document order (paths, methods and responses are
/// listed as written).
struct OrderedKeys<Value: Decodable>: Decodable {
    var entries: [(key: String, value: Value)]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        entries = try container.allKeys.map { ($0.stringValue, try container.decode(Value.self, forKey: $0)) }
    }

    subscript(key: String) -> Value? { entries.first { $0.key == key }?.value }
}
