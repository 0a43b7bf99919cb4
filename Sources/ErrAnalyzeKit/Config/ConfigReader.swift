import Foundation
import TOMLKit

/// Reads and checks a config file (TOML), reporting every problem with its line and column.
///
/// ```toml
/// database = "/var/lib/erranalyze/erranalyze.sqlite"
/// catalogues = ["opsmerge", "/etc/erranalyze/my-api.json"]
/// openapi = "/etc/erranalyze/openapi.yaml"
///
/// [[source]]
/// name = "nginx"
/// paths = ["/var/log/nginx/access.log*"]
/// log_format = '$remote_addr - $remote_user [$time_local] "$request" $status …'
/// routes = ["/v1/files/*"]
/// host = "web-1"
/// ```
///
/// An unknown key is an error (a misspelt `log_fromat` must not silently mean "detect").
/// Values are checked as the matching `ingest` flags would check them: a preset name must
/// exist, a log_format must compile, route rules must be valid.
public enum ConfigReader {
    static let topLevelKeys = ["database", "catalogues", "openapi", "source"]
    static let sourceKeys = ["name", "paths", "format", "log_format", "json_fields", "routes", "host"]

    /// Reads the file at `path`.
    public static func read(path: String) -> ConfigReadResult {
        var isDirectory: ObjCBool = false
        let reason: String
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            reason = "no such file"
        } else if isDirectory.boolValue {
            reason = "it is a directory"
        } else if let data = FileManager.default.contents(atPath: path) {
            return read(text: String(decoding: data, as: UTF8.self), file: path)
        } else {
            reason = "permission denied"
        }
        return ConfigReadResult(configuration: nil, problems: [ConfigProblem(file: path, position: nil, key: "", message: "cannot read: \(reason)")])
    }

    /// Reads `text`, naming `file` in problems.
    public static func read(text: String, file: String) -> ConfigReadResult {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let position = TextPosition(line: error.source.begin.line, column: error.source.begin.column)
            return ConfigReadResult(configuration: nil, problems: [
                ConfigProblem(file: file, position: position, key: "", message: "not valid TOML: \(error.description)")])
        } catch {
            return ConfigReadResult(configuration: nil, problems: [
                ConfigProblem(file: file, position: nil, key: "", message: "not valid TOML: \(error)")])
        }
        var checker = Checker(file: file, locator: ConfigKeyLocator(text: text))
        let configuration = checker.configuration(from: table)
        return ConfigReadResult(configuration: checker.problems.isEmpty ? configuration : nil, problems: checker.problems)
    }

    /// Collects problems while turning the TOML table into a `Configuration`.
    private struct Checker {
        let file: String
        let locator: ConfigKeyLocator
        var problems: [ConfigProblem] = []

        mutating func problem(_ path: String, _ label: String? = nil, _ message: String) {
            problems.append(ConfigProblem(file: file, position: locate(path), key: label ?? path, message: message))
        }

        /// The key's own position, else its table's, else nothing.
        func locate(_ path: String) -> TextPosition? {
            var candidate = path
            while true {
                if let position = locator.position(of: candidate) { return position }
                guard let dot = candidate.lastIndex(of: ".") else { return nil }
                candidate = String(candidate[..<dot])
            }
        }

        mutating func configuration(from table: TOMLTable) -> Configuration {
            var result = Configuration(file: file)
            for key in table.keys.sorted(by: { (locate($0)?.line ?? 0) < (locate($1)?.line ?? 0) }) where !topLevelKeys.contains(key) {
                problem(key, nil, "unknown key; known: \(topLevelKeys.joined(separator: ", "))")
            }
            if let value = table["database"] {
                if let text = string(value, "database") {
                    if text.isEmpty { problem("database", nil, "must not be empty") } else { result.database = text }
                }
            }
            if let value = table["catalogues"] {
                result.catalogues = strings(value, "catalogues")
            }
            if let value = table["openapi"], let text = string(value, "openapi") {
                if text.isEmpty { problem("openapi", nil, "must not be empty") } else { result.openapi = text }
            }
            if let value = table["source"] {
                guard let array = value.array, array.allSatisfy({ $0.table != nil }) else {
                    problem("source", nil, "must be [[source]] tables, not \(describe(value))")
                    return result
                }
                for (index, element) in array.enumerated() {
                    if let source = self.source(element.table!, index: index) { result.sources.append(source) }
                }
                var seen: [String: Int] = [:]
                for (index, source) in result.sources.enumerated() {
                    if let first = seen[source.name] {
                        problem("source[\(index)].name", "source[\(index)] (\(source.name)).name",
                                "two sources are named \"\(source.name)\" (the first is source[\(first)])")
                    } else {
                        seen[source.name] = index
                    }
                }
            }
            return result
        }

        mutating func source(_ table: TOMLTable, index: Int) -> LogSource? {
            let base = "source[\(index)]"
            let name = table["name"].flatMap { $0.string }
            let label = name.map { "\(base) (\($0))" } ?? base
            let before = problems.count
            for key in table.keys where !sourceKeys.contains(key) {
                problem("\(base).\(key)", "\(label).\(key)", "unknown key; known: \(sourceKeys.joined(separator: ", "))")
            }
            if table["name"] == nil {
                problem(base, label, "needs a name")
            } else if let value = table["name"], let text = string(value, "\(base).name", "\(label).name"), text.isEmpty {
                problem("\(base).name", "\(label).name", "must not be empty")
            }
            var paths: [String] = []
            if let value = table["paths"] {
                if let list = strings(value, "\(base).paths", "\(label).paths") {
                    paths = list
                    if list.isEmpty { problem("\(base).paths", "\(label).paths", "names no file") }
                }
            } else {
                problem(base, label, "needs paths = [\"/var/log/…\"]")
            }
            let given = ["format", "log_format", "json_fields"].filter { table[$0] != nil }
            if given.count > 1 {
                problem("\(base).\(given[1])", "\(label).\(given[1])", "give only one of format, log_format and json_fields")
            }
            var format: LogSource.Format?
            if let key = given.first, let text = string(table[key]!, "\(base).\(key)", "\(label).\(key)") {
                let path = "\(base).\(key)", keyLabel = "\(label).\(key)"
                switch key {
                case "format":
                    if FormatRegistry.preset(named: text) == nil {
                        problem(path, keyLabel, "unknown format '\(text)'; known: \(FormatRegistry.presetNames.joined(separator: ", "))")
                    }
                    format = .preset(text)
                case "log_format":
                    do { _ = try LogFormat.compile(logFormat: text) } catch { problem(path, keyLabel, "\(error)") }
                    format = .logFormat(text)
                default:
                    do { _ = try FormatRegistry.json(fields: text) } catch { problem(path, keyLabel, "\(error)") }
                    format = .jsonFields(text)
                }
            }
            var routes: [String] = []
            if let value = table["routes"], let rules = strings(value, "\(base).routes", "\(label).routes") {
                do { _ = try RouteTemplater(rules: rules) } catch { problem("\(base).routes", "\(label).routes", "\(error)") }
                routes = rules
            }
            var host: String?
            if let value = table["host"], let text = string(value, "\(base).host", "\(label).host") {
                if let why = HostName.problem(with: text) { problem("\(base).host", "\(label).host", why) }
                host = text
            }
            guard problems.count == before, let name else { return nil }
            return LogSource(name: name, paths: paths, format: format, routes: routes, host: host)
        }

        mutating func string(_ value: TOMLValueConvertible, _ path: String, _ label: String? = nil) -> String? {
            if let text = value.string { return text }
            problem(path, label, "must be a string, not \(describe(value))")
            return nil
        }

        mutating func strings(_ value: TOMLValueConvertible, _ path: String, _ label: String? = nil) -> [String]? {
            guard let array = value.array else {
                problem(path, label, "must be an array of strings, like [\"a\", \"b\"], not \(describe(value))")
                return nil
            }
            var result: [String] = []
            for (i, element) in array.enumerated() {
                guard let text = element.string else {
                    problem(path, "\(label ?? path)[\(i)]", "must be a string, not \(describe(element))")
                    return nil
                }
                result.append(text)
            }
            return result
        }

        func describe(_ value: TOMLValueConvertible) -> String {
            switch value.type {
            case .table: return "a table"
            case .array: return "an array"
            case .string: return "a string"
            case .int: return "an integer"
            case .double: return "a number"
            case .bool: return "true/false"
            default: return "a date or time"
            }
        }
    }
}
