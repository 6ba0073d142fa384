import FileFormats

/// Writes rendered orders into one WMS file (CSV, fixed-width or XML).
///
/// With `per: order` the file holds one order; with `per: run` all of a run's orders. A customers
/// file writes each customer once (by the mapping's `unique_by`). A header record, when the
/// mapping has one, comes first with the file's totals; then the column names (CSV with
/// `header: true`), the rows, and the trailer record.
public enum OrderFileWriter {
    /// Which file of a `header_detail` pair is written.
    public enum Part: Sendable { case main, detail }

    /// Writes `orders` as one file to `sink` and flushes it.
    /// - Returns: the file's totals (`records`: the data rows, or orders for XML).
    @discardableResult
    public static func write(
        _ orders: [RenderedOrder], renderer: OrderRenderer, part: Part = .main, to sink: ByteSink
    ) throws(FileFormatError) -> FileTotals {
        let mapping = renderer.mapping
        var totals = orders.reduce(FileTotals()) { $0 + $1.totals }
        switch mapping.format {
        case .xml(let options, let template):
            let xml = try XMLWriter(sink: sink, options: options)
            try xml.startDocument()
            try xml.startElement(template.root)
            for (name, value) in template.rootAttributes { try xml.attribute(name, value) }
            for order in orders {
                for element in order.elements { try write(element, to: xml) }
            }
            try xml.endDocument()
            totals.records = orders.count
        case .csv, .fixed:
            let rows = self.rows(orders, part: part)
            totals.records = rows.count
            let lines = try LineWriter(mapping.format, sink: sink)
            if !mapping.headerRecord.isEmpty { try lines.write(try renderer.record(mapping.headerRecord, totals: totals, file: sink.name)) }
            if let header = part == .main ? renderer.headerRow : renderer.detailHeaderRow { try lines.writeColumnNames(header) }
            for row in rows { try lines.write(row) }
            if !mapping.trailerRecord.isEmpty { try lines.write(try renderer.record(mapping.trailerRecord, totals: totals, file: sink.name)) }
        }
        try sink.flush()
        return totals
    }

    /// The rows of the part, each customer once (`unique_by`).
    private static func rows(_ orders: [RenderedOrder], part: Part) -> [[String]] {
        var seenKeys: Set<String> = []
        var rows: [[String]] = []
        for order in orders {
            for (index, row) in (part == .main ? order.rows : order.detailRows).enumerated() {
                if part == .main, index < order.uniqueKeys.count, !seenKeys.insert(order.uniqueKeys[index]).inserted { continue }
                rows.append(row)
            }
        }
        return rows
    }

    /// Lines of cells in the file's format.
    private enum LineWriter {
        case csv(CSVWriter)
        case fixed(FixedWidthWriter)

        init(_ format: OutboundMapping.Format, sink: ByteSink) throws(FileFormatError) {
            switch format {
            case .csv(let options, _): self = .csv(try CSVWriter(sink: sink, options: options))
            case .fixed(let options): self = .fixed(try FixedWidthWriter(sink: sink, options: options))
            case .xml: preconditionFailure("XML files are written element by element")
            }
        }

        func write(_ cells: [String]) throws(FileFormatError) {
            switch self {
            case .csv(let csv): try csv.write(cells)
            case .fixed(let fixed): try fixed.write(cells)
            }
        }

        /// The CSV row of column names (its names then name fields in error messages).
        func writeColumnNames(_ names: [String]) throws(FileFormatError) {
            if case .csv(let csv) = self { try csv.writeHeader(names) }
        }
    }

    private static func write(_ element: RenderedElement, to xml: XMLWriter) throws(FileFormatError) {
        try xml.startElement(element.name)
        for (name, value) in element.attributes { try xml.attribute(name, value) }
        if let text = element.text { try xml.text(text) }
        for child in element.children { try write(child, to: xml) }
        try xml.endElement()
    }
}
