import Foundation
import TestSupport
import Testing
@testable import ErrAnalyzeKit

/// `erranalyze config check`: every problem of a config file, each with its line and column.
@Suite("Config file reading and checking")
struct ConfigReaderTests {
    static func read(_ text: String) -> ConfigReadResult {
        ConfigReader.read(text: text, file: "c.toml")
    }

    @Test("a valid file gives every setting, sources in file order")
    func valid() throws {
        let result = Self.read("""
        # comment
        database = "/var/lib/erranalyze/erranalyze.sqlite"
        catalogues = ["opsmerge", "/etc/erranalyze/mine.json"]

        [[source]]
        name = "nginx"
        paths = [
          "/var/log/nginx/access.log*",   # current and rotated
          "/var/log/nginx/old/*.gz",
        ]
        log_format = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent'
        routes = ["/v1/files/*"]
        host = "web-1"

        [[source]]
        name = "app"
        paths = ["/var/log/app/*.jsonl"]
        json_fields = "time=ts,status=res.status"
        """)
        #expect(result.problems.isEmpty, "\(result.problems)")
        let c = try #require(result.configuration)
        #expect(c.database == "/var/lib/erranalyze/erranalyze.sqlite")
        #expect(c.catalogues == ["opsmerge", "/etc/erranalyze/mine.json"])
        #expect(c.sources.map(\.name) == ["nginx", "app"])
        #expect(c.sources[0].paths == ["/var/log/nginx/access.log*", "/var/log/nginx/old/*.gz"])
        #expect(c.sources[0].format == .logFormat(#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent"#))
        #expect(c.sources[0].routes == ["/v1/files/*"])
        #expect(c.sources[0].host == "web-1")
        #expect(c.sources[1].format == .jsonFields("time=ts,status=res.status"))
        #expect(c.sources[1].host == nil)
    }

