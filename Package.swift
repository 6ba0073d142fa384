// swift-tools-version:6.1
import PackageDescription

/// joorbridge: a file bridge between JOOR and warehouse systems that only speak CSV and XML.
///
/// Layout follows the data flow. `ls Sources` should tell a newcomer where things live:
/// - `CLibCSV`, `CLibXML2`: the two C libraries, wrapped as SwiftPM system-library targets.
/// - `FileFormats`: streaming CSV and XML readers and writers, and text encodings.
/// - `JoorModels`: JOOR's data as value types (orders, inventory and style payloads), JSON/XML parsing.
/// - `Mapping`: the declarative mapping language: YAML → compiled rules → converted records and files.
/// - `joorbridge`: the command-line executable (a thin layer over the libraries).
let package = Package(
    name: "joorbridge",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "joorbridge", targets: ["joorbridge"]),
        .library(name: "FileFormats", targets: ["FileFormats"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
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
        .target(
            name: "FileFormats",
            dependencies: ["CLibCSV", "CLibXML2"]
        ),
        .target(
            name: "JoorModels",
            dependencies: ["FileFormats"]
        ),
        .target(
            name: "Mapping",
            dependencies: ["FileFormats", "JoorModels", "Yams"]
        ),
        .executableTarget(
            name: "joorbridge",
            dependencies: [
                "FileFormats",
                "JoorModels",
                "Mapping",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "FileFormatsTests",
            dependencies: ["FileFormats", "TestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "JoorModelsTests",
            dependencies: ["JoorModels", "TestSupport"]
        ),
        .testTarget(
            name: "MappingTests",
            dependencies: ["Mapping", "TestSupport"]
        ),
        .testTarget(
            name: "JoorBridgeCLITests",
            dependencies: ["TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
