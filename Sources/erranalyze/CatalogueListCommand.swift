import ArgumentParser
import ErrAnalyzeKit

/// `catalogue list`: the active catalogues in precedence order, with counts.
struct CatalogueListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the active catalogues in precedence order.",
        discussion: """
        Examples:
          erranalyze catalogue list
          erranalyze catalogue list --codes --catalogue crm-connect
          erranalyze catalogue list --rules --catalogue marketing
          erranalyze catalogue list --format json
        """
    )

    @OptionGroup var selection: CatalogueSelectionOptions
    @OptionGroup var config: ConfigOptions

    @Flag(help: "List every code (codes shadowed by a catalogue with higher precedence are marked).")
    var codes = false

    @Flag(help: "List every status rule.")
    var rules = false

    @Option(help: "Output format: text or json.")
    var format: CatalogueOutputFormat = .text

    func run() throws {
        let catalogues = try selection.load()
        let set = CatalogueSet(catalogues)
        switch format {
        case .json: CatalogueCLI.write(json: json(set))
        case .text: print(text(set))
        }
    }

    private func text(_ set: CatalogueSet) -> String {
        var rows = [["#", "NAME", "CODES", "RULES", "VERSION", "ORIGIN", "TITLE"]]
        for (i, c) in set.catalogues.enumerated() {
            rows.append([String(i + 1), c.name, String(c.entries.count), String(c.statusRules.count), c.version,
                         c.origin.description, c.title])
        }
        var out = CatalogueCLI.table(rows)
        let shared = set.sharedCodes
        if !shared.isEmpty {
            out += "\n\nThe first catalogue wins where several define a code; shared here: \(shared.joined(separator: ", "))."
        }
        if codes {
            var codeRows = [["CODE", "STATUSES", "CATEGORY", "RETRY", "CATALOGUE"]]
            for catalogue in set.catalogues {
                for entry in catalogue.entries {
                    let winner = set.definition(of: entry.code)?.catalogue.name
                    let where_ = winner == catalogue.name ? catalogue.name : "\(catalogue.name) (shadowed by \(winner ?? "?"))"
                    codeRows.append([entry.code, entry.statuses.map(String.init).joined(separator: "/"), entry.category,
                                     retryLabel(entry.retry), where_])
                }
            }
            out += "\n\n" + CatalogueCLI.table(codeRows)
        }
        if rules {
            var ruleRows = [["STATUS", "CATEGORY", "RETRY", "CATALOGUE", "MEANING"]]
            for catalogue in set.catalogues {
                for rule in catalogue.statusRules.sorted(by: { $0.match < $1.match }) {
                    ruleRows.append([rule.match.description, rule.category, retryLabel(rule.retry), catalogue.name, rule.meaning])
                }
            }
            out += "\n\n" + CatalogueCLI.table(ruleRows)
        }
        return out
    }

    private func retryLabel(_ policy: RetryPolicy) -> String {
        switch policy {
        case .userAction(let kind): return "user_action:\(kind)"
        case .ifIdempotent(let then): return then == .backoff ? "if_idempotent" : "if_idempotent:\(then.rawValue)"
        default: return policy.name
        }
    }

    private func json(_ set: CatalogueSet) -> OrderedJSON {
        .object([
            ("catalogues", .array(set.catalogues.enumerated().map { i, c in
                .object([
                    ("precedence", .int(i + 1)),
                    ("name", .string(c.name)),
                    ("title", .string(c.title)),
                    ("version", .string(c.version)),
                    ("source", .string(c.source)),
                    ("origin", .string(c.origin.description)),
                    ("builtin", .bool(c.origin.isBuiltin)),
                    ("code_count", .int(c.entries.count)),
                    ("status_rule_count", .int(c.statusRules.count)),
                    ("codes", codes ? .array(c.entries.map(CatalogueEncoder.json)) : nil),
                    ("status_rules", rules ? .array(c.statusRules.map(CatalogueEncoder.json)) : nil),
                ])
            })),
            ("shared_codes", .array(set.sharedCodes.map(OrderedJSON.string))),
        ])
    }
}
