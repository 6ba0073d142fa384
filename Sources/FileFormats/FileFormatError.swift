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
    /// The file the problem is in, when the data came from or goes to a file.
    public var path: String?
    /// 1-based physical line number, where known.
    public var line: Int?
    /// 1-based column, where known (XML).
    public var column: Int?
    /// 0-based byte offset in the original file, where known (encoding problems).
    public var byteOffset: Int?
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
        self.path = path
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
        self.field = field
        self.message = message
        self.isRecoverable = isRecoverable
    }

    public var description: String {
        var location = path ?? "<input>"
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        var text = location + ": "
        if let byteOffset { text += "byte \(byteOffset): " }
        if let field { text += "field '\(field)': " }
        return text + message
    }
}
