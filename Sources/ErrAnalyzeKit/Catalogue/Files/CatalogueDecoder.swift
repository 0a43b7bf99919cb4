/// The outcome of reading a catalogue file: the catalogue when it is usable, and every
/// problem found (validation does not stop at the first one, so a user fixes a file in
/// one pass).
public struct CatalogueReadResult: Sendable {
    /// Nil when any problem is an error.
    public var catalogue: Catalogue?
    public var problems: [CatalogueProblem]

    public var errors: [CatalogueProblem] { problems.filter { $0.severity == .error } }
    public var warnings: [CatalogueProblem] { problems.filter { $0.severity == .warning } }
}

/// Reads and validates catalogue JSON (schema `erranalyze.catalogue/v1`).
public enum CatalogueDecoder {
    /// Field names of the top-level object.
    static let topLevelFields = ["schema", "name", "title", "version", "source", "description",
                                 "idempotent_methods", "codes", "status_rules"]
    static let entryFields = ["code", "statuses", "category", "meaning", "action", "retry", "inferred", "note"]
    static let ruleFields = ["status", "category", "meaning", "action", "retry", "inferred", "note"]
    /// Fields an `inferred` list may name.
    static let inferableFields = ["code", "statuses", "status", "category", "meaning", "action", "retry"]

    /// Validates `text` (the contents of `file`) and builds the catalogue if it has no errors.
    public static func read(text: String, file: String, origin: Catalogue.Origin) -> CatalogueReadResult {
        read(bytes: Array(text.utf8), file: file, origin: origin)
    }

    public static func read(bytes: [UInt8], file: String, origin: Catalogue.Origin) -> CatalogueReadResult {
        var reader = Reader(file: file)
        let json: LocatedJSON
        do {
            json = try LocatedJSONParser.parse(bytes: bytes)
        } catch {
            reader.error(at: error.position, "", "not valid JSON: \(error.message)")
            return CatalogueReadResult(catalogue: nil, problems: reader.problems)
        }
        let catalogue = reader.catalogue(json, origin: origin)
        let hasErrors = reader.problems.contains { $0.severity == .error }
        // In file order, as a compiler lists them; problems without a position first.
        let ordered = reader.problems.enumerated().sorted { a, b in
            let pa = a.element.position.map { ($0.line, $0.column) } ?? (0, 0)
            let pb = b.element.position.map { ($0.line, $0.column) } ?? (0, 0)
            return pa != pb ? pa < pb : a.offset < b.offset
        }.map(\.element)
        return CatalogueReadResult(catalogue: hasErrors ? nil : catalogue, problems: ordered)
    }
}

/// Walks the JSON tree, collecting problems as it goes.
private struct Reader {
    let file: String
    var problems: [CatalogueProblem] = []

    init(file: String) {
        self.file = file
    }

    mutating func error(at position: TextPosition?, _ path: String, _ message: String) {
        problems.append(CatalogueProblem(severity: .error, file: file, position: position, path: path, message: message))
    }

    mutating func warning(at position: TextPosition?, _ path: String, _ message: String) {
        problems.append(CatalogueProblem(severity: .warning, file: file, position: position, path: path, message: message))
    }

    // MARK: Objects

    /// The members of an object by name, reporting duplicate and unknown names.
    mutating func fields(of members: [LocatedJSON.Member], path: String, known: [String]) -> [String: LocatedJSON.Member] {
        var byName: [String: LocatedJSON.Member] = [:]
        for member in members {
            if let first = byName[member.key] {
                error(at: member.keyPosition, join(path, member.key),
                      "duplicate field \"\(member.key)\" (first at line \(first.keyPosition.line)); JSON readers disagree on which one wins")
                continue
            }
            byName[member.key] = member
            if !known.contains(member.key) {
                var message = "unknown field \"\(member.key)\" (ignored)"
                if let guess = CatalogueText.nearest(to: member.key, in: known) { message += "; did you mean \"\(guess)\"?" }
                warning(at: member.keyPosition, join(path, member.key), message)
            }
        }
        return byName
    }

    func join(_ path: String, _ field: String) -> String {
        path.isEmpty ? field : "\(path).\(field)"
    }

