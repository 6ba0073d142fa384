import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One joorbridge at a time per config: an exclusive `flock` on a file beside the state store.
/// The kernel releases it when the process ends, however it ends.
public final class RunLock {
    /// Another run holds the lock.
    public struct Held: Error, CustomStringConvertible {
        public var path: String
        public var holder: String?
        public var description: String {
            "another joorbridge run holds the lock \(path)" + (holder.map { " (pid \($0))" } ?? "") + "; it will finish by itself, or stop it first"
        }
    }

    public let path: String
    private var fd: Int32 = -1

    public init(path: String) { self.path = path }

    /// Takes the lock at once, or throws ``Held`` naming the holder's pid.
    public func acquire() throws {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            fd = -1
            throw Held(path: path, holder: holder?.isEmpty == false ? holder : nil)
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    public func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
