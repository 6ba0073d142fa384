/// How to write a fixed-width file.
public struct FixedWidthWriteOptions: Sendable, Equatable {
    /// UTF-8, windows-1252 or ISO-8859-1.
    public var encoding: TextEncoding = .windows1252
    public var lineEnding: CSVWriteOptions.LineEnding = .crlf

    public init() {}

    /// The encodings a fixed-width file can be written in.
    public static let encodings: [TextEncoding] = [.utf8, .windows1252, .isoLatin1]
}

/// Writes lines of cells already fitted to their columns (``FixedWidthColumn/fit(_:encoding:)``)
/// to a ``ByteSink``.
public final class FixedWidthWriter {
    public let options: FixedWidthWriteOptions
    private let sink: ByteSink
    private var buffer: [UInt8] = []
    /// Number of lines written.
    public private(set) var lineCount = 0

    public init(sink: ByteSink, options: FixedWidthWriteOptions = .init()) throws(FileFormatError) {
        try options.encoding.require(FixedWidthWriteOptions.encodings, for: "fixed-width output", path: sink.name)
        self.sink = sink
        self.options = options
    }

    /// Writes one line: the cells side by side, then the line ending.
    /// - Throws: ``FileFormatError`` when a cell holds a character the encoding cannot write.
    public func write(_ cells: [String]) throws(FileFormatError) {
        buffer.removeAll(keepingCapacity: true)
        for cell in cells {
            if let scalar = options.encoding.append(cell, to: &buffer) {
                throw FileFormatError(
                    .unrepresentableCharacter, path: sink.name, line: lineCount + 1,
                    message: "the character '\(scalar)' cannot be written in \(options.encoding.rawValue)")
            }
        }
        buffer.append(contentsOf: options.lineEnding.bytes)
        try sink.write(buffer)
        lineCount += 1
    }

    /// Pushes buffered output to the sink.
    public func flush() throws(FileFormatError) { try sink.flush() }
}
