import ErrAnalyzePostgres
import Foundation
import XCTest

/// The PostgreSQL server the tests use: `$ERRANALYZE_TEST_PG`, a superuser URI such as
/// `Scripts/pg-server start` prints. Unset: each test says loudly that it skipped, and fails
/// in CI (`CI=true`), where these tests must run.
enum TestServer {
    static let variable = "ERRANALYZE_TEST_PG"

    static func uri(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let uri = environment[variable], !uri.isEmpty { return uri }
        let message = "POSTGRESQL TEST SKIPPED: \(variable) is not set (export \(variable)=$(Scripts/pg-server start))"
        if environment["CI"] == "true" {
            XCTFail("\(message) — in CI these tests must run", file: file, line: line)
        } else {
            FileHandle.standardError.write(Data("\n*** \(message) ***\n\n".utf8))
        }
        throw XCTSkip(message, file: file, line: line)
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

/// A fresh database for one test, dropped when the test ends (with the roles it made).
final class ScratchDatabase {
    let name: String
    let admin: PostgresConnection
    private var roles: [String] = []

    init(for test: XCTestCase) throws {
        admin = try TestServer.admin()
        name = "erranalyze_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try admin.execute("CREATE DATABASE \(name)")
        // Kept alive to the test's end, whatever the test's last use of it.
        test.addTeardownBlock { self.drop() }
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

    private func drop() {
        _ = try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        for role in roles { _ = try? admin.execute("DROP ROLE IF EXISTS \(role)") }
    }
}

/// The error as a PostgresError, or one of kind `.other` saying what it was instead.
func postgresError(_ error: Error) -> PostgresError {
    (error as? PostgresError) ?? PostgresError(kind: .other, server: "(test)", detail: "not a PostgresError: \(error)")
}
