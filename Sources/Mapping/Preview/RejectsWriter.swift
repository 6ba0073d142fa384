import FileFormats

/// Writes rejected rows as CSV (`line,field,value,reason`) for the person who fixes the data.
/// Rejected orders are written as `order,field,value,reason`.
public final class RejectsWriter {
    public enum Kind: Sendable { case rows, orders }

    private let writer: CSVWriter
    private let kind: Kind
    public private(set) var count = 0

    public init(sink: ByteSink, kind: Kind = .rows) throws(FileFormatError) {
        var options = CSVWriteOptions()
        options.neutralizeFormulas = true
        writer = try CSVWriter(sink: sink, options: options)
        self.kind = kind
        try writer.writeHeader([kind == .rows ? "line" : "order", "field", "value", "reason"])
    }

    public func write(_ rejection: RowRejection) throws(FileFormatError) {
        let first =
            kind == .orders
            ? (rejection.source.hasPrefix("order ") ? String(rejection.source.dropFirst(6)) : rejection.source)
            : (rejection.line > 0 ? String(rejection.line) : "")
        try writer.write([first, rejection.field ?? "", rejection.value ?? "", rejection.reason])
        count += 1
    }

    public func flush() throws(FileFormatError) { try writer.flush() }
}
