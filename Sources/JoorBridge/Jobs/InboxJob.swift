import Foundation
import Logging

/// What an inbox job (inventory, products) did with its files and rows.
public struct InboxTally: Sendable, Codable, Equatable {
    /// Files JOOR accepted (archived), files whose content was the last pushed (archived without
    /// sending), files that could not be read (moved to `error/`), and files quarantined.
    public var filesArchived = 0, filesDuplicate = 0, filesFailed = 0, filesQuarantined = 0
    /// Files not taken yet: still settling, without their done marker, or named like a file in
    /// `processing/`.
    public var filesWaiting: [String] = []
    /// Files the other inbox job's patterns also match: taken by neither (a config problem).
    public var filesAmbiguous: [String] = []
    /// Files left in `processing/` for the next run, because JOOR did not confirm all of what was
    /// sent from them (quarantined after `max_attempts`).
    public var filesToRetry: [String] = []
    /// Records read (rows, or the size cells of size-grid rows), re-sent duplicates not counted.
    public var rowsRead = 0
    public var rowsRejected = 0
    /// Files whose rows were rejected, with the rejects file written for each.
    public var rejectFiles: [String] = []

    public init() {}

    /// Whether a file was taken: archived, recognised as sent before, failed or quarantined.
    public var tookFiles: Bool { filesArchived + filesDuplicate + filesFailed + filesQuarantined + filesToRetry.count > 0 }

    /// Whether a row or a file was rejected, left alone or kept for another try: the job ends as partial.
    public var hasProblems: Bool {
        rowsRejected > 0 || filesFailed > 0 || filesQuarantined > 0 || !filesAmbiguous.isEmpty || !filesToRetry.isEmpty
    }
}

/// The counts only one inbox job keeps (items, styles, requests).
public protocol InboxJobCounts: Sendable, Codable, Equatable {
    init()
}

/// An inbox job's report: the ``InboxTally`` both jobs keep and the job's own ``InboxJobCounts``.
/// Both read as the report's own fields (`report.filesArchived`, `report.itemsSent`), and its JSON
/// is one flat object.
@dynamicMemberLookup
public struct InboxJobReport<Counts: InboxJobCounts>: Sendable, Codable, Equatable {
    public var tally = InboxTally()
    public var counts = Counts()

    public init() {}

    public subscript<T>(dynamicMember field: WritableKeyPath<InboxTally, T>) -> T {
        get { tally[keyPath: field] }
        set { tally[keyPath: field] = newValue }
    }

    public subscript<T>(dynamicMember field: WritableKeyPath<Counts, T>) -> T {
        get { counts[keyPath: field] }
        set { counts[keyPath: field] = newValue }
    }

    public init(from decoder: any Decoder) throws {
        tally = try InboxTally(from: decoder)
        counts = try Counts(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try tally.encode(to: encoder)
        try counts.encode(to: encoder)
    }
}

/// What inventory and products do alike: take the inbox's ready files (in a dry run, look at them
/// where they are) and handle one at a time, stopping between files when asked to.
protocol InboxJob: Sendable {
    associatedtype Counts: InboxJobCounts

    var files: InboxFiles { get set }
    /// The config's `full:` (send everything, not only what changed).
    var alwaysFull: Bool { get }

    /// Sends a file claimed into `processing/` and settles it (archive, `error/`, or left for a retry).
    func process(_ name: String, full: Bool, control: JobControl, _ report: inout InboxJobReport<Counts>) async throws
    /// Prints what ``process(_:full:control:_:)`` would send, changing nothing.
    func preview(
        _ candidate: InboxFiles.Candidate, full: Bool, control: JobControl, print: DryRunPrinter, _ report: inout InboxJobReport<Counts>) async throws
}

extension InboxJob {
    /// Handles every ready file. With a ``JobControl/stop`` signal, stops after the file in hand
    /// (files claimed but not started wait in `processing/` and go first next run).
    ///
    /// With `dryRun`, the files are read where they are and the requests a run would send are
    /// handed to the printer: nothing is sent, moved, written or recorded.
    ///
    /// What happens goes into `report` as it happens: a run that a JOOR failure ends still says
    /// what it did before (files archived, the file quarantined).
    func runFiles(full: Bool, control: JobControl, dryRun: DryRunPrinter?, into report: inout InboxJobReport<Counts>) async throws {
        let full = full || alwaysFull
        if let dryRun {
            let (candidates, waiting, scratch) = try await files.candidatesForDryRun()
            defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
            report.filesWaiting = waiting
            for candidate in candidates {
                if control.shouldStop { break }
                try await preview(candidate, full: full, control: control, print: dryRun, &report)
            }
            return
        }
        let (names, waiting, ambiguous) = try await files.take()
        report.filesWaiting = waiting
        report.filesAmbiguous = ambiguous
        for (index, name) in names.enumerated() {
            if control.shouldStop { break }
            try await process(name, full: full, control: control, &report)
            if !report.filesToRetry.isEmpty, index + 1 < names.count {
                // The file kept for another try goes first next run, with what it holds: sent now,
                // the files after it would be overwritten by its older data then. They wait in
                // `processing/` (after max_attempts it is quarantined and they go on).
                files.logger.notice(
                    "\(names.count - index - 1) file(s) wait in processing/ behind \(name), which JOOR did not confirm in full",
                    metadata: ["file": "\(name)"])
                break
            }
        }
    }
}
