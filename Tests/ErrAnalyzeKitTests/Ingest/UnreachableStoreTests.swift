import Foundation
import Testing
@testable import ErrAnalyzeKit

/// A store whose server goes away stops the run: the inputs after it are not read (each would
/// wait for a connection and fail the same way), and each says why in one line; nothing is
/// committed, so the next run counts everything (the logs on disk are the buffer).
@Suite struct UnreachableStoreTests {
    final class VanishedServer: IngestStore {
        let host = "web-1"
        var commits = 0
        var beforeCommit: (() -> Void)?
        func ledgerLookup(head: [UInt8]) throws -> LedgerLookup { LedgerLookup(candidates: [], lastFileID: 0) }
        func ledgerEntry(sourceKey: String) throws -> LedgerEntry? { nil }
        func ledgerEntries() throws -> [LedgerEntry] { [] }
        func commit(_ checkpoint: IngestCheckpoint) throws -> Int64 {
            commits += 1
            throw StoreFailure(.unreachable, "postgresql://ingest:****@db/erranalyze: server unreachable (connection refused)")
        }
    }

    @Test func theFilesAfterAnUnreachableServerAreNotReadAndSaySo() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unreachable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let line = #"1.1.1.1 - - [19/May/2015:10:05:03 +0000] "GET /v1/a HTTP/1.1" 200 10 "-" "c""# + "\n"
        var paths: [String] = []
        for name in ["a.log", "b.log", "c.log"] {
            let path = folder.appendingPathComponent(name).path
            try String(repeating: line, count: 10).write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path)
        }
        let store = VanishedServer()
        var options = IngestOptions(liveFileSeconds: 0)
        options.workers = 1
        let outcomes = IngestEngine(store: store, options: options).ingest(paths: paths)
        #expect(store.commits == 1, "only the first file tried the server")
        let messages = outcomes.compactMap { outcome -> String? in
            if case .failed(_, let error) = outcome { return error }
            return nil
        }
        #expect(messages.count == 3)
        #expect(messages[0].contains("server unreachable") && messages[0].contains("****"))
        for message in messages.dropFirst() {
            #expect(message.contains("not read: the database server cannot be reached"), "\(message)")
            #expect(!message.contains("\n"))
        }
    }
}