    @Test("a TOML syntax error is reported with its line and column")
    func syntaxError() {
        let result = Self.read("""
        database = "/tmp/x.sqlite"

        [[source]]
        name = "nginx
        """)
        #expect(result.configuration == nil)
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.position?.line == 4)
        #expect(result.problems.first?.description.hasPrefix("c.toml:4:") == true)
        #expect(result.problems.first?.message.hasPrefix("not valid TOML") == true)
    }

    @Test("unknown keys are errors at their line and column, at the top level and in a source")
    func unknownKeys() {
        let result = Self.read("""
        database = "/tmp/x.sqlite"
        databse = "/tmp/y.sqlite"

        [[source]]
        name = "nginx"
        paths = ["/var/log/nginx/access.log"]
          log_fromat = "combined"
        """)
        #expect(result.configuration == nil)
        let descriptions = result.problems.map(\.description)
        #expect(descriptions.contains { $0.hasPrefix("c.toml:2:1: error: databse: unknown key") }, "\(descriptions)")
        #expect(descriptions.contains { $0.hasPrefix("c.toml:7:3: error: source[0] (nginx).log_fromat: unknown key") }, "\(descriptions)")
        #expect(result.problems.count == 2)
    }

    @Test("wrong types are errors at the key's position, each reported")
    func wrongTypes() {
        let result = Self.read("""
        database = 5
        catalogues = "opsmerge"

        [[source]]
        name = "a"
        paths = [
          "/x",
          7,
        ]
        routes = ["/v1/*"]

        [[source]]
        name = "b"
        paths = "/var/log/b.log"
        """)
        let byKey = Dictionary(result.problems.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byKey["database"]?.position == TextPosition(line: 1, column: 1))
        #expect(byKey["database"]?.message == "must be a string, not an integer")
        #expect(byKey["catalogues"]?.position == TextPosition(line: 2, column: 1))
        #expect(byKey["source[0] (a).paths[1]"]?.position == TextPosition(line: 6, column: 1))
        #expect(byKey["source[1] (b).paths"]?.position == TextPosition(line: 14, column: 1))
        #expect(result.problems.count == 4, "\(result.problems.map(\.description))")
    }

    @Test("a source's format, rules and name are checked as ingest's flags would check them")
    func sourceValues() {
        let result = Self.read("""
        [[source]]
        name = "a"
        paths = ["/a"]
        format = "nginx-combined-typo"

        [[source]]
        name = "b"
        paths = ["/b"]
        format = "combined"
        json_fields = "time=ts"

        [[source]]
        name = "a"
        paths = ["/c"]
        routes = ["no-leading-slash"]

        [[source]]
        paths = []
        """)
        let lines = result.problems.map { "\($0.position?.line ?? 0) \($0.key)" }
        #expect(lines.contains("4 source[0] (a).format"), "\(lines)")
        #expect(lines.contains("10 source[1] (b).json_fields"), "\(lines)")
        #expect(lines.contains("15 source[2] (a).routes"), "\(lines)")
        #expect(lines.contains("17 source[3]"), "\(lines)")           // no name
        #expect(lines.contains("18 source[3].paths"), "\(lines)")     // names no file
        #expect(result.configuration == nil)
    }

    @Test("two sources with one name are an error")
    func duplicateNames() {
        let result = Self.read("""
        [[source]]
        name = "a"
        paths = ["/a"]
        [[source]]
        name = "a"
        paths = ["/b"]
        """)
        #expect(result.problems.map(\.description) == [#"c.toml:5:1: error: source[1] (a).name: two sources are named "a" (the first is source[0])"#])
    }

    @Test("keys after multi-line strings and arrays are located on their own lines")
    func locatorSkipsValues() {
        let locator = ConfigKeyLocator(text: """
        database = \"\"\"
        x = 1
        \"\"\"
        catalogues = [
          "[not a table]",
          "a = b",
        ]
        [[source]]
        name = 'x' # [[source]]
        [[source]]
        "quoted key" = 1
        """)
        #expect(locator.position(of: "database") == TextPosition(line: 1, column: 1))
        #expect(locator.position(of: "x") == nil)
        #expect(locator.position(of: "catalogues") == TextPosition(line: 4, column: 1))
        #expect(locator.position(of: "source[0].name") == TextPosition(line: 9, column: 1))
        #expect(locator.position(of: "source[1]") == TextPosition(line: 10, column: 1))
        #expect(locator.position(of: "source[1].quoted key") == TextPosition(line: 11, column: 1))
    }

    @Test("config show masks a database URI's password")
    func masking() {
        #expect(Configuration.maskingPassword("postgresql://ops:s3cr@t@db.example:5432/err?sslmode=require")
            == "postgresql://ops:****@db.example:5432/err?sslmode=require")
        #expect(Configuration.maskingPassword("postgresql://ops@db/err") == "postgresql://ops@db/err")
        #expect(Configuration.maskingPassword("/var/lib/x.sqlite") == "/var/lib/x.sqlite")
        let c = Configuration(file: "f", database: "postgresql://u:pw@h/d")
        #expect(!c.tomlText().contains("pw"))
    }

    @Test("the text config show prints reads back to the same configuration")
    func roundTrip() throws {
        let original = Configuration(file: "c.toml", database: "/tmp/a \"b\".sqlite", catalogues: ["all"], sources: [
            LogSource(name: "n", paths: ["/var/log/*.log"], format: .logFormat(#"$remote_addr [$time_local] "$request" \ $status"#), routes: ["/v1/*"], host: "h1"),
            LogSource(name: "m", paths: ["/m"]),
        ])
        let back = Self.read(original.tomlText())
        #expect(back.problems.isEmpty, "\(back.problems)")
        #expect(back.configuration == original)
    }

    @Test("the default file: XDG_CONFIG_HOME, else ~/.config, else /etc; none when neither exists")
    func location() {
        #expect(ConfigFileLocation.candidates(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]) == ["/x/erranalyze/config.toml", "/etc/erranalyze/config.toml"])
        #expect(ConfigFileLocation.candidates(environment: ["HOME": "/h"]) == ["/h/.config/erranalyze/config.toml", "/etc/erranalyze/config.toml"])
        #expect(ConfigFileLocation.defaultPath(environment: ["HOME": "/h"], exists: { $0.hasPrefix("/etc") }) == "/etc/erranalyze/config.toml")
        #expect(ConfigFileLocation.defaultPath(environment: ["HOME": "/h"], exists: { _ in false }) == nil)
    }

    @Test("a source's globs expand to the files that exist; a pattern matching nothing is listed")
    func globs() throws {
        let dir = try ScratchFolders.make("erranalyze-glob").path
        for name in ["access.log", "access.log.1", "access.log.2.gz", "error.log"] {
            #expect(FileManager.default.createFile(atPath: dir + "/" + name, contents: Data()))
        }
        let source = LogSource(name: "n", paths: [dir + "/access.log*", dir + "/access.log", dir + "/none*"])
        let (paths, unmatched) = source.expandedPaths()
        #expect(paths == ["access.log", "access.log.1", "access.log.2.gz"].map { dir + "/" + $0 })
        #expect(unmatched == [dir + "/none*"])
    }
}
