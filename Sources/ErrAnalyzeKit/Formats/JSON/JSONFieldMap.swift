/// Which JSON paths fill which request fields: a preset's map, or one built from
/// `--json-fields key=dot.path,…`. For every field, the paths are tried in order and the
/// first one present on a line wins.
public struct JSONFieldMap: Sendable {
    /// The request fields a JSON path can fill.
    public enum Key: String, CaseIterable, Sendable {
        case time, method, path, status, code, duration, client
        case idempotencyKey = "idempotency_key"
        case retryAfter = "retry_after"
        /// A whole request line (`GET /v1/x HTTP/1.1`, nginx `$request`), used for the method
        /// and path when those have no path of their own.
        case request
        /// A network address (`10.0.0.1:5000`, port dropped), the client when no `client` path is present.
        case clientAddress = "client_address"
    }

    /// One path a field may be read from.
    public struct Source: Sendable, Equatable {
        public var path: [String]
        /// For durations: the unit of a number without one (`auto`: fraction → s, integer → ms).
        public var durationUnit: DurationUnit
        /// For times: the unit of an epoch number.
        public var epochUnit: EpochUnit

        public init(path: [String], durationUnit: DurationUnit = .auto, epochUnit: EpochUnit = .auto) {
            self.path = path
            self.durationUnit = durationUnit
            self.epochUnit = epochUnit
        }

        public static func == (a: Source, b: Source) -> Bool { a.path == b.path && a.durationUnit == b.durationUnit }
    }

    public var sources: [Key: [Source]]
    /// Whether a line with a status but no method, path or request is malformed (product
    /// presets, whose every line is a request) rather than read without a route.
    public var requiresPath: Bool

    public init(sources: [Key: [Source]] = [:], requiresPath: Bool = false) {
        self.sources = sources
        self.requiresPath = requiresPath
    }

    /// Adds paths (dot-separated; `\.` is a literal dot) for a key.
    mutating func add(_ key: Key, _ paths: String..., unit: DurationUnit = .auto) {
        for p in paths {
            let path = Self.splitPath(p)
            sources[key, default: []].append(Source(path: path, durationUnit: unit == .auto ? Self.unitFromName(path.last ?? "") : unit))
        }
    }

    static func splitPath(_ text: String) -> [String] {
        var segments: [String] = []
        var current = ""
        var escaped = false
        for ch in text {
            if escaped { current.append(ch); escaped = false; continue }
            if ch == "\\" { escaped = true; continue }
            if ch == "." { segments.append(current); current = ""; continue }
            current.append(ch)
        }
        segments.append(current)
        return segments
    }

    /// A duration unit a field name announces: `elapsed_ms`, `durationMs`, `latency_us`,
    /// `took_ns`, `time_seconds`; `auto` when it says nothing.
    static func unitFromName(_ name: String) -> DurationUnit {
        let lower = name.lowercased()
        func ends(_ suffixes: String...) -> Bool {
            suffixes.contains { lower.hasSuffix($0) }
        }
        if ends("_ms", "-ms", "millis", "milliseconds") || name.hasSuffix("Ms") { return .milliseconds }
        if ends("_us", "-us", "micros", "microseconds", "_µs") || name.hasSuffix("Us") { return .microseconds }
        if ends("_ns", "-ns", "nanos", "nanoseconds") || name.hasSuffix("Ns") { return .nanoseconds }
        if ends("_s", "_sec", "_secs", "_seconds", "seconds") || name.hasSuffix("Sec") || name.hasSuffix("Seconds") { return .seconds }
        return .auto
    }

    /// An error in a `--json-fields` specification.
    public struct SpecError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Reads `key=dot.path,key=path1|path2,…` on top of `base`: every key named replaces
    /// the base's paths for that key; keys not named keep the base's.
    ///
    /// Keys: time, method, path, status, code, duration (also `duration_ms`, `duration_us`,
    /// `duration_ns`, `duration_s` to give the unit of bare numbers), client,
    /// idempotency_key, retry_after, request.
    public static func parse(_ spec: String, base: JSONFieldMap) throws -> JSONFieldMap {
        var map = base
        var seen = Set<Key>()
        let items = spec.split(separator: ",", omittingEmptySubsequences: true).map { $0.trimmingSpaces }
        guard !items.isEmpty else { throw SpecError(description: "--json-fields is empty; expected key=dot.path,…") }
        for item in items where !item.isEmpty {
            guard let eq = item.firstIndex(of: "=") else {
                throw SpecError(description: "--json-fields: '\(item)' is not key=dot.path")
            }
            var name = String(item[..<eq]).trimmingSpaces.lowercased().replacingHyphens
            let value = String(item[item.index(after: eq)...]).trimmingSpaces
            var unit = DurationUnit.auto
            for (suffix, u) in [("_ms", DurationUnit.milliseconds), ("_us", .microseconds), ("_ns", .nanoseconds), ("_s", .seconds)]
            where name.hasPrefix("duration") && name.hasSuffix(suffix) && name.count == 8 + suffix.count {
                name = "duration"
                unit = u
            }
            let aliases: [String: Key] = ["idempotency": .idempotencyKey, "idempotencykey": .idempotencyKey,
                                          "retry": .retryAfter, "retryafter": .retryAfter, "error_code": .code,
                                          "timestamp": .time, "url": .path, "uri": .path, "latency": .duration]
            guard let key = Key(rawValue: name) ?? aliases[name], key != .clientAddress else {
                let known = "time, method, path, status, code, duration, client, idempotency_key, retry_after, request"
                throw SpecError(description: "--json-fields: unknown key '\(name)' (known: \(known))")
            }
            guard !seen.contains(key) else { throw SpecError(description: "--json-fields: '\(name)' is given twice") }
            seen.insert(key)
            let paths = value.split(separator: "|").map { String($0).trimmingSpaces }
            guard !paths.isEmpty, paths.allSatisfy({ !$0.isEmpty && !$0.hasPrefix(".") && !$0.hasSuffix(".") && !$0.contains("..") }) else {
                throw SpecError(description: "--json-fields: '\(name)' needs a dot path such as error.code, got '\(value)'")
            }
            map.sources[key] = []
            if key == .client { map.sources[.clientAddress] = [] }
            for p in paths {
                let path = splitPath(p)
                map.sources[key, default: []].append(Source(path: path, durationUnit: unit == .auto ? unitFromName(path.last ?? "") : unit))
            }
        }
        return map
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }

    var replacingHyphens: String { String(self.map { $0 == "-" ? "_" : $0 }) }
}
