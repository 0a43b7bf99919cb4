
/// The catalogues that ship with erranalyze, compiled into the binary
/// (`EmbeddedCatalogues`, generated from `Catalogue/Builtin/*.json` by Scripts/embed-catalogues).
///
/// They used to be package resources found through a bundle beside the executable; a binary
/// copied alone to another machine could then not classify anything. Compiled in, the
/// binary needs no file at all.
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

    /// The exact text of the built-in file `name`.json, or nil when there is none.
    public static func text(named name: String) -> String? {
        EmbeddedCatalogues.files.first { $0.name == name + ".json" }?.text
    }

    /// Decodes and validates the built-in `name` as `catalogue validate` would a file, or nil
    /// when there is none; problems name it "NAME.json (built-in)".
    public static func read(named name: String) -> CatalogueReadResult? {
        text(named: name).map { CatalogueDecoder.read(text: $0, file: label(name + ".json"), origin: .builtin) }
    }

    private static let cached: Result<[Catalogue], CatalogueError> = Result { () throws(CatalogueError) in
        try load(files: EmbeddedCatalogues.files)
    }

    static func label(_ file: String) -> String { file + " (built-in)" }

    /// Decodes every `*.json` file of `files`, in `order` and then alphabetically.
    static func load(files: [(name: String, text: String)]) throws(CatalogueError) -> [Catalogue] {
        let ranked = files.filter { $0.name.hasSuffix(".json") }.sorted { a, b in
            let ra = order.firstIndex(of: String(a.name.dropLast(5))) ?? order.count
            let rb = order.firstIndex(of: String(b.name.dropLast(5))) ?? order.count
            return ra != rb ? ra < rb : a.name < b.name
        }
        var catalogues: [Catalogue] = []
        for file in ranked {
            let result = CatalogueDecoder.read(text: file.text, file: label(file.name), origin: .builtin)
            guard var catalogue = result.catalogue else {
                throw .invalid(file: label(file.name), problems: result.problems)
            }
            // The file name is what users see in the source tree; the name field is what they
            // select. A mismatch would make `--catalogue NAME` surprising.
            if catalogue.name + ".json" != file.name {
                throw .invalid(file: label(file.name), problems: [CatalogueProblem(
                    severity: .error, file: label(file.name), position: nil, path: "name",
                    message: "built-in catalogue name \"\(catalogue.name)\" does not match its file name")])
            }
            catalogue.origin = .builtin
            catalogues.append(catalogue)
        }
        return catalogues
    }
}
