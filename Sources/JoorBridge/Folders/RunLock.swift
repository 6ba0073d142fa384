import Foundation
import SystemPackage

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
    private var file: FileDescriptor?

    public init(path: String) { self.path = path }

    /// Takes the lock at once, or throws ``Held`` naming the holder's pid.
    public func acquire() throws {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        guard let file = try FileSystem.tryLock(path) else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            throw Held(path: path, holder: holder?.isEmpty == false ? holder : nil)
        }
        self.file = file
        _ = try? file.resize(to: 0)
        _ = try? file.writeAll(toAbsoluteOffset: 0, Array("\(getpid())\n".utf8))
    }

    public func release() {
        guard let file else { return }
        FileSystem.unlock(file)
        self.file = nil
    }

    deinit { release() }
}
