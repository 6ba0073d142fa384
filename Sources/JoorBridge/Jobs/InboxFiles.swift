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
    let job: Job
    let maxAttempts: Int
    let logger: Logger
    /// The SFTP inbox files also come from, if the inbox is remote.
    var remote: RemoteInbox? = nil
    /// The other inbox job's patterns: a file both jobs would take is taken by neither.
    var others: [Inbox.Settings] = []

    /// The mapping the job's files are read with.
    let mapping: InboundMapping

    /// The job's files in the config's folders (created if missing), read with its mapping, which
    /// must be of `kind`.
    init(job: Job, kind: MappingKind, settings: InboxJobSettings, folders: BridgeConfig.Folders, ledger: Ledger, logger: Logger) throws {
        inbox = try Inbox(
            inbox: folders.inbox, processing: folders.processing, archive: folders.archive, error: folders.error, settings: settings.inbox)
        mapping = try Self.mapping(settings.mapping, kind: kind, job: job)
        self.job = job
        self.maxAttempts = settings.maxAttempts
        self.ledger = ledger
        self.logger = logger
    }

    /// Loads the job's mapping, refusing one of another kind.
    static func mapping(_ path: String, kind: MappingKind, job: Job) throws(ConfigError) -> InboundMapping {
        let file = try MappingFile.load(configured: path)
        guard case .inbound(let inbound) = file.body, file.kind == kind else {
            throw .wrongMappingKind(mapping: path, found: file.kind, needed: kind, job: job)
        }
        return inbound
    }

    /// Streams a claimed file through the mapping, handing each outcome to `body` and reporting
    /// progress; at the end, checks that the mapping fits the file (``InboundConverter/verifyAtEnd()``).
    /// - Throws: ``MappingErrors`` or ``FileFormatError`` when the file itself is broken (see ``isBroken(_:)``),
    ///   or what `body` throws.
    func convert(_ name: String, control: JobControl, _ body: (ConversionResult) throws -> Void) throws {
        try convert(path: inbox.processing + "/" + name, name: name, control: control, body)
    }

    /// ``convert(_:control:_:)`` for a file anywhere (a dry run reads files where they are).
    func convert(path: String, name: String, control: JobControl, _ body: (ConversionResult) throws -> Void) throws {
        let converter = try InboundConverter(mapping: mapping, inputPath: path)
        var progress = FileProgress(job: job, file: name, rows: 0, bytesRead: 0, totalBytes: converter.fileSize, startedAt: Date())
        while let result = try converter.next() {
            try body(result)
            progress.rows += 1
            if let report = control.progress, progress.rows % 2048 == 0 {
                progress.bytesRead = converter.bytesRead
                report(progress)
            }
        }
        if let report = control.progress {
            progress.bytesRead = converter.bytesRead
            progress.finished = true
            report(progress)
        }
        // A mapping that silently does not fit the file (an XML path no record has) fails it here,
        // before anything of it is sent.
        try converter.verifyAtEnd()
    }

    /// The first pass over a claimed file: every outcome goes to `body`; a file that turns out broken
    /// goes to `error/` with the reason. Either way the rejects written so far are flushed.
    /// - Returns: `false` when the file was broken (nothing of it may be sent).
    func read(
        _ name: String, fingerprint: String, control: JobControl, rejects: RejectsFile,
        _ body: (ConversionResult) throws -> Void
    ) throws -> Bool {
        do {
            try convert(name, control: control, body)
        } catch {
            guard Self.isBroken(error) else { throw error }
            try rejects.flush()
            try broken(name, fingerprint, error)
            return false
        }
        try rejects.flush()
        return true
    }

    /// Whether `error` means the file cannot be used as it is (it goes to `error/`), rather than
    /// a problem of this machine (disk, ledger) that should end the run.
    static func isBroken(_ error: any Error) -> Bool {
        error is MappingErrors || error is FileFormatError
    }

    /// The inbox as a run finds it: this job's files in `processing/` (oldest first), the ready
    /// files it may take, those it must leave because the other job's patterns match them too,
    /// those named like a file still in `processing/` (taking one would replace that file, which
    /// JOOR has not taken yet), and the names still settling or without their done marker. A
    /// remote inbox's copy not yet checked against the server waits in `processing/` until it is.
    private func look() throws -> (claimed: [String], ready: [Inbox.Candidate], ambiguous: [String], blocked: [String], waiting: [String]) {
        let unchecked = try remote?.uncheckedCopies() ?? []
        let claimed = try inbox.claimed().filter { !unchecked.contains($0) }
        var (ready, waiting) = try inbox.ready()
        waiting += unchecked.sorted()
        let blocked = ready.map(\.name).filter(claimed.contains)
        let ambiguous = ready.map(\.name).filter { name in !blocked.contains(name) && others.contains { $0.matches(name) } }
        return (claimed, ready.filter { !blocked.contains($0.name) && !ambiguous.contains($0.name) }, ambiguous, blocked, waiting)
    }

    /// Files to process now, oldest first: those a crashed run had claimed (and those just
    /// downloaded from a remote inbox), then newly claimed ready ones; and the names still waiting
    /// (settling, without their done marker, or named like a file still in `processing/`).
    func take() async throws -> (names: [String], waiting: [String], ambiguous: [String]) {
        let fromRemote = await remote?.fetch() ?? (waiting: [], ambiguous: [])
        try inbox.finishInterruptedClaims()
        let found = try look()
        for name in found.blocked {
            logger.warning(
                "a file of this name is still in processing/, waiting to go to JOOR; the new one waits in the inbox until it has gone",
                metadata: ["file": "\(name)"])
        }
        for name in (found.waiting + fromRemote.waiting).filter(Inbox.hasUndecodableName) {
            logger.error("\(Inbox.undecodableNameProblem)", metadata: ["file": "\(name)"])
        }
        for name in found.ambiguous + fromRemote.ambiguous {
            logger.error(
                "both the inventory and the products job would take it; it stays in the inbox until their patterns are kept apart (include/exclude)",
                metadata: ["file": "\(name)"])
        }
        var names = found.claimed
        for candidate in found.ready {
            if try inbox.claim(candidate.name) != nil { names.append(candidate.name) }  // nil: it vanished meanwhile
        }
        return (names, found.waiting + found.blocked + fromRemote.waiting, found.ambiguous + fromRemote.ambiguous)
    }

    /// A file a dry run looks at, where it is.
    struct Candidate {
        var name: String
        var path: String
    }

    /// The files a run would take now, in the order it would take them, without claiming,
    /// downloading into `processing/` or recording anything: those a crashed run left in
    /// `processing/`, the ready ones in the inbox, and copies of the remote inbox's files in a
    /// private temporary folder (`scratch`, for the caller to remove). Also the names still waiting.
    func candidatesForDryRun() async throws -> (candidates: [Candidate], waiting: [String], scratch: String?) {
        let found = try look()
        let candidates =
            found.claimed.map { Candidate(name: $0, path: inbox.processing + "/" + $0) }
            + found.ready.map { Candidate(name: $0.name, path: inbox.inbox + "/" + $0.name) }
        guard let remote else { return (candidates, found.waiting + found.blocked, nil) }
        let copies = await remote.copiesForDryRun()
        return (
            candidates + copies.files.map { Candidate(name: $0.name, path: $0.path) }, found.waiting + found.blocked + copies.waiting, copies.folder
        )
    }

    /// The claimed file's fingerprint, or `nil` when nothing of it is to be sent: the same content
    /// was the last pushed (a re-sent file: archived, counted a duplicate; with `full`, it is
    /// sent all the same), or the file cannot be read (to `error/`, counted failed; left in
    /// `processing/` it would come first in every run and stop each one before the files after it).
    func fingerprintUnlessPushed(_ name: String, full: Bool, _ tally: inout InboxTally) throws -> String? {
        let fingerprint: String
        do { fingerprint = try Inbox.fingerprint(inbox.processing + "/" + name) } catch {
            let reason = "\(error)"
            try fail(
                name,
                reason: reason + "\nNothing from this file was sent to JOOR. Let joorbridge read it (owner, mode) and move it back into the inbox.")
            logger.error("\(reason)", metadata: ["file": "\(name)"])
            tally.filesFailed += 1
            return nil
        }
        if !full, try ledger.isLastPushed(fingerprint, job: job) {
            try archive(name)
            logger.notice("the same content was the last pushed; archived without pushing again", metadata: ["file": "\(name)"])
            tally.filesDuplicate += 1
            return nil
        }
        try ledger.recordInboxFile(fingerprint, job: job, name: name, status: .processing)
        return fingerprint
    }

    /// The file is done with and JOOR has it: to `archive/`; a remote original is archived on the
    /// server (its outcome recorded first, so a crash between the two moves is finished next run).
    private func archive(_ name: String) throws {
        try remote?.settle(name, accepted: true)
        try inbox.archive(name)
    }

    /// The file cannot be used: to `error/` with the reason; a remote original to the server's error folder.
    private func fail(_ name: String, reason: String) throws {
        try remote?.settle(name, accepted: false)
        try inbox.fail(name, reason: reason)
    }

    func succeeded(_ name: String, _ fingerprint: String) throws {
        try archive(name)
        try ledger.recordInboxFile(fingerprint, job: job, name: name, status: .pushed)
    }

    /// The file itself is broken (or does not fit the mapping): to `error/`, nothing sent.
    func broken(_ name: String, _ fingerprint: String, _ error: any Error) throws {
        let reason = "\(error)"
        try fail(name, reason: reason + "\nNothing from this file was sent to JOOR. Fix the file (or the mapping) and drop it into the inbox again.")
        try ledger.recordInboxFile(fingerprint, job: job, name: name, status: .failed, reason: reason)
        logger.error("\(reason)", metadata: ["file": "\(name)"])
    }

    /// The file is readable but must not be sent (the reason says why): to `error/`, nothing sent.
    /// For a dry run: whether a run would archive this file without sending it (its content was
    /// the last JOOR took; never with `full`), said through `print`.
    func previewsAsResent(_ candidate: Candidate, full: Bool, print: DryRunPrinter) throws -> Bool {
        guard !full, let fingerprint = try? Inbox.fingerprint(candidate.path), try ledger.isLastPushed(fingerprint, job: job) else { return false }
        print(.note("\(candidate.name): the same content was pushed before; a run would archive it without sending anything"))
        return true
    }

    func refuse(_ name: String, _ fingerprint: String, reason: String) throws {
        try fail(name, reason: reason + "\nFix the file (or the setting) and drop it into the inbox again.")
        try ledger.recordInboxFile(fingerprint, job: job, name: name, status: .failed, reason: reason)
        logger.error("\(reason)", metadata: ["file": "\(name)"])
    }

    /// JOOR failed: the file stays in `processing/` for the next run, until `maxAttempts`. JOOR
    /// unreachable or the token refused is not the file's attempt: an outage or a token being
    /// renewed must not quarantine good files one after another.
    /// - Returns: whether the file was quarantined.
    func joorFailed(_ name: String, _ fingerprint: String, _ error: JoorAPIError) throws -> Bool {
        guard !error.isUnavailable else {
            try ledger.recordInboxFile(fingerprint, job: job, name: name, status: .processing, reason: error.description)
            return false
        }
        return try retryLater(name, fingerprint, reason: error.description)
    }

    /// The file is not done (JOOR failed, or did not confirm all of it): it stays in
    /// `processing/` for the next run, until `maxAttempts`, then goes to `error/`.
    /// - Returns: whether the file was quarantined.
    func retryLater(_ name: String, _ fingerprint: String, reason: String) throws -> Bool {
        try ledger.recordInboxFile(fingerprint, job: job, name: name, status: .processing, reason: reason, attempt: true)
        guard let attempts = try ledger.inboxFile(fingerprint)?.attempts, attempts >= maxAttempts else { return false }
        try fail(name, reason: "quarantined after \(attempts) failed attempts; the last: \(reason). Move it back into the inbox to try again.")
        try ledger.recordInboxFile(fingerprint, job: job, name: name, status: .failed, reason: reason)
        logger.error("quarantined in error/ after \(attempts) failed attempts; the last: \(reason)", metadata: ["file": "\(name)"])
        return true
    }
}

/// `error/NAME.rejects.csv`, created only when a first row is rejected; never another file's:
/// when the WMS sends `stock.csv` again, its rejects go to `stock.csv.rejects_2.csv`.
final class RejectsFile {
    let path: String
    private var writer: RejectsWriter?
    private(set) var count = 0

    init(folder: String, name: String) {
        path = folder + "/" + FreeName.numbered(name + ".rejects.csv") { FileManager.default.fileExists(atPath: folder + "/" + $0) }
    }

    var isEmpty: Bool { writer == nil }

    func write(_ rejection: RowRejection) throws {
        if writer == nil { writer = try RejectsWriter(sink: FileByteSink(path: path, exclusive: true)) }
        try writer?.write(rejection)
        count += 1
    }

    func flush() throws { try writer?.flush() }
}
