import Foundation
import Logging
import SFTP

/// An outbox on an SFTP server. The orders job writes into the local outbox as always (atomic,
/// exactly once); this uploads each file from there: written under `.NAME.tmp` on the server,
/// then renamed, so the WMS never sees half a file; never overwriting (a taken name gets `_2`,
/// like the local outbox); then the optional `NAME.done` marker; then the local copy moves to
/// `archive/sent/YYYY-MM-DD/`. The ledger records each upload before its rename, so after a crash
/// the temporary's presence on the server tells whether the rename happened: no file is lost or
/// uploaded twice.
final class RemoteOutbox: @unchecked Sendable {
    let connection: SFTPConnection
    let outbox: Outbox
    let archive: String
    let doneMarker: Bool
    let ledger: Ledger
    let logger: Logger
    private(set) var report = SFTPReport()

    init(location: SFTPLocation, outbox: Outbox, archive: String, doneMarker: Bool, ledger: Ledger, logger: Logger) {
        connection = SFTPConnection(location)
        self.outbox = outbox
        self.archive = archive
        self.doneMarker = doneMarker
        self.ledger = ledger
        self.logger = logger
    }

    var folder: String { connection.folder }
    func describe(_ path: String) -> String { connection.describe(path) }

    /// The local outbox files waiting to be uploaded, oldest first (temporaries left out).
    func waiting() throws(FileSystemError) -> [String] {
        let temporaries = Set(try outbox.leftoverTemporaries())
        let names = try FileSystem.names(in: outbox.directory).filter { name in
            !name.hasPrefix(".") && !temporaries.contains(name) && isFile(outbox.directory + "/" + name)
        }
        func modified(_ name: String) -> Double { Inbox.modificationTime(outbox.directory + "/" + name) }
        return names.sorted { (modified($0), $0) < (modified($1), $1) }
    }

    /// Uploads every waiting file. Stops at the first server problem (reported; the files wait
    /// for the next run); never throws.
    func uploadAll() {
        defer { connection.close() }
        let names: [String]
        do {
            try forgetFinishedUploads()
            names = try waiting()
        } catch {
            report.problems.append("\(error) (its files wait for the next run)")
            logger.error("\(error); its files wait for the next run")
            return
        }
        for name in names {
            do {
                try upload(name)
            } catch {
                report.problems.append("\(error) (the file waits in \(outbox.directory) for the next run)")
                logger.error("\(error); it waits in \(outbox.directory) for the next run", metadata: ["file": "\(name)"])
                break
            }
        }
    }

    private func upload(_ name: String) throws {
        let local = outbox.directory + "/" + name
        var target: String
        if let started = try ledger.upload(name), started.status == .renaming {
            // A crash after the temporary was written: if it is still there, the rename did not happen.
            target = started.remotePath
            let temporary = SFTPClient.temporary(for: target)
            let pending = try connection.perform { client throws(SFTPError) in try client.stat(temporary) != nil }
            if pending {
                target = try freeName(target)
                try ledger.recordUpload(name, as: target, status: .renaming)
                try connection.perform { client throws(SFTPError) in try client.rename(temporary, to: target) }
            }
        } else {
            target = try freeName(folder + "/" + name)
            let temporary = SFTPClient.temporary(for: target)
            try ledger.recordUpload(name, as: target, status: .writing)
            try connection.perform { client throws(SFTPError) in try client.put(local, to: temporary) }
            CrashPoint.hit("sftp temporary uploaded")
            try ledger.recordUpload(name, as: target, status: .renaming)
            try connection.perform { client throws(SFTPError) in try client.rename(temporary, to: target) }
            CrashPoint.hit("sftp upload renamed")
        }
        if doneMarker {
            try connection.perform { client throws(SFTPError) in
                if try client.stat(target + ".done") == nil { try client.upload("/dev/null", to: folder, as: SFTPClient.name(target) + ".done") }
            }
        }
        try moveToArchive(name)
        CrashPoint.hit("sftp local copy archived")
        try ledger.finishUpload(name)
        report.uploaded += 1
        logger.info("uploaded to \(describe(target))", metadata: ["file": "\(name)"])
    }

    /// Forgets the uploads whose local copy has left the outbox: the copy is archived only after
    /// the file is on the server, so a record left is one a crash kept from being removed. Kept,
    /// it would make a later file of the same name (a fixed per-run name) look uploaded already.
    private func forgetFinishedUploads() throws {
        for name in try ledger.uploadNames() where !FileManager.default.fileExists(atPath: outbox.directory + "/" + name) {
            try ledger.finishUpload(name)
        }
    }

    /// `path` itself, or `stem_2.ext`, `stem_3.ext`… when the server already has a file so named.
    private func freeName(_ path: String) throws(SFTPError) -> String {
        let name = SFTPClient.name(path)
        let free = try connection.perform { client throws(SFTPError) in
            try FreeName.numbered(name) { candidate throws(SFTPError) in try client.stat(folder + "/" + candidate) != nil }
        }
        if free != name { logger.notice("already exists on the server; uploading as \(free)", metadata: ["file": "\(describe(path))"]) }
        return folder + "/" + free
    }

    private func moveToArchive(_ name: String) throws {
        let day = FreeName.dayFolder(in: archive + "/sent")
        try FileManager.default.createDirectory(atPath: day, withIntermediateDirectories: true)
        let target = day + "/" + FreeName.suffixed(name) { FileManager.default.fileExists(atPath: day + "/" + $0) }
        try FileManager.default.moveItem(atPath: outbox.directory + "/" + name, toPath: target)
    }

    private func isFile(_ path: String) -> Bool {
        FileSystem.status(path)?.isRegularFile == true
    }
}
