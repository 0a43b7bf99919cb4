import Foundation

/// The catalogues that ship with erranalyze, read from the package's resource bundle.
///
/// SwiftPM's generated `Bundle.module` calls `fatalError` when the bundle is not where the
/// build put it (a binary copied to another machine, a package that installs resources
/// elsewhere). A missing catalogue must be a clear error, not a crash, so the bundle is
/// searched for here, in the places `Bundle.module` would look and a few more.
public enum BuiltinCatalogues {
    /// The built-ins in their default precedence order.
    ///
    /// `http` defines no codes, only status rules, and comes first: with the default
    /// selection the origin of the traffic is unknown, so a response without a known code
    /// gets generic HTTP semantics rather than one API's catch-all ("do not retry on 4xx"
    /// would make a 408 fatal). Selecting an API catalogue explicitly puts its status rules
    /// first. Among the code catalogues the most complete comes first: where seed 002 and
    /// seed 004 define the same code, opsmerge's entry applies.
    public static let order = ["http", "opsmerge", "crm-connect", "marketing", "extraction"]

    /// The catalogue that is always active: appended last when a selection leaves it out,
    /// so that every status has a rule.
    public static let floor = "http"

    /// Overrides the search: a directory holding the built-in `*.json` files.
    public static let environmentVariable = "ERRANALYZE_BUILTIN_CATALOGUES"

    /// Every built-in catalogue, in `order` (loaded once per process).
    public static func all() throws(CatalogueError) -> [Catalogue] {
        try cached.get()
    }

    /// The built-in named `name`, or nil when there is none.
    public static func named(_ name: String) throws(CatalogueError) -> Catalogue? {
        try all().first { $0.name == name }
    }

    /// The built-in names in order, without loading anything.
    public static var names: [String] { order }

    private static let cached: Result<[Catalogue], CatalogueError> = Result { () throws(CatalogueError) in
        try load(from: try directory())
    }

    /// Reads every `*.json` file of `directory`, in `order` and then alphabetically.
    static func load(from directory: URL) throws(CatalogueError) -> [Catalogue] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
        } catch {
            throw .unreadable(file: directory.path, reason: error.localizedDescription)
        }
        let ranked = files.sorted { a, b in
            let ra = order.firstIndex(of: String(a.dropLast(5))) ?? order.count
            let rb = order.firstIndex(of: String(b.dropLast(5))) ?? order.count
            return ra != rb ? ra < rb : a < b
        }
        var catalogues: [Catalogue] = []
        for file in ranked {
            let path = directory.appendingPathComponent(file).path
            let result = CatalogueLoader.read(path: path, origin: .builtin)
            guard var catalogue = result.catalogue else {
                throw .invalid(file: path, problems: result.problems)
            }
            // The file name is what users see in the package; the name field is what they
            // select. A mismatch would make `--catalogue NAME` surprising.
            if catalogue.name + ".json" != file {
                throw .invalid(file: path, problems: [CatalogueProblem(
                    severity: .error, file: path, position: nil, path: "name",
                    message: "built-in catalogue name \"\(catalogue.name)\" does not match its file name")])
            }
            catalogue.origin = .builtin
            catalogues.append(catalogue)
        }
        return catalogues
    }

    /// The directory holding the built-in JSON files.
    public static func directory() throws(CatalogueError) -> URL {
        let candidates = candidateDirectories()
        for candidate in candidates where isDirectoryWithCatalogues(candidate) {
            return candidate
        }
        throw .builtinsMissing(searched: candidates.map(\.path))
    }

    /// Where to look, most specific first.
    static func candidateDirectories() -> [URL] {
        var result: [URL] = []
        if let override = ProcessInfo.processInfo.environment[environmentVariable], !override.isEmpty {
            result.append(URL(fileURLWithPath: override))
        }
        // Bundle names SwiftPM uses: `<package>_<target>.resources` on Linux and Windows,
        // `.bundle` on Apple platforms (where resources sit in Contents/Resources).
        let bundleNames = ["erranalyze_ErrAnalyzeKit.resources", "erranalyze_ErrAnalyzeKit.bundle"]
        var roots: [URL] = [Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL {
            roots.append(executable.deletingLastPathComponent())
            roots.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        let argv0 = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        roots.append(argv0.deletingLastPathComponent())
        // A package that installs the binary in bin/ and the resources in share/erranalyze/.
        for root in roots {
            result.append(root.deletingLastPathComponent().appendingPathComponent("share/erranalyze"))
        }
        for root in roots + result {
            for bundle in bundleNames {
                let url = root.appendingPathComponent(bundle)
                result.append(url.appendingPathComponent("Builtin"))
                result.append(url.appendingPathComponent("Contents/Resources/Builtin"))
            }
        }
        // A development build run from its checkout (what `Bundle.module`'s build path
        // fallback amounts to): the resources' source directory.
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Builtin")
        result.append(source)
        var seen = Set<String>()
        return result.map(\.standardizedFileURL).filter { seen.insert($0.path).inserted }
    }

    private static func isDirectoryWithCatalogues(_ url: URL) -> Bool {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return false }
        return files.contains { $0.hasSuffix(".json") }
    }
}
