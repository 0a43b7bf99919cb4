import Testing
@testable import ErrAnalyzeKit

@Suite struct DetectionTests {
    /// Every sample file and the preset auto-detection must pick for it (nil: the file
    /// needs `--json-fields` or `--log-format`).
    static let samples: [(file: String, preset: String?)] = [
        ("common.log", "common"),
        ("combined.log", "combined"),
        ("vhost_combined.log", "vhost_combined"),
        ("nginx_custom.log", "combined"),   // the NCSA prefix reads; --log-format adds the rest
        ("apache_custom.log", "combined"),
        ("alb.log", "alb"),
        ("cloudfront.log", "cloudfront"),
        ("iis_w3c.log", "w3c"),
        ("haproxy.log", "haproxy"),
        ("nginx_json.log", "nginx-json"),
        ("caddy.log", "caddy"),
        ("traefik.json", "traefik"),
        ("envoy.json", "envoy"),
        ("gcp_lb.json", "gcp-lb"),
        ("cloudflare.json", "cloudflare"),
        ("app_pino.json", "json"),
        ("app_structured.json", "json"),
        ("app_custom_fields.json", nil),
    ]

    @Test(arguments: samples)
    func sampleFileIsDetected(_ sample: (file: String, preset: String?)) throws {
        let lines = try sampleLines(sample.file)
        #expect(lines.count >= 10 && lines.count <= 50)
        #expect(detectedName(Array(lines.prefix(20))) == sample.preset, "\(sample.file)")
    }

    @Test func everyPresetHasASampleFile() {
        let detected = Set(Self.samples.compactMap(\.preset))
        #expect(Set(FormatRegistry.presetNames) == detected)
    }

    @Test func noFormatMeansNil() {
        #expect(detectedName([]) == nil)
        #expect(detectedName(["", ""]) == nil)
        #expect(detectedName(["hello world", "this is not a log", "at all"]) == nil)
        #expect(detectedName(["{\"msg\":\"started\"}", "{\"msg\":\"ready\"}"]) == nil, "JSON without requests")
        #expect(detectedName(["\u{0}\u{1}\u{2}binary", "\u{FF}\u{FE}"]) == nil)
    }

    @Test func mostlyMalformedIsNotDetected() throws {
        var lines = Array(try sampleLines("combined.log").prefix(3))
        lines += (0..<10).map { "garbage line \($0)" }
        #expect(detectedName(lines) == nil)
    }

    @Test func corpusIsCombined() throws {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/apache_logs")
        let text = try String(contentsOf: url, encoding: .isoLatin1)
        let lines = text.split(separator: "\n").prefix(50).map(String.init)
        #expect(detectedName(lines) == "combined")
    }

    @Test func namesAndAliases() {
        for (alias, name) in [("nginx", "combined"), ("apache", "combined"), ("clf", "common"), ("IIS", "w3c"),
                              ("aws-alb", "alb"), ("elb", "alb"), ("gcp", "gcp-lb"), ("istio", "envoy"),
                              ("ndjson", "json"), ("app", "json"), ("vhost", "vhost_combined"), ("CloudFront", "cloudfront")] {
            #expect(FormatRegistry.preset(named: alias)?.name == name, "\(alias)")
        }
        for name in FormatRegistry.presetNames {
            #expect(FormatRegistry.preset(named: name)?.name == name)
        }
        #expect(FormatRegistry.preset(named: "nope") == nil)
        #expect(FormatRegistry.aliases.values.allSatisfy { FormatRegistry.presetNames.contains($0) })
    }

    @Test func headerFormatsDoNotChunk() {
        for format in FormatRegistry.presets {
            #expect(format.supportsChunking == !["w3c", "cloudfront"].contains(format.name), "\(format.name)")
        }
    }
}
