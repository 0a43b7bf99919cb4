import ArgumentParser
import ErrAnalyzeKit
import Foundation

/// `--config PATH`, on every command: the config file whose settings apply where no flag is
/// given. Without it, `$XDG_CONFIG_HOME/erranalyze/config.toml` (`~/.config/…`), else
/// `/etc/erranalyze/config.toml`, if one exists.
///
/// It is read while the command line is parsed (ArgumentParser validates option groups as it
/// decodes them), so a broken file stops every command with its problems and status 2, and
/// the options that fall back to it (`--db`, `--catalogue`) find it in `ActiveConfiguration`.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The config file (TOML).",
        discussion: "Default: $XDG_CONFIG_HOME/erranalyze/config.toml, else /etc/erranalyze/config.toml, if present. Flags override it.",
        valueName: "path"))
    var config: String?

    mutating func validate() throws {
        ActiveConfiguration.current = try ActiveConfiguration.load(explicit: config)
    }
}

/// The configuration this invocation runs with (nil: no config file).
enum ActiveConfiguration {
    nonisolated(unsafe) static var current: Configuration?

    /// Reads `explicit`, else the default file if one exists; problems end the command (status 2).
    static func load(explicit: String?) throws -> Configuration? {
        let environment = ProcessInfo.processInfo.environment
        guard let path = explicit ?? ConfigFileLocation.defaultPath(environment: environment) else { return nil }
        let result = ConfigReader.read(path: path)
        guard let configuration = result.configuration else {
            for problem in result.problems { Terminal.error(problem.description) }
            Terminal.error("the config file has problems (erranalyze config check --config \(path))")
            throw ExitCode(2)
        }
        return configuration
    }

    /// The config file's `database`, unless `$ERRANALYZE_DB` names one (the environment of one
    /// run is more specific than a file shared by every run).
    static func database(environment: [String: String]) -> String? {
        if let explicit = environment["ERRANALYZE_DB"], !explicit.isEmpty { return nil }
        return current?.database
    }

    /// The config file's `catalogues`, or no selection (every built-in).
    static var catalogues: [String] { current?.catalogues ?? [] }
}
