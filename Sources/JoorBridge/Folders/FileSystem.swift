import CRename
import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A file-system call that failed: what was being done, to which path, and the system's error.
public struct FileSystemError: Error, Sendable, CustomStringConvertible {
    /// What joorbridge was doing.
    public enum Operation: String, Sendable {
        case open = "open"
        case read = "read"
        case publish = "publish the file"
        case claim = "claim the file"
        case rename = "rename"
        case syncFolder = "sync the folder"
        case lock = "lock"
        case list = "list the folder"
    }

    public var operation: Operation
    public var path: String
    public var errno: Errno

    /// From an `Errno`, or from what a swift-system call threw (always an `Errno`).
    init(_ operation: Operation, path: String, _ error: any Error) {
        self.operation = operation
        self.path = path
        errno = error as? Errno ?? .ioError
    }

    public var description: String {
        if operation == .publish && errno == .fileExists { return "\(path): a file with this name is already there" }
        return "\(path): cannot \(operation.rawValue): \(errno)"
    }

    /// What Foundation's file error codes mean, in the words of the system's errors.
    private static let reasons: [CocoaError.Code: String] = [
        .fileNoSuchFile: "No such file or directory", .fileReadNoSuchFile: "No such file or directory",
        .fileReadNoPermission: "Permission denied", .fileWriteNoPermission: "Permission denied",
        .fileWriteOutOfSpace: "No space left on device", .fileWriteVolumeReadOnly: "Read-only file system",
        .fileWriteFileExists: "File exists", .fileReadInapplicableStringEncoding: "not text in the expected encoding",
    ]

    /// An error as one line naming the file: for Foundation's file errors (`CocoaError`, whose
    /// own sentence on Linux is "The operation could not be completed") the path and the
    /// system's error; any other error's own description.
    public static func describe(_ error: any Error) -> String {
        guard let cocoa = error as? CocoaError else { return "\(error)" }
        let path = cocoa.userInfo[NSFilePathErrorKey] as? String ?? (cocoa.userInfo[NSURLErrorKey] as? URL)?.path
        let underlying = (cocoa.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? $0.code : nil }
        let reason = underlying.map { "\(Errno(rawValue: CInt($0)))" } ?? Self.reasons[cocoa.code] ?? cocoa.localizedDescription
        return path.map { "\($0): \(reason)" } ?? reason
    }
}

/// The POSIX calls joorbridge makes on its local folders, in one place: each failure is a
/// ``FileSystemError`` naming the path and the system's error (as swift-system keeps its calls
/// behind one `Errno`).
public enum FileSystem {
    /// What `stat` says of a path: its kind, permission bits, modification time and identity.
    public struct Status: Sendable {
        fileprivate var info: stat
        public var isRegularFile: Bool { info.st_mode & S_IFMT == S_IFREG }
        public var isDirectory: Bool { info.st_mode & S_IFMT == S_IFDIR }
        /// The permission bits (`0o600`).
        public var permissions: mode_t { info.st_mode & 0o777 }
        /// Whether anyone but the owner may read, write or run it.
        public var isSharedWithOthers: Bool { info.st_mode & 0o077 != 0 }
        /// The size in bytes.
        public var size: Int { Int(info.st_size) }
        /// Seconds since 1970, with nanoseconds.
        public var modified: Double { Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9 }
        /// Whether two statuses are of one file (same device and inode).
        public func isSameFile(as other: Status) -> Bool { info.st_dev == other.info.st_dev && info.st_ino == other.info.st_ino }
        /// Whether this is the same file as `other`, neither written since nor grown or cut.
        public func isUnchanged(since other: Status) -> Bool { isSameFile(as: other) && size == other.size && modified == other.modified }
    }

    /// The status of `path`, or `nil` when it is not there (or cannot be looked at).
    public static func status(_ path: String) -> Status? {
        var info = stat()
        return stat(path, &info) == 0 ? Status(info: info) : nil
    }

