import FileFormats
import Foundation
import JoorModels

/// Runs an inbound conversion without sending anything: the request bodies JOOR would receive,
/// built by the same code the push uses, and the rows that would be rejected.
public struct InboundPreview {
    public struct Summary: Sendable {
        public var rowsRead = 0
        public var records = 0
        public var rejected = 0
        public var skipped = 0
        public var requests = 0
        /// Per target field: converted records in which it has no value.
        public var emptyFields: [String: Int] = [:]
        /// What lookups kept or defaulted, per field.
        public var lookups = LookupTally()

        public init() {}

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
    /// Items (inventory) or styles (products) per request.
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

    /// Converts `inputPath`; each request body is handed to `emit` (its endpoint and JSON), each
    /// rejection to `reject`.
    public func run(inputPath: String, emit: (String, Data) throws -> Void, reject: (RowRejection) throws -> Void) throws -> Summary {
        let converter = try InboundConverter(mapping: mapping, inputPath: inputPath)
        var summary = Summary()
        converter.lookupTally = summary.lookups
        let targets = mapping.fields.map(\.target)
        var items: [InventoryItem] = []
        var styles = StyleAssembler()
        var lastLine = 0
        func flushInventory() throws {
            guard !items.isEmpty else { return }
            try emit("POST /v2/bulk-inventory", try BulkInventoryRequest(items).jsonBody(pretty: pretty))
            summary.requests += 1
            items.removeAll(keepingCapacity: true)
        }
        var whole = true
        while let result = try converter.next() {
            if let limit, summary.records >= limit {
                whole = false
                break
            }
            switch result {
            case .converted(let record):
                if record.line != lastLine {
                    summary.rowsRead += 1
                    lastLine = record.line
                }
                for target in targets where record.fields[target] == nil { summary.emptyFields[target, default: 0] += 1 }
                switch mapping.kind {
                case .inventory:
                    switch Result(catching: { () throws(RuleFailure) in try record.inventoryItem() }) {
                    case .success(let item):
                        items.append(item)
                        summary.records += 1
                        if items.count >= batchSize { try flushInventory() }
                    case .failure(let error):
                        summary.rejected += 1
                        try reject(RowRejection(source: inputPath, line: record.line, field: error.field, value: error.value, reason: error.reason))
                    }
                default:
                    switch Result(catching: { () throws(StyleAssembler.Conflict) in try styles.add(record.productRow, line: record.line) }) {
                    case .success:
                        summary.records += 1
                    case .failure(let error):
                        summary.rejected += 1
                        try reject(
                            RowRejection(
                                source: inputPath, line: error.line, field: error.field, value: record.fields[error.field]?.text,
                                reason: error.message))
                    }
                }
            case .rejected(let rejection):
                if rejection.line != lastLine {
                    summary.rowsRead += 1
                    lastLine = rejection.line
                }
                summary.rejected += 1
                try reject(rejection)
            case .skipped(let line):
                if line != lastLine {
                    summary.rowsRead += 1
                    lastLine = line
                }
                summary.skipped += 1
            }
        }
        if whole { try converter.verifyAtEnd() }
        if mapping.kind == .inventory {
            try flushInventory()
        } else {
            let all = styles.build()
            for start in stride(from: 0, to: all.count, by: batchSize) {
                try emit("POST /v2/bulk-style", try BulkStyleRequest(Array(all[start..<min(start + batchSize, all.count)])).jsonBody(pretty: pretty))
                summary.requests += 1
            }
        }
        return summary
    }
}
