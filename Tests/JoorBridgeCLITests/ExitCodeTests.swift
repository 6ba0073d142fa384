import Foundation
import GRDB
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

    /// A state store a newer joorbridge set up is left alone (exit 78): this version would write
    /// it without what the newer one keeps up to date (after a downgrade, `inbox_files.sequence`
    /// of v8 was left at 0 and re-sent files were misjudged).
    @Test func aStateStoreFromANewerVersionIsLeftAlone() async throws {
        let dir = try TemporaryDirectory("newer-state")
        #expect(try await Executable.run(["init", dir.path("work")], in: dir.path).status == 0)
        // What a newer release leaves: its migrations recorded, one of them unknown here.
        try FileManager.default.createDirectory(atPath: dir.path("work/state"), withIntermediateDirectories: true)
        try await DatabaseQueue(path: dir.path("work/state/joorbridge.sqlite")).write { db in
            try db.execute(
                sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY); INSERT INTO grdb_migrations VALUES ('v99-future')")
        }
        let status = try await Executable.run(["status"], in: dir.path("work"))
        #expect(status.status == 78, "\(status.stderr)")
        #expect(
            status.stderr.contains("a newer joorbridge set it up (v99-future)") && status.stderr.contains("run that version or a newer one"),
            "\(status.stderr)")
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
