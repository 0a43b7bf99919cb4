import Foundation
import Testing
@testable import ErrAnalyzeKit

@Suite("Built-in catalogue loading")
struct BuiltinLoadingTests {
    @Test("the built-ins are compiled in and load in order")
    func found() throws {
        let all = try BuiltinCatalogues.all()
        #expect(all.map(\.name) == BuiltinCatalogues.order)
        #expect(all.allSatisfy { $0.origin == .builtin })
    }

    /// The drift check: a catalogue edited without running Scripts/embed-catalogues fails here.
    @Test("the compiled-in text is byte for byte the JSON files in Catalogue/Builtin (run Scripts/embed-catalogues)")
    func embeddedMatchesSources() throws {
        let directory = CatalogueFixtures.builtinSources
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(EmbeddedCatalogues.files.map(\.name) == onDisk)
        for file in EmbeddedCatalogues.files {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(file.name))
            #expect(Array(file.text.utf8) == Array(bytes), "\(file.name) differs from its compiled-in copy: run Scripts/embed-catalogues")
        }
    }

    @Test("a built-in is validated by name from its compiled-in text")
    func readByName() throws {
        let result = try #require(BuiltinCatalogues.read(named: "opsmerge"))
        #expect(result.problems.isEmpty)
        #expect(result.catalogue?.name == "opsmerge")
        #expect(BuiltinCatalogues.read(named: "nope") == nil)
    }

    @Test("a broken built-in is an error naming the file, not a crash")
    func brokenBuiltin() throws {
        do {
            _ = try BuiltinCatalogues.load(files: [("http.json", "{\"schema\": \"erranalyze.catalogue/v1\", \"name\": \"http\",")])
            Issue.record("must throw")
        } catch {
            guard case .invalid(let file, _) = error else { Issue.record("\(error)"); return }
            #expect(file == "http.json (built-in)")
        }
    }

    @Test("a built-in whose name differs from its file name is rejected")
    func nameMismatch() throws {
        #expect(throws: CatalogueError.self) {
            try BuiltinCatalogues.load(files: [("http.json", CatalogueFixtures.catalogueJSON(name: "other"))])
        }
    }
}
