import Foundation
import JoorAPI
import JoorModels
import Mapping

/// What the inventory job does with one stock file, shared by a run, a dry run and `preview`, so
/// all three see the same items in the same batches: pass 1 reads the whole file and reports its
/// rejects (nothing is sent from a file that cannot be read to its end); the file-level decision
/// (overwrite, refusal) is taken; pass 2 reads it again and hands full batches to a sender.
struct InventoryPipeline {
    let mapping: InboundMapping
    let settings: InventorySettings

    /// What pass 1 found.
    struct FileCheck: Sendable {
        var rowsRead = 0
        var rowsSkipped = 0
        var rowsRejected = 0
        /// Records that became inventory items.
        var items = 0
    }

    /// What happens to a file after pass 1.
    enum Decision: Equatable {
        /// Send it; with `overwrite`, the first request carries JOOR's `overwrite=1`.
        case send(overwrite: Bool)
        /// Send its items as updates although `overwrite` is on: the reason says why.
        case sendWithoutOverwrite(reason: String)
        /// Send nothing; the file goes to `error/` with the reason.
        case refuse(reason: String)

        var overwrite: Bool { self == .send(overwrite: true) }
    }

    /// Which items pass 2 sends.
    enum Screening {
        /// Every item (overwrite, or `preview` without a ledger).
        case none
        /// Only what changed since JOOR accepted it (or everything with `full`), never a quantity
        /// older than the one JOOR holds: the ledger is only read.
        case ledger(Ledger, full: Bool)
        /// As `ledger`, for a pass that sends nothing (dry run, preview): what its earlier batches
        /// would have sent counts as accepted, as the ledger would record it during a run.
        case preview(Ledger, full: Bool)
    }

    /// Sends one batch (JOOR, or a printer) and returns how many of its SKUs were refused.
    typealias Sender = (_ batch: [(item: InventoryItem, line: Int)], _ overwrite: Bool) async throws -> Int

    /// What pass 2 sent.
    struct Tally: Sendable {
        var requests = 0
        var itemsSent = 0
        var itemsRefused = 0
        var itemsUnchanged = 0

        func add(to report: inout InventoryJob.Report) {
            report.requests += requests
            report.itemsSent += itemsSent
            report.itemsRefused += itemsRefused
            report.itemsUnchanged += itemsUnchanged
        }
    }

    /// The method, path and query of a bulk inventory request, as ``JoorClient/pushInventory(_:overwrite:decPending:)`` sends it.
    func endpoint(overwrite: Bool) -> String {
        "POST /v2/bulk-inventory?"
            + JoorClient.inventoryQuery(overwrite: overwrite, decPending: settings.decPending).map { "\($0)=\($1)" }.joined(separator: "&")
    }

    // MARK: Pass 1

    /// Counts one conversion outcome and hands its rejection, if any, to `reject`.
    func check(_ result: ConversionResult, source: String, _ check: inout FileCheck, reject: (RowRejection) throws -> Void) rethrows {
        check.rowsRead += 1
        switch result {
        case .skipped: check.rowsSkipped += 1
        case .rejected(let rejection):
            check.rowsRejected += 1
            try reject(rejection)
        case .converted(let record):
            switch Result(catching: { () throws(RuleFailure) in try record.inventoryItem() }) {
            case .success: check.items += 1
            case .failure(let failure):
                check.rowsRejected += 1
                try reject(RowRejection(source: source, line: record.line, field: failure.field, value: failure.value, reason: failure.reason))
            }
        }
    }

    /// Whether and how a checked file is sent. With `overwrite` JOOR replaces the whole account's
    /// inventory with what the run sends, so a file that would make JOOR lose stock is not sent
    /// that way: an empty file is refused, a file older than the last one that replaced JOOR's
    /// inventory is refused, and a file with rejected rows is sent as plain updates (the SKUs of
    /// the rejected rows keep their quantity in JOOR instead of vanishing).
    func decide(_ check: FileCheck, modified: Double, lastOverwrite: Double?) -> Decision {
        guard settings.overwrite else { return .send(overwrite: false) }
        if check.items == 0 {
            return .refuse(
                reason: "inventory.overwrite is on and the file has no item to send: it would empty JOOR's whole inventory, so nothing was sent")
        }
        if let lastOverwrite, modified < lastOverwrite {
            return .refuse(
                reason:
                    "inventory.overwrite is on and this file is older than the stock file that last replaced JOOR's inventory: sending it would bring back older quantities, so nothing was sent"
            )
        }
        if check.rowsRejected > 0 {
            return .sendWithoutOverwrite(
                reason:
                    "\(check.rowsRejected) row(s) were rejected, so the file was sent as updates without overwrite (a full replace would have removed those SKUs from JOOR)"
            )
        }
        return .send(overwrite: true)
    }

    // MARK: Pass 2

    /// Reads the file again and sends its items in batches of ``InventorySettings/batchSize``; with
    /// `overwrite` only the first request carries `overwrite=1`. Safety stock is applied here.
    /// `limit` (preview) stops after that many items.
    func send(path: String, overwrite: Bool, screening: Screening, modified: Double, limit: Int? = nil, sender: Sender) async throws -> Tally {
        var batcher = Batcher(size: settings.batchSize)
        var tally = Tally()
        func flush(_ batch: [(item: InventoryItem, line: Int)]) async throws {
            let refused = try await sender(batch, overwrite && tally.requests == 0)
            tally.requests += 1
            tally.itemsSent += batch.count - refused
            tally.itemsRefused += refused
            if case .preview = screening { batcher.assumeAccepted(batch.map(\.item), modified: modified) }
        }
        let converter = try InboundConverter(mapping: mapping, inputPath: path)
        var considered = 0
        while let result = try converter.next() {
            guard case .converted(let record) = result, var item = try? record.inventoryItem() else { continue }
            if let limit, considered >= limit { break }
            considered += 1
            if let threshold = settings.safetyStock[item.warehouse ?? "Default"], item.inventory <= threshold { item.inventory = 0 }
            batcher.consider(item, line: record.line)
            if batcher.candidatesFull {
                tally.itemsUnchanged += try batcher.screen(screening, modified: modified)
                while let batch = batcher.nextFullBatch() { try await flush(batch) }
            }
        }
        tally.itemsUnchanged += try batcher.screen(screening, modified: modified)
        while let batch = batcher.nextFullBatch() ?? batcher.remainder() { try await flush(batch) }
        return tally
    }
}

