import Foundation
import JoorModels
import Mapping

/// `joorbridge preview` of a stock file: the inventory job's own passes — rejects, the file-level
/// decision (overwrite, refusal), batches with safety stock and, with a ledger, only what changed —
/// with each request handed to `emit` instead of JOOR. The bodies are byte for byte what a run
/// sends for the same file and settings (indented only with ``pretty``).
public struct InventoryPreview {
    public let mapping: InboundMapping
    public var settings: InventorySettings
    /// Stop after this many converted records (`nil`: the whole file).
    public var limit: Int?
    /// Indent the JSON bodies (for people and committed samples).
    public var pretty = false

    /// Previews `mapping` with the inventory job's `settings` (its own mapping setting is not read).
    public init(mapping: InboundMapping, settings: InventorySettings, limit: Int? = nil, pretty: Bool = false) {
        self.mapping = mapping
        self.settings = settings
        self.limit = limit
        self.pretty = pretty
    }

    /// Converts `inputPath` as a run would. With a `ledger` (only read) the items JOOR already holds
    /// are left out, as a run leaves them out (all are shown with `full`).
    /// - Parameters:
    ///   - emit: each request: its endpoint (`POST /v2/bulk-inventory?dec_pending=0`) and body.
    ///   - reject: each rejected row.
    ///   - note: what a run would decide about the whole file (overwrite skipped, file refused).
    /// - Throws: ``MappingErrors`` or ``FileFormatError`` for a file a run would move to `error/`.
    public func run(
        inputPath: String, ledger: Ledger? = nil, full: Bool = false, emit: (String, Data) throws -> Void,
        reject: (RowRejection) throws -> Void, note: (String) -> Void = { _ in }
    ) async throws -> InboundPreview.Summary {
        let pipeline = InventoryPipeline(mapping: mapping, settings: settings)
        var summary = InboundPreview.Summary()
        var check = InventoryPipeline.FileCheck()
        let converter = try InboundConverter(mapping: mapping, inputPath: inputPath)
        converter.lookupTally = summary.lookups
        var whole = true
        while let result = try converter.next() {
            if let limit, check.items >= limit {
                whole = false
                break
            }
            summary.count(result, targets: mapping.targets.names)
            try pipeline.check(result, source: inputPath, &check, reject: reject)
        }
        if whole {
            try converter.verifyAtEnd()
        } else if settings.overwrite {
            note("with --limit, the overwrite decision below sees only the rows read so far")
        }
        summary.records = check.items
        summary.rejected = check.rowsRejected
        let modified = Inbox.modificationTime(inputPath)
        let decision = pipeline.decide(
            check, modified: modified, lastOverwrite: try ledger?.value(InventoryJob.lastOverwriteKey).flatMap(Double.init))
        switch decision {
        case .refuse(let reason):
            note("a run would move the file to error/ and send nothing: \(reason)")
            return summary
        case .sendWithoutOverwrite(let reason): note(reason)
        case .send: break
        }
        let screening: InventoryPipeline.Screening = decision.overwrite ? .none : ledger.map { .preview($0, full: full) } ?? .none
        let tally = try await pipeline.send(path: inputPath, overwrite: decision.overwrite, screening: screening, modified: modified, limit: limit) {
            batch, overwrite in
            try emit(pipeline.endpoint(overwrite: overwrite), try BulkInventoryRequest(batch.map(\.item)).jsonBody(pretty: pretty))
            return 0
        }
        summary.requests = tally.requests
        summary.unchanged = tally.itemsUnchanged
        return summary
    }
}
