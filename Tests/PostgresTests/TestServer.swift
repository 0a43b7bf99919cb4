import ErrAnalyzePostgres
import Foundation
import Testing

/// The PostgreSQL server the tests use: `$ERRANALYZE_TEST_PG`, a superuser URI such as
/// `Scripts/pg-server start` prints. Unset, the suites that need it are skipped with a loud
/// note; in CI (`CI=true`) they run anyway and fail, since there they must run.
enum TestServer {
    static let variable = "ERRANALYZE_TEST_PG"
    static let skipNote = "POSTGRESQL TEST SKIPPED: \(variable) is not set (export \(variable)=$(Scripts/pg-server start))"

    static var configured: Bool { !(ProcessInfo.processInfo.environment[variable] ?? "").isEmpty }
    static var inCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The trait of every suite that needs the server.
    static var required: ConditionTrait {
        .enabled(Comment(rawValue: skipNote)) {
            if configured || inCI { return true }
            FileHandle.standardError.write(Data("\n*** \(skipNote) ***\n\n".utf8))
            return false
        }
    }

    struct NotConfigured: Error, CustomStringConvertible {
        var description: String { "\(TestServer.variable) is not set: in CI the PostgreSQL tests must run (.ci/run starts a server)" }
    }

    static func uri() throws -> String {
        guard let uri = ProcessInfo.processInfo.environment[variable], !uri.isEmpty else { throw NotConfigured() }
        return uri
    }

    static func admin() throws -> PostgresConnection {
        try PostgresConnection(try uri())
    }

    /// The server's socket folder and port, from the URI.
    static func endpoint() throws -> (host: String, port: String) {
        let options = ConnectionString(try uri())!.options
        return (options["host"] ?? "/tmp", options["port"] ?? "5432")
    }

    /// A URI for the same server with another user, password or database.
    static func uri(user: String, password: String? = nil, database: String) throws -> String {
        let (host, port) = try endpoint()
        let secret = password.map { ":" + $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! } ?? ""
        return "postgresql://\(user)\(secret)@/\(database)?host=\(host)&port=\(port)"
    }
}

/// A fresh database for one test; `drop()` it at the end (`defer`), with the roles it made.
final class ScratchDatabase {
    let name: String
    let admin: PostgresConnection
    private var roles: [String] = []
    private var dropped = false

    init() throws {
        admin = try TestServer.admin()
        name = "erranalyze_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try admin.execute("CREATE DATABASE \(name)")
    }

    var uri: String { get throws { try TestServer.uri(user: "erranalyze", database: name) } }

    func connect() throws -> PostgresConnection { try PostgresConnection(try uri) }

    /// A login role that must give `password` (member of erranalyze_password_login, see Scripts/pg-server).
    func makeRole(password: String) throws -> String {
        let role = "r_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        try admin.execute("CREATE ROLE \(role) LOGIN PASSWORD '\(password)' IN ROLE erranalyze_password_login")
        roles.append(role)
        return role
    }

    func drop() {
        guard !dropped else { return }
        dropped = true
        _ = try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        for role in roles { _ = try? admin.execute("DROP ROLE IF EXISTS \(role)") }
    }

    deinit { drop() }
}

/// The failure `body` throws, as a PostgresError (one of kind `.other` saying what it was if
/// it is not one); records an issue and returns nil when nothing is thrown.
func failure<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) -> PostgresError? {
    do {
        _ = try body()
        Issue.record("expected a failure", sourceLocation: sourceLocation)
        return nil
    } catch {
        return (error as? PostgresError) ?? PostgresError(kind: .other, server: "(test)", detail: "not a PostgresError: \(error)")
    }
}

/// Errors collected from threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Error] = []
    func add(_ error: Error) { lock.lock(); errors.append(error); lock.unlock() }
    var all: [Error] { lock.lock(); defer { lock.unlock() }; return errors }
    var descriptions: [String] { all.map { "\($0)" } }
}

/// Starts the threads and waits for all of them.
func runAll(_ threads: [Thread], sourceLocation: SourceLocation = #_sourceLocation) {
    threads.forEach { $0.start() }
    waitAll(threads, sourceLocation: sourceLocation)
}

/// Waits for started threads to finish (a minute at most).
func waitAll(_ threads: [Thread], sourceLocation: SourceLocation = #_sourceLocation) {
    let deadline = Date().addingTimeInterval(60)
    while threads.contains(where: { !$0.isFinished }) {
        guard Date() < deadline else {
            Issue.record("threads still running after 60 s", sourceLocation: sourceLocation)
            return
        }
        usleep(5_000)
    }
}
