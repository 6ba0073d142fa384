import Foundation
import Logging
import SFTP

/// An inbox on an SFTP server. Files are taken with the local inbox's rules (patterns, in-flight
/// names, done markers) plus a completeness guard that needs no clock on the server: a file is
/// ready when two listings at least `settle_seconds` apart show the same size and modification
/// time. A ready file is downloaded atomically into `processing/`, where the job takes it like a
/// claimed local file. The remote file stays where it was until the job is done with it: then it
/// goes into the remote archive (or is deleted) if JOOR accepted it, or into the remote error
/// folder if it could not be used. Every step is recorded in the ledger first, so a crash or a
/// dropped connection at any point neither loses a file nor takes one twice.
final class RemoteInbox: @unchecked Sendable {
    let connection: SFTPConnection
    let settings: SFTPSettings
    /// The job's files: its local inbox (patterns, settle time, done marker, `processing/`), the
    /// ledger, the log, and the other inbox job's patterns (a file they match too is taken by
    /// neither job).
    let files: InboxFiles
    /// Whether `fetch` may wait (up to the settle time) for a second listing; `watch` does not
    /// wait, its next poll is the second listing.
    let waitToSettle: Bool
    private(set) var report = SFTPReport()

    init(location: SFTPLocation, settings: SFTPSettings, for files: InboxFiles, waitToSettle: Bool = true) {
        connection = SFTPConnection(location)
        self.settings = settings
        self.files = files
        self.waitToSettle = waitToSettle
    }

    var folder: String { connection.folder }
    var archiveFolder: String { settings.remoteArchive ?? folder + "/archive" }
    var errorFolder: String { settings.remoteError ?? folder + "/error" }
    func describe(_ path: String) -> String { connection.describe(path) }

    // MARK: Taking files

    /// Finishes what earlier runs left (remote archive moves, interrupted downloads), then
    /// downloads every ready file into `processing/`. Never throws: a problem with the server
    /// is logged and reported, and the job goes on with what is already local.
    /// - Returns: the remote names still waiting, and those left because the other inbox job's
    ///   patterns match them too.
    func fetch() async -> (waiting: [String], ambiguous: [String]) {
        var ambiguous: [String] = []
        do {
            try finishSettled()
            try recoverInterrupted()
            var pass = try look()
            if waitToSettle, let wait = pass.secondsToSettle {
                if wait > 0 {
                    files.logger.info(
                        "waiting \(Int(wait.rounded(.up))) s to see whether \(pass.unsettled.joined(separator: ", ")) still change",
                        metadata: ["folder": "\(describe(folder))"])
                    try? await Task.sleep(for: .seconds(wait))
                }
                pass = try look()
            }
            for entry in pass.ready {
                if try !download(entry) { pass.waiting.append(entry.name) }
            }
            report.waiting = pass.waiting + pass.unsettled
            ambiguous = pass.ambiguous
        } catch {
            problem("\(error)")
        }
        connection.close()
        return (report.waiting, ambiguous)
    }

    /// For a dry run: copies of the remote files a run could take (matching the patterns, with
    /// their done marker if one is configured, not in hand already) in a private temporary folder,
    /// without recording anything or touching the server's files. A run would also wait for two
    /// listings to agree on size and time; a dry run looks once. The caller removes `folder`.
    func copiesForDryRun() async -> (files: [(name: String, path: String)], waiting: [String], folder: String) {
        var copies: [(name: String, path: String)] = []
        var waiting: [String] = []
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("joorbridge-dry-run-\(UUID().uuidString)").path
        do {
            let entries = try connection.perform { client throws(SFTPError) in try client.list(folder) }
            let names = Set(entries.map(\.name))
            let inHand = Set(try files.ledger.remoteFiles().values.filter { $0.status != .seen }.map(\.remotePath))
            let marker = files.inbox.settings.doneMarker
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            for entry in entries.sorted(by: { ($0.modified, $0.name) < ($1.modified, $1.name) })
            where entry.isRegularFile && files.inbox.matches(entry.name) {
                if let marker, entry.name.hasSuffix(marker) { continue }
                let path = folder + "/" + entry.name
                if inHand.contains(path) { continue }
                if let marker, !names.contains(entry.name + marker) {
                    waiting.append(entry.name)
                    continue
                }
                let local = temporary + "/" + entry.name
                try connection.perform { client throws(SFTPError) in try client.download(path, to: local, modified: entry.modified) }
                copies.append((entry.name, local))
            }
        } catch {
            problem("\(error)")
        }
        connection.close()
        return (copies, waiting, temporary)
    }

    private struct Pass {
        var ready: [RemoteEntry] = []
        var unsettled: [String] = []
        var waiting: [String] = []
        var ambiguous: [String] = []
        var secondsToSettle: Double?
    }

