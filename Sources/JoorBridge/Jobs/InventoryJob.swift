import FileFormats
import Foundation
import JoorAPI
import JoorModels
import Logging
import Mapping

/// Inventory sync: stock exports dropped into the inbox are converted by the inventory mapping
/// and pushed to JOOR's bulk inventory, only what changed, in batches; every file is archived
/// once, a broken one goes to `error/` with the reason, and bad rows go to `NAME.rejects.csv`.
public struct InventoryJob: InboxJob {
    public typealias Report = InboxJobReport<Counts>

    /// What only the inventory job counts.
    public struct Counts: InboxJobCounts {
        /// Rows the mapping's `skip_row_when` left out.
        public var rowsSkipped = 0
        /// Items sent, left out because JOOR holds them as they are, and refused by JOOR.
        public var itemsSent = 0, itemsUnchanged = 0, itemsRefused = 0
        public var requests = 0
        /// Files sent as plain updates although `overwrite` is on, with the reason.
        public var overwriteSkipped: [String] = []

        public init() {}
    }

    public let settings: InventorySettings
    let client: JoorClient
    let ledger: Ledger
    let logger: Logger
    /// The inbox's files; the session adds the SFTP inbox and the other job's patterns.
    var files: InboxFiles

    public init(settings: InventorySettings, folders: BridgeConfig.Folders, client: JoorClient, ledger: Ledger, logger: Logger) throws {
        self.settings = settings
        self.client = client
        self.ledger = ledger
        self.logger = logger
        files = try InboxFiles(job: .inventory, kind: .inventory, settings: settings.job, folders: folders, ledger: ledger, logger: logger)
    }

    var inbox: Inbox { files.inbox }
    var mapping: InboundMapping { files.mapping }
    var alwaysFull: Bool { settings.full }

    var pipeline: InventoryPipeline { InventoryPipeline(mapping: mapping, settings: settings) }

    static let lastOverwriteKey = "inventory.overwrite.source_modified"
    static let overwriteInProgressKey = "inventory.overwrite.in_progress"

    func process(_ name: String, full: Bool, control: JobControl, _ report: inout Report) async throws {
        let path = inbox.processing + "/" + name
        let claimed = FileSystem.status(path)  // before the fingerprint reads it
        guard let fingerprint = try files.fingerprintUnlessPushed(name, full: full, &report.tally) else { return }
        let modified = claimed?.modified ?? 0
        let rejects = RejectsFile(folder: inbox.error, name: name)
        func reject(_ rejection: RowRejection) throws {
            if rejects.isEmpty { report.rejectFiles.append(rejects.path) }
            try rejects.write(rejection)
            report.rowsRejected += 1
        }
        // Pass 1 reads the whole file and writes the rejects, keeping nothing: a file that cannot
        // be read is not half pushed. Pass 2 reads it again and sends in batches, so memory stays
        // at one batch whatever the file's size.
        var check = InventoryPipeline.FileCheck()
        let readable = try files.read(name, fingerprint: fingerprint, control: control, rejects: rejects) { result in
            try pipeline.check(result, source: name, &check, reject: reject)
        }
        report.rowsRead += check.rowsRead
        report.rowsSkipped += check.rowsSkipped
        guard readable else {
            report.filesFailed += 1
            return
        }
        // A file written to after it was taken (a WMS that paused longer than the settle time) is
        // not sent: pass 2 would send rows pass 1 never checked. It waits for the next run.
        guard let claimed, let now = FileSystem.status(path), now.isUnchanged(since: claimed) else {
            logger.warning("the file changed while it was read; nothing sent, it is read again next run", metadata: ["file": "\(name)"])
            report.filesWaiting.append(name)
            return
        }
        let decision = pipeline.decide(check, modified: modified, lastOverwrite: try ledger.value(Self.lastOverwriteKey).flatMap(Double.init))
        switch decision {
        case .refuse(let reason):
            try files.refuse(name, fingerprint, reason: reason)
            report.filesFailed += 1
            return
        case .sendWithoutOverwrite(let reason):
            logger.warning("\(reason)", metadata: ["file": "\(name)"])
            report.overwriteSkipped.append("\(name): \(reason)")
        case .send:
            break
        }
        do {
            let screening: InventoryPipeline.Screening = decision.overwrite ? .none : .ledger(ledger, full: full)
            let tally = try await pipeline.send(path: path, overwrite: decision.overwrite, screening: screening, modified: modified) {
                batch, overwrite in
                let refused = try await push(batch, overwrite: overwrite, name: name, modified: modified)
                for rejection in refused { try reject(rejection) }
                try rejects.flush()
                return refused.count
            }
            tally.add(to: &report)
        } catch let error as JoorAPIError {
            // JOOR is unreachable or refusing: the file stays in processing/ for the next run, up to
            // max_attempts; what JOOR already accepted is recorded, so a retry resends nothing twice.
            if try files.joorFailed(name, fingerprint, error) {
                report.filesQuarantined += 1
                if decision.overwrite {
                    logger.error(
                        "replaced JOOR's inventory only in part before it was quarantined: JOOR holds a partial set until the next stock file is pushed",
                        metadata: ["file": "\(name)"])
                }
            }
            throw error
        }
        if decision.overwrite {
            try ledger.set(Self.lastOverwriteKey, String(modified))
            try ledger.set(Self.overwriteInProgressKey, nil)
        }
        try files.succeeded(name, fingerprint)
        report.filesArchived += 1
        logger.info("\(report.itemsSent) item(s) sent, \(report.rowsRejected) row(s) rejected; archived", metadata: ["file": "\(name)"])
    }

