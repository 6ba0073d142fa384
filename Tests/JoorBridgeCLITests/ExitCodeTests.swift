import Foundation
import TestSupport
import Testing

/// Errors no command maps itself still end in one of joorbridge's documented exit codes, with
/// one line naming the file: never ArgumentParser's 1 and Foundation's "The operation could not
/// be completed".
@Suite("Exit codes of unmapped errors")
struct ExitCodeTests {
    @Test func aFileOrFolderNamedOnTheCommandLineExits64AndTheStateStore78() async throws {
        let dir = try TemporaryDirectory("exit-codes")
        let init_ = try await Executable.run(["init", "/proc/joorbridge-cannot-be-here"], in: dir.path)
        #expect(init_.status == 64, "\(init_.stderr)")
        #expect(init_.stderr.contains("error: /proc/joorbridge-cannot-be-here"), "\(init_.stderr)")
        #expect(!init_.stderr.contains("could not be completed"), "\(init_.stderr)")

        #expect(try await Executable.run(["init", dir.path("work")], in: dir.path).status == 0)
        let adopt = try await Executable.run(["orders", "adopt", "--file", "missing.csv"], in: dir.path("work"))
        #expect(adopt.status == 64, "\(adopt.stderr)")
        #expect(adopt.stderr.contains("missing.csv"), "\(adopt.stderr)")

        // The state store's path is a folder: SQLite cannot open it.
        try FileManager.default.createDirectory(atPath: dir.path("work/state/joorbridge.sqlite"), withIntermediateDirectories: true)
        let status = try await Executable.run(["status"], in: dir.path("work"))
        #expect(status.status == 78, "\(status.stderr)")
        #expect(status.stderr.contains("the state store") && status.stderr.contains("cannot be opened"), "\(status.stderr)")
    }

    /// `watch --interval` and `--poll` take what the config's `watch:` section takes, no less
    /// (an order download every second would spend JOOR's credits) and no more.
    @Test func watchFlagsTakeTheConfigsRanges() async throws {
        let dir = try TemporaryDirectory("watch-flags")
        for (flags, message) in [
            (["--interval", "5"], "--interval must be between 10 and 86400 seconds"),
            (["--poll", "7200"], "--poll must be between 0.1 and 3600 seconds"),
        ] {
            let watch = try await Executable.run(["watch"] + flags, in: dir.path)
            #expect(watch.status == 64 && watch.stderr.contains(message), "\(flags): \(watch.stderr)")
        }
    }
}
