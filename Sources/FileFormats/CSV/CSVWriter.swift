internal import CLibCSV

/// How to write a CSV file for the system that will import it.
public struct CSVWriteOptions: Sendable, Equatable {
    /// When fields are put in quotes.
    public enum Quoting: String, Sendable, Equatable, Codable {
        /// Only fields that need it: those holding the delimiter, the quote, a line break,
        /// or leading or trailing spaces.
        case minimal
        /// Every field.
        case all
    }

    /// The record separator.
    public enum LineEnding: String, Sendable, Equatable, Codable {
        case crlf, lf

        var bytes: [UInt8] { self == .crlf ? [13, 10] : [10] }
    }

    public var delimiter: UInt8 = UInt8(ascii: ",")
    public var quote: UInt8 = UInt8(ascii: "\"")
    public var quoting: Quoting = .minimal
    public var lineEnding: LineEnding = .crlf
    /// One of ``TextEncoding/writable``.
    public var encoding: TextEncoding = .utf8
    /// Prefix `'` to cells a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
    /// tab or CR). Cells that cannot run anything — signed numbers such as `-12.50`, phone numbers
    /// such as `+33 1 00 00 00 00` — are left alone (see ``CSVWriter/looksLikeFormula(_:)``).
    public var neutralizeFormulas = false

    public init() {}
}

/// Writes CSV records to a ``ByteSink`` as they come, quoting with libcsv's `csv_write2`.
public final class CSVWriter {
    public let options: CSVWriteOptions
    private let sink: ByteSink
    private var columnNames: [String]?
    private var row: [UInt8] = []
    private var encoded: [UInt8] = []
    private var quoted: [UInt8] = []
    /// Number of records written, header included.
    public private(set) var recordCount = 0

    public init(sink: ByteSink, options: CSVWriteOptions = .init()) throws(FileFormatError) {
        try options.encoding.require(TextEncoding.writable, for: "CSV output", path: sink.name)
        self.sink = sink
        self.options = options
    }

    /// Writes the header row; its names are also used to name fields in error messages.
    public func writeHeader(_ names: [String]) throws(FileFormatError) {
        columnNames = names
        try write(names)
    }

    /// Writes one record.
    ///
    /// A field that the output encoding cannot represent fails with an error naming the field;
    /// nothing of that record is written.
    public func write(_ fields: [String]) throws(FileFormatError) {
        row.removeAll(keepingCapacity: true)
        if recordCount == 0 && options.encoding == .utf8BOM { row.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
        for (index, field) in fields.enumerated() {
            if index > 0 { row.append(options.delimiter) }
            try append(field, index: index)
        }
        row.append(contentsOf: options.lineEnding.bytes)
        try sink.write(row)
        recordCount += 1
    }

    /// Pushes buffered output to the sink.
    public func flush() throws(FileFormatError) { try sink.flush() }

    private func append(_ field: String, index: Int) throws(FileFormatError) {
        encoded.removeAll(keepingCapacity: true)
        if options.neutralizeFormulas && Self.looksLikeFormula(field) { encoded.append(Self.formulaGuard) }
        if let scalar = options.encoding.append(field, to: &encoded) {
            let name = columnNames.flatMap { index < $0.count ? $0[index] : nil } ?? "column \(index + 1)"
            throw FileFormatError(
                .unrepresentableCharacter, path: sink.name, line: recordCount + 1, field: name, message: options.encoding.cannotWrite(scalar))
        }
        guard options.quoting == .all || needsQuotes(encoded) else {
            row.append(contentsOf: encoded)
            return
        }
        let needed = 2 * encoded.count + 2
        if quoted.count < needed { quoted = [UInt8](repeating: 0, count: needed) }
        let written = quoted.withUnsafeMutableBytes { out in
            encoded.withUnsafeBytes { input in
                csv_write2(out.baseAddress, out.count, input.baseAddress, input.count, options.quote)
            }
        }
        row.append(contentsOf: quoted[0..<written])
    }

    private func needsQuotes(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        if first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 { return true }
        return bytes.contains { $0 == options.delimiter || $0 == options.quote || $0 == 10 || $0 == 13 }
    }

    /// The character put before a cell that looks like a formula.
    static let formulaGuard = UInt8(ascii: "'")

    /// `field`, with `'` in front when a spreadsheet would run it as a formula.
    public static func neutralized(_ field: String) -> String {
        looksLikeFormula(field) ? "'" + field : field
    }

    /// Whether a spreadsheet would treat the cell as a formula.
    ///
    /// Cells starting with `=`, `@`, tab or CR always do. Cells starting with `+` or `-` do unless
    /// they hold only digits, spaces and `+ - ( ) . , /` with at least one digit: signed numbers
    /// (`-12.50`) and phone numbers (`+33 1 00 00 00 00`, `+1 (212) 555-0100`) cannot call
    /// anything, so they reach the WMS unchanged.
    public static func looksLikeFormula(_ field: String) -> Bool {
        guard let first = field.utf8.first else { return false }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D: return true
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let rest = field.utf8.dropFirst()
            let inert = rest.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || byte == 0x20 || Self.inertPunctuation.contains(byte)
            }
            return !(inert && rest.contains { $0 >= 0x30 && $0 <= 0x39 })
        default: return false
        }
    }

    /// `+ - ( ) . , /`: with digits and spaces, what numbers and phone numbers are made of.
    private static let inertPunctuation: Set<UInt8> = Set("+-().,/".utf8)
}

extension TextEncoding {
    /// Appends `text` encoded: UTF-8, or one byte per character in windows-1252 and ISO-8859-1.
    /// - Returns: the first character the encoding cannot write (what came before it is
    ///   appended), or `nil` when all of `text` was.
    func append(_ text: String, to bytes: inout [UInt8]) -> Unicode.Scalar? {
        switch self {
        case .windows1252, .isoLatin1:
            for scalar in text.unicodeScalars {
                guard let byte = singleByte(for: scalar) else { return scalar }
                bytes.append(byte)
            }
        default:
            bytes.append(contentsOf: text.utf8)
        }
        return nil
    }

    /// The byte a single-byte encoding (windows-1252, ISO-8859-1) writes `scalar` as, or `nil`
    /// when it has none.
    func singleByte(for scalar: Unicode.Scalar) -> UInt8? {
        switch self {
        case .windows1252: Windows1252.byte(for: scalar)
        case .isoLatin1: scalar.value <= 0xFF ? UInt8(scalar.value) : nil
        default: nil
        }
    }
}

/// Unicode → Windows-1252 for writing.
enum Windows1252 {
    private static let high: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (i, scalar) in UTF8Transcoder.windows1252High.enumerated() where scalar != 0 {
            map[UInt32(scalar)] = UInt8(0x80 + i)
        }
        return map
    }()

    static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let v = scalar.value
        if v < 0x80 || (0xA0...0xFF).contains(v) { return UInt8(v) }
        return high[v]
    }
}
