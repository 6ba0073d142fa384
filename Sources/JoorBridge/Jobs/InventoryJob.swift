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
        /// Records read (rows, or the size cells of size-grid rows), re-sent duplicates not counted.
        public var rowsRead = 0
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

    /// The SFTP inbox, when the inbox is remote (set by the session).
    var remote: RemoteInbox?

    var files: InboxFiles { InboxFiles(inbox: inbox, ledger: ledger, job: "inventory", maxAttempts: settings.maxAttempts, logger: logger, remote: remote) }

    /// Pushes every ready file. With a ``JobControl/stop`` signal, stops after the file in hand
    /// (files claimed but not started wait in `processing/` and go first next run).
    public func run(full: Bool = false, control: JobControl = .init()) async throws -> Report {
        var report = Report()
        let (names, waiting) = try await files.take()
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

        // Pass 1 reads the whole file and writes the rejects, keeping nothing: a file that cannot
        // be read is not half pushed. Pass 2 reads it again and sends in batches, so memory stays
        // at one batch whatever the file's size.
        let rejects = RejectsFile(folder: inbox.error, name: name)
        func reject(_ rejection: RowRejection) throws {
            if rejects.isEmpty { report.rejectFiles.append(rejects.path) }
            try rejects.write(rejection)
            report.rowsRejected += 1
        }
        let readable = try files.read(name, fingerprint: fingerprint, mapping: mapping, control: control, rejects: rejects) { result in
            report.rowsRead += 1
            switch result {
            case .skipped: report.rowsSkipped += 1
            case .rejected(let rejection): try reject(rejection)
            case .converted(let record):
                if case .failure(let failure) = Result(catching: { () throws(RuleFailure) in try record.inventoryItem() }) {
                    try reject(RowRejection(source: name, line: record.line, field: failure.field, value: failure.value, reason: failure.reason))
                }
            }
        }
        guard readable else {
            report.filesFailed += 1
            return
        }

        var sending = Batcher(size: settings.batchSize)
        do {
            let converter = try InboundConverter(mapping: mapping, inputPath: path)
            while let result = try converter.next() {
                guard case .converted(let record) = result, var item = try? record.inventoryItem() else { continue }
                if let threshold = settings.safetyStock[item.warehouse ?? "Default"], item.inventory <= threshold { item.inventory = 0 }
                sending.consider(item, line: record.line)
                if sending.candidatesFull {
                    try sending.screen(ledger: ledger, modified: modified, full: full, &report)
                    while let batch = sending.nextFullBatch() {
                        for refused in try await push(batch, name: name, modified: modified, &report) { try reject(refused) }
                        try rejects.flush()
                    }
                }
            }
            try sending.screen(ledger: ledger, modified: modified, full: full, &report)
            while let batch = sending.nextFullBatch() ?? sending.remainder() {
                for refused in try await push(batch, name: name, modified: modified, &report) { try reject(refused) }
                try rejects.flush()
            }
        } catch let error as JoorAPIError {
            // JOOR is unreachable or refusing: the file stays in processing/ for the next run, up to
            // max_attempts; what JOOR already accepted is recorded, so a retry resends nothing twice.
            if try files.joorFailed(name, fingerprint, error) { report.filesQuarantined += 1 }
            throw error
        }
        try files.succeeded(name, fingerprint)
        report.filesArchived += 1
        logger.info("\(name): \(report.itemsSent) item(s) sent, \(report.rowsRejected) row(s) rejected; archived")
    }

    /// Sends one batch and records what JOOR accepted; returns the SKUs JOOR refused, as rejections.
    private func push(_ batch: [(item: InventoryItem, line: Int)], name: String, modified: Double, _ report: inout Report) async throws -> [RowRejection] {
        let result = try await client.pushInventory(batch.map(\.item), overwrite: settings.overwrite, decPending: settings.decPending)
        report.requests += 1
        try ledger.recordPushed(result.accepted, sourceModified: modified)
        report.itemsSent += result.accepted.count
        report.itemsRefused += result.failed.count
        CrashPoint.hit("inventory batch accepted")
        return result.failed.map { item, reason in
            let line = batch.first { $0.item == item }?.line ?? 0
            return RowRejection(source: name, line: line, field: item.upc != nil ? "upc" : "style_number", value: item.skuLabel, reason: "JOOR refused the SKU: \(reason)")
        }
    }
}

/// Pass 2's bookkeeping: items are screened against the ledger a batch at a time (only what changed
/// since JOOR accepted it, never older than what it holds) and sent in full batches. A position
/// that appears again before its batch is sent is replaced in place: the later row wins.
struct Batcher {
    let size: Int
    private var candidates: [(item: InventoryItem, line: Int, key: String)] = []
    private var candidateIndex: [String: Int] = [:]
    private var toSend: [(item: InventoryItem, line: Int)] = []
    private var toSendIndex: [String: Int] = [:]

    init(size: Int) { self.size = size }

    var candidatesFull: Bool { candidates.count >= size }

    mutating func consider(_ item: InventoryItem, line: Int) {
        let key = item.positionKey
        if let index = candidateIndex[key] {
            candidates[index] = (item, line, key)
        } else {
            candidateIndex[key] = candidates.count
            candidates.append((item, line, key))
        }
    }

    /// Moves the candidates that need sending to the send queue.
    mutating func screen(ledger: Ledger, modified: Double, full: Bool, _ report: inout InventoryJob.Report) throws {
        guard !candidates.isEmpty else { return }
        let pushed = try ledger.pushedPositions(candidates.map(\.key))
        for candidate in candidates {
            if let known = pushed[candidate.key], toSendIndex[candidate.key] == nil {
                if known.sourceModified > modified { report.itemsUnchanged += 1; continue }
                if !full && known.quantity == candidate.item.inventory { report.itemsUnchanged += 1; continue }
            }
            if let index = toSendIndex[candidate.key] {
                toSend[index] = (candidate.item, candidate.line)
            } else {
                toSendIndex[candidate.key] = toSend.count
                toSend.append((candidate.item, candidate.line))
            }
        }
        candidates.removeAll(keepingCapacity: true)
        candidateIndex.removeAll(keepingCapacity: true)
    }

    mutating func nextFullBatch() -> [(item: InventoryItem, line: Int)]? {
        guard toSend.count >= size else { return nil }
        return take(size)
    }

    mutating func remainder() -> [(item: InventoryItem, line: Int)]? {
        toSend.isEmpty ? nil : take(toSend.count)
    }

    private mutating func take(_ count: Int) -> [(item: InventoryItem, line: Int)] {
        let batch = Array(toSend.prefix(count))
        toSend.removeFirst(count)
        toSendIndex = Dictionary(uniqueKeysWithValues: toSend.enumerated().map { ($0.element.item.positionKey, $0.offset) })
        return batch
    }
}
