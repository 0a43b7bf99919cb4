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
        // The only third-party dependency: the CLI's argument parsing. SQLite, zlib, zstd and
        // liblzma are Debian system libraries reached through the module maps below.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLzma", path: "Sources/CLzma", providers: [.apt(["liblzma-dev"])]),
        .target(
            name: "ErrAnalyzeKit",
            dependencies: ["CZlib", "CSQLite", "CZstd", "CLzma"],
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
        .testTarget(name: "ErrAnalyzeKitTests", dependencies: ["ErrAnalyzeKit"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ErrAnalyzeKit"]),
    ],
    swiftLanguageModes: [.v5]
)
