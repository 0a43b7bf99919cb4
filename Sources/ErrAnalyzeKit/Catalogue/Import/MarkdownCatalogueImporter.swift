/// Turns the pipe tables of a documentation page into a catalogue a user can edit.
///
/// A table with a code column becomes code entries; a table with a status column but no
/// code column (a page's "HTTP status summary") becomes status rules. Categories and retry
/// policies are guessed (see `ImportHeuristics`) and marked `inferred`.
public enum MarkdownCatalogueImporter {
    /// Something the importer skipped or guessed that the user should look at.
    public struct Note: Hashable, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String

        public var description: String { "line \(line): \(message)" }
    }

    public struct Result: Sendable {
        public var catalogue: Catalogue
        public var notes: [Note]
        /// Tables seen, including skipped ones.
        public var tablesFound: Int
    }

    /// - Parameters:
    ///   - markdown: the page's text.
    ///   - name: the catalogue name (see `CatalogueName.derive(from:)` for one from a file name).
    ///   - source: where the page came from, recorded in the catalogue's `source`.
    public static func importCatalogue(markdown: String, name: String, title: String? = nil, source: String) -> Result {
        var notes: [Note] = []
        var entries: [CatalogueEntry] = []
        var rules: [StatusRule] = []
        var entryLines: [String: Int] = [:]
        var ruleLines: [StatusMatch: Int] = [:]
        let tables = MarkdownTableScanner.tables(in: markdown)

        for table in tables {
            let columns = Columns(header: table.header)
            if columns.code == nil && columns.status == nil {
                notes.append(Note(line: table.headerLine, message: "table [\(table.header.joined(separator: " | "))] has no Code or Status column; skipped"))
                continue
            }
            for row in table.rows {
                let cell = { (i: Int?) -> String in i.map { row.cells[$0] } ?? "" }
                var meaning = cell(columns.meaning)
                let actionText = cell(columns.action)
                let extra = columns.extra.compactMap { i -> String? in
                    row.cells[i].isEmpty ? nil : "\(table.header[i]): \(row.cells[i])"
                }
                if let codeColumn = columns.code {
                    var code = row.cells[codeColumn]
                    if code.isEmpty { notes.append(Note(line: row.line, message: "row without a code; skipped")); continue }
                    if let space = code.firstIndex(where: \.isWhitespace) {
                        notes.append(Note(line: row.line, message: "code cell \"\(code)\" has several words; kept \"\(code[..<space])\""))
                        code = String(code[..<space])
                    }
                    if let first = entryLines[code] {
                        notes.append(Note(line: row.line, message: "code \(code) already imported from line \(first); kept the first"))
                        continue
                    }
                    let (statuses, ranges) = parseStatuses(cell(columns.status))
                    if !ranges.isEmpty {
                        notes.append(Note(line: row.line, message: "status classes (\(ranges.map(\.description).joined(separator: ", "))) are not statuses of a code; ignored"))
                    }
                    if columns.status != nil && statuses.isEmpty {
                        notes.append(Note(line: row.line, message: "no HTTP status for \(code) in \"\(cell(columns.status))\""))
                    }
                    var inferredFields = ["category", "retry"]
                    if meaning.isEmpty {
                        meaning = "No description in the source"
                        inferredFields.append("meaning")
                        notes.append(Note(line: row.line, message: "no description for \(code)"))
                    }
                    let retry = ImportHeuristics.retryPolicy(status: statuses.first, action: actionText, meaning: meaning)
                    var action = actionText
                    if action.isEmpty {
                        action = ImportHeuristics.defaultAction(for: retry)
                        inferredFields.append("action")
                    }
                    let category = ImportHeuristics.category(status: statuses.first, action: actionText, meaning: meaning)
                    entryLines[code] = row.line
                    entries.append(CatalogueEntry(code: code, statuses: statuses, category: category, meaning: meaning,
                                                  action: action, retry: retry, inferredFields: inferredFields,
                                                  note: noteText(extra)))
                } else if let statusColumn = columns.status {
                    let text = row.cells[statusColumn]
                    let (statuses, ranges) = parseStatuses(text)
                    guard let match = statuses.first.map(StatusMatch.exact) ?? ranges.first else {
                        notes.append(Note(line: row.line, message: "\"\(text)\" is not an HTTP status; row skipped"))
                        continue
                    }
                    if let first = ruleLines[match] {
                        notes.append(Note(line: row.line, message: "status \(match) already imported from line \(first); kept the first"))
                        continue
                    }
                    var inferredFields = ["category", "retry"]
                    if meaning.isEmpty {
                        meaning = "HTTP \(match)"
                        inferredFields.append("meaning")
                    }
                    let representative: Int
                    switch match {
                    case .exact(let s): representative = s
                    case .range(let h): representative = h * 100
                    }
                    let retry = ImportHeuristics.retryPolicy(status: representative, action: actionText, meaning: meaning)
                    var action = actionText
                    if action.isEmpty {
                        action = representative < 400 ? "Nothing to do." : ImportHeuristics.defaultAction(for: retry)
                        inferredFields.append("action")
                    }
                    ruleLines[match] = row.line
                    rules.append(StatusRule(match: match,
                                            category: ImportHeuristics.category(status: representative, action: actionText, meaning: meaning),
                                            meaning: meaning, action: action, retry: representative < 400 ? .never : retry,
                                            inferredFields: inferredFields, note: noteText(extra)))
                }
            }
        }
        if tables.isEmpty {
            notes.append(Note(line: 1, message: "no pipe tables found (a table needs a header row and a |---|---| row)"))
        }
        let catalogue = Catalogue(name: name, title: title ?? firstHeading(markdown) ?? name, version: "1", source: source,
                                  description: "Imported from \(source); categories and retry policies were guessed — review the entries marked inferred.",
                                  entries: entries, statusRules: rules, origin: .memory)
        return Result(catalogue: catalogue, notes: notes, tablesFound: tables.count)
    }

    /// Exact statuses and status classes mentioned in a cell, in order: "400/401", "429 Too Many", "5xx".
    static func parseStatuses(_ text: String) -> (statuses: [Int], ranges: [StatusMatch]) {
        var statuses: [Int] = []
        var ranges: [StatusMatch] = []
        let chars = Array(text)
        func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber }
        var i = 0
        while i + 2 < chars.count {
            let standsAlone = (i == 0 || !isWordCharacter(chars[i - 1])) && (i + 3 == chars.count || !isWordCharacter(chars[i + 3]))
            if standsAlone, let match = StatusMatch(String(chars[i...i + 2])) {
                switch match {
                case .exact(let s): if !statuses.contains(s) { statuses.append(s) }
                case .range: if !ranges.contains(match) { ranges.append(match) }
                }
                i += 3
            } else {
                i += 1
            }
        }
        return (statuses, ranges)
    }

    private static func noteText(_ extra: [String]) -> String? {
        extra.isEmpty ? nil : extra.joined(separator: "; ")
    }

    private static func firstHeading(_ markdown: String) -> String? {
        for line in markdown.split(separator: "\n") where line.hasPrefix("# ") {
            let title = CatalogueText.trimmed(line.dropFirst(2))
            if !title.isEmpty { return title }
        }
        return nil
    }

    /// Which column holds what, from the header names.
    struct Columns {
        var code: Int?
        var status: Int?
        var meaning: Int?
        var action: Int?
        var extra: [Int] = []

        init(header: [String]) {
            for (i, raw) in header.enumerated() {
                let name = raw.lowercased()
                func isOne(of words: [String]) -> Bool { words.contains(name) }
                if status == nil, name.contains("http") || name.contains("status") {
                    status = i
                } else if code == nil, name.contains("code") || isOne(of: ["error", "error name", "error type", "identifier"]) {
                    code = i
                } else if meaning == nil, isOne(of: ["message", "meaning", "description", "when it appears", "summary", "details",
                                                       "detail", "title", "explanation", "reason", "cause", "error message"]) {
                    meaning = i
                } else if action == nil, isOne(of: ["resolution", "action", "fix", "remedy", "solution", "what to do", "how to fix",
                                                      "handling", "advice", "recommendation", "recommended action", "next steps"]) {
                    action = i
                } else {
                    extra.append(i)
                }
            }
        }
    }
}
