import FileFormats

/// A compiled outbound mapping: how JOOR orders (or their customers) become WMS import files.
public struct OutboundMapping: Sendable {
    public enum Format: Sendable {
        /// CSV, with or without a header row of column names.
        case csv(CSVWriteOptions, header: Bool)
        /// XML built from the mapping's template.
        case xml(XMLWriteOptions, template: XMLTemplate)
        /// Fixed-width lines: every column has a width (``Column/fixed``).
        case fixed(FixedWidthWriteOptions)

        /// `csv`, `xml` or `fixed-width`, for messages.
        public var name: String {
            switch self {
            case .csv: "csv"
            case .xml: "xml"
            case .fixed: "fixed-width"
            }
        }
    }

    /// How the rows of an order are laid out.
    public enum Layout: Sendable {
        /// One row per line item, order fields repeated (the usual WMS import).
        case lines
        /// One row per style + color, a quantity column per size position.
        case sizeGrid(SizeGridOutput)
        /// A header row per order followed by its detail rows (in one file, or two).
        case headerDetail(HeaderDetail)
        /// One row per order (customers files, order summaries).
        case orders
    }

    /// Whether each order gets its own file, or every order of a run goes into one.
    public enum Per: String, Sendable, CaseIterable { case order, run }

    public struct Column: Sendable {
        public let name: String
        public let rule: FieldRule
        /// `neutralize:` of this column; `nil` follows the file's `neutralize_formulas`.
        public let neutralize: Bool?
        /// Width, alignment, padding and overflow, in a fixed-width file.
        public let fixed: FixedWidthColumn?
        /// The rule, compiled once: what runs for every order.
        let compiled: CompiledRule

        init(name: String, rule: FieldRule, neutralize: Bool? = nil, fixed: FixedWidthColumn? = nil) {
            self.name = name
            self.rule = rule
            compiled = CompiledRule(rule)
            self.neutralize = neutralize
            self.fixed = fixed
        }
    }

    public struct SizeGridOutput: Sendable {
        /// Number of size positions (quantity columns).
        public var positions: Int
        /// Header of quantity column n: `"Qty{n}"`.
        public var quantityHeader: String
        /// Header of the column naming size n (`"Size{n}"`), if the WMS wants size names per row.
        public var sizeHeader: String?
        /// What makes one grid row: by default style number + color code.
        public var groupBy: [SourceRef]
        /// What each position column holds (`"{size.name}:{size.quantity}:{size.barcode}"`);
        /// `nil` writes the quantity.
        public var cell: Template?
    }

    public struct HeaderDetail: Sendable {
        public var header: [Column]
        public var detail: [Column]
        /// Name of a separate detail file; `nil` writes detail rows under their header in one file.
        public var detailFileName: Template?
    }

    public let kind: MappingKind
    public let format: Format
    public let layout: Layout
    /// The file-name template (`"ORD_{order.order_id}_{now:yyyyMMddHHmmss}.csv"`).
    public let fileName: Template
    public let per: Per
    /// Columns for `lines`, `size_grid` and `orders` layouts.
    public let columns: [Column]
    /// For customers: one row per distinct value of this template within a file.
    public let uniqueBy: Template?
    /// A record before the file's rows (`header_record:`), and one after them (`trailer_record:`);
    /// they may use the file's totals (`run.order_count`, `run.line_count`, …). Empty: none.
    public let headerRecord: [Column]
    public let trailerRecord: [Column]
    /// CSV: put `'` before cells a spreadsheet would run as formulas (`output.csv.neutralize_formulas`,
    /// on unless turned off; a column's `neutralize:` overrides it). Always off for XML.
    public let neutralizeFormulas: Bool
    /// The mapping file (for messages).
    public let path: String
}

/// The XML file shape: a root element, and per order a tree of elements whose texts and
/// attributes are rules; an element marked `for_each: line` repeats per line item.
public struct XMLTemplate: Sendable {
    public struct Element: Sendable {
        public var name: String
        public var attributes: [(name: String, rule: FieldRule)]
        public var text: FieldRule?
        public var children: [Element]
        public var forEachLine: Bool
        /// Leave the element out when its value is empty (instead of writing `<X/>`).
        public var omitEmpty: Bool
    }

    public var root: String
    public var rootAttributes: [(name: String, value: String)]
    /// What one order becomes (usually a single `Order` element).
    public var order: [Element]
}