    mutating func requiredString(_ fields: [String: LocatedJSON.Member], _ name: String, path: String,
                                 at objectPosition: TextPosition, allowEmpty: Bool = false) -> String? {
        guard let member = fields[name] else {
            error(at: objectPosition, path, "missing required field \"\(name)\"")
            return nil
        }
        return string(member, path: path, allowEmpty: allowEmpty)
    }

    mutating func optionalString(_ fields: [String: LocatedJSON.Member], _ name: String, path: String) -> String? {
        guard let member = fields[name] else { return nil }
        return string(member, path: path, allowEmpty: true)
    }

    mutating func string(_ member: LocatedJSON.Member, path: String, allowEmpty: Bool) -> String? {
        guard let text = member.value.stringValue else {
            error(at: member.value.position, join(path, member.key), "must be a string, not \(member.value.typeDescription)")
            return nil
        }
        if !allowEmpty && CatalogueText.trimmed(text).isEmpty {
            error(at: member.value.position, join(path, member.key), "must not be empty")
            return nil
        }
        return text
    }

    // MARK: The catalogue

    mutating func catalogue(_ json: LocatedJSON, origin: Catalogue.Origin) -> Catalogue? {
        guard let members = json.members else {
            error(at: json.position, "", "a catalogue must be a JSON object, not \(json.typeDescription)")
            return nil
        }
        let top = fields(of: members, path: "", known: CatalogueDecoder.topLevelFields)

        if let schema = requiredString(top, "schema", path: "", at: json.position) {
            if schema != Catalogue.schema {
                let position = top["schema"]?.value.position
                if schema.hasPrefix("erranalyze.catalogue/") {
                    error(at: position, "schema", "schema \"\(schema)\" is not supported; this erranalyze reads \"\(Catalogue.schema)\"")
                } else {
                    error(at: position, "schema", "expected \"\(Catalogue.schema)\", found \"\(schema)\"")
                }
            }
        }

        var name = requiredString(top, "name", path: "", at: json.position) ?? ""
        if !name.isEmpty, !CatalogueName.isValid(name) {
            error(at: top["name"]?.value.position, "name",
                  "\"\(name)\" is not a valid name: use lower-case letters, digits, '-', '_' or '.', starting with a letter or digit (and not 'all')")
            name = ""
        }
        let title = optionalString(top, "title", path: "") ?? ""
        var version = "1"
        if let member = top["version"] {
            if let text = member.value.stringValue {
                version = text
            } else if let number = member.value.integerValue {
                version = String(number)
            } else {
                error(at: member.value.position, "version", "must be a string such as \"2026-11-01\" or an integer, not \(member.value.typeDescription)")
            }
        }
        let source = optionalString(top, "source", path: "") ?? ""
        let description = optionalString(top, "description", path: "") ?? ""
        let methods = idempotentMethods(top["idempotent_methods"])

        var entries: [CatalogueEntry] = []
        if let member = top["codes"] {
            if let elements = member.value.elements {
                entries = codeEntries(elements)
            } else {
                error(at: member.value.position, "codes", "must be an array of code entries, not \(member.value.typeDescription)")
            }
        }
        var rules: [StatusRule] = []
        if let member = top["status_rules"] {
            if let elements = member.value.elements {
                rules = statusRules(elements)
            } else {
                error(at: member.value.position, "status_rules", "must be an array of status rules, not \(member.value.typeDescription)")
            }
        }
        if top["codes"] == nil && top["status_rules"] == nil {
            warning(at: json.position, "", "the catalogue has neither \"codes\" nor \"status_rules\"; it classifies nothing")
        }

        return Catalogue(name: name, title: title, version: version, source: source, description: description,
                         idempotentMethods: methods, entries: entries, statusRules: rules, origin: origin)
    }

    mutating func idempotentMethods(_ member: LocatedJSON.Member?) -> [String] {
        guard let member else { return CatalogueVocabulary.defaultIdempotentMethods }
        guard let elements = member.value.elements else {
            error(at: member.value.position, "idempotent_methods", "must be an array of method names such as [\"GET\", \"HEAD\"], not \(member.value.typeDescription)")
            return CatalogueVocabulary.defaultIdempotentMethods
        }
        var methods: [String] = []
        for (i, element) in elements.enumerated() {
            let path = "idempotent_methods[\(i)]"
            guard let method = element.stringValue else {
                error(at: element.position, path, "must be a string, not \(element.typeDescription)")
                continue
            }
            guard !method.isEmpty, method.allSatisfy({ $0.isASCII && ($0.isUppercase || $0 == "-" || $0 == "_") }) else {
                error(at: element.position, path, "\"\(method)\" is not an upper-case method name; methods are compared as logged, e.g. \"\(method.uppercased())\"")
                continue
            }
            if methods.contains(method) {
                warning(at: element.position, path, "\"\(method)\" is listed twice")
                continue
            }
            methods.append(method)
        }
        return methods
    }

