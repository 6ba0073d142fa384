import FileFormats
import Foundation
import JoorModels

/// What `preview` reports about an inbound file. (The previews themselves run the jobs' own
/// steps: `InventoryPreview` and `ProductsPreview` in JoorBridge.)
public enum InboundPreview {
    public struct Summary: Sendable {
        /// Input lines read; records converted, rejected and skipped; requests a run would send.
        public var rowsRead = 0
        public var records = 0, rejected = 0, skipped = 0
        public var requests = 0
        /// Items a run would not send because JOOR already holds them (preview with a ledger).
        public var unchanged = 0
        /// Per target field: converted records in which it has no value.
        public var emptyFields: [String: Int] {
            var fields: [String: Int] = [:]
            for (slot, count) in emptyBySlot.enumerated() where count > 0 { fields[emptyNames[slot], default: 0] += count }
            return fields
        }
        /// Records without a value, by target slot (the names of ``count(_:targets:)``, in order).
        private var emptyBySlot: [Int] = []
        private var emptyNames: [String] = []
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
                if emptyNames != targets {
                    emptyNames = targets
                    emptyBySlot = Array(repeating: 0, count: targets.count)
                }
                // By slot where the record's targets are these (the mapping's, in rule order).
                if record.targets.names == targets {
                    for (slot, value) in record.values.enumerated() where value == nil { emptyBySlot[slot] += 1 }
                } else {
                    for (slot, target) in targets.enumerated() where record[target] == nil { emptyBySlot[slot] += 1 }
                }
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
            let emptyFields = emptyFields
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
}
