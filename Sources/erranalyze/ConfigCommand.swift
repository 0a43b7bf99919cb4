import ArgumentParser
import ErrAnalyzeKit
import Foundation

/// `erranalyze config check|show`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the config file, or show the settings that apply.",
        discussion: """
        The config file (TOML) names the database, the catalogues and the log sources that \
        `erranalyze ingest` reads when given no file. See docs/operations.md, "Configuration".
        """,
        subcommands: [ConfigCheckCommand.self, ConfigShowCommand.self]
    )

    /// The file named by `--config`, else the default one, else a message listing where it looked.
    static func resolve(_ explicit: String?) throws -> String {
        if let explicit { return explicit }
        let environment = ProcessInfo.processInfo.environment
        if let path = ConfigFileLocation.defaultPath(environment: environment) { return path }
        Terminal.error("no config file; looked for \(ConfigFileLocation.candidates(environment: environment).joined(separator: " and "))")
        throw ExitCode(1)
    }
}

struct ConfigCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Report every problem of the config file with its line and column.",
        discussion: """
        Problems are printed as FILE:LINE:COLUMN: error: KEY: MESSAGE; an unknown key is an \
        error. Exits 0 when the file is valid, 1 otherwise.

        Examples:
          erranalyze config check
          erranalyze config check --config /etc/erranalyze/config.toml
        """
    )

    // Not ConfigOptions: that one stops at the first broken file; this command reports it.
    @Option(name: .long, help: ArgumentHelp("The config file (default: the one every command reads).", valueName: "path"))
    var config: String?

    func run() throws {
        let path = try ConfigCommand.resolve(config)
        let result = ConfigReader.read(path: path)
        for problem in result.problems { print(problem.description) }
        guard let configuration = result.configuration else {
            print("\(path): not valid (\(result.problems.count) problem\(result.problems.count == 1 ? "" : "s"))")
            throw ExitCode(1)
        }
        let count = configuration.sources.count
        print("\(path): valid (\(count) source\(count == 1 ? "" : "s"))")
    }
}

struct ConfigShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the configuration that applies, as TOML (passwords masked).",
        discussion: """
        The config file's settings, and the database that commands use when no --db is given \
        (from $ERRANALYZE_DB, the file, or the default path). A password in a database URI is \
        printed as ****.
        """
    )

    @Option(name: .long, help: ArgumentHelp("The config file (default: the one every command reads).", valueName: "path"))
    var config: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try ActiveConfiguration.load(explicit: config)
        ActiveConfiguration.current = configuration
        var text = configuration?.tomlText()
            ?? "# no config file (looked for \(ConfigFileLocation.candidates(environment: environment).joined(separator: " and ")))\n"
        let database = try DatabaseOptions.parse([]).path()
        if configuration?.database == nil || ActiveConfiguration.database(environment: environment) == nil {
            text += "# database used: \(Configuration.maskingPassword(database))\n"
        }
        Terminal.output(text)
    }
}