    // MARK: Code entries

    mutating func codeEntries(_ elements: [LocatedJSON]) -> [CatalogueEntry] {
        var entries: [CatalogueEntry] = []
        var firstSeen: [String: (index: Int, position: TextPosition)] = [:]
        for (i, element) in elements.enumerated() {
            guard let members = element.members else {
                error(at: element.position, "codes[\(i)]", "a code entry must be an object, not \(element.typeDescription)")
                continue
            }
            let codeText = members.first { $0.key == "code" }?.value.stringValue
            let path = codeText.map { "codes[\(i)] (\($0))" } ?? "codes[\(i)]"
            let fields = fields(of: members, path: path, known: CatalogueDecoder.entryFields)

            var code = requiredString(fields, "code", path: path, at: element.position)
            if let c = code, let bad = c.unicodeScalars.first(where: { $0.properties.isWhitespace || $0.value < 0x20 }) {
                error(at: fields["code"]?.value.position, join(path, "code"),
                      bad.value < 0x20 ? "must not contain control characters" : "must not contain whitespace; codes are matched exactly as emitted")
                code = nil
            }
            if let c = code {
                if let first = firstSeen[c] {
                    error(at: fields["code"]?.value.position, join(path, "code"),
                          "duplicate code \"\(c)\" (first defined in codes[\(first.index)] at line \(first.position.line))")
                } else {
                    firstSeen[c] = (i, fields["code"]!.value.position)
                }
            }
            let statuses = statusList(fields["statuses"], path: path, at: element.position)
            let guidance = guidance(fields, path: path, at: element.position)
            if let code, let statuses, let guidance {
                entries.append(CatalogueEntry(code: code, statuses: statuses, category: guidance.category,
                                              meaning: guidance.meaning, action: guidance.action, retry: guidance.retry,
                                              inferred: guidance.inferred, inferredFields: guidance.inferredFields,
                                              note: guidance.note))
            }
        }
        return entries
    }

    mutating func statusList(_ member: LocatedJSON.Member?, path: String, at objectPosition: TextPosition) -> [Int]? {
        guard let member else {
            error(at: objectPosition, path, "missing required field \"statuses\" (an array such as [404], most common first)")
            return nil
        }
        let fieldPath = join(path, "statuses")
        guard let elements = member.value.elements else {
            let hint = member.value.integerValue.map { " such as [\($0)]" } ?? ""
            error(at: member.value.position, fieldPath, "must be an array of HTTP statuses\(hint), not \(member.value.typeDescription)")
            return nil
        }
        if elements.isEmpty {
            warning(at: member.value.position, fieldPath, "no statuses: status drift cannot be detected for this code")
        }
        var statuses: [Int] = []
        var ok = true
        for (j, element) in elements.enumerated() {
            guard let status = element.integerValue else {
                error(at: element.position, "\(fieldPath)[\(j)]", "must be an integer HTTP status, not \(element.typeDescription)")
                ok = false
                continue
            }
            guard (100...599).contains(status) else {
                error(at: element.position, "\(fieldPath)[\(j)]", "status \(status) is out of range (100…599)")
                ok = false
                continue
            }
            if statuses.contains(status) {
                error(at: element.position, "\(fieldPath)[\(j)]", "status \(status) is listed twice")
                ok = false
                continue
            }
            statuses.append(status)
        }
        return ok ? statuses : nil
    }

    // MARK: Status rules

