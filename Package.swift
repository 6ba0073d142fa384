// swift-tools-version:6.1
import PackageDescription

/// joorbridge: a file bridge between JOOR and warehouse systems that only speak CSV and XML.
///
/// Layout follows the data flow. `ls Sources` should tell a newcomer where things live:
/// - `CLibCSV`, `CLibXML2`: the two C libraries, wrapped as SwiftPM system-library targets.
/// - `FileFormats`: streaming CSV and XML readers and writers, and text encodings.
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
        .executableTarget(
            name: "joorbridge",
            dependencies: [
                "FileFormats",
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
    ],
    swiftLanguageModes: [.v6]
)
