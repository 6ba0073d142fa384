import Foundation
import JoorModels

/// The values an outbound rule can read: an order, optionally one of its lines and a size cell.
struct OrderRow: RowSource {
    let order: JoorOrder
    var lineItem: JoorLineItem?
    var lineIndex: Int?
    var cell: [SourceRef.SizePart: String]?
    let context: RenderContext
    /// The file's totals, for its header and trailer records.
    var totals: FileTotals?
    var line: Int { 0 }

    func value(_ ref: SourceRef) -> String? {
        switch ref {
        case .order(let field): order.value(of: field)
        case .line(let field): lineItem?.value(of: field, in: order)
        case .lineIndex: lineIndex.map(String.init)
        case .size(let part): cell?[part]
        case .now(let pattern): pattern.format(context.now)
        case .run(let field):
            switch field {
            case "id": context.runID
            case "date": DatePattern.isoDate(context.now)
            default: totals?.value(field)
            }
        case .header, .column, .bound, .xml: nil
        }
    }
}

/// What stays the same for every order of one run: its id and its clock.
public struct RenderContext: Sendable {
    public var runID: String
    let now: DateValue

    public init(runID: String, date: Date = Date(), timeZone: TimeZone = .current) {
        self.runID = runID
        now = DatePattern.now(date, in: timeZone)
    }
}

extension DatePattern {
    static func isoDate(_ value: DateValue) -> String {
        (try! DatePattern("yyyy-MM-dd")).format(value)
    }
}
