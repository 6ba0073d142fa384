import FileFormats
import Foundation
import JoorAPI
import Logging
import Mapping

/// What the inbox jobs (inventory, products) share: which files to take, de-duplication by
/// content, and where a file goes when it succeeds, is broken, or keeps failing.
struct InboxFiles {
    let inbox: Inbox
    let ledger: Ledger
    let job: String
    let maxAttempts: Int
    let logger: Logger

    /// Files to process now, oldest first: those a crashed run had claimed, then newly claimed
    /// ready ones; and the names still waiting (settling or without their done marker).
    func take() throws -> (names: [String], waiting: [String]) {
        var names = inbox.claimed()
        let (ready, waiting) = inbox.ready()
        for candidate in ready where try inbox.claim(candidate.name) != nil { names.append(candidate.name) }
        return (names, waiting)
    }

    /// The file's fingerprint, or `nil` after archiving it when the same content was pushed before.
    func fingerprintUnlessPushed(_ name: String) throws -> String? {
        let fingerprint = try Inbox.fingerprint(inbox.processing + "/" + name)
        if try ledger.inboxFile(fingerprint)?.status == "pushed" {
            try inbox.archive(name)
            logger.notice("\(name): the same content was pushed before; archived without pushing again")
            return nil
        }
        try ledger.recordInboxFile(fingerprint, job: job, name: name, status: "processing")
        return fingerprint
    }

    func succeeded(_ name: String, _ fingerprint: String) throws {
        try inbox.archive(name)
        try ledger.recordInboxFile(fingerprint, job: job, name: name, status: "pushed")
    }

    /// The file itself is broken (or does not fit the mapping): to `error/`, nothing sent.
    func broken(_ name: String, _ fingerprint: String, reason: String) throws {
        try inbox.fail(name, reason: reason + "\nNothing from this file was sent to JOOR. Fix the file (or the mapping) and drop it into the inbox again.")
        try ledger.recordInboxFile(fingerprint, job: job, name: name, status: "failed", reason: reason)
        logger.error("\(name): \(reason)")
    }

    /// JOOR failed: the file stays in `processing/` for the next run, until `maxAttempts`.
    /// - Returns: whether the file was quarantined.
    func joorFailed(_ name: String, _ fingerprint: String, _ error: JoorAPIError) throws -> Bool {
        try ledger.recordInboxFile(fingerprint, job: job, name: name, status: "processing", reason: error.description, attempt: true)
        guard let attempts = try ledger.inboxFile(fingerprint)?.attempts, attempts >= maxAttempts else { return false }
        try inbox.fail(name, reason: "quarantined after \(attempts) failed attempts; the last: \(error.description). Move it back into the inbox to try again.")
        try ledger.recordInboxFile(fingerprint, job: job, name: name, status: "failed", reason: error.description)
        return true
    }
}

/// `error/NAME.rejects.csv`, created only when a first row is rejected.
final class RejectsFile {
    let path: String
    private var writer: RejectsWriter?
    private(set) var count = 0

    init(folder: String, name: String) { path = folder + "/" + name + ".rejects.csv" }

    var isEmpty: Bool { writer == nil }

    func write(_ rejection: RowRejection) throws {
        if writer == nil { writer = try RejectsWriter(sink: FileByteSink(path: path)) }
        try writer?.write(rejection)
        count += 1
    }

    func flush() throws { try writer?.flush() }
}