    /// One listing: files new or changed since the last listing are recorded and wait; files
    /// unchanged for the settle time are ready.
    private func look(now: Date = Date()) throws(SFTPError) -> Pass {
        let entries = try connection.perform { client throws(SFTPError) in try client.list(folder) }
        var records: [String: RemoteFileRecord]
        do { records = try files.ledger.remoteFiles() } catch {
            throw SFTPError(.io, server: connection.location.server, message: "cannot read the state store: \(error)")
        }
        let names = Set(entries.map(\.name))
        let marker = files.inbox.settings.doneMarker
        var pass = Pass()
        do {
            // Files that went away before they were taken are forgotten.
            for record in records.values where record.status == .seen && record.remotePath.hasPrefix(folder + "/") {
                if !names.contains(String(record.remotePath.dropFirst(folder.count + 1))) { try files.ledger.forgetRemote(record.remotePath) }
            }
            for entry in entries.sorted(by: { ($0.modified, $0.name) < ($1.modified, $1.name) })
            where entry.isRegularFile && files.inbox.matches(entry.name) {
                if let marker, entry.name.hasSuffix(marker) { continue }
                let path = folder + "/" + entry.name
                if let marker, !names.contains(entry.name + marker) {
                    pass.waiting.append(entry.name)
                    continue
                }
                if files.others.contains(where: { $0.matches(entry.name) }) {
                    pass.ambiguous.append(entry.name)
                    continue
                }
                if Inbox.hasUndecodableName(entry.name) {
                    pass.waiting.append(entry.name)  // reported by the job; it cannot be downloaded by this name
                    continue
                }
                if let record = records[path] {
                    if record.status != .seen { continue }  // in hand, or being finished
                    if record.size == entry.size && record.mtime == entry.modified {
                        let age = now.timeIntervalSince1970 - record.seenSince
                        if age >= files.inbox.settings.settleSeconds {
                            pass.ready.append(entry)
                        } else {
                            pass.unsettled.append(entry.name)
                            pass.secondsToSettle = max(pass.secondsToSettle ?? 0, files.inbox.settings.settleSeconds - age)
                        }
                        continue
                    }
                }
                try files.ledger.recordRemoteSeen(path, job: files.job, size: entry.size, mtime: entry.modified, at: now)
                pass.unsettled.append(entry.name)
                pass.secondsToSettle = max(pass.secondsToSettle ?? 0, files.inbox.settings.settleSeconds)
            }
        } catch let error as SFTPError {
            throw error
        } catch {
            throw SFTPError(.io, server: connection.location.server, message: "cannot record the listing in the state store: \(error)")
        }
        return pass
    }

    /// Copies one ready file into `processing/`; `false` if it has to wait (its name is in use
    /// there, or it changed after the listing).
    private func download(_ entry: RemoteEntry) throws -> Bool {
        let path = folder + "/" + entry.name
        let local = files.inbox.processing + "/" + entry.name
        if FileManager.default.fileExists(atPath: local) {
            files.logger.notice(
                "a file of that name is still in processing/; it waits until that one is done", metadata: ["file": "\(describe(path))"])
            return false
        }
        try files.ledger.setRemoteStatus(path, .downloading, localName: entry.name)
        // Forgetting the file makes the next look list it afresh and wait for it to settle again.
        do {
            try connection.perform { client throws(SFTPError) in try client.download(path, to: local, modified: entry.modified) }
        } catch {
            try files.ledger.forgetRemote(path)
            guard error.kind == .notFound else { throw error }
            files.logger.notice("gone before it could be downloaded", metadata: ["file": "\(describe(path))"])
            return true
        }
        // The copy is in processing/ now. If the server goes away before this check, the record
        // stays `downloading` and the next run makes the check before it counts the copy.
        CrashPoint.hit("sftp file copied, not checked")
        guard try confirmCopy(local, of: path, size: entry.size, mtime: entry.modified) else { return false }
        report.downloaded += 1
        files.logger.info("downloaded into processing/ (\(entry.size) bytes)", metadata: ["file": "\(describe(path))"])
        return true
    }

    /// Checks a copy in `processing/` against the server: the file unchanged since the listings
    /// agreed on it (`size`, `mtime`; gone counts as unchanged) makes the copy count as
    /// downloaded; a changed one is not that file: it is dropped, and the file listed afresh.
    /// - Returns: whether the copy counts.
    private func confirmCopy(_ local: String, of path: String, size: UInt64, mtime: UInt64) throws -> Bool {
        let unchanged = try connection.perform { client throws(SFTPError) in
            guard let now = try client.stat(path) else { return true }
            return now.size == size && now.modified == mtime
        }
        guard unchanged else {
            unlink(local)
            try files.ledger.forgetRemote(path)
            files.logger.notice("it changed while it was downloaded; it waits for the next look", metadata: ["file": "\(describe(path))"])
            return false
        }
        CrashPoint.hit("sftp file downloaded")
        try files.ledger.setRemoteStatus(path, .downloaded)
        return true
    }

