/// How to stream records out of an XML file.
public struct XMLReadOptions: Sendable, Equatable {
    /// The repeating record element: `/Inventory/Item` (from the root) or `//Item` (at any depth).
    public var recordPath: String
    /// Namespace prefixes used in paths, bound to their URIs (`["wms": "urn:example:wms:1"]`).
    public var namespaces: [String: String]
    /// Overrides the encoding the document declares (rarely needed; `nil` trusts the document).
    public var encoding: TextEncoding?
    /// Largest record accepted (text and attribute bytes of the record's subtree).
    public var maxRecordBytes = 16 << 20
    /// How many simple elements before a record are kept per enclosing element for `..` paths.
    public var maxKeptSiblings = 256

    public init(recordPath: String, namespaces: [String: String] = [:], encoding: TextEncoding? = nil) {
        self.recordPath = recordPath
        self.namespaces = namespaces
        self.encoding = encoding
    }
}
