/// Where in a file something is: the file and, where known, the line, column and byte offset.
///
/// Its description reads like a compiler's, `inventory.csv:12:5`, so that a warehouse person (or
/// an editor) can open the file at the right place.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    /// The file, when the data came from or goes to a file.
    public var path: String?
    /// 1-based physical line number.
    public var line: Int?
    /// 1-based column (XML, YAML); written only with a line.
    public var column: Int?
    /// 0-based byte offset in the original file (encoding problems).
    public var byteOffset: Int?

    public init(path: String? = nil, line: Int? = nil, column: Int? = nil, byteOffset: Int? = nil) {
        self.path = path
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
    }

    /// `path:line:column`, then `: byte N` when the offset is known; `<input>` stands for a
    /// location without a file.
    public var description: String {
        var text = path ?? "<input>"
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        if let byteOffset { text += ": byte \(byteOffset)" }
        return text
    }
}
