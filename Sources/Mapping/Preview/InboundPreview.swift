import FileFormats
import Foundation
import JoorModels

/// What `preview` reports about an inbound file, and the products preview: the styles a run
/// would send, built by the code the push uses, and the rows that would be rejected. (Stock files
/// are previewed by the inventory job's own passes, `InventoryPreview` in JoorBridge, so that
/// safety stock, repeated positions and the overwrite decision are what a run does.)
public struct InboundPreview {
    public struct Summary: Sendable {
        public var rowsRead = 0
        public var records = 0
        public var rejected = 0
        public var skipped = 0
        public var requests = 0
        /// Items a run would not send because JOOR already holds them (preview with a ledger).
        public var unchanged = 0
        /// Per target field: converted records in which it has no value.
        public var emptyFields: [String: Int] = [:]
        /// What lookups kept or defaulted, per field.
        public var lookups = LookupTally()
        /// The input line of the last outcome counted (a size grid gives several per row).
        private var lastLine = 0

        public init() {}

        /// Counts one conversion outcome: rows read (once per input line), skips, and the fields
        /// each converted record lacks. (Records and rejects are counted by whoever converts them
        /// further: a converted record may still be refused.)
        public mutating func count(_ result: ConversionResult, targets: [String]) {
            let line: Int
            switch result {
            case .converted(let record):
                line = record.line
                for target in targets where record[target] == nil { emptyFields[target, default: 0] += 1 }
            case .rejected(let rejection): line = rejection.line
            case .skipped(let skippedLine):
                line = skippedLine
                skipped += 1
            }
            if line != lastLine {
                rowsRead += 1
                lastLine = line
            }
        }

        /// The per-field report that makes silent problems visible: fields empty in some records,
        /// lookups that kept or replaced values.
        public func fieldReport(fields: [String]) -> [String] {
            var lines: [String] = []
            for field in fields {
                if let empty = emptyFields[field], empty > 0 { lines.append("field '\(field)': empty in \(empty) of \(records) record(s)") }
                for (outcome, count) in (lookups.counts[field] ?? [:]).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                    let what = outcome == .kept ? "not in the lookup, kept as they were" : "not in the lookup, replaced by the default"
                    lines.append(
                        "field '\(field)': \(count) value(s) \(what) (e.g. \((lookups.examples[field] ?? []).map { "'\($0)'" }.joined(separator: ", ")))"
                    )
                }
            }
            return lines
        }
    }

    public let mapping: InboundMapping
    /// Styles per request.
    public var batchSize: Int
    /// Stop after this many converted records (`nil`: the whole file).
    public var limit: Int?
    /// Indent the JSON bodies (for people and committed samples); otherwise they are the exact
    /// bytes a run sends.
    public var pretty: Bool

    public init(mapping: InboundMapping, batchSize: Int = 500, limit: Int? = nil, pretty: Bool = false) {
        self.mapping = mapping
        self.batchSize = max(1, batchSize)
        self.limit = limit
        self.pretty = pretty
    }

    /// Converts a products file; each request body is handed to `emit` (its endpoint and JSON),
    /// each rejection to `reject`.
    public func run(inputPath: String, emit: (String, Data) throws -> Void, reject: (RowRejection) throws -> Void) throws -> Summary {
        let converter = try InboundConverter(mapping: mapping, inputPath: inputPath)
        var summary = Summary()
        converter.lookupTally = summary.lookups
        var styles = StyleAssembler()
        var whole = true
        while let result = try converter.next() {
            if let limit, summary.records >= limit {
                whole = false
                break
            }
            summary.count(result, targets: mapping.targets.names)
            switch result {
            case .converted(let record):
                switch Result(catching: { () throws(StyleAssembler.Conflict) in try styles.add(record.productRow, line: record.line) }) {
                case .success:
                    summary.records += 1
                case .failure(let error):
                    summary.rejected += 1
                    try reject(
                        RowRejection(source: inputPath, line: error.line, field: error.field, value: record.text(error.field), reason: error.message))
                }
            case .rejected(let rejection):
                summary.rejected += 1
                try reject(rejection)
            case .skipped:
                break
            }
        }
        if whole { try converter.verifyAtEnd() }
        let all = styles.build()
        for start in stride(from: 0, to: all.count, by: batchSize) {
            try emit("POST /v2/bulk-style", try BulkStyleRequest(Array(all[start..<min(start + batchSize, all.count)])).jsonBody(pretty: pretty))
            summary.requests += 1
        }
        return summary
    }
}
