import Testing
@testable import ErrAnalyzeKit

@Suite("Markdown table import")
struct ImporterTests {
    @Test("seed 004's tables import completely, rows without a leading pipe and the glued header included")
    func seed004() throws {
        let text = try CatalogueFixtures.seed("004_")
        let result = MarkdownCatalogueImporter.importCatalogue(markdown: text, name: "crm", source: "004.md")
        let catalogue = result.catalogue
        #expect(catalogue.entries.count == 22)
        #expect(catalogue.statusRules.count == 11)
        #expect(result.notes.isEmpty, "\(result.notes)")
        let builtin = try CatalogueFixtures.builtin("crm-connect")
        for entry in builtin.entries {
            let imported = try #require(catalogue.entry(for: entry.code), "\(entry.code)")
            #expect(imported.statuses == entry.statuses)
            #expect(imported.meaning == entry.meaning)
            #expect(imported.action == entry.action)
            #expect(imported.inferredFields.contains("category") && imported.inferredFields.contains("retry"))
        }
        // The retry semantics the resolutions imply, guessed from their wording.
        let retry = { (code: String) in catalogue.entry(for: code)?.retry }
        #expect(retry("PROVIDER_RATE_LIMITED") == .retryAfter)
        #expect(retry("CIRCUIT_OPEN") == .retryAfter)
        #expect(retry("NEEDS_REAUTH") == .userAction(kind: "reconnect"))
        #expect(retry("PROVIDER_AUTH_FAILED") == .userAction(kind: "reconnect"))
        #expect(retry("PROVIDER_UNAVAILABLE") == .backoff)
        #expect(retry("PROVIDER_ERROR") == .backoff)
        #expect(retry("INTERNAL_ERROR") == .backoff)
        #expect(retry("INVALID_INPUT") == .never)
        #expect(retry("FORBIDDEN") == .never)
        #expect(catalogue.entry(for: "PROVIDER_RATE_LIMITED")?.category == "rate_limit")
        #expect(catalogue.entry(for: "CONTACT_NOT_FOUND")?.category == "not_found")
        // The status summary table becomes status rules.
        #expect(catalogue.statusRule(for: 502)?.meaning == "Bad Gateway — provider communication error")
        #expect(catalogue.statusRule(for: 200)?.retry == .never)
        // What the user gets is a valid catalogue.
        let check = CatalogueDecoder.read(text: CatalogueEncoder.text(catalogue), file: "out.json", origin: .memory)
        #expect(check.problems.isEmpty, "\(check.problems.map(\.description))")
    }

    @Test("GFM details: backticks, alignment, escaped pipes, group separators, status classes, skipped tables")
    func gfm() {
        let markdown = """
        # Acme API errors

        | Error code | Status | Description | What to do |
        |:-----------|:------:|-------------|-----------:|
        | `ACME_BAD` | **400** | The body is bad \\| really | Fix it |
        |---|---|---|---|
        | `ACME_SLOW` | 503 | Down for maintenance | Honour the Retry-After header |
        | ACME_BAD | 422 | again | |
        | | 400 | no code | |
        | ACME_IDEMP | 500 | Failed | Retry only with an Idempotency-Key |

        Some prose.

        | Status | Meaning |
        |---|---|
        | 5xx | Server trouble |
        | 4XX | Client trouble |
        | teapot | not a status |

        | Field | Type |
        |---|---|
        | code | string |
        """
        let result = MarkdownCatalogueImporter.importCatalogue(markdown: markdown, name: "acme", source: "acme.md")
        let c = result.catalogue
        #expect(c.title == "Acme API errors")
        #expect(result.tablesFound == 3)
        #expect(c.entries.map(\.code) == ["ACME_BAD", "ACME_SLOW", "ACME_IDEMP"])
        #expect(c.entry(for: "ACME_BAD")?.meaning == "The body is bad | really")
        #expect(c.entry(for: "ACME_BAD")?.statuses == [400])
        #expect(c.entry(for: "ACME_SLOW")?.retry == .retryAfter)
        #expect(c.entry(for: "ACME_SLOW")?.category == "unavailable")
        #expect(c.entry(for: "ACME_IDEMP")?.retry == .ifIdempotent(then: .backoff))
        #expect(c.statusRules.map(\.match) == [.range(5), .range(4)])
        #expect(c.statusRule(for: 503)?.retry == .backoff)
        #expect(c.statusRule(for: 404)?.retry == .never)
        let notes = result.notes.map(\.description)
        #expect(notes.contains { $0.contains("already imported from line 5") })
        #expect(notes.contains { $0.contains("row without a code") })
        #expect(notes.contains { $0.contains("\"teapot\" is not an HTTP status") })
        #expect(notes.contains { $0.contains("has no Code or Status column") })
        #expect(result.notes.count == 4, "\(notes)")
    }

    @Test("status cells: several statuses in order, words around them")
    func statusCells() {
        #expect(MarkdownCatalogueImporter.parseStatuses("400/401").statuses == [400, 401])
        #expect(MarkdownCatalogueImporter.parseStatuses("422, 400 (rare)").statuses == [422, 400])
        #expect(MarkdownCatalogueImporter.parseStatuses("429 Too Many Requests").statuses == [429])
        #expect(MarkdownCatalogueImporter.parseStatuses("14004").statuses == [])
        #expect(MarkdownCatalogueImporter.parseStatuses("5xx").ranges == [.range(5)])
    }

    @Test("a page without pipe tables imports nothing and says why")
    func noTables() throws {
        let result = MarkdownCatalogueImporter.importCatalogue(markdown: try CatalogueFixtures.seed("002_"), name: "x", source: "002")
        #expect(result.catalogue.entries.isEmpty)
        #expect(result.notes.first?.message.contains("no pipe tables") == true)
    }

    @Test("catalogue names derived from file names are valid")
    func names() {
        #expect(CatalogueName.derive(from: "My API Errors") == "my-api-errors")
        #expect(CatalogueName.derive(from: "004_44e86dcff18cba49") == "004-44e86dcff18cba49")
        #expect(CatalogueName.derive(from: "***") == "imported")
        #expect(CatalogueName.derive(from: "all") == "imported")
        #expect(CatalogueName.isValid("crm-connect"))
        #expect(!CatalogueName.isValid("all"))
        #expect(!CatalogueName.isValid("a/b"))
        #expect(!CatalogueName.isValid("Upper"))
    }
}
