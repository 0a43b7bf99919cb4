import ArgumentParser

@main
struct ErrAnalyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erranalyze",
        abstract: "Analyse API error traffic in access and JSON logs.",
        subcommands: [CatalogueCommand.self]
    )
}
