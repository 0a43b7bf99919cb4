import ArgumentParser
import ErrAnalyzeKit

/// `catalogue show CODE`: every active catalogue's entry for a code, and which one applies.
struct CatalogueShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show every active catalogue's entry for a code (or the rules for a status).",
        discussion: """
        Codes are case-sensitive, as emitted: FORBIDDEN and forbidden are different codes. \
        When no catalogue defines CODE and it looks like a status (503) or a status class \
        (5xx), the status rules for it are shown instead. Exits 1 when nothing matches.

        Examples:
          erranalyze catalogue show FORBIDDEN
          erranalyze catalogue show forbidden --catalogue marketing
          erranalyze catalogue show 503
          erranalyze catalogue show CIRCUIT_OPEN --format json
        """
    )

    @Argument(help: ArgumentHelp("The error code exactly as logged, or an HTTP status.", valueName: "CODE"))
    var code: String

    @OptionGroup var selection: CatalogueSelectionOptions
    @OptionGroup var config: ConfigOptions

    @Option(help: "Output format: text or json.")
    var format: CatalogueOutputFormat = .text

    func run() throws {
        let set = CatalogueSet(try selection.load())
        let definitions = set.definitions(of: code)
        if !definitions.isEmpty {
            switch format {
            case .text: print(text(definitions))
            case .json: CatalogueCLI.write(json: .object([("code", .string(code)), ("definitions", .array(definitions.enumerated().map { i, d in
                .object([("catalogue", .string(d.catalogue.name)), ("applies", .bool(i == 0)),
                         ("idempotent_methods", .array(d.catalogue.idempotentMethods.map(OrderedJSON.string))),
                         ("entry", CatalogueEncoder.json(d.entry))])
            }))]))
            }
            return
        }
        if let match = StatusMatch(code) {
            let rules = set.statusRules(matching: match)
            if !rules.isEmpty {
                switch format {
                case .text: print(text(match, rules))
                case .json: CatalogueCLI.write(json: .object([("status", .string(match.description)), ("rules", .array(rules.enumerated().map { i, r in
                    .object([("catalogue", .string(r.catalogue.name)), ("applies", .bool(i == 0)),
                             ("rule", CatalogueEncoder.json(r.rule))])
                }))]))
                }
                return
            }
        }
        var message = "no active catalogue defines code '\(code)'"
        let lowered = code.lowercased()
        var similar: [String: [String]] = [:]
        for catalogue in set.catalogues {
            for entry in catalogue.entries where entry.code.lowercased() == lowered {
                similar[entry.code, default: []].append(catalogue.name)
            }
        }
        if !similar.isEmpty {
            let hints = similar.keys.sorted().map { "\($0) (\(similar[$0]!.joined(separator: ", ")))" }
            message += " (codes are case-sensitive); did you mean \(hints.joined(separator: " or "))?"
        } else {
            message += "; active catalogues: \(set.catalogues.map(\.name).joined(separator: ", "))"
        }
        CatalogueCLI.printError(message)
        throw CatalogueCLI.inputFailed
    }

    private func text(_ definitions: [CatalogueSet.CodeDefinition]) -> String {
        var blocks: [String] = []
        let winner = definitions[0].catalogue.name
        for (i, d) in definitions.enumerated() {
            let e = d.entry
            let heading = "\(e.code) in \(d.catalogue.name)" + (definitions.count == 1 ? "" : i == 0 ? " (applies: first in precedence)" : " (shadowed by \(winner))")
            var rows: [[String]] = [
                ["  statuses", e.statuses.isEmpty ? "(none documented)" : e.statuses.map(String.init).joined(separator: ", ")],
                ["  category", e.category],
                ["  meaning", e.meaning],
                ["  action", e.action],
                ["  retry", CatalogueCLI.describe(e.retry, idempotentMethods: d.catalogue.idempotentMethods)],
            ]
            if let inferred = CatalogueCLI.inferredLabel(e.inferred, e.inferredFields) { rows.append(["  inferred", inferred]) }
            if let note = e.note { rows.append(["  note", note]) }
            rows.append(["  source", "\(d.catalogue.title) (\(d.catalogue.origin))"])
            blocks.append(heading + "\n" + CatalogueCLI.table(rows))
        }
        return blocks.joined(separator: "\n\n")
    }

    private func text(_ match: StatusMatch, _ rules: [CatalogueSet.RuleDefinition]) -> String {
        var blocks: [String] = []
        for (i, r) in rules.enumerated() {
            let rule = r.rule
            let heading = "status \(match) in \(r.catalogue.name) (rule \(rule.match))" + (rules.count == 1 ? "" : i == 0 ? " (applies to responses without a known code)" : " (shadowed by \(rules[0].catalogue.name))")
            var rows: [[String]] = [
                ["  category", rule.category],
                ["  meaning", rule.meaning],
                ["  action", rule.action],
                ["  retry", CatalogueCLI.describe(rule.retry, idempotentMethods: r.catalogue.idempotentMethods)],
            ]
            if let inferred = CatalogueCLI.inferredLabel(rule.inferred, rule.inferredFields) { rows.append(["  inferred", inferred]) }
            if let note = rule.note { rows.append(["  note", note]) }
            blocks.append(heading + "\n" + CatalogueCLI.table(rows))
        }
        return blocks.joined(separator: "\n\n")
    }
}
