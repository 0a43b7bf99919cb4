import Foundation
import Testing

/// The command line itself: version and help.
@Suite struct CLITests {
    @Test func versionNamesTheReleaseAndTheSchema() throws {
        let h = try Harness()
        let result = try h.run(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("erranalyze 0."), "\(result.stdout)")
        #expect(result.stdout.contains("database schema 7; PostgreSQL schema 3"), "\(result.stdout)")
    }

    @Test func helpListsEverySubcommand() throws {
        let h = try Harness()
        let result = try h.run(["--help"])
        #expect(result.status == 0, "\(result.stderr)")
        for name in ["ingest", "report", "catalogue", "status", "prune"] {
            #expect(result.stdout.contains("  \(name)"), "\(name) in:\n\(result.stdout)")
        }
    }
}
