import Foundation
import Yams

/// A document's bytes parsed once, for every decoding that reads them (the version probe,
/// then the document itself): YAML into one node tree, JSON kept as bytes (JSONDecoder is
/// quick). Parsing YAML is most of the cost of reading a document, and the probe alone
/// used to parse it a second time.
struct ParsedDocument {
    let json: Bool
    private let data: Data
    /// Kept alive while the nodes are decoded: nodes hold their anchors only weakly.
    private let parser: Parser?
    private let root: Node?

    /// - Throws: `YamlError` for bytes that are not UTF-8 or not YAML.
    init(_ data: Data) throws {
        self.data = data
        json = OpenAPIDocumentReader.isJSON(data)
        if json {
            parser = nil
            root = nil
            return
        }
        guard let text = String(data: data, encoding: .utf8) else { throw YamlError.dataCouldNotBeDecoded(encoding: .utf8) }
        // As YAMLDecoder parses: plain scalars stay strings for the decoder to read, `<<` merges.
        let parser = try Parser(yaml: text, resolver: Resolver.basic.appending(.merge), encoding: .utf8)
        self.parser = parser
        root = try parser.singleRoot() ?? ""
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard let root else { return try JSONDecoder().decode(type, from: data) }
        return try withExtendedLifetime(parser) { try YAMLDecoder().decode(type, from: root) }
    }
}
