import FileFormats

/// Where a rule takes its raw value from.
public enum SourceRef: Sendable, Equatable, CustomStringConvertible {
    /// A CSV column by header name.
    case header(String)
    /// A CSV column by 0-based position (`column: 3` in the file is 1-based).
    case column(Int)
    /// A CSV header bound to its column in one file (see ``InboundMapping/bound(toColumns:)``):
    /// read by position, named by its header in messages.
    case bound(column: Int, name: String)
    /// A value inside an XML record.
    case xml(XMLPath)
    /// A JOOR order field (`order.customer_purchase_order`).
    case order(String)
    /// A JOOR line item field (`line.item_upc`).
    case line(String)
    /// 1-based position of the line in its order (`line.index`).
    case lineIndex
    /// A part of the current size-grid cell (`size.name`, `size.quantity`, `size.barcode`, `size.position`).
    case size(SizePart)
    /// The time of the run, formatted (`now:yyyyMMddHHmmss`).
    case now(DatePattern)
    /// Something about the run (`run.id`, `run.date`) or, in header and trailer records, the
    /// file's totals (`run.order_count`, …).
    case run(String)

    public enum SizePart: String, Sendable, CaseIterable {
        case name, quantity, barcode, position
    }

    /// Whether it reads an order, one of its lines or a size cell (outbound).
    var isOrderData: Bool {
        switch self {
        case .order, .line, .lineIndex, .size: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .header(let name): name
        case .column(let index): "column \(index + 1)"
        case .bound(_, let name): name
        case .xml(let path): path.description
        case .order(let field): "order.\(field)"
        case .line(let field): "line.\(field)"
        case .lineIndex: "line.index"
        case .size(let part): "size.\(part.rawValue)"
        case .now(let pattern): "now:\(pattern.pattern)"
        case .run(let field): "run.\(field)"
        }
    }
}

/// What a row offers to rules: values by source reference, and the row's line.
public protocol RowSource {
    /// 1-based line in the input file (for outbound: 0).
    var line: Int { get }
    /// The raw value for a reference, or `nil` when the row has no such value.
    func value(_ ref: SourceRef) -> String?
    /// The value's UTF-8 bytes (`nil` when the row has no such value), without making a `String`
    /// where the row holds bytes; valid only inside `body`.
    func withValueBytes<R>(_ ref: SourceRef, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R
}

extension RowSource {
    public func withValueBytes<R>(_ ref: SourceRef, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        guard var text = value(ref) else { return body(nil) }
        return text.withUTF8 { body($0) }
    }
}

/// How `from` references are read: depends on the mapping's direction and input format.
enum ReferenceStyle {
    case csv
    case xml(namespaces: [String: String])
    case orders

    /// Parses a reference; throws a message for the mapping error.
    func parse(_ text: String) throws(RuleSyntaxError) -> SourceRef {
        if text.hasPrefix("size.") {
            guard let part = SourceRef.SizePart(rawValue: String(text.dropFirst(5))) else {
                throw RuleSyntaxError("'\(text)' is not a size reference; use size.name, size.quantity, size.barcode or size.position")
            }
            return .size(part)
        }
        if text.hasPrefix("now:") || text == "now" {
            return .now(try DatePattern(text == "now" ? "yyyy-MM-dd'T'HH:mm:ssXXX" : String(text.dropFirst(4))))
        }
        switch self {
        case .csv:
            guard !text.isEmpty else { throw RuleSyntaxError("an empty column name") }
            return .header(text)
        case .xml(let namespaces):
            do { return .xml(try XMLPath(text, namespaces: namespaces)) } catch { throw RuleSyntaxError(error.description) }
        case .orders:
            if text == "line.index" { return .lineIndex }
            if text.hasPrefix("order."), text.count > 6 { return .order(String(text.dropFirst(6))) }
            if text.hasPrefix("line."), text.count > 5 { return .line(String(text.dropFirst(5))) }
            if text.hasPrefix("run.") {
                let name = String(text.dropFirst(4))
                guard name == "id" || name == "date" || FileTotals.names.contains(name) else {
                    throw RuleSyntaxError(
                        "'\(text)' is not known; run.* is run.id, run.date, or (in header_record and trailer_record) \(FileTotals.names.sorted().map { "run.\($0)" }.joined(separator: ", "))"
                    )
                }
                return .run(name)
            }
            throw RuleSyntaxError(
                "'\(text)' is not a JOOR field; use order.<field> (e.g. order.customer_purchase_order), line.<field> (e.g. line.item_upc), line.index, size.*, now:<pattern> or run.id"
            )
        }
    }
}

/// A problem in one rule, turned into a ``MappingError`` with the rule's position.
struct RuleSyntaxError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
