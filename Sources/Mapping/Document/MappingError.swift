import FileFormats

/// A problem in a mapping file, found before any data is read.
public struct MappingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The mapping file and, when known, the line and column of the offending YAML node.
    public var location: SourceLocation
    /// What is wrong and what is allowed.
    public var message: String
    /// A warning does not make the mapping invalid (for example an order field JOOR may not send).
    public var isWarning: Bool

    public init(path: String, line: Int? = nil, column: Int? = nil, message: String, isWarning: Bool = false) {
        self.location = SourceLocation(path: path, line: line, column: column)
        self.message = message
        self.isWarning = isWarning
    }

    public var description: String { "\(location): \(isWarning ? "warning" : "error"): \(message)" }
}

/// Every problem found in one or more mapping files; thrown when any of them is an error.
public struct MappingErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [MappingError]
    public init(_ errors: [MappingError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// One input row (or order) that could not be converted: where, which field, what value, why.
/// Rejected rows never stop a file; they are collected and reported.
public struct RowRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input file (or `order 8800101` for outbound).
    public var source: String
    /// 1-based line in the input file (0 when not applicable).
    public var line: Int
    /// The target field or column, when the problem concerns one.
    public var field: String?
    /// The value that was refused, when there is one.
    public var value: String?
    public var reason: String
    /// The row's fields whose rules did pass, as text (every rule is tried on a refused row), so
    /// that a job can tell what the row belonged to: the products job holds back the style of a
    /// row it could not read, rather than send that style without one of its colors or sizes.
    /// Empty when the row could not be read at all.
    public var converted: [String: String]

    public init(source: String, line: Int, field: String? = nil, value: String? = nil, reason: String, converted: [String: String] = [:]) {
        self.source = source
        self.line = line
        self.field = field
        self.value = value
        self.reason = reason
        self.converted = converted
    }

    public var description: String {
        var text = line > 0 ? "\(source):\(line)" : source
        if let field { text += ": field '\(field)'" }
        if let value { text += ": value '\(value)'" }
        return text + ": " + reason
    }
}
