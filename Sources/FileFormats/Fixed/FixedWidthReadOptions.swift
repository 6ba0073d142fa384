/// How to read a fixed-width file: where each field of each record type is, and the encoding.
///
/// Positions count bytes of the file's encoding from 0 (mappings write them from 1): in
/// windows-1252 or ISO-8859-1, a character is a byte, as the COBOL-era systems that write
/// these files count them.
public struct FixedWidthReadOptions: Sendable, Equatable {
    /// A field: `length` bytes from `start` (0-based).
    public struct Slice: Sendable, Equatable {
        public var start: Int
        public var length: Int
        public init(start: Int, length: Int) {
            self.start = start
            self.length = length
        }
        /// The first byte after the field.
        public var end: Int { start + length }
    }

    /// What a record type's lines are for.
    public enum Role: String, Sendable, Equatable, CaseIterable {
        /// Each line becomes a row of the mapping.
        case detail
        /// Its fields apply to the detail lines after it (until the next header).
        case header
        /// Closes the file (or the header's group); may carry a record count to check.
        case trailer
        /// Read and ignored (comments, page breaks, totals nobody needs).
        case skip
    }

    /// The layout of one record type.
    public struct Record: Sendable, Equatable {
        /// The type code at ``FixedWidthReadOptions/typeSlice`` (`nil`: the file has one record type).
        public var type: String?
        public var role: Role
        /// Field name and where it is, in the order of the line.
        public var fields: [(name: String, slice: Slice)]
        /// A trailer's record count, checked against the lines read.
        public var count: FixedWidthCount?
        public init(type: String?, role: Role, fields: [(name: String, slice: Slice)], count: FixedWidthCount? = nil) {
            self.type = type
            self.role = role
            self.fields = fields
            self.count = count
        }
        /// The line length the fields need.
        public var length: Int { fields.map(\.slice.end).max() ?? 0 }

        public static func == (a: Record, b: Record) -> Bool {
            a.type == b.type && a.role == b.role && a.count == b.count
                && a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.slice) == b.fields.map(\.slice)
        }
    }

    /// What to do with a line shorter than its record's layout.
    public enum ShortLines: String, Sendable, Equatable {
        /// Reject the line: a field would be cut (the file may be damaged).
        case reject
        /// The missing end counts as spaces (files whose trailing spaces were stripped).
        case pad
    }

    /// Where the record type code is; `nil` when every line has the one layout in ``records``.
    public var typeSlice: Slice?
    public var records: [Record] = []
    /// UTF-8, windows-1252 or ISO-8859-1 (UTF-16 has no fixed byte positions).
    public var encoding: TextEncoding = .utf8
    /// Replace bytes invalid in ``encoding`` by U+FFFD instead of rejecting the line.
    public var replaceInvalidBytes = false
    /// Strip the pad spaces around each field's value.
    public var trim = true
    public var shortLines: ShortLines = .reject
    /// Physical lines to ignore at the start (banners).
    public var skipLines = 0
    /// Longest line accepted, in bytes.
    public var maxLineBytes = 1 << 20
    /// Size of each read from the file.
    public var chunkSize = 64 << 10

    public init() {}

    /// The encodings a fixed-width file can be read in.
    public static let encodings: [TextEncoding] = [.utf8, .utf8BOM, .windows1252, .isoLatin1]
}

/// A trailer field that says how many records came before it: a file cut short or edited is
/// refused as a whole.
public struct FixedWidthCount: Sendable, Equatable {
    /// What the number counts, since the start of the file or the previous trailer.
    public enum Scope: String, Sendable, Equatable, CaseIterable {
        /// Detail lines (rejected ones included).
        case details
        /// Every line that is not blank, the trailer itself included.
        case lines
    }

    /// The trailer field holding the number.
    public var field: String
    public var scope: Scope

    public init(field: String, scope: Scope = .details) {
        self.field = field
        self.scope = scope
    }
}
