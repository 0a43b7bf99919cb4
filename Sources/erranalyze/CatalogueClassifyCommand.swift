import ArgumentParser
import ErrAnalyzeKit

/// `catalogue classify`: how one response would be classified, and why.
struct CatalogueClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify one response (status, code, method…) and explain the decision.",
        discussion: """
        Useful to check a catalogue before running a report: shows the category, whether the \
        response counts as retriable or fatal, and which catalogue entry or status rule decided.

        Examples:
          erranalyze catalogue classify --status 403 --code NEEDS_REAUTH
          erranalyze catalogue classify --status 503 --method POST \\
              --catalogue marketing
          erranalyze catalogue classify --status 503 --method POST \\
              --idempotency-key --catalogue marketing
        """
    )

    @Option(help: "The HTTP status.")
    var status: Int

    @Option(help: "The error code as logged (case-sensitive).")
    var code: String?

    @Option(help: "The request method.")
    var method: String = ""

    @Flag(help: "The request carried an Idempotency-Key header.")
    var idempotencyKey = false

    @Flag(help: "The response carried a Retry-After header.")
    var retryAfter = false

    @OptionGroup var selection: CatalogueSelectionOptions
    @OptionGroup var config: ConfigOptions

    @Option(help: "Output format: text or json.")
    var format: CatalogueOutputFormat = .text

    func run() throws {
        let classifier = Classifier(catalogues: try selection.load())
        let input = ClassificationInput(status: status, code: code, method: method.uppercased(),
                                        idempotencyKeySent: idempotencyKey, retryAfterSent: retryAfter)
        let c = classifier.classify(input)
        let verdict = status < 400 ? "not an error" : c.retriable ? "retriable" : "fatal"
        let decidedBy = c.statusRule.map { "status rule \($0) of \(c.catalogue)" } ?? "code entry in \(c.catalogue)"
        let drift = c.isStatusDrift(status: status)
        switch format {
        case .json:
            CatalogueCLI.write(json: .object([
                ("status", .int(status)),
                ("code", code.map(OrderedJSON.string) ?? .null),
                ("method", .string(input.method)),
                ("idempotency_key_sent", .bool(idempotencyKey)),
                ("retry_after_sent", .bool(retryAfter)),
                ("error", .bool(status >= 400)),
                ("retriable", .bool(c.retriable)),
                ("category", .string(c.category)),
                ("known_code", .bool(c.knownCode)),
                ("meaning", .string(c.meaning)),
                ("advice", .string(c.advice)),
                ("retry", CatalogueEncoder.json(c.retryPolicy)),
                ("catalogue", .string(c.catalogue)),
                ("status_rule", c.statusRule.map(OrderedJSON.string) ?? .null),
                ("documented_statuses", .array(c.documentedStatuses.map(OrderedJSON.int))),
                ("status_drift", .bool(drift)),
                ("inferred", .bool(c.inferred)),
            ]))
        case .text:
            let methods = classifier.catalogueSet.catalogues.first { $0.name == c.catalogue }?.idempotentMethods ?? []
            var rows: [[String]] = [
                ["verdict", verdict],
                ["category", c.category],
                ["meaning", c.meaning],
                ["advice", c.advice],
                ["retry", CatalogueCLI.describe(c.retryPolicy, idempotentMethods: methods)],
                ["decided by", decidedBy],
            ]
            if let code, !c.knownCode { rows.append(["code", "\(code) is not in any active catalogue (unknown code)"]) }
            if drift {
                rows.append(["drift", "\(status) is not among the documented statuses (\(c.documentedStatuses.map(String.init).joined(separator: ", ")))"])
            }
            if c.inferred { rows.append(["inferred", "the entry or rule is (partly) inferred, not documented by its source"]) }
            print(CatalogueCLI.table(rows))
        }
    }
}
