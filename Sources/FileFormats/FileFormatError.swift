/// A problem reading or writing a CSV or XML file, with enough context to find and fix it.
///
/// The description reads like a compiler diagnostic, so a warehouse person can open the
/// file at the right place: `inventory.csv:12: field 'Qty': …`.
public struct FileFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is.
    public enum Kind: String, Sendable, Equatable {
        /// The file could not be opened, read or written.
        case io
        /// Bytes that are not valid in the declared text encoding.
        case invalidEncoding
        /// A character that the chosen output encoding cannot represent.
        case unrepresentableCharacter
        /// The CSV structure is broken (for example an unterminated quote in strict mode).
        case malformedCSV
        /// A row has a different number of fields than the header (or the first row).
        case raggedRow
        /// A fixed-width line does not fit its layout (unknown record type, too short, a value
        /// too long for its column).
        case malformedLine
        /// A field, a record or the number of fields exceeds a configured limit.
        case limitExceeded
        /// The XML is not well-formed.
        case malformedXML
        /// The XML uses a feature refused for safety (DTD entities, external references).
        case forbiddenXML
        /// Reader or writer options that cannot work (for example a record path naming an attribute).
        case invalidOptions
        /// A writer was used in the wrong order (for example an attribute after text).
        case invalidWriterState
    }

    /// What kind of problem this is.
    public var kind: Kind
    /// Where the problem is: the file and, where known, the line, column and byte offset.
    public var location: SourceLocation
    /// The field (header name or 1-based column number) the problem is in, where known.
    public var field: String?
    /// What went wrong and, where possible, what to do about it.
    public var message: String
    /// Whether the reader can go on with the next record after this error.
    ///
    /// Row-level problems (a ragged row, a malformed row in strict mode) are recoverable:
    /// the bad row is reported and reading continues. File-level problems are not.
    public var isRecoverable: Bool

    public init(
        _ kind: Kind, path: String? = nil, line: Int? = nil, column: Int? = nil,
        byteOffset: Int? = nil, field: String? = nil, message: String, isRecoverable: Bool = false
    ) {
        self.kind = kind
        self.location = SourceLocation(path: path, line: line, column: column, byteOffset: byteOffset)
        self.field = field
        self.message = message
        self.isRecoverable = isRecoverable
    }

    public var description: String {
        "\(location): " + (field.map { "field '\($0)': " } ?? "") + message
    }
}
