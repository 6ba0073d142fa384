import FileFormats
import Foundation

/// A CSV record in the reader's buffer; the mapping's headers are bound to its columns.
struct CSVRow: RowSource {
    let record: CSVRecordView
    var line: Int { record.line }

    func value(_ ref: SourceRef) -> String? {
        switch ref {
        case .bound(let index, _), .column(let index): record.field(at: index)
        case .now(let pattern): pattern.format(DatePattern.now())
        default: nil
        }
    }
}

extension CSVRow {
    func withValueBytes<R>(_ ref: SourceRef, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        switch ref {
        case .bound(let index, _), .column(let index): return body(index >= 0 && index < record.count ? record.bytes(at: index) : nil)
        default:
            guard var text = value(ref) else { return body(nil) }
            return text.withUTF8 { body($0) }
        }
    }
}

/// An XML record.
struct XMLRow: RowSource {
    let record: XMLRecord
    var line: Int { record.line }

    func value(_ ref: SourceRef) -> String? {
        switch ref {
        case .xml(let path): record.value(path)
        case .now(let pattern): pattern.format(DatePattern.now())
        default: nil
        }
    }
}

/// A fixed-width detail line, with the fields of the header record before it.
struct FixedRow: RowSource {
    /// Where each field name is: record type index and field index, for each type that has it.
    typealias Places = [String: [(record: Int, field: Int)]]

    let record: FixedWidthRecord
    let header: FixedWidthRecord?
    let places: Places
    var line: Int { record.line }

    static func places(_ options: FixedWidthReadOptions) -> Places {
        var places: Places = [:]
        for (r, layout) in options.records.enumerated() {
            for (f, field) in layout.fields.enumerated() { places[field.name, default: []].append((r, f)) }
        }
        return places
    }

    func value(_ ref: SourceRef) -> String? {
        switch ref {
        case .header(let name):
            for place in places[name] ?? [] {
                if place.record == record.recordIndex { return record.values[place.field] }
                if let header, place.record == header.recordIndex { return header.values[place.field] }
            }
            return nil
        case .now(let pattern): return pattern.format(DatePattern.now())
        default: return nil
        }
    }
}
