import ArgumentParser

@main
struct ErrAnalyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erranalyze",
        abstract: "Analyse API error traffic in access and JSON logs.",
        discussion: """
        Ingest logs (plain or gzip, any size) into additive aggregates in SQLite, then report
        error rates, retriable vs fatal errors, top codes and routes, and catalogue drift.

        Examples:
          erranalyze ingest /var/log/nginx/access.log*
          erranalyze report --since 24h
          erranalyze report --day yesterday --format json

        Exit status: 0 ok; 1 some input failed (the rest was still ingested); 2 usage error;
        3 a --fail-if threshold was crossed.
        """,
        subcommands: [IngestCommand.self, ReportCommand.self, StatusCommand.self, PruneCommand.self]
    )
}
