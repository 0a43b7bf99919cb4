import Foundation
import TestSupport
@testable import ErrAnalyzeKit

/// Paths and fixtures shared by the catalogue tests.
enum CatalogueFixtures {
    /// The package root, found from this file's path (Tests/ErrAnalyzeKitTests/Catalogue/…).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built-in catalogues' JSON sources, which Scripts/embed-catalogues compiles in.
    static let builtinSources = packageRoot.appendingPathComponent("Sources/ErrAnalyzeKit/Catalogue/Builtin")

    /// `../shared/seeds` next to the package (the project's shared folder).
    static let seeds = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/seeds")

    /// The text of the seed whose file name starts with `prefix` (`"002_"`).
    static func seed(_ prefix: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: seeds.path)
        guard let name = names.sorted().first(where: { $0.hasPrefix(prefix) }) else {
            throw FixtureError("no seed \(prefix)* in \(seeds.path)")
        }
        return try String(contentsOf: seeds.appendingPathComponent(name), encoding: .utf8)
    }

    static func builtin(_ name: String) throws -> Catalogue {
        guard let catalogue = try BuiltinCatalogues.named(name) else { throw FixtureError("no built-in \(name)") }
        return catalogue
    }

    /// Writes `text` to a fresh temporary file and returns its path.
    static func temporaryFile(_ text: String, name: String = "catalogue.json") throws -> String {
        let directory = try ScratchFolders.make("erranalyze-tests")
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Whitespace runs collapsed, so that a re-wrapped paragraph compares equal.
    static func normalized(_ text: some StringProtocol) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// A minimal valid catalogue file with the given entries and rules (JSON fragments).
    static func catalogueJSON(name: String = "mine", codes: [String] = [], rules: [String] = [], extra: String = "") -> String {
        """
        {
          "schema": "erranalyze.catalogue/v1",
          "name": "\(name)",\(extra)
          "codes": [\(codes.joined(separator: ",\n"))],
          "status_rules": [\(rules.joined(separator: ",\n"))]
        }
        """
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