    /// The names in the folder `path` (without `.` and `..`), in no particular order.
    public static func names(in path: String) throws(FileSystemError) -> [String] {
        guard let folder = opendir(path) else { throw FileSystemError(.list, path: path, Errno.current) }
        defer { closedir(folder) }
        var names: [String] = []
        while true {
            Glibc.errno = 0
            guard let entry = readdir(folder) else {
                if Glibc.errno != 0 { throw FileSystemError(.list, path: path, Errno.current) }
                return names
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
    }

    /// Whether this user may read `path`.
    public static func isReadable(_ path: String) -> Bool { access(path, R_OK) == 0 }

    /// Whether this user may create and rename files in the folder `path`.
    public static func isWritableFolder(_ path: String) -> Bool { access(path, W_OK | X_OK) == 0 }

    /// Renames `from` to `to` (replacing `to`, as `rename(2)` does).
    /// - Returns: `false` when `from` is not there.
    @discardableResult
    public static func rename(_ from: String, to: String, _ operation: FileSystemError.Operation = .rename) throws(FileSystemError) -> Bool {
        guard Glibc.rename(from, to) == 0 else {
            let code = Errno.current
            if code == .noSuchFileOrDirectory { return false }
            throw FileSystemError(operation, path: from, code)
        }
        return true
    }

    /// Gives `from` the name `to` without ever replacing a file already called `to`.
    ///
    /// In one step where the file system can (`renameat2` with `RENAME_NOREPLACE`): no crash
    /// leaves the file under both names. Elsewhere (NFS, some FUSE mounts) a hard link, then
    /// `from` is removed — a crash between the two leaves both names, and a link left that way
    /// counts as done; without hard links, a rename after checking that `to` is free.
    /// - Parameter atomically: `false` skips the one-step rename (the fallback's tests).
    public static func moveWithoutReplacing(_ from: String, to: String, atomically: Bool = true) throws(FileSystemError) {
        if atomically {
            if joorbridge_rename_noreplace(from, to) == 0 { return }
            let code = Errno.current
            // EPERM: a seccomp filter (containers, systemd's SystemCallFilter=) that does not know renameat2.
            guard [.invalidArgument, .noFunction, .notSupported, .notPermitted, .fileExists].contains(code) else {
                throw FileSystemError(.publish, path: to, code)
            }
        }
        if link(from, to) == 0 {
            CrashPoint.hit("file linked, temporary not removed")
            unlink(from)
            return
        }
        let code = Errno.current
        if code == .fileExists, let a = status(from), let b = status(to), a.isSameFile(as: b) {
            unlink(from)
            return
        }
        guard [.notPermitted, .notSupported, .improperLink, .tooManyLinks].contains(code) else {
            throw FileSystemError(.publish, path: to, code)
        }
        guard status(to) == nil else { throw FileSystemError(.publish, path: to, Errno.fileExists) }
        try rename(from, to: to, .publish)
    }

    /// Flushes a folder's entries (new names, renames) to the disk.
    public static func syncFolder(_ path: String) throws(FileSystemError) {
        do {
            let folder = try FileDescriptor.open(FilePath(path), .readOnly, options: [.directory])
            defer { try? folder.close() }
            guard fsync(folder.rawValue) == 0 else { throw Errno.current }
        } catch {
            throw FileSystemError(.syncFolder, path: path, error)
        }
    }

    /// Reads a file in chunks of up to 1 MiB, handing each to `body`.
    public static func readChunks(_ path: String, _ body: (UnsafeRawBufferPointer) -> Void) throws(FileSystemError) {
        let file: FileDescriptor
        do { file = try FileDescriptor.open(FilePath(path), .readOnly) } catch { throw FileSystemError(.open, path: path, error) }
        defer { try? file.close() }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count: Int
            do { count = try file.read(into: buffer, retryOnInterrupt: true) } catch { throw FileSystemError(.read, path: path, error) }
            if count == 0 { return }
            body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// An exclusive advisory lock (`flock`) on `path`, created if needed; `nil` when another
    /// process holds it. The kernel releases it when this process ends, however it ends.
    public static func tryLock(_ path: String) throws(FileSystemError) -> FileDescriptor? {
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(
                FilePath(path), .readWrite, options: [.create, .closeOnExec], permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw FileSystemError(.lock, path: path, error)
        }
        if flock(file.rawValue, LOCK_EX | LOCK_NB) != 0 {
            let code = Errno.current
            try? file.close()
            if code == .wouldBlock { return nil }
            throw FileSystemError(.lock, path: path, code)
        }
        return file
    }

    /// Releases a lock from ``tryLock(_:)``, emptying the file first.
    public static func unlock(_ file: FileDescriptor) {
        _ = try? file.resize(to: 0)
        flock(file.rawValue, LOCK_UN)
        try? file.close()
    }
}

extension Errno {
    /// The calling thread's `errno`.
    static var current: Errno { Errno(rawValue: Glibc.errno) }
}
