// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "erranalyze",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "erranalyze", targets: ["erranalyze"]),
        .library(name: "ErrAnalyzeKit", targets: ["ErrAnalyzeKit"]),
    ],
    dependencies: [
        // The only third-party dependency: the CLI's argument parsing. SQLite, zlib and libpq
        // are Debian system libraries reached through the module maps below.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // PostgreSQL's client library, for fleets (docs/fleet.md): linked only by ErrAnalyzePostgres.
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres", providers: [.apt(["libpq-dev"])]),
        .target(name: "ErrAnalyzePostgres", dependencies: ["CPostgres", "ErrAnalyzeKit"]),
        .target(
            name: "ErrAnalyzeKit",
            dependencies: ["CZlib", "CSQLite"],
            resources: [.copy("Catalogue/Builtin")],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "erranalyze",
            dependencies: [
                "ErrAnalyzeKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Micro-benchmarks of the hot paths, for developers: `swift run -c release erranalyze-microbench`.
        .executableTarget(name: "erranalyze-microbench", dependencies: ["ErrAnalyzeKit"]),
        // COPY+upsert of aggregate rows into PostgreSQL: `swift run -c release erranalyze-pgbench URI [ROWS]`.
        .executableTarget(name: "erranalyze-pgbench", dependencies: ["ErrAnalyzePostgres"]),
        .testTarget(name: "ErrAnalyzeKitTests", dependencies: ["ErrAnalyzeKit"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ErrAnalyzeKit"]),
        // Against a real server: ERRANALYZE_TEST_PG (see Scripts/pg-server).
        .testTarget(name: "PostgresTests", dependencies: ["ErrAnalyzePostgres", "ErrAnalyzeKit"]),
    ],
    swiftLanguageModes: [.v5]
)
