import FileFormats
import Foundation

/// A CSV record seen through its header.
struct CSVRow: RowSource {
    let record: CSVRecord
    let columns: [String: Int]
    var line: Int { record.line }

    func value(_ ref: SourceRef) -> String? {
        switch ref {
        case .header(let name): columns[name].flatMap { record.field(at: $0) }
        case .column(let index): record.field(at: index)
        case .now(let pattern): pattern.format(DatePattern.now())
        default: nil
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
