/// How to read a CSV file: its dialect, encoding and the limits that keep memory bounded.
public struct CSVReadOptions: Sendable, Equatable {
    /// What to do with a row whose field count differs from the header (or the first row).
    public enum RaggedRows: String, Sendable, Equatable, Codable {
        /// Report the row as an error and go on with the next one.
        case reject
        /// Pad short rows with empty fields; drop trailing empty fields of long rows.
        /// A long row with non-empty extra fields is still rejected, since data would be lost.
        case pad
        /// Hand the row out as it is.
        case allow
    }

    /// Field separator: `,` `;` tab `|` or any single byte.
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// Quote character.
    public var quote: UInt8 = UInt8(ascii: "\"")
    /// Whether the first record (after ``skipLines``) names the columns.
    public var hasHeader = true
    /// Physical lines to ignore before the header or first record (title lines, report banners).
    public var skipLines = 0
    /// Strip spaces and tabs around unquoted fields (quoted content is kept as it is).
    public var trimFields = true
    /// Strict quoting: a stray quote in an unquoted field, text after a closing quote, or a quote
    /// left open at the end of the file is an error. Lenient mode takes such text literally.
    public var strict = true
    /// What to do with rows whose field count differs from the header.
    public var raggedRows: RaggedRows = .reject
    /// The file's text encoding; a byte-order mark overrides UTF-8 and UTF-16.
    public var encoding: TextEncoding = .utf8
    /// Replace bytes that are invalid in ``encoding`` by U+FFFD instead of failing.
    public var replaceInvalidBytes = false
    /// Largest field accepted, in bytes of UTF-8.
    public var maxFieldBytes = 16 << 20
    /// Largest record accepted, in bytes of UTF-8 over all its fields.
    public var maxRecordBytes = 32 << 20
    /// Most fields accepted in one record.
    public var maxFieldsPerRecord = 10_000
    /// Size of each read from the file.
    public var chunkSize = 64 << 10

    public init() {}

    /// Options for a delimiter given as an ASCII character (`","`, `";"`, `"\t"`, `"|"`); any
    /// other character is a programming error (user input goes through the mapping's checks).
    public init(delimiter: Character, hasHeader: Bool = true, encoding: TextEncoding = .utf8) {
        guard let byte = delimiter.asciiValue else { preconditionFailure("a CSV delimiter is one ASCII character, not '\(delimiter)'") }
        self.delimiter = byte
        self.hasHeader = hasHeader
        self.encoding = encoding
    }
}
