/// What a config file says (erranalyze.toml): the database, the catalogues, and the log
/// sources that `erranalyze ingest` reads when it is given no file names.
///
/// Command-line flags override it; see `ConfigReader` for the file's syntax and checks.
public struct Configuration: Equatable, Sendable {
    /// The file it was read from.
    public var file: String
    /// `database = "…"`: the database path (or a postgresql:// URI, once supported).
    public var database: String?
    /// `catalogues = [...]`: built-in names, `all`, or catalogue files, as `--catalogue` takes.
    public var catalogues: [String]?
    /// `[[source]]` tables, in file order.
    public var sources: [LogSource]
    /// `openapi = "…"`: the API's OpenAPI or Swagger document, as `--openapi` takes it.
    public var openapi: String?

    public init(file: String, database: String? = nil, catalogues: [String]? = nil, sources: [LogSource] = []) {
        self.file = file
        self.database = database
        self.catalogues = catalogues
        self.sources = sources
    }
}

/// One `[[source]]`: a kind of log, where its files are, and how to read them.
public struct LogSource: Equatable, Sendable {
    /// How the lines are read: the same three choices as `ingest`'s flags.
    public enum Format: Equatable, Sendable {
        /// `format = "combined"`: a preset name.
        case preset(String)
        /// `log_format = "…"`: an nginx log_format or Apache LogFormat line.
        case logFormat(String)
        /// `json_fields = "time=ts,…"`: JSON lines with this field map.
        case jsonFields(String)
    }

    public var name: String
    /// Glob patterns (`/var/log/nginx/access.log*`), expanded at each run.
    public var paths: [String]
    /// nil: detected per file, as `ingest` does without a format flag.
    public var format: Format?
    /// Route template rules, as `--route` takes.
    public var routes: [String]
    /// The host the logs come from (fleet ingest); nil: this machine.
    public var host: String?

    public init(name: String, paths: [String], format: Format? = nil, routes: [String] = [], host: String? = nil) {
        self.name = name
        self.paths = paths
        self.format = format
        self.routes = routes
        self.host = host
    }
}
