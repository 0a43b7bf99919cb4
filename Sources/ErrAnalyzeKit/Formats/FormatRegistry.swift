/// The formats erranalyze knows by name, and detection of a file's format from its first lines.
public enum FormatRegistry {
    /// Apache's `vhost_combined`, as shipped in Debian's apache2.conf.
    static let vhostCombinedFormat = #"%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i""#

    /// Every preset, in the order detection tries them (most specific first).
    public static let presets: [LogFormat] = {
        let vhost = try! ApacheLogFormat.compile(vhostCombinedFormat)
        func json(_ name: String, _ map: JSONFieldMap) -> LogFormat {
            let plan = JSONPlan(map)
            return LogFormat(name: name) { JSONLineParser(plan: plan) }
        }
        return [
            LogFormat(name: "cloudfront", supportsChunking: false) { W3CExtendedLogParser(flavor: .cloudFront) },
            LogFormat(name: "w3c", supportsChunking: false) { W3CExtendedLogParser(flavor: .iis) },
            LogFormat(name: "alb") { AWSALBLogParser() },
            LogFormat(name: "haproxy") { HAProxyLogParser() },
            LogFormat(name: "vhost_combined") { TemplateLogParser(plan: vhost) },
            LogFormat(name: "combined") { NCSALogParser() },
            LogFormat(name: "common") { NCSALogParser() },
            json("gcp-lb", JSONPresets.gcp),
            json("cloudflare", JSONPresets.cloudflare),
            json("traefik", JSONPresets.traefik),
            json("caddy", JSONPresets.caddy),
            json("envoy", JSONPresets.envoy),
            json("nginx-json", JSONPresets.nginx),
            json("json", JSONPresets.application),
        ]
    }()

    /// Other names users may type for a preset.
    public static let aliases: [String: String] = [
        "clf": "common", "ncsa": "common", "apache": "combined", "nginx": "combined", "ncsa_combined": "combined",
        "vhost": "vhost_combined", "vhost-combined": "vhost_combined",
        "iis": "w3c", "w3c-extended": "w3c",
        "aws-alb": "alb", "elb": "alb", "aws-elb": "alb",
        "aws-cloudfront": "cloudfront", "cf": "cloudfront",
        "haproxy-http": "haproxy",
        "gcp": "gcp-lb", "google": "gcp-lb", "gclb": "gcp-lb", "cloud-logging": "gcp-lb",
        "cloudflare-logpush": "cloudflare",
        "istio": "envoy",
        "nginx_json": "nginx-json", "nginxjson": "nginx-json",
        "app": "json", "application": "json", "jsonl": "json", "ndjson": "json", "json-lines": "json",
    ]

    /// The names accepted by `--format`.
    public static var presetNames: [String] { presets.map(\.name) }

    public static func preset(named name: String) -> LogFormat? {
        if let wrapped = wrappedPreset(named: name) { return wrapped }
        let lowered = name.lowercased()
        let key = aliases[lowered] ?? lowered
        return presets.first { $0.name == key }
    }

    /// A generic JSON-lines format reading the paths of `--json-fields key=dot.path,…`
    /// (keys: time, method, path, status, code, duration, client, idempotency_key,
    /// retry_after, request; `a|b` tries `a` then `b`). Keys not given keep the `json`
    /// preset's paths.
    ///
    /// - Throws: `JSONFieldMap.SpecError` naming the bad key or path.
    public static func json(fields: String) throws -> LogFormat {
        let map = try JSONFieldMap.parse(fields, base: JSONPresets.application)
        let plan = JSONPlan(map)
        return LogFormat(name: "json") { JSONLineParser(plan: plan) }
    }

    /// The preset that reads the largest share of `lines` (at least half of the non-blank
    /// ones, and at least one request), or nil when none does. Ties go to the preset
    /// tried first.
    public static func detect(sample lines: [UnsafeRawBufferPointer]) -> LogFormat? {
        detectScored(sample: lines)?.format
    }

    /// `detect`, with the winner's score (2 per request, 1 per skipped line).
    static func detectScored(sample lines: [UnsafeRawBufferPointer]) -> (format: LogFormat, score: Int)? {
        let candidates = lines.filter { $0.count > 0 }
        guard !candidates.isEmpty else { return nil }
        var best: (format: LogFormat, score: Int)?
        for format in presets {
            let (score, requests) = Self.score(format, on: candidates)
            if requests > 0 && score > (best?.score ?? 0) { best = (format, score) }
        }
        guard let found = best, found.score >= candidates.count else { return nil }
        if found.format.name == "combined" && !candidates.contains(where: Self.hasTrailingQuotedFields) {
            return (preset(named: "common")!, found.score)
        }
        return found
    }

    /// How well `format` reads `lines`: 2 per request, 1 per skipped line.
    static func score(_ format: LogFormat, on lines: [UnsafeRawBufferPointer]) -> (score: Int, requests: Int) {
        var parser = format.makeParser()
        var record = RequestRecord()
        var score = 0, requests = 0
        // A line with a NUL byte is binary data in every format (as when it is counted).
        for line in lines where line.count > 0 && !ByteScanning.containsNUL(line) {
            switch parser.parse(line, into: &record) {
            case .request: score += 2; requests += 1
            case .skip: score += 1
            case .malformed: break
            }
        }
        return (score, requests)
    }

    /// Whether an NCSA line carries fields after the byte count (the combined format's
    /// referer and user agent, or anything a site appended): the common format ends with
    /// `"request" status bytes`, two fields after the request's closing quote.
    static func hasTrailingQuotedFields(_ line: UnsafeRawBufferPointer) -> Bool {
        var n = line.count
        if n > 0 && line[n - 1] == 0x0D { n -= 1 }
        guard n > 2 else { return false }
        if line[n - 1] == UInt8(ascii: "\"") { return true }
        var spaces = 0
        var i = n - 1
        while i > 0 && line[i] != UInt8(ascii: "\"") {
            if line[i] == 0x20 { spaces += 1 }
            i -= 1
        }
        return spaces > 2
    }
}
