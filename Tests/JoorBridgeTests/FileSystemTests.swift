import CRename
import Foundation
import SystemPackage
import TestSupport
import Testing

@testable import JoorBridge

@Suite("File system calls")
struct FileSystemTests {
    /// The C shim renames in one step here (the test folder's file system has renameat2), and
    /// never over a file.
    @Test func theOneStepRenameWorksHere() throws {
        let dir = try TemporaryDirectory("fs")
        try dir.write(".tmp-a", text: "a\n")
        try dir.write("taken.csv", text: "kept\n")
        #expect(joorbridge_rename_noreplace(dir.path(".tmp-a"), dir.path("taken.csv")) == -1 && Errno.current == .fileExists)
        #expect(joorbridge_rename_noreplace(dir.path(".tmp-a"), dir.path("a.csv")) == 0, "\(Errno.current)")
        #expect(!FileManager.default.fileExists(atPath: dir.path(".tmp-a")))
        #expect(try String(contentsOfFile: dir.path("taken.csv"), encoding: .utf8) == "kept\n")
    }

    /// The one-step rename, and the link + unlink used where the file system cannot do it.
    @Test(arguments: [true, false]) func publishingNeverReplacesAFileAndFinishesWhatACrashLeft(atomically: Bool) throws {
        let dir = try TemporaryDirectory("fs")
        try dir.write(".tmp-a", text: "new\n")
        try dir.write("a.csv", text: "already delivered\n")
        let taken = #expect(throws: FileSystemError.self) {
            try FileSystem.moveWithoutReplacing(dir.path(".tmp-a"), to: dir.path("a.csv"), atomically: atomically)
        }
        #expect(taken?.errno == .fileExists && taken?.operation == .publish)
        #expect(taken?.description == "\(dir.path("a.csv")): a file with this name is already there")
        #expect(try String(contentsOfFile: dir.path("a.csv"), encoding: .utf8) == "already delivered\n", "the file already there is kept")
        #expect(FileManager.default.fileExists(atPath: dir.path(".tmp-a")), "and the new one is not lost")

        try FileSystem.moveWithoutReplacing(dir.path(".tmp-a"), to: dir.path("b.csv"), atomically: atomically)
        #expect(try String(contentsOfFile: dir.path("b.csv"), encoding: .utf8) == "new\n")
        #expect(!FileManager.default.fileExists(atPath: dir.path(".tmp-a")))

        // A crash between link and unlink leaves two names for one file: finishing it is not a clash.
        try dir.write(".tmp-c", text: "c\n")
        #expect(link(dir.path(".tmp-c"), dir.path("c.csv")) == 0)
        try FileSystem.moveWithoutReplacing(dir.path(".tmp-c"), to: dir.path("c.csv"), atomically: atomically)
        #expect(!FileManager.default.fileExists(atPath: dir.path(".tmp-c")) && FileManager.default.fileExists(atPath: dir.path("c.csv")))
    }

    @Test func failuresNameThePathAndTheSystemError() throws {
        let dir = try TemporaryDirectory("fs")
        let missing = dir.path("no-such-folder")
        let sync = #expect(throws: FileSystemError.self) { try FileSystem.syncFolder(missing) }
        #expect(sync?.errno == .noSuchFileOrDirectory && sync?.path == missing)
        #expect(sync?.description == "\(missing): cannot sync the folder: No such file or directory")
        let read = #expect(throws: FileSystemError.self) { try Inbox.fingerprint(missing + "/x.csv") }
        #expect(read?.operation == .open && read?.errno == .noSuchFileOrDirectory)
        #expect(try FileSystem.rename(missing, to: dir.path("x")) == false, "a file that is gone is not an error for a rename")
    }

    @Test func theStatusOfAFile() throws {
        let dir = try TemporaryDirectory("fs")
        try dir.write("secret", text: "token\n")
        chmod(dir.path("secret"), 0o640)
        let status = try #require(FileSystem.status(dir.path("secret")))
        #expect(status.isRegularFile && !status.isDirectory && status.size == 6)
        #expect(status.permissions == 0o640 && status.isSharedWithOthers)
        chmod(dir.path("secret"), 0o600)
        #expect(FileSystem.status(dir.path("secret"))?.isSharedWithOthers == false)
        #expect(FileSystem.status(dir.path("nothing")) == nil)
        #expect(FileSystem.status(dir.path(""))?.isDirectory == true)
    }

    @Test func oneRunLockAtATime() throws {
        let dir = try TemporaryDirectory("fs")
        let first = RunLock(path: dir.path("state/joorbridge.lock"))
        try first.acquire()
        #expect(try String(contentsOfFile: first.path, encoding: .utf8) == "\(getpid())\n")
        let second = RunLock(path: first.path)
        let held = #expect(throws: RunLock.Held.self) { try second.acquire() }
        #expect(held?.holder == "\(getpid())")
        first.release()
        try second.acquire()
        second.release()
        #expect(try String(contentsOfFile: first.path, encoding: .utf8) == "", "a released lock names no holder")
    }
}
