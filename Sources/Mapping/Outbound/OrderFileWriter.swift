import FileFormats

/// Writes rendered orders into one WMS file (CSV or XML) as they come.
///
/// With `per: order` it receives one order; with `per: run` all of a run's orders. A customers
/// file writes each customer once (by the mapping's `unique_by`).
public final class OrderFileWriter {
    /// Which file of a `header_detail` pair this writer fills.
    public enum Part: Sendable { case main, detail }

    private let renderer: OrderRenderer
    private let part: Part
    private let sink: ByteSink
    private var csv: CSVWriter?
    private var xml: XMLWriter?
    private var started = false
    private var seenKeys: Set<String> = []
    /// Number of data rows (CSV) or orders (XML) written.
    public private(set) var recordCount = 0

    public init(renderer: OrderRenderer, sink: ByteSink, part: Part = .main) throws(FileFormatError) {
        self.renderer = renderer
        self.sink = sink
        self.part = part
        switch renderer.mapping.format {
        case .csv(let options, _): csv = try CSVWriter(sink: sink, options: options)
        case .xml(let options, _): xml = try XMLWriter(sink: sink, options: options)
        }
    }

    /// Appends one order.
    public func write(_ order: RenderedOrder) throws(FileFormatError) {
        try start()
        if let csv {
            let rows = part == .main ? order.rows : order.detailRows
            for (index, row) in rows.enumerated() {
                if index < order.uniqueKeys.count, !seenKeys.insert(order.uniqueKeys[index]).inserted { continue }
                try csv.write(row)
                recordCount += 1
            }
        } else if let xml {
            for element in order.elements { try write(element, to: xml) }
            recordCount += 1
        }
    }

    /// Ends the document and flushes everything to the sink.
    public func finish() throws(FileFormatError) {
        try start()
        if let xml { try xml.endDocument() }
        try csv?.flush()
        try sink.flush()
    }

    private func start() throws(FileFormatError) {
        guard !started else { return }
        started = true
        if let csv, let header = part == .main ? renderer.headerRow : renderer.detailHeaderRow {
            try csv.writeHeader(header)
        }
        if let xml, case .xml(_, let template) = renderer.mapping.format {
            try xml.startDocument()
            try xml.startElement(template.root)
            for (name, value) in template.rootAttributes { try xml.attribute(name, value) }
        }
    }

    private func write(_ element: RenderedElement, to xml: XMLWriter) throws(FileFormatError) {
        try xml.startElement(element.name)
        for (name, value) in element.attributes { try xml.attribute(name, value) }
        if let text = element.text { try xml.text(text) }
        for child in element.children { try write(child, to: xml) }
        try xml.endElement()
    }
}
