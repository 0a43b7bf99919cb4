import ArgumentParser
import ErrAnalyzeKit
import Foundation

extension IngestCommand {
    /// `erranalyze ingest` without file names: every `[[source]]` of the config file, each with
    /// its own format and route rules. A format flag or `--route` on the command line replaces
    /// the source's; a pattern that matches no file is a note (rotated logs come and go).
    func ingestConfiguredSources(_ sources: [LogSource]) throws {
        var failed = false
        for source in sources {
            let (paths, unmatched) = source.expandedPaths()
            if !quiet {
                for pattern in unmatched { Terminal.standardError("note: source \(source.name): \(pattern) matches no file\n") }
            }
            guard !paths.isEmpty else { continue }
            var command = self
            command.files = paths
            if format == nil && logFormat == nil && jsonFields == nil {
                switch source.format {
                case .preset(let name): command.format = name
                case .logFormat(let text): command.logFormat = text
                case .jsonFields(let text): command.jsonFields = text
                case nil: break
                }
            }
            if route.isEmpty { command.route = source.routes }
            if host == nil { command.host = source.host }
            do {
                try command.validate()
                try command.run()
            } catch let exit as ExitCode where exit.rawValue == 1 {
                failed = true   // the message is out; the other sources still run
            }
        }
        if failed { throw ExitCode(1) }
    }
}