/// Pass 2's bookkeeping: items are screened against the ledger a batch at a time (only what changed
/// since JOOR accepted it, never older than what it holds) and sent in full batches. A position
/// that appears again before its batch is sent is replaced in place: the later row wins.
struct Batcher {
    /// A position key with its hash worked out once: a `String` hashes its text in canonical
    /// (NFC) form, which for a warehouse like "Hamburg Süd" cost more than the conversion, and each
    /// item's key is looked up several times.
    struct Position: Hashable {
        let key: String
        private let hash: Int

        init(_ item: InventoryItem) {
            key = item.positionKey
            hash = key.hashValue
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
        static func == (a: Position, b: Position) -> Bool { a.hash == b.hash && a.key == b.key }
    }

    let size: Int
    private var candidates: [(item: InventoryItem, line: Int, position: Position)] = []
    private var candidateIndex: [Position: Int] = [:]
    private var toSend: [(item: InventoryItem, line: Int, position: Position)] = []
    private var toSendIndex: [Position: Int] = [:]
    /// Dry run and preview: what the batches shown so far would have made the ledger record. It
    /// only matters for a position the file repeats after its batch went out; to keep memory flat
    /// it holds the ``assumedLimit`` positions shown last (the oldest go first; a repeat further
    /// back is judged against the ledger as it was before the run).
    private var assumed: [Position: (quantity: Int, sourceModified: Double)] = [:]
    /// The positions in ``assumed``, oldest first from ``assumedHead``.
    private var assumedOrder: [Position] = []
    private var assumedHead = 0
    static let assumedLimit = 100_000

    init(size: Int) { self.size = size }

    var candidatesFull: Bool { candidates.count >= size }

    mutating func consider(_ item: InventoryItem, line: Int) {
        let position = Position(item)
        if let index = candidateIndex[position] {
            candidates[index] = (item, line, position)
        } else {
            candidateIndex[position] = candidates.count
            candidates.append((item, line, position))
        }
    }

    /// Moves the candidates that need sending to the send queue; returns how many need not be sent.
    mutating func screen(_ screening: InventoryPipeline.Screening, modified: Double) throws -> Int {
        guard !candidates.isEmpty else { return 0 }
        var unchanged = 0
        var pushed: [String: (quantity: Int, sourceModified: Double)] = [:]
        var full = true
        switch screening {
        case .none: break
        case .ledger(let ledger, let sendAll):
            pushed = try ledger.pushedPositions(candidates.map(\.position.key))
            full = sendAll
        case .preview(let ledger, let sendAll):
            pushed = try ledger.pushedPositions(candidates.map(\.position.key))
            if !assumed.isEmpty {
                for candidate in candidates { if let shown = assumed[candidate.position] { pushed[candidate.position.key] = shown } }
            }
            full = sendAll
        }
        for candidate in candidates {
            let queued = toSendIndex[candidate.position]
            if queued == nil, !pushed.isEmpty, let known = pushed[candidate.position.key] {
                if known.sourceModified > modified {
                    unchanged += 1
                    continue
                }
                if !full && known.quantity == candidate.item.inventory {
                    unchanged += 1
                    continue
                }
            }
            if let queued {
                toSend[queued] = candidate
            } else {
                toSendIndex[candidate.position] = toSend.count
                toSend.append(candidate)
            }
        }
        candidates.removeAll(keepingCapacity: true)
        candidateIndex.removeAll(keepingCapacity: true)
        return unchanged
    }

    /// Notes a batch a dry run or preview shows as if JOOR had accepted it.
    mutating func assumeAccepted(_ items: [InventoryItem], modified: Double) {
        for item in items {
            let position = Position(item)
            if assumed.updateValue((item.inventory, modified), forKey: position) == nil { assumedOrder.append(position) }
        }
        while assumed.count > Self.assumedLimit {
            assumed[assumedOrder[assumedHead]] = nil
            assumedHead += 1
        }
        if assumedHead >= Self.assumedLimit {
            assumedOrder.removeFirst(assumedHead)
            assumedHead = 0
        }
    }

    mutating func nextFullBatch() -> [(item: InventoryItem, line: Int)]? {
        guard toSend.count >= size else { return nil }
        return take(size)
    }

    mutating func remainder() -> [(item: InventoryItem, line: Int)]? {
        toSend.isEmpty ? nil : take(toSend.count)
    }

    private mutating func take(_ count: Int) -> [(item: InventoryItem, line: Int)] {
        let batch = toSend.prefix(count).map { ($0.item, $0.line) }
        toSendIndex.removeAll(keepingCapacity: true)
        if count == toSend.count {
            toSend.removeAll(keepingCapacity: true)
        } else {
            toSend.removeFirst(count)
            for (index, queued) in toSend.enumerated() { toSendIndex[queued.position] = index }
        }
        return batch
    }
}
