import Foundation

/// A PostgreSQL connection string as the user gave it (a `postgresql://` or `postgres://` URI,
/// or libpq `key=value` conninfo), and its display form with the password masked, for every
/// message that names the server. The string itself goes to libpq unchanged, so libpq's
/// environment and files (PGHOST, PGUSER, PGPASSWORD, PGSERVICE, ~/.pgpass, TLS) apply as for psql.
public struct ConnectionString: Sendable, Equatable, CustomStringConvertible {
    public let raw: String
    /// The options written in the string (libpq keyword → value), password included.
    public let options: [String: String]

    /// libpq's connection keywords, by which `key=value` conninfo is told from a file path.
    public static let keywords: Set<String> = [
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "channel_binding",
        "connect_timeout", "client_encoding", "options", "application_name", "fallback_application_name",
        "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
        "replication", "gssencmode", "sslmode", "requiressl", "sslcompression", "sslcert", "sslkey",
        "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer",
        "ssl_min_protocol_version", "ssl_max_protocol_version", "krbsrvname", "gsslib", "service",
        "target_session_attrs", "load_balance_hosts",
    ]

    /// Whether `location` names a PostgreSQL database rather than an SQLite file.
    public static func isPostgres(_ location: String) -> Bool {
        let lower = location.lowercased()
        if lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://") { return true }
        // conninfo: starts with `keyword=` (spaces allowed around `=`).
        let trimmed = location.drop(while: { $0 == " " })
        guard let equals = trimmed.firstIndex(of: "=") else { return false }
        let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
        return keywords.contains(key)
    }

    /// Nil when `location` is not a PostgreSQL connection string.
    public init?(_ location: String) {
        guard Self.isPostgres(location) else { return nil }
        raw = location
        let lower = location.lowercased()
        options = lower.hasPrefix("postgres") && lower.contains("://") ? Self.parseURI(location) : Self.parseConninfo(location)
    }

    public var password: String? { options["password"] }

    /// `postgresql://user:****@host:port/dbname`, from what the string says.
    public var display: String {
        Self.display(user: options["user"], hasPassword: password != nil, host: options["host"] ?? options["hostaddr"],
                     port: options["port"], database: options["dbname"])
    }

    public var description: String { display }

    /// The display form of a server: a password, if any, is `****`; a socket folder goes in
    /// `?host=` as in libpq URIs.
    public static func display(user: String?, hasPassword: Bool, host: String?, port: String?, database: String?) -> String {
        var text = "postgresql://"
        if let user, !user.isEmpty {
            text += user + (hasPassword ? ":****" : "") + "@"
        } else if hasPassword {
            text += ":****@"
        }
        var query: [String] = []
        if let host, !host.isEmpty {
            if host.hasPrefix("/") || host.hasPrefix("@") {
                query.append("host=" + host)
                if let port, !port.isEmpty { query.append("port=" + port) }
            } else {
                text += host.contains(":") && !host.contains(",") ? "[\(host)]" : host
                if let port, !port.isEmpty { text += ":" + port }
            }
        } else if let port, !port.isEmpty {
            query.append("port=" + port)
        }
        if let database, !database.isEmpty { text += "/" + database }
        if !query.isEmpty { text += "?" + query.joined(separator: "&") }
        return text
    }

    /// `text` with every occurrence of the password (as written, and percent-decoded) and of
    /// `$PGPASSWORD` replaced by `****`: libpq echoes parts of a malformed string in its errors.
    public func masking(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        var secrets: [String] = []
        if let password, !password.isEmpty { secrets.append(password) }
        if let rawPassword = Self.rawURIPassword(raw), !rawPassword.isEmpty { secrets.append(rawPassword) }
        if let env = environment["PGPASSWORD"], !env.isEmpty { secrets.append(env) }
        var result = text
        for secret in secrets.sorted(by: { $0.count > $1.count }) {
            result = result.replacingOccurrences(of: secret, with: "****")
        }
        return result
    }

