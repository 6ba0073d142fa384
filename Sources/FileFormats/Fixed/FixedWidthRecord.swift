/// One line of a fixed-width file, cut into its record type's fields.
public struct FixedWidthRecord: Sendable, Equatable {
    /// 1-based physical line.
    public var line: Int
    /// Index of the record type in ``FixedWidthReadOptions/records``.
    public var recordIndex: Int
    /// The field values, in the order of the record type's fields (trimmed when the options say so).
    public var values: [String]
}
