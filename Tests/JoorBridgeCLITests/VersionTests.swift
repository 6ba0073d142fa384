import Foundation
import TestSupport
import Testing

/// `joorbridge --version`: the release and the commit the binary was built from.
@Suite("joorbridge --version")
struct VersionTests {
    /// The commit comes from JOORBRIDGE_COMMIT in the build's environment (package.sh and CI set
    /// it); the test runs in the same environment as the build that made the binary.
    @Test func namesTheReleaseAndTheCommit() async throws {
        let result = try await Executable.run(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        let commit = ProcessInfo.processInfo.environment["JOORBRIDGE_COMMIT"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown commit"
        #expect(result.stdout == "0.2.0 (\(commit))\n")
    }
}