    // MARK: Parsing (enough to display and mask; libpq does the real parsing)

    static func rawURIPassword(_ uri: String) -> String? {
        guard let scheme = uri.range(of: "://") else { return nil }
        let rest = uri[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return nil }
        let userinfo = authority[..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return nil }
        return String(userinfo[userinfo.index(after: colon)...])
    }

    static func parseURI(_ uri: String) -> [String: String] {
        var options: [String: String] = [:]
        guard let scheme = uri.range(of: "://") else { return options }
        var rest = Substring(uri[scheme.upperBound...])
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var authority = rest
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            let database = rest[rest.index(after: slash)...]
            if !database.isEmpty { options["dbname"] = decode(database) }
        }
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = userinfo.firstIndex(of: ":") {
                options["user"] = decode(userinfo[..<colon])
                options["password"] = decode(userinfo[userinfo.index(after: colon)...])
            } else if !userinfo.isEmpty {
                options["user"] = decode(userinfo)
            }
        }
        if !authority.isEmpty {
            // host[:port][,host[:port]…]; an IPv6 address is in brackets.
            var hosts: [String] = [], ports: [String] = []
            for part in authority.split(separator: ",", omittingEmptySubsequences: false) {
                if part.hasPrefix("["), let close = part.firstIndex(of: "]") {
                    hosts.append(String(part[part.index(after: part.startIndex)..<close]))
                    let after = part[part.index(after: close)...]
                    if after.hasPrefix(":") { ports.append(String(after.dropFirst())) }
                } else if let colon = part.lastIndex(of: ":") {
                    hosts.append(decode(part[..<colon]))
                    ports.append(String(part[part.index(after: colon)...]))
                } else {
                    hosts.append(decode(part))
                }
            }
            if hosts.contains(where: { !$0.isEmpty }) { options["host"] = hosts.joined(separator: ",") }
            if !ports.isEmpty { options["port"] = ports.joined(separator: ",") }
        }
        for pair in query.split(separator: "&") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            options[decode(pair[..<equals])] = decode(pair[pair.index(after: equals)...])
        }
        return options
    }

    static func decode(_ text: Substring) -> String {
        String(text).removingPercentEncoding ?? String(text)
    }

    /// `key = value` pairs; a value may be single-quoted with backslash escapes.
    static func parseConninfo(_ text: String) -> [String: String] {
        var options: [String: String] = [:]
        var chars = Array(text)[...]
        func skipSpaces() { while let c = chars.first, c.isWhitespace { chars = chars.dropFirst() } }
        while true {
            skipSpaces()
            guard !chars.isEmpty else { break }
            var key = ""
            while let c = chars.first, c != "=", !c.isWhitespace { key.append(c); chars = chars.dropFirst() }
            skipSpaces()
            guard chars.first == "=" else { break }
            chars = chars.dropFirst()
            skipSpaces()
            var value = ""
            if chars.first == "'" {
                chars = chars.dropFirst()
                while let c = chars.first, c != "'" {
                    chars = chars.dropFirst()
                    if c == "\\", let next = chars.first { value.append(next); chars = chars.dropFirst() } else { value.append(c) }
                }
                chars = chars.dropFirst()
            } else {
                while let c = chars.first, !c.isWhitespace {
                    chars = chars.dropFirst()
                    if c == "\\", let next = chars.first { value.append(next); chars = chars.dropFirst() } else { value.append(c) }
                }
            }
            options[key] = value
        }
        return options
    }
}

/// Where a database lives: an SQLite file, or a PostgreSQL server.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(ConnectionString)

    /// `--db` or `$ERRANALYZE_DB` as given: a `postgresql://`/`postgres://` URI or
    /// `key=value` conninfo is PostgreSQL, anything else a file path.
    public init(_ argument: String) {
        if let connection = ConnectionString(argument) {
            self = .postgres(connection)
        } else {
            self = .sqlite(path: argument)
        }
    }

    /// For messages: the path, or the server with its password masked.
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let connection): return connection.display
        }
    }
}
