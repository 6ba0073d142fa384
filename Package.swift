// swift-tools-version:6.1
import Foundation
import PackageDescription

/// The commit the build is made from, for `joorbridge --version`: `JOORBRIDGE_COMMIT` from the
/// environment (scripts/package.sh and CI set it from `git rev-parse --short HEAD`). Without it
/// (a plain `swift build`) the binary says "unknown commit". Only letters, digits, `.` and `-`.
let buildCommit = ProcessInfo.processInfo.environment["JOORBRIDGE_COMMIT"].flatMap { commit in
    commit.isEmpty || !commit.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }) ? nil : commit
}

/// The settings of the test code (the test targets and TestSupport): not optimized, even in a
/// release build. CI runs the in-process suites against the optimized libraries (C-interop lifetime
/// bugs show only there); optimizing the tests themselves finds nothing more and took a minute of
/// CI's release build (75 s against 21 s to compile them on 2 cores).
let testCode: [SwiftSetting] = [.unsafeFlags(["-Onone"], .when(configuration: .release))]

/// joorbridge: a file bridge between JOOR and warehouse systems that only speak CSV and XML.
///
/// Layout follows the data flow. `ls Sources` should tell a newcomer where things live:
/// - `CLibCSV`, `CLibXML2`: the two C libraries, wrapped as SwiftPM system-library targets.
/// - `FileFormats`: streaming CSV and XML readers and writers, and text encodings.
/// - `JoorModels`: JOOR's data as value types (orders, inventory and style payloads), JSON parsing;
///   pure Swift, no C library.
/// - `Mapping`: the declarative mapping language: YAML → compiled rules → converted records and files.
/// - `JoorAPI`: the JOOR HTTP client (auth, paging, credit budget, retries) and the XML form of
///   JOOR's order pages.
/// - `JoorSandbox`: a local JOOR stand-in with fault injection, for tests, demos and trials.
/// - `JoorBridge`: the jobs (orders, inventory, products), the config, the SQLite ledger and the folders.
/// - `joorbridge`: the command-line executable (a thin layer over the libraries).
/// - `CBuildInfo`: the commit `joorbridge --version` names (C, because only C defines carry a value).
/// - `CRename`: an atomic rename that never replaces a file, for publishing outbox files (C,
///   because glibc declares `renameat2` only under `_GNU_SOURCE`).
/// - `Plugins/EmbedMappings`: embeds `mappings/` in the executable at build time (for `demo` and `init`).
let package = Package(
    name: "joorbridge",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "joorbridge", targets: ["joorbridge"]),
        .executable(name: "joorbridge-bench", targets: ["joorbridge-bench"]),
        .library(name: "FileFormats", targets: ["FileFormats"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),  // LogHandler.log(event:)
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.60.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibCSV",
            providers: [.apt(["libcsv-dev"]), .brew(["libcsv"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        .systemLibrary(
            name: "CLibSSH",
            pkgConfig: "libssh",
            providers: [.apt(["libssh-dev"]), .brew(["libssh"])]
        ),
        .target(
            name: "CBuildInfo",
            cSettings: buildCommit.map { [.define("JOORBRIDGE_COMMIT", to: "\"\($0)\"")] } ?? []
        ),
        .target(name: "CRename"),
        .target(
            name: "SFTP",
            dependencies: ["CLibSSH"]
        ),
        .target(
            name: "FileFormats",
            dependencies: ["CLibCSV", "CLibXML2"]
        ),
        .target(
            name: "JoorModels"
        ),
        .target(
            name: "Mapping",
            dependencies: ["FileFormats", "JoorModels", "Yams"]
        ),
        .target(
            name: "JoorAPI",
            dependencies: [
                "JoorModels", "FileFormats",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "JoorSandbox",
            dependencies: [
                "FileFormats", "JoorModels",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "JoorBridge",
            dependencies: [
                "CRename", "FileFormats", "JoorModels", "Mapping", "JoorAPI", "SFTP",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "joorbridge",
            dependencies: [
                "CBuildInfo",
                "FileFormats",
                "JoorModels",
                "Mapping",
                "JoorAPI",
                "JoorSandbox",
                "JoorBridge",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["EmbedMappings"]
        ),
        .plugin(
            name: "EmbedMappings",
            capability: .buildTool(),
            dependencies: ["EmbedMappingsTool"]
        ),
        .executableTarget(
            name: "EmbedMappingsTool",
            path: "Plugins/EmbedMappingsTool"
        ),
        .executableTarget(
            name: "joorbridge-bench",
            dependencies: [
                "CLibCSV", "CLibXML2", "FileFormats", "JoorModels", "Mapping", "JoorSandbox", "JoorBridge",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: ["JoorSandbox", .product(name: "Logging", package: "swift-log"), .product(name: "Yams", package: "Yams")],
            path: "Tests/TestSupport",
            swiftSettings: testCode
        ),
        .testTarget(
            name: "FileFormatsTests",
            dependencies: ["FileFormats", "TestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: testCode
        ),
        .testTarget(
            name: "SFTPTests",
            dependencies: ["SFTP", "TestSupport"],
            swiftSettings: testCode
        ),
        .testTarget(
            name: "JoorModelsTests",
            dependencies: ["JoorModels", "TestSupport"],
            swiftSettings: testCode
        ),
        .testTarget(
            name: "MappingTests",
            dependencies: ["Mapping", "TestSupport"],
            swiftSettings: testCode
        ),
        .testTarget(
            name: "JoorAPITests",
            dependencies: [
                "JoorAPI", "JoorSandbox", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: testCode
        ),
        .testTarget(
            name: "JoorBridgeTests",
            dependencies: [
                "CRename", "JoorBridge", "JoorSandbox", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: testCode
        ),
        .testTarget(
            name: "JoorBridgeCLITests",
            dependencies: ["TestSupport", "JoorSandbox", "FileFormats", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: testCode
        ),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets (CSV reader, XML reader, mapping compiler), only when scripts/fuzz.sh builds
// them with `-sanitize=fuzzer,address`: they call libFuzzer's driver, which other builds lack.
if ProcessInfo.processInfo.environment["JOORBRIDGE_FUZZ"] == "1" {
    package.targets.append(.executableTarget(name: "FuzzTargets", dependencies: ["FileFormats", "Mapping"]))
    package.products.append(.executable(name: "joorbridge-fuzz", targets: ["FuzzTargets"]))
}
