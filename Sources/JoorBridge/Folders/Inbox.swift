import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The folder the WMS drops exports into, with the completeness guard and the claim/archive/error moves.
///
/// A file is taken only when it looks finished: not an upload's in-flight name (`*.filepart`,
/// `*.part`, `*.tmp`, `*.partial`, dot-files), not modified for the settle time, and (if
/// configured) with its done marker present. It is claimed by renaming it into `processing/`,
/// archived under `archive/YYYY-MM-DD/` after success, or moved to `error/` with `NAME.error.txt`.
public struct Inbox: Sendable {
    public struct Settings: Sendable {
        public var include = ["*"]
        public var exclude: [String] = []
        /// Seconds a file must stay unmodified before it is taken.
        public var settleSeconds = 10.0
        /// Suffix of the done marker the WMS writes after the file (`.done`, `.ok`), or nil.
        public var doneMarker: String?
        public init() {}

        /// Whether a name is one this job takes (by pattern, and not an in-flight upload name).
        public func matches(_ name: String) -> Bool {
            if name.hasPrefix(".") || Inbox.inFlightSuffixes.contains(where: { name.lowercased().hasSuffix($0) }) { return false }
            guard include.contains(where: { fnmatch($0, name, 0) == 0 }) else { return false }
            return !exclude.contains { fnmatch($0, name, 0) == 0 }
        }

        /// A name both jobs' patterns take, if their patterns overlap: each include pattern is tried
        /// with its wildcards filled in a few ways (`*` as nothing, `x`, `x_1`; `?` as `x`; a set as
        /// its first character) against the other job's patterns.
        public static func sharedName(_ a: Settings, _ b: Settings) -> String? {
            for (one, other) in [(a, b), (b, a)] {
                for pattern in one.include {
                    for name in samples(of: pattern) where one.matches(name) && other.matches(name) { return name }
                }
            }
            return nil
        }

        private static func samples(of pattern: String) -> [String] {
            ["", "x", "x_1"].map { star in
                var out = ""
                var inSet = false
                var tookFromSet = false
                for c in pattern {
                    if inSet {
                        if c == "]" {
                            inSet = false
                        } else if !tookFromSet, c != "!", c != "^" {
                            out.append(c)
                            tookFromSet = true
                        }
                        continue
                    }
                    switch c {
                    case "*": out += star
                    case "?": out += "x"
                    case "[":
                        inSet = true
                        tookFromSet = false
                    default: out.append(c)
                    }
                }
                return out
            }
        }
    }

    public let inbox: String, processing: String, archive: String, error: String
    public let settings: Settings

    static let inFlightSuffixes = [".filepart", ".part", ".tmp", ".partial", ".crdownload"]

    public init(inbox: String, processing: String, archive: String, error: String, settings: Settings) throws {
        self.inbox = inbox
        self.processing = processing
        self.archive = archive
        self.error = error
        self.settings = settings
        for folder in [inbox, processing, archive, error] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
    }

    /// What a listing saw of a file.
    public struct Candidate: Sendable, Equatable {
        public var name: String
        public var size: Int
        public var modified: Date
    }

    /// Files ready to be taken, oldest first; and those still settling (for the run summary).
    /// - Throws: ``FileSystemError`` when the inbox cannot be listed (an inbox that cannot be read
    ///   is not an empty one).
    public func ready(now: Date = Date()) throws(FileSystemError) -> (ready: [Candidate], waiting: [String]) {
        var ready: [Candidate] = []
        var waiting: [String] = []
        let names = try FileSystem.names(in: inbox)
        let markers = Set(names.filter { name in settings.doneMarker.map { name.hasSuffix($0) } ?? false })
        for name in names where matches(name) && !markers.contains(name) {
            guard let status = FileSystem.status(inbox + "/" + name), status.isRegularFile else {
                // A name that is not UTF-8 is listed with U+FFFD in it and cannot be opened by
                // that name: it waits (and is reported), rather than being passed over in silence.
                if Self.hasUndecodableName(name) { waiting.append(name) }
                continue
            }
            let modified = Date(timeIntervalSince1970: status.modified)
            if let marker = settings.doneMarker, !markers.contains(name + marker) {
                waiting.append(name)
                continue
            }
            if now.timeIntervalSince(modified) < settings.settleSeconds {
                waiting.append(name)
                continue
            }
            ready.append(Candidate(name: name, size: status.size, modified: modified))
        }
        return (ready.sorted { ($0.modified, $0.name) < ($1.modified, $1.name) }, waiting.sorted())
    }