    /// Local names of copies in `processing/` not yet checked against the server (a dropped
    /// connection or a crash cut the check off): they are not to be processed until they are.
    func uncheckedCopies() throws -> Set<String> {
        Set(try files.ledger.remoteFiles().values.filter { $0.job == files.job && $0.status == .downloading }.compactMap(\.localName))
    }

    /// Downloads a crash or a dropped connection interrupted: a copy in `processing/` counts as
    /// downloaded once the server's file is found unchanged since the listings (as after a
    /// download); a changed one is dropped and listed afresh; the others start over. A downloaded
    /// file no longer in `processing/` without an outcome (someone removed it) is downloaded
    /// again, so nothing is lost.
    private func recoverInterrupted() throws {
        for record in try files.ledger.remoteFiles().values where record.job == files.job {
            guard record.status == .downloading || record.status == .downloaded, let name = record.localName else { continue }
            let local = files.inbox.processing + "/" + name
            let present = FileManager.default.fileExists(atPath: local)
            if present && record.status == .downloading {
                _ = try confirmCopy(local, of: record.remotePath, size: record.size, mtime: record.mtime)
            } else if !present {
                if record.status == .downloaded {
                    files.logger.warning(
                        "its copy left processing/ without an outcome; downloading it again", metadata: ["file": "\(describe(record.remotePath))"])
                }
                try files.ledger.forgetRemote(record.remotePath)
            }
        }
    }

    // MARK: Finishing files

    /// Records what became of `processing/NAME` (call before the local file is moved) and moves
    /// the remote file accordingly. A server problem here is reported; the move is retried next run.
    func settle(_ localName: String, accepted: Bool) throws {
        guard var record = try files.ledger.remoteFile(localName: localName) else { return }  // a local file
        record.status = accepted ? .accepted : .rejected
        try files.ledger.setRemoteStatus(record.remotePath, record.status)
        CrashPoint.hit("sftp outcome recorded")
        do {
            try finish(record)
        } catch {
            problem("\(error) (retried next run)")
        }
        connection.close()
    }

    /// Moves remote files whose outcome is known but which an earlier run could not move.
    private func finishSettled() throws {
        for record in try files.ledger.remoteFiles().values
        where record.job == files.job && (record.status == .accepted || record.status == .rejected) {
            try finish(record)
        }
    }

    private func finish(_ record: RemoteFileRecord) throws {
        let name = SFTPClient.name(record.remotePath)
        let doneMarker = files.inbox.settings.doneMarker
        let marker = record.remotePath + (doneMarker ?? "")
        var replaced = false
        try connection.perform { client throws(SFTPError) in
            guard let current = try client.stat(record.remotePath) else { return }  // moved before a crash, or by someone else
            // The WMS wrote a new file of the same name while the old one was in hand: it is not
            // the file JOOR took, so it stays, to be taken like any new file.
            guard current.size == record.size && current.modified == record.mtime else {
                replaced = true
                return
            }
            if record.status == .accepted && settings.afterDownload == .delete {
                do throws(SFTPError) { try client.remove(record.remotePath) } catch { guard error.kind == .notFound else { throw error } }
                if doneMarker != nil { try? client.remove(marker) }
                return
            }
            let target = record.status == .accepted ? archiveFolder : errorFolder
            try client.makeDirectory(target)
            let destination =
                target + "/" + (try FreeName.suffixed(name) { candidate throws(SFTPError) in try client.stat(target + "/" + candidate) != nil })
            try client.rename(record.remotePath, to: destination)
            if let doneMarker { try? client.rename(marker, to: destination + doneMarker) }
        }
        CrashPoint.hit("sftp remote file moved")
        try files.ledger.forgetRemote(record.remotePath)
        if replaced {
            files.logger.notice(
                "a new file of this name is on the server (another size or time than the one taken); it is left there and taken like any new file",
                metadata: ["file": "\(describe(record.remotePath))"])
        } else if record.status == .accepted {
            report.archivedRemotely += 1
            files.logger.info(
                "\(settings.afterDownload == .delete ? "deleted" : "moved to \(archiveFolder)") on the server",
                metadata: ["file": "\(describe(record.remotePath))"])
        } else {
            report.movedToRemoteError += 1
            files.logger.notice("moved to \(errorFolder) on the server", metadata: ["file": "\(describe(record.remotePath))"])
        }
    }

    private func problem(_ message: String) {
        report.problems.append(message)
        files.logger.error("\(message)")
    }
}
