import FileFormats
import Foundation
import JoorAPI
import JoorModels
import Logging
import Mapping

/// Inventory sync: stock exports dropped into the inbox are converted by the inventory mapping
/// and pushed to JOOR's bulk inventory, only what changed, in batches; every file is archived
/// once, a broken one goes to `error/` with the reason, and bad rows go to `NAME.rejects.csv`.
public struct InventoryJob: Sendable {
    public struct Report: Sendable, Codable, Equatable {
        public var filesArchived = 0
        public var filesDuplicate = 0
        public var filesFailed = 0
        public var filesQuarantined = 0
        public var filesWaiting: [String] = []
        public var rowsRejected = 0
        public var rowsSkipped = 0
        public var itemsSent = 0
        public var itemsUnchanged = 0
        public var itemsRefused = 0
        public var requests = 0
        /// Files whose rows were rejected, with the rejects file written for each.
        public var rejectFiles: [String] = []
    }

    public let settings: InventorySettings
    let client: JoorClient
    let ledger: Ledger
    let inbox: Inbox
    let mapping: InboundMapping
    let logger: Logger

    public init(settings: InventorySettings, folders: BridgeConfig.Folders, client: JoorClient, ledger: Ledger, logger: Logger) throws {
        self.settings = settings
        self.client = client
        self.ledger = ledger
        self.logger = logger
        inbox = try Inbox(inbox: folders.inbox, processing: folders.processing, archive: folders.archive, error: folders.error, settings: settings.inbox)
        mapping = try InboxFiles.mapping(settings.mapping, kind: .inventory, job: "inventory")
    }

    var files: InboxFiles { InboxFiles(inbox: inbox, ledger: ledger, job: "inventory", maxAttempts: settings.maxAttempts, logger: logger) }

    /// Pushes every ready file. With a ``JobControl/stop`` signal, stops after the file in hand
    /// (files claimed but not started wait in `processing/` and go first next run).
    public func run(full: Bool = false, control: JobControl = .init()) async throws -> Report {
        var report = Report()
        let (names, waiting) = try files.take()
        report.filesWaiting = waiting
        for name in names {
            if control.shouldStop { break }
            try await process(name, full: full || settings.full, control: control, &report)
        }
        return report
    }

    private func process(_ name: String, full: Bool, control: JobControl, _ report: inout Report) async throws {
        let path = inbox.processing + "/" + name
        guard let fingerprint = try files.fingerprintUnlessPushed(name) else {
            report.filesDuplicate += 1
            return
        }
        let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0

        // Convert the whole file first: a file that cannot be read is not half pushed.
        var items: [String: (item: InventoryItem, line: Int)] = [:]
        var order: [String] = []
        let rejects = RejectsFile(folder: inbox.error, name: name)
        func reject(_ rejection: RowRejection) throws {
            if rejects.isEmpty { report.rejectFiles.append(rejects.path) }
            try rejects.write(rejection)
            report.rowsRejected += 1
        }
        do {
            try files.convert(name, mapping: mapping, control: control) { result in
                switch result {
                case .skipped: report.rowsSkipped += 1
                case .rejected(let rejection): try reject(rejection)
                case .converted(let record):
                    switch Result(catching: { () throws(RuleFailure) in try record.inventoryItem() }) {
                    case .failure(let failure):
                        try reject(RowRejection(source: name, line: record.line, field: failure.field, value: failure.value, reason: failure.reason))
                    case .success(var item):
                        if let threshold = settings.safetyStock[item.warehouse ?? "Default"], item.inventory <= threshold { item.inventory = 0 }
                        let key = item.positionKey
                        if items[key] == nil { order.append(key) }
                        items[key] = (item, record.line)
                    }
                }
            }
        } catch {
            guard InboxFiles.isBroken(error) else { throw error }
            try rejects.flush()
            try files.broken(name, fingerprint, error)
            report.filesFailed += 1
            return
        }
        try rejects.flush()

        // Only what changed since JOOR last accepted it; never let an older file overwrite a newer one.
        let pushed = try ledger.pushedPositions()
        var toSend: [(item: InventoryItem, line: Int)] = []
        for key in order {
            let entry = items[key]!
            if let known = pushed[key] {
                if known.sourceModified > modified { report.itemsUnchanged += 1; continue }
                if !full && known.quantity == entry.item.inventory { report.itemsUnchanged += 1; continue }
            }
            toSend.append(entry)
        }
        do {
            for start in stride(from: 0, to: toSend.count, by: settings.batchSize) {
                let batch = Array(toSend[start..<min(start + settings.batchSize, toSend.count)])
                let result = try await client.pushInventory(batch.map(\.item), overwrite: settings.overwrite, decPending: settings.decPending)
                report.requests += 1
                try ledger.recordPushed(result.accepted, sourceModified: modified)
                report.itemsSent += result.accepted.count
                for (item, reason) in result.failed {
                    let line = batch.first { $0.item == item }?.line ?? 0
                    try reject(RowRejection(source: name, line: line, field: item.upc != nil ? "upc" : "style_number", value: item.skuLabel, reason: "JOOR refused the SKU: \(reason)"))
                    report.itemsRefused += 1
                }
                try rejects.flush()
                CrashPoint.hit("inventory batch accepted")
            }
        } catch let error as JoorAPIError {
            // JOOR is unreachable or refusing: the file stays in processing/ for the next run, up to
            // max_attempts; what JOOR already accepted is recorded, so a retry resends nothing twice.
            if try files.joorFailed(name, fingerprint, error) { report.filesQuarantined += 1 }
            throw error
        }
        try files.succeeded(name, fingerprint)
        report.filesArchived += 1
        logger.info("\(name): \(toSend.count) item(s) sent, \(report.rowsRejected) row(s) rejected; archived")
    }
}
