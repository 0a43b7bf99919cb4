import ArgumentParser

/// `erranalyze catalogue …`: inspect, validate and create error catalogues.
struct CatalogueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalogue",
        abstract: "Inspect, validate and create error catalogues.",
        discussion: """
        A catalogue is a JSON file (schema erranalyze.catalogue/v1) listing an API's error codes \
        with their HTTP statuses, category, meaning, action and retry policy, plus status rules \
        for responses without a known code. Built-in catalogues: opsmerge, crm-connect, \
        marketing, extraction, http. The file format is in docs/catalogues.md.

        Precedence: your files first (in the order given), then built-ins (in the order given; \
        default http, opsmerge, crm-connect, marketing, extraction; http is appended when left \
        out). The first catalogue that defines a code, or has a rule for a status, wins. http \
        has only status rules, so by default a response without a known code gets generic HTTP \
        semantics; select an API's catalogue to apply its own status rules.

        Examples:
          erranalyze catalogue list
          erranalyze catalogue show FORBIDDEN
          erranalyze catalogue classify --status 503 --code CIRCUIT_OPEN
          erranalyze catalogue import errors.md --output my-api.json
          erranalyze catalogue validate my-api.json
          erranalyze report --catalogue my-api.json --catalogue all
        """,
        subcommands: [
            CatalogueListCommand.self,
            CatalogueShowCommand.self,
            CatalogueClassifyCommand.self,
            CatalogueValidateCommand.self,
            CatalogueImportCommand.self,
            CatalogueFormatCommand.self,
        ]
    )
}
