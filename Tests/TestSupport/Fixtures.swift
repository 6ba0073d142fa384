import Foundation

/// Paths to test data: each test target's `Fixtures/` folder and the shared conformance suites.
public enum Fixtures {
    /// The repository root (three levels above this file).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file under `Tests/<target>/Fixtures/`.
    public static func path(_ relative: String, target: String) -> String {
        repositoryRoot.appendingPathComponent("Tests/\(target)/Fixtures/\(relative)").path
    }

    /// The `shared/` folder beside the repository (CI lays it there), or `$JOORBRIDGE_SHARED`.
    public static var shared: URL {
        if let override = ProcessInfo.processInfo.environment["JOORBRIDGE_SHARED"] {
            return URL(fileURLWithPath: override)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// Reads a whole file (fixtures are small).
    public static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