    /// Sends one batch and records what JOOR accepted; returns the SKUs JOOR refused, as rejections.
    /// The request that replaces JOOR's inventory (`overwrite`) also replaces the ledger's positions.
    private func push(_ batch: [(item: InventoryItem, line: Int)], overwrite: Bool, name: String, modified: Double) async throws -> [RowRejection] {
        let result = try await client.pushInventory(batch.map(\.item), overwrite: overwrite, decPending: settings.decPending)
        CrashPoint.hit("inventory batch accepted, not recorded")
        try ledger.recordPushed(result.accepted, sourceModified: modified, replacingAll: overwrite)
        if overwrite { try ledger.set(Self.overwriteInProgressKey, name) }
        CrashPoint.hit("inventory batch recorded")
        return result.failed.map { item, reason in
            let line = batch.first { $0.item == item }?.line ?? 0
            return RowRejection(
                source: name, line: line, field: item.upc != nil ? "upc" : "style_number", value: item.skuLabel,
                reason: "JOOR refused the SKU: \(reason)")
        }
    }

    /// A dry run of one file: the same passes and decision as ``process``, read where the file is,
    /// with the requests handed to `print` and the ledger only read.
    func preview(_ candidate: InboxFiles.Candidate, full: Bool, control: JobControl, print: DryRunPrinter, _ report: inout Report) async throws {
        let name = candidate.name
        if try files.previewsAsResent(candidate, full: full, print: print) {
            report.filesDuplicate += 1
            return
        }
        let modified = Inbox.modificationTime(candidate.path)
        var check = InventoryPipeline.FileCheck()
        func reject(_ rejection: RowRejection) {
            report.rowsRejected += 1
            print(.note("\(name): would reject \(rejection)"))
        }
        do {
            try files.convert(path: candidate.path, name: name, control: control) { result in
                pipeline.check(result, source: name, &check, reject: reject)
            }
        } catch  where InboxFiles.isBroken(error) {
            report.filesFailed += 1
            print(.note("\(name): a run would move it to error/ and send nothing: \(error)"))
            return
        }
        report.rowsRead += check.rowsRead
        report.rowsSkipped += check.rowsSkipped
        let decision = pipeline.decide(check, modified: modified, lastOverwrite: try ledger.value(Self.lastOverwriteKey).flatMap(Double.init))
        switch decision {
        case .refuse(let reason):
            report.filesFailed += 1
            print(.note("\(name): a run would move it to error/: \(reason)"))
            return
        case .sendWithoutOverwrite(let reason):
            report.overwriteSkipped.append("\(name): \(reason)")
            print(.note("\(name): \(reason)"))
        case .send:
            break
        }
        let screening: InventoryPipeline.Screening = decision.overwrite ? .none : .preview(ledger, full: full)
        let tally = try await pipeline.send(path: candidate.path, overwrite: decision.overwrite, screening: screening, modified: modified) {
            batch, overwrite in
            print(.request(endpoint: pipeline.endpoint(overwrite: overwrite), body: try BulkInventoryRequest(batch.map(\.item)).jsonBody()))
            return 0
        }
        tally.add(to: &report)
        report.filesArchived += 1
        print(
            .note(
                "\(name): a run would send \(tally.itemsSent) item(s) in \(tally.requests) request(s) (\(tally.itemsUnchanged) unchanged), then archive it"
            ))
    }
}
