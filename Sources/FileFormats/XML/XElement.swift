/// An XML element held in memory: one record of a streamed file, with its subtree.
public struct XElement: Sendable, Equatable {
    /// An attribute of an element.
    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var namespaceURI: String?
        public var value: String

        public init(name: String, namespaceURI: String? = nil, value: String) {
            self.name = name
            self.namespaceURI = namespaceURI
            self.value = value
        }
    }

    /// Local name (without prefix).
    public var name: String
    /// Namespace URI, if the element is in a namespace.
    public var namespaceURI: String? {
        get { namespace.isEmpty ? nil : namespace }
        set { namespace = newValue ?? "" }
    }
    /// The namespace URI, empty for none (XML has no empty namespace name: `xmlns=""` means none).
    /// Stored as a plain `String`: with a `String?` among its fields, Swift 6.3 copied every new
    /// element once more and destroyed the original (ten reference counts an element).
    var namespace: String
    public var attributes: [Attribute]
    public var children: [XElement]
    /// The element's own text (text and CDATA children joined), without that of descendants.
    public var text: String
    /// 1-based line where the element starts.
    public var line: Int

    public init(name: String, namespaceURI: String? = nil, attributes: [Attribute] = [], children: [XElement] = [], text: String = "", line: Int = 0)
    {
        self.name = name
        self.namespace = namespaceURI ?? ""
        self.attributes = attributes
        self.children = children
        self.text = text
        self.line = line
    }

    /// The first attribute with this local name (any namespace).
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// Children with this local name (any namespace).
    public func children(named name: String) -> [XElement] {
        children.filter { $0.name == name }
    }
}
