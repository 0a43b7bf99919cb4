import Foundation
import Testing
@testable import ErrAnalyzeKit

@Suite("Built-in catalogue loading")
struct BuiltinLoadingTests {
    @Test("the built-ins are found as package resources and load in order")
    func found() throws {
        let directory = try BuiltinCatalogues.directory()
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("opsmerge.json").path))
        let all = try BuiltinCatalogues.all()
        #expect(all.map(\.name) == BuiltinCatalogues.order)
        #expect(all.allSatisfy { $0.origin == .builtin })
    }

    @Test("the search covers the places a moved binary or an installed package would use")
    func candidates() {
        let paths = BuiltinCatalogues.candidateDirectories().map(\.path)
        #expect(paths.contains { $0.hasSuffix("erranalyze_ErrAnalyzeKit.resources/Builtin") })
        #expect(paths.contains { $0.hasSuffix("share/erranalyze/erranalyze_ErrAnalyzeKit.resources/Builtin") })
        #expect(paths.last?.hasSuffix("Sources/ErrAnalyzeKit/Catalogue/Builtin") == true)
    }

    @Test("a directory holding a broken built-in is an error naming the file, not a crash")
    func brokenBuiltin() throws {
        let path = try CatalogueFixtures.temporaryFile("{\"schema\": \"erranalyze.catalogue/v1\", \"name\": \"http\",", name: "http.json")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            _ = try BuiltinCatalogues.load(from: directory)
            Issue.record("must throw")
        } catch {
            guard case .invalid(let file, _) = error else { Issue.record("\(error)"); return }
            #expect(file == path)
        }
    }

    @Test("a built-in whose name differs from its file name is rejected")
    func nameMismatch() throws {
        let path = try CatalogueFixtures.temporaryFile(CatalogueFixtures.catalogueJSON(name: "other"), name: "http.json")
        #expect(throws: CatalogueError.self) {
            try BuiltinCatalogues.load(from: URL(fileURLWithPath: path).deletingLastPathComponent())
        }
    }

    @Test("missing built-ins produce a message that lists where it looked")
    func missingMessage() {
        let error = CatalogueError.builtinsMissing(searched: ["/a", "/b"])
        #expect(error.description.contains("/a"))
        #expect(error.description.contains(BuiltinCatalogues.environmentVariable))
    }
}
