import ArgumentParser
import ErrAnalyzeKit
import ErrAnalyzeStores
import ErrAnalyzeSQLite
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report error rates, codes, routes and trends from the database.",
        discussion: """
        With no window the report covers all data. Aggregates are hourly: a window
        is widened to the whole hours it touches, and shown so. Text, Markdown and
        HTML compare the window with the one before it, of equal length
        (--no-compare to skip; --compare for the other formats).

        Filters (--route, --code, --status, --method) may be repeated or given as
        comma lists. They restrict every section but malformed input, and hide the
        client sections (the database counts clients' errors per hour only).
        --host NAME (repeatable; web-* matches a pattern) restricts every section,
        clients and malformed input included, to the hosts that ingested them.

        --fail-if EXPR (repeatable) makes the exit status 3 when a threshold is
        crossed: the report is still written, and each crossed threshold adds a
        line to standard error. EXPR is METRIC OP VALUE, OP one of > >= < <=:
          error_rate>2%  server_errors>100  code:PROVIDER_ERROR>50
          status:503>=10  status:5xx>0  category:rate_limit>1000
          retriable_rate>1%  requests<100
        Metrics: requests, errors, client_errors (4xx), server_errors (5xx),
        retriable, fatal, malformed_lines, unknown_codes, status_drift,
        undocumented_responses, undocumented_routes (with --openapi) (counts);
        error_rate, client_error_rate, server_error_rate, retriable_rate (rates,
        as 2% or 0.02); code:CODE, status:S, category:NAME (counts). Latency:
        p50, p90, p95, p99 (durations: p99>2s, p95:/v1/payments/*>800ms for the
        routes a pattern matches), apdex (apdex<0.9, at --apdex-t), slow_rate
        (slow_rate>1%, over --slow) and slow_requests.

        Examples:
          erranalyze report --since 2h
          erranalyze report --day yesterday --tz Europe/London --format markdown
          erranalyze report --since 2026-11-01 --until 2026-11-08 --format json
          erranalyze report --since 24h --status 5xx --route '/v1/payments/*'
          erranalyze report --since 24h --host 'web-*' --host batch-1
          erranalyze report --format csv --section routes_by_rate
          erranalyze report --format prometheus -o /var/lib/node_exporter/ea.prom
          erranalyze report --since 15m --fail-if 'error_rate>2%'
          erranalyze report --since 1h --slow 500ms --apdex-t 250ms --fail-if 'p99>2s'

        Exit status: 0 ok; 1 the database could not be read or the output
        written; 2 usage error; 3 a --fail-if threshold was crossed.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown, csv, html, prometheus

        init?(argument: String) {
            switch argument.lowercased() {
            case "md": self = .markdown
            case "prom": self = .prometheus
            default: self.init(rawValue: argument.lowercased())
            }
        }

        /// Formats for people compare with the previous window unless told not to.
        var comparesByDefault: Bool { self == .text || self == .markdown || self == .html }
    }

    enum ColourChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var config: ConfigOptions

    @OptionGroup var catalogueSelection: CatalogueSelectionOptions
    @OptionGroup var openAPI: OpenAPIOptions

    @Option(name: .long, help: ArgumentHelp("Start of the window: 90m, 24h, 7d, 2026-11-01, an ISO 8601 date-time.", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("End of the window (exclusive), same forms as --since.", valueName: "time"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("One whole day: yesterday, today or YYYY-MM-DD (in --tz).", valueName: "day"))
    var day: String?

    // `.unconditional`: the word after --tz is its value even when it starts with a dash, so
    // `--tz -05:00` works as `--tz=-05:00` does (by default ArgumentParser reads `-05:00` as
    // short flags and rejects it). The cost: `--tz --format json` takes `--format` as the zone,
    // which still ends in a usage error. No other option of erranalyze takes a negative value.
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Time zone for days, dates without a zone, and times shown: UTC, local (default), Europe/Paris, +02:00, -05:00.", valueName: "zone"))
    var tz: String?

    @Option(name: .long, help: ArgumentHelp("Output format (md and prom are short for markdown and prometheus).", valueName: "format"))
    var format: Format = .text

    @Option(name: .long, help: ArgumentHelp(
        "The table --format csv writes: \(ReportTables.sectionNames.joined(separator: ", ")) (default codes).", valueName: "name"))
    var section: String?

    @Flag(name: .customLong("csv-raw"), help: "Write CSV text cells as logged, without the ' before a leading = + - @ that stops spreadsheets running them as formulas.")
    var csvRaw = false

    @Option(name: .long, help: ArgumentHelp("Rows in ranked sections (codes, routes, clients).", valueName: "n"))
    var top: Int = 10

    @Option(name: .long, help: ArgumentHelp("Least requests a route needs to be ranked by error rate.", valueName: "n"))
    var minRequests: Int = 20

    @Option(name: .long, help: ArgumentHelp("Requests slower than this are slow (latency section; slow_rate): 1s, 500ms.", valueName: "duration"))
    var slow: String = "1s"

    @Option(name: .customLong("apdex-t"), help: ArgumentHelp("Apdex T: satisfied at most T, tolerating at most 4T (300ms, 0.5s).", valueName: "duration"))
    var apdexT: String = "300ms"

    @Flag(inversion: .prefixedNo, help: "Compare with the previous window of equal length (default: on for text, markdown, html).")
    var compare: Bool?

    @Option(name: .long, help: ArgumentHelp("Only this route (/v1/users/{id}, a raw path, or a pattern with *); repeatable.", valueName: "route"))
    var route: [String] = []

    @Option(name: .long, help: ArgumentHelp("Only errors with this code; repeatable, or a comma list.", valueName: "code"))
    var code: [String] = []

    @Option(name: .long, help: ArgumentHelp("Only this status (503), class (5xx) or range (500-504); repeatable.", valueName: "status"))
    var status: [String] = []

    @Option(name: .long, help: ArgumentHelp("Only this request method; repeatable, or a comma list.", valueName: "method"))
    var method: [String] = []

    @Option(name: .long, help: ArgumentHelp("Only this host (the name it ingested as, or a pattern with *); repeatable.", valueName: "host"))
    var host: [String] = []

    @Option(name: .customLong("fail-if"), help: ArgumentHelp("Exit with status 3 when EXPR holds, e.g. 'error_rate>2%'; repeatable.", valueName: "expr"))
    var failIf: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Write the report to this file (replaced atomically) instead of standard output.", valueName: "path"))
    var output: String?

    @Option(name: .customLong("color"), help: ArgumentHelp("Colour in text output; auto: on a terminal, unless NO_COLOR is set.", valueName: "when"))
    var colour: ColourChoice = .auto

    func validate() throws {
        if day != nil && (since != nil || until != nil) { throw ReportCLI.usage("--day cannot be combined with --since or --until") }
        if TimeExpression.timeZone(named: tz) == nil {
            throw ReportCLI.usage("unknown time zone '\(tz ?? "")'; use UTC, local, an IANA name (Europe/Paris) or an offset (+02:00)")
        }
        if top < 1 { throw ReportCLI.usage("--top must be at least 1") }
        if minRequests < 0 { throw ReportCLI.usage("--min-requests must be 0 or more") }
        _ = try durations()
        if let section {
            guard format == .csv else { throw ReportCLI.usage("--section applies to --format csv only") }
            guard ReportTables.sectionNames.contains(section) else {
                throw ReportCLI.usage("unknown section '\(section)'; known: \(ReportTables.sectionNames.joined(separator: ", "))")
            }
        }
        if csvRaw && format != .csv { throw ReportCLI.usage("--csv-raw applies to --format csv only") }
        _ = try filter()
        _ = try thresholds()
        _ = try window()
        _ = try openAPI.contract()
    }

    /// `--slow` and `--apdex-t` in microseconds.
    func durations() throws -> (slow: Int64, apdexT: Int64) {
        guard let slowMicros = DurationText.micros(slow), slowMicros > 0 else {
            throw ReportCLI.usage("--slow '\(slow)' is not a duration; write it with its unit, e.g. 1s, 500ms")
        }
        guard let apdexMicros = DurationText.micros(apdexT), apdexMicros > 0 else {
            throw ReportCLI.usage("--apdex-t '\(apdexT)' is not a duration; write it with its unit, e.g. 300ms, 0.5s")
        }
        return (slowMicros, apdexMicros)
    }

    func filter() throws -> TrafficFilter {
        do {
            return try ReportFilters.parse(routes: route, codes: code, statuses: status, methods: method, hosts: host)
        } catch {
            throw ReportCLI.usage(error.description)
        }
    }

    func thresholds() throws -> [Threshold] {
        var result: [Threshold] = []
        for text in failIf {
            do {
                result.append(try Threshold.parse(text))
            } catch {
                throw ReportCLI.usage(error.description)
            }
        }
        return result
    }

    var timeZone: TimeZone { TimeExpression.timeZone(named: tz) ?? TimeZone(identifier: "UTC")! }

    func window(now: Int64 = Int64(Date().timeIntervalSince1970)) throws -> Report.Window {
        let times = TimeExpression(now: now, timeZone: timeZone)
        do {
            if let day {
                let range = try times.day(day)
                return Report.Window(since: range.start, until: range.end)
            }
            let start = try since.map(times.instant)
            let end = try until.map(times.instant)
            if let start, let end, end <= start { throw ReportCLI.usage("--until must be after --since") }
            return Report.Window(since: start, until: end)
        } catch let error as TimeExpression.ParseError {
            throw ReportCLI.usage(error.description)
        } catch let error as TimeExpression.OutOfRange {
            throw ReportCLI.usage(error.description)
        }
    }

    /// The catalogues that classify the report: `--catalogue` selections, else every built-in.
    func makeClassifier() throws -> Classifier {
        Classifier(catalogues: try catalogueSelection.load())
    }

    func run() throws {
        let now = Int64(Date().timeIntervalSince1970)
        var options = ReportOptions(window: try window(now: now), top: top, filter: try filter(), minRequests: Int64(minRequests),
                                    compare: compare ?? format.comparesByDefault, now: now, timeZone: timeZone,
                                    thresholds: try thresholds())
        (options.slowMicros, options.apdexMicros) = try durations()
        options.contract = try openAPI.contract()
        let classifier = try makeClassifier()
        let report: Report
        do {
            let store = try StoreFactory.reader(try database.location())
            report = try ReportBuilder(store: store, classifier: classifier).build(options)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }

        let text: String
        switch format {
        case .text:
            let useColour: Bool
            switch colour {
            case .always: useColour = true
            case .never: useColour = false
            case .auto: useColour = output == nil && Terminal.useColour
            }
            text = TextReportRenderer(colour: useColour).render(report)
        case .json: text = JSONReportRenderer().render(report)
        case .markdown: text = MarkdownReportRenderer().render(report)
        case .html: text = HTMLReportRenderer().render(report)
        case .prometheus: text = PrometheusReportRenderer().render(report)
        case .csv:
            do {
                text = try CSVReportRenderer(section: section ?? "codes", guardsFormulas: !csvRaw).render(report)
            } catch {
                throw ReportCLI.usage(error.description)
            }
        }

        if let output {
            do {
                try ReportOutput.writeAtomically(text, to: output)
            } catch {
                Terminal.error("\(error)")
                throw ExitCode(1)
            }
        } else {
            Terminal.output(text)
        }

        let crossed = report.thresholds.filter(\.crossed)
        for result in crossed { Terminal.error("threshold crossed: " + result.message) }
        if !crossed.isEmpty { throw ExitCode(3) }
    }
}
