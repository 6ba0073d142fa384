import Foundation
import JoorModels
import Mapping

/// `joorbridge preview` of a product file: the products job's grouping (rows of a style anywhere
/// in the file, UPC conflicts refused, styles built a page at a time from a spool on disk, a
/// style with a refused row held back, and the API's own holds) with the requests of each batch
/// (``ProductsJob/requests(for:api:pretty:)``) handed to `emit`.
public struct ProductsPreview {
    public let mapping: InboundMapping
    /// Styles per request.
    public var batchSize: Int
    /// Stop after this many converted records (`nil`: the whole file).
    public var limit: Int?
    /// Indent the JSON bodies (for people and committed samples).
    public var pretty: Bool
    /// The API the styles would go to: it decides what is held back and the requests shown.
    public var api = BridgeConfig.ProductsAPI.v2

    public init(mapping: InboundMapping, batchSize: Int = 500, limit: Int? = nil, pretty: Bool = false) {
        self.mapping = mapping
        self.batchSize = max(1, batchSize)
        self.limit = limit
        self.pretty = pretty
    }

    /// Converts `inputPath`; each request goes to `emit` (endpoint and body), each rejected row to `reject`.
    /// - Throws: ``MappingErrors`` or ``FileFormatError`` for a file a run would move to `error/`.
    public func run(inputPath: String, emit: (String, Data) throws -> Void, reject: (RowRejection) throws -> Void) throws -> InboundPreview.Summary {
        let converter = try InboundConverter(mapping: mapping, inputPath: inputPath)
        var summary = InboundPreview.Summary()
        converter.lookupTally = summary.lookups
        let spool = try StyleSpool()
        var whole = true
        try spool.fill { writer in
            while let result = try converter.next() {
                if let limit, summary.records >= limit {
                    whole = false
                    break
                }
                summary.count(result, targets: mapping.targets.names)
                switch result {
                case .converted(let record):
                    if let rejection = writer.admit(record, source: inputPath) {
                        summary.rejected += 1
                        try reject(rejection)
                    } else {
                        summary.records += 1
                    }
                case .rejected(let rejection):
                    summary.rejected += 1
                    writer.hold(for: rejection)
                    try reject(rejection)
                case .skipped: break
                }
            }
        }
        if whole { try converter.verifyAtEnd() }
        var changed = ProductsJob.ChangedStyles(spool: spool, known: { _ in [:] }, full: true, batchSize: batchSize, source: inputPath)
        changed.api = api
        while let batch = try changed.next() {
            for (_, line) in batch.held {
                summary.rejected += 1
                try reject(line)
            }
            guard !batch.styles.isEmpty else { continue }
            for request in try ProductsJob.requests(for: batch.styles, api: api, pretty: pretty) {
                try emit(request.endpoint, request.body)
                summary.requests += 1
            }
        }
        return summary
    }
}
