import ErrAnalyzeKit
import Foundation
import OpenAPIKit
import OpenAPIKit30
import OpenAPIKitCompat
import Yams

/// Reads an API description, YAML or JSON, into an `APIContract`: OpenAPI 3.1 and 3.2 with
/// OpenAPIKit, 3.0 with OpenAPIKit30 converted to 3.1 by OpenAPIKitCompat, and Swagger 2.0
/// (which OpenAPIKit does not read) with Yams or Foundation into `SwaggerDocument`.
public enum OpenAPIDocumentReader {
    /// A document that cannot be read, with what is wrong and where.
    public struct ReadError: Error, CustomStringConvertible {
        public var file: String
        public var message: String
        public var description: String { "\(file): \(message)" }
    }

    /// Reads the file at `path`.
    public static func read(path: String) throws(ReadError) -> APIContract {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw ReadError(file: path, message: "cannot read: " + (!exists ? "no such file" : isDirectory.boolValue ? "it is a directory" : "permission denied"))
        }
        return try read(data: data, file: path)
    }

    /// Reads a document's bytes, naming `file` in errors.
    public static func read(data: Data, file: String) throws(ReadError) -> APIContract {
        let json = isJSON(data)
        let version: String
        let document: ParsedDocument
        do {
            document = try ParsedDocument(data)
            let probe = try document.decode(VersionProbe.self)
            guard let found = probe.openapi ?? probe.swagger else {
                throw ReadError(file: file, message: "not an OpenAPI or Swagger document (no 'openapi' or 'swagger' key at the top)")
            }
            version = found
        } catch let error as ReadError {
            throw error
        } catch {
            throw ReadError(file: file, message: "not valid \(json ? "JSON" : "YAML"): \(describe(error))")
        }
        do {
            if version.hasPrefix("2.") || version == "2" {
                return SwaggerReading.contract(try document.decode(SwaggerDocument.self))
            }
            if version.hasPrefix("3.0") {
                let old = try document.decode(OpenAPIKit30.OpenAPI.Document.self)
                return try OpenAPI31Reading.contract(old.convert(to: .v3_1_0))
            }
            if version.hasPrefix("3.") {
                return try OpenAPI31Reading.contract(try document.decode(OpenAPIKit.OpenAPI.Document.self))
            }
        } catch let error as ReadError {
            throw error
        } catch {
            throw ReadError(file: file, message: "not a valid OpenAPI \(version) document: \(describe(error))")
        }
        throw ReadError(file: file, message: "OpenAPI \(version) is not supported; erranalyze reads Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2")
    }

    /// Whether `data` is an API description (it has a top-level `openapi` or `swagger`
    /// key), for commands that take several kinds of file.
    public static func isDocument(_ data: Data) -> Bool {
        guard let probe = try? decode(VersionProbe.self, data, json: isJSON(data)) else { return false }
        return probe.openapi != nil || probe.swagger != nil
    }

    /// JSON starts with `{` (after white space or a byte-order mark); anything else is read as YAML.
    static func isJSON(_ data: Data) -> Bool {
        for byte in data.prefix(4096) {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF: continue
            default: return byte == UInt8(ascii: "{")
            }
        }
        return false
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data, json: Bool) throws -> T {
        json ? try JSONDecoder().decode(type, from: data) : try YAMLDecoder().decode(type, from: data)
    }

    /// OpenAPIKit's own account of a document error (which key, which path), else the
    /// decoder's, with its coding path.
    static func describe(_ error: Error) -> String {
        if let error = error as? DecodingError {
            let context: DecodingError.Context?
            switch error {
            case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c): context = c
            @unknown default: context = nil
            }
            if let context {
                let path = context.codingPath.map(\.stringValue).joined(separator: ".")
                let openAPI = OpenAPIKit.OpenAPI.Error(from: error).localizedDescription
                return openAPI.isEmpty ? (path.isEmpty ? "" : "at \(path): ") + context.debugDescription : openAPI
            }
        }
        if let error = error as? YamlError { return "\(error)" }
        return "\(error)"
    }

    /// The version keys, read before choosing a decoder (`swagger: 2.0` unquoted is a number).
    struct VersionProbe: Decodable {
        var openapi: String?
        var swagger: String?

        enum CodingKeys: String, CodingKey { case openapi, swagger }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            openapi = Self.text(container, .openapi)
            swagger = Self.text(container, .swagger)
        }

        static func text(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) -> String? {
            if let s = try? container.decode(String.self, forKey: key) { return s }
            if let d = try? container.decode(Double.self, forKey: key) { return String(d) }
            return nil
        }
    }
}
