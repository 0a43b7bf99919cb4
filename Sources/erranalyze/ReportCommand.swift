import ArgumentParser
import ErrAnalyzeKit
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report error rates, codes, routes and trends from the database.",
        discussion: """
        With no window the report covers all data. Aggregates are hourly: a window is widened
        to the whole hours it touches.

        Examples:
          erranalyze report --since 2h
          erranalyze report --day yesterday --tz Europe/London
          erranalyze report --since 2026-11-01 --until 2026-11-08 --format json
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var database: DatabaseOptions

    @OptionGroup var catalogueSelection: CatalogueSelectionOptions

    @Option(name: .long, help: ArgumentHelp("Start of the window: 90m, 24h, 7d, 2026-11-01, an ISO 8601 date-time.", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("End of the window (exclusive), same forms as --since.", valueName: "time"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("One whole day: yesterday, today or YYYY-MM-DD (in --tz).", valueName: "day"))
    var day: String?

    @Option(name: .long, help: ArgumentHelp("Time zone for days and dates without a zone: UTC, local, Europe/Paris, +02:00.", valueName: "zone"))
    var tz: String?

    @Option(name: .long, help: ArgumentHelp("Output format.", valueName: "format"))
    var format: Format = .text

    @Option(name: .long, help: ArgumentHelp("Rows in ranked sections (routes, clients).", valueName: "n"))
    var top: Int = 10

    func validate() throws {
        if day != nil && (since != nil || until != nil) { throw ValidationError("--day cannot be combined with --since or --until") }
        if TimeExpression.timeZone(named: tz) == nil { throw ValidationError("unknown time zone '\(tz ?? "")'") }
        if top < 1 { throw ValidationError("--top must be at least 1") }
    }

    func window() throws -> Report.Window {
        let times = TimeExpression(now: Int64(Date().timeIntervalSince1970), timeZone: TimeExpression.timeZone(named: tz)!)
        do {
            if let day {
                let range = try times.day(day)
                return Report.Window(since: range.start, until: range.end)
            }
            let start = try since.map(times.instant)
            let end = try until.map(times.instant)
            if let start, let end, end <= start { throw ValidationError("--until must be after --since") }
            return Report.Window(since: start, until: end)
        } catch let error as TimeExpression.ParseError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let window = try window()
        let classifier = Classifier(catalogues: try catalogueSelection.load())
        let report: Report
        do {
            let store = try SQLiteStore(path: database.path, readOnly: true)
            report = try ReportBuilder(store: store, classifier: classifier).build(ReportOptions(window: window, top: top))
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
        switch format {
        case .text: Terminal.output(TextReportRenderer().render(report))
        case .json: Terminal.output(JSONReportRenderer().render(report))
        }
    }
}