    mutating func statusRules(_ elements: [LocatedJSON]) -> [StatusRule] {
        var rules: [StatusRule] = []
        var firstSeen: [StatusMatch: (index: Int, position: TextPosition)] = [:]
        for (i, element) in elements.enumerated() {
            guard let members = element.members else {
                error(at: element.position, "status_rules[\(i)]", "a status rule must be an object, not \(element.typeDescription)")
                continue
            }
            let statusMember = members.first { $0.key == "status" }
            let label = statusMember.flatMap { $0.value.stringValue ?? $0.value.integerValue.map(String.init) }
            let path = label.map { "status_rules[\(i)] (\($0))" } ?? "status_rules[\(i)]"
            let fields = fields(of: members, path: path, known: CatalogueDecoder.ruleFields)

            var match: StatusMatch?
            if let member = fields["status"] {
                match = statusMatch(member, path: join(path, "status"))
            } else {
                error(at: element.position, path, "missing required field \"status\" (\"503\" or a class such as \"5xx\")")
            }
            if let m = match {
                if let first = firstSeen[m] {
                    error(at: fields["status"]?.value.position, join(path, "status"),
                          "duplicate status rule \(m) (first defined in status_rules[\(first.index)] at line \(first.position.line))")
                } else {
                    firstSeen[m] = (i, fields["status"]!.value.position)
                }
            }
            let guidance = guidance(fields, path: path, at: element.position)
            if let match, let guidance {
                rules.append(StatusRule(match: match, category: guidance.category, meaning: guidance.meaning,
                                        action: guidance.action, retry: guidance.retry, inferred: guidance.inferred,
                                        inferredFields: guidance.inferredFields, note: guidance.note))
            }
        }
        return rules
    }

    mutating func statusMatch(_ member: LocatedJSON.Member, path: String) -> StatusMatch? {
        if let number = member.value.integerValue {
            guard (100...599).contains(number) else {
                error(at: member.value.position, path, "status \(number) is out of range (100…599)")
                return nil
            }
            return .exact(number)
        }
        guard let text = member.value.stringValue else {
            error(at: member.value.position, path, "must be a status such as \"503\" or a class such as \"5xx\", not \(member.value.typeDescription)")
            return nil
        }
        if let match = StatusMatch(text) { return match }
        if let number = Int(text) {
            error(at: member.value.position, path, "status \(number) is out of range (100…599)")
        } else {
            error(at: member.value.position, path, "\"\(text)\" is not a status (\"503\") or a status class (\"1xx\"…\"5xx\")")
        }
        return nil
    }

    // MARK: Fields shared by entries and rules

    struct Guidance {
        var category: String
        var meaning: String
        var action: String
        var retry: RetryPolicy
        var inferred: Bool
        var inferredFields: [String]
        var note: String?
    }

    mutating func guidance(_ fields: [String: LocatedJSON.Member], path: String, at objectPosition: TextPosition) -> Guidance? {
        let category = requiredString(fields, "category", path: path, at: objectPosition)
        if let category, !CatalogueVocabulary.categoryNames.contains(category) {
            var message = "unknown category \"\(category)\""
            if let guess = CatalogueText.nearest(to: category, in: CatalogueVocabulary.categoryNames.sorted()) {
                message += "; did you mean \"\(guess)\"?"
            } else {
                message += " (reports will show it as is; the standard ones are listed in docs/catalogues.md under Categories)"
            }
            warning(at: fields["category"]?.value.position, join(path, "category"), message)
        }
        let meaning = requiredString(fields, "meaning", path: path, at: objectPosition)
        let action = requiredString(fields, "action", path: path, at: objectPosition, allowEmpty: true)
        if let action, CatalogueText.trimmed(action).isEmpty {
            warning(at: fields["action"]?.value.position, join(path, "action"), "empty action: reports will have no advice for this")
        }
        var retry: RetryPolicy?
        if let member = fields["retry"] {
            retry = retryPolicy(member.value, path: join(path, "retry"))
        } else {
            error(at: objectPosition, path, "missing required field \"retry\" (one of \(RetryPolicy.names.joined(separator: ", ")))")
        }
        var inferred = false
        var inferredFields: [String] = []
        if let member = fields["inferred"] {
            switch member.value.value {
            case .bool(let b):
                inferred = b
            case .array(let elements):
                for (j, element) in elements.enumerated() {
                    guard let name = element.stringValue else {
                        error(at: element.position, "\(join(path, "inferred"))[\(j)]", "must be a field name, not \(element.typeDescription)")
                        continue
                    }
                    if !CatalogueDecoder.inferableFields.contains(name) {
                        warning(at: element.position, "\(join(path, "inferred"))[\(j)]",
                                "\"\(name)\" is not a field of an entry (\(CatalogueDecoder.inferableFields.joined(separator: ", ")))")
                    }
                    inferredFields.append(name)
                }
            default:
                error(at: member.value.position, join(path, "inferred"),
                      "must be true/false or a list of inferred fields such as [\"statuses\"], not \(member.value.typeDescription)")
            }
        }
        let note = optionalString(fields, "note", path: path)
        guard let category, let meaning, let action, let retry else { return nil }
        return Guidance(category: category, meaning: meaning, action: action, retry: retry,
                        inferred: inferred, inferredFields: inferredFields, note: note)
    }