    /// Whether a listed name was not UTF-8 (a Latin-1 `Bestand_S\xFCd.csv` from a Windows system):
    /// it was decoded with U+FFFD, and the file cannot be opened by it.
    public static func hasUndecodableName(_ name: String) -> Bool { name.unicodeScalars.contains("\u{FFFD}") }

    /// Why a file with such a name waits, for the log.
    public static let undecodableNameProblem =
        "its name is not UTF-8 (Latin-1 from a Windows system?), so joorbridge cannot open it; rename it (ASCII or UTF-8 names only)"

    /// Whether a name is one joorbridge would take (by pattern, and not an in-flight upload name).
    public func matches(_ name: String) -> Bool { settings.matches(name) }

    /// Moves a ready file (and its done marker) into `processing/`; `nil` if it vanished meanwhile.
    public func claim(_ name: String) throws -> String? {
        let target = processing + "/" + name
        guard try FileSystem.rename(inbox + "/" + name, to: target, .claim) else { return nil }
        if let marker = settings.doneMarker { _ = try? FileSystem.rename(inbox + "/" + name + marker, to: target + marker) }
        return target
    }

    /// Finishes claims a crash cut between the file's move and its done marker's: a marker left in
    /// the inbox for a file already in `processing/` (none of that name in the inbox) follows it.
    /// Left there, it would vouch for the next file of that name before that file was complete.
    public func finishInterruptedClaims() throws(FileSystemError) {
        guard let marker = settings.doneMarker else { return }
        for name in try claimed() where FileSystem.status(inbox + "/" + name + marker) != nil && FileSystem.status(inbox + "/" + name) == nil {
            try FileSystem.rename(inbox + "/" + name + marker, to: processing + "/" + name + marker, .claim)
        }
    }

    /// Files of this job already in `processing/` (claimed by a run that did not finish), oldest
    /// first. Jobs share the folders, so only names matching this job's patterns are its own.
    public func claimed() throws(FileSystemError) -> [String] {
        let names = try FileSystem.names(in: processing).filter { name in
            matches(name) && !(settings.doneMarker.map { name.hasSuffix($0) } ?? false)
        }
        return names.sorted { Self.modificationTime(processing + "/" + $0) < Self.modificationTime(processing + "/" + $1) }
    }

    /// Moves a processed file to `archive/YYYY-MM-DD/`, never replacing an archived file.
    @discardableResult
    public func archive(_ name: String, now: Date = Date()) throws -> String {
        let folder = FreeName.dayFolder(in: archive, on: now)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try move(name, to: folder)
    }

    /// Moves a file that failed to `error/` with `NAME.error.txt` saying why; never deletes it.
    @discardableResult
    public func fail(_ name: String, reason: String) throws -> String {
        let moved = try move(name, to: error)
        try (reason + "\n").write(toFile: moved + ".error.txt", atomically: true, encoding: .utf8)
        return moved
    }

    private func move(_ name: String, to folder: String) throws -> String {
        let target = folder + "/" + FreeName.suffixed(name) { FileManager.default.fileExists(atPath: folder + "/" + $0) }
        try FileManager.default.moveItem(atPath: processing + "/" + name, toPath: target)
        if let marker = settings.doneMarker, FileManager.default.fileExists(atPath: processing + "/" + name + marker) {
            try? FileManager.default.moveItem(atPath: processing + "/" + name + marker, toPath: target + marker)
        }
        return target
    }

    /// A file's modification time (seconds since 1970, with fractions), or 0 if it is not there.
    static func modificationTime(_ path: String) -> Double {
        FileSystem.status(path)?.modified ?? 0
    }

    /// A 128-bit content fingerprint of a file (two independent 64-bit hashes), read in chunks.
    public static func fingerprint(_ path: String) throws(FileSystemError) -> String {
        var a: UInt64 = 0xCBF2_9CE4_8422_2325
        var b: UInt64 = 0x8422_2325_CBF2_9CE4
        try FileSystem.readChunks(path) { chunk in
            for byte in chunk {
                a = (a ^ UInt64(byte)) &* 0x100_0000_01B3
                b = (b &+ UInt64(byte) &+ 1) &* 0x9E37_79B9_7F4A_7C15
                b ^= b >> 29
            }
        }
        return String(format: "%016llx%016llx", a, b)
    }
}
