import FileFormats
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The folder the WMS imports from. Files appear atomically: written under a temporary name the
/// WMS ignores, fsynced, then renamed to their final name in one step that never replaces an
/// existing file (`FileSystem.moveWithoutReplacing`), and the directory fsynced.
public struct Outbox: Sendable {
    public let directory: String
    /// `{name}` is replaced by the final name: `.{name}.tmp` by default.
    public let tempPattern: String
    /// Write an empty `NAME.done` after each file.
    public let doneMarker: Bool

    public init(directory: String, tempPattern: String = ".{name}.tmp", doneMarker: Bool = false) throws {
        self.directory = directory
        self.tempPattern = tempPattern
        self.doneMarker = doneMarker
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    public func tempName(for name: String) -> String {
        tempPattern.replacingOccurrences(of: "{name}", with: name)
    }

    func path(_ name: String) -> String { directory + "/" + name }

    /// A free name: `name` itself, or `name_2.ext`, `name_3.ext`… when a file (or its temporary
    /// or a name in `taken`) already has it.
    public func freeName(_ name: String, taken: Set<String> = []) -> String {
        FreeName.numbered(name) { candidate in
            taken.contains(candidate) || FileManager.default.fileExists(atPath: path(candidate))
                || FileManager.default.fileExists(atPath: path(tempName(for: candidate)))
        }
    }

    /// Writes a temporary file durably: created exclusively, filled by `write`, fsynced, closed,
    /// and the directory fsynced. Returns the temporary name.
    public func writeTemporary(for name: String, _ write: (ByteSink) throws -> Void) throws -> String {
        let temp = tempName(for: name)
        try? FileManager.default.removeItem(atPath: path(temp))  // a leftover from a crash before its ledger entry
        let sink = try FileByteSink(path: path(temp), exclusive: true)
        do {
            try write(sink)
            try sink.sync()
            try sink.close()
        } catch {
            try? FileManager.default.removeItem(atPath: path(temp))
            throw error
        }
        try syncDirectory()
        return temp
    }

    /// Removes a temporary file that will not be published (nothing recorded it yet).
    public func discardTemporary(_ temp: String) {
        try? FileManager.default.removeItem(atPath: path(temp))
    }

    /// Gives a temporary file its final name without ever replacing an existing file, then writes
    /// its done marker (if configured). Finishing a publish that already happened (temporary gone,
    /// final there) succeeds and writes the marker a crash left unwritten.
    public func publish(temp: String, as name: String) throws {
        try giveFinalName(temp, name)
        try writeMarker(for: name)
    }

    private func giveFinalName(_ temp: String, _ name: String) throws {
        let from = path(temp)
        let to = path(name)
        if !FileManager.default.fileExists(atPath: from) {
            return  // renamed before a crash; the WMS may even have taken it already
        }
        try FileSystem.moveWithoutReplacing(from, to: to)
        try syncDirectory()
    }

    /// Writes `NAME.done` next to a published file that lacks one. When the file itself is gone,
    /// the WMS has taken it (and its marker, if it had one): no marker is written for it then.
    private func writeMarker(for name: String) throws {
        guard doneMarker, FileManager.default.fileExists(atPath: path(name)), !FileManager.default.fileExists(atPath: path(name + ".done")) else {
            return
        }
        CrashPoint.hit("file published, done marker not written")
        let marker = try FileByteSink(path: path(name + ".done"))
        try marker.sync()
        try marker.close()
        try syncDirectory()
    }

    /// Temporary files in the outbox (left by a crash).
    public func leftoverTemporaries() throws(FileSystemError) -> [String] {
        let prefix = tempPattern.components(separatedBy: "{name}").first ?? ""
        let suffix = tempPattern.components(separatedBy: "{name}").last ?? ""
        return try FileSystem.names(in: directory).filter {
            $0.hasPrefix(prefix) && $0.hasSuffix(suffix) && $0.count > prefix.count + suffix.count
        }
    }

    public func syncDirectory() throws(FileSystemError) {
        try FileSystem.syncFolder(directory)
    }
}