    mutating func retryPolicy(_ json: LocatedJSON, path: String) -> RetryPolicy? {
        func unknownPolicy(_ name: String, at position: TextPosition, path: String) {
            var message = "unknown retry policy \"\(name)\"; expected one of \(RetryPolicy.names.joined(separator: ", "))"
            if let guess = CatalogueText.nearest(to: name, in: RetryPolicy.names) { message += " (did you mean \"\(guess)\"?)" }
            error(at: position, path, message)
        }
        switch json.value {
        case .string(let name):
            switch name {
            case "never": return .never
            case "backoff": return .backoff
            case "retry_after": return .retryAfter
            case "if_idempotent": return .ifIdempotent(then: .backoff)
            case "user_action":
                error(at: json.position, path, "user_action needs a kind: {\"policy\": \"user_action\", \"kind\": \"reauthenticate\"}")
                return nil
            default:
                unknownPolicy(name, at: json.position, path: path)
                return nil
            }
        case .object(let members):
            let fields = fields(of: members, path: path, known: ["policy", "then", "kind"])
            guard let policyMember = fields["policy"] else {
                error(at: json.position, path, "missing required field \"policy\"")
                return nil
            }
            guard let name = policyMember.value.stringValue else {
                error(at: policyMember.value.position, join(path, "policy"), "must be a string, not \(policyMember.value.typeDescription)")
                return nil
            }
            if name != "if_idempotent", let then = fields["then"] {
                warning(at: then.keyPosition, join(path, "then"), "\"then\" only applies to if_idempotent (ignored)")
            }
            if name != "user_action", let kind = fields["kind"] {
                warning(at: kind.keyPosition, join(path, "kind"), "\"kind\" only applies to user_action (ignored)")
            }
            switch name {
            case "never": return .never
            case "backoff": return .backoff
            case "retry_after": return .retryAfter
            case "if_idempotent":
                guard let then = fields["then"] else { return .ifIdempotent(then: .backoff) }
                guard let text = then.value.stringValue, let wait = RetryWait(rawValue: text) else {
                    error(at: then.value.position, join(path, "then"),
                          "must be \"backoff\" or \"retry_after\", not \(then.value.stringValue.map { "\"\($0)\"" } ?? then.value.typeDescription)")
                    return nil
                }
                return .ifIdempotent(then: wait)
            case "user_action":
                guard let kindMember = fields["kind"] else {
                    error(at: json.position, path, "user_action needs a \"kind\", e.g. \"reauthenticate\" or \"fix_configuration\"")
                    return nil
                }
                guard let kind = kindMember.value.stringValue, !kind.isEmpty else {
                    error(at: kindMember.value.position, join(path, "kind"), "must be a non-empty string")
                    return nil
                }
                if !CatalogueVocabulary.userActionNames.contains(kind) {
                    var message = "unknown user action \"\(kind)\""
                    if let guess = CatalogueText.nearest(to: kind, in: CatalogueVocabulary.userActionNames.sorted()) {
                        message += "; did you mean \"\(guess)\"?"
                    } else {
                        message += " (the standard ones are listed in docs/catalogues.md under Categories)"
                    }
                    warning(at: kindMember.value.position, join(path, "kind"), message)
                }
                return .userAction(kind: kind)
            default:
                unknownPolicy(name, at: policyMember.value.position, path: join(path, "policy"))
                return nil
            }
        default:
            error(at: json.position, path, "must be a policy name (\(RetryPolicy.names.joined(separator: ", "))) or an object {\"policy\": …}, not \(json.typeDescription)")
            return nil
        }
    }
}
