/// One record element streamed out of an XML file, with what is known of its enclosing elements.
///
/// Values inside it are read with relative ``XMLPath``s. `..` reaches the enclosing elements:
/// their attributes, and the simple (text-only) children that came before the record.
public struct XMLRecord: Sendable, Equatable {
    /// The line where the record element starts.
    public var line: Int { element.line }
    /// The record element and its subtree.
    public let element: XElement
    /// Enclosing elements, outermost first (attributes and preceding simple children only).
    public let ancestors: [XElement]

    public init(element: XElement, ancestors: [XElement] = []) {
        self.element = element
        self.ancestors = ancestors
    }

    /// Every value the path selects: element texts or attribute values, in document order.
    public func values(_ path: XMLPath) -> [String] {
        let elements = select(path, keepAncestors: path.steps.contains(.parent))
        guard let attribute = path.attribute else { return elements.map { $0.element.text } }
        return elements.compactMap { item in
            item.element.attributes.first { attribute.matches($0.name, $0.namespaceURI) }?.value
        }
    }

    /// The first value the path selects, or `nil` when there is none.
    public func value(_ path: XMLPath) -> String? {
        // The usual paths (`@sku`, `OnHand`, `../@code`, `Price/@currency`): up first, then down,
        // walked depth first to the first match without building the selection.
        let walked: String?? = path.withWalk { walk in
            if walk.ups == 0 { return withUnsafePointer(to: element) { Self.first(in: $0, walk, 0) } }
            guard walk.ups <= ancestors.count else { return nil }
            return ancestors.withUnsafeBufferPointer { Self.first(in: $0.baseAddress! + ($0.count - walk.ups), walk, 0) }
        }
        guard let walked else { return values(path).first }
        return walked
    }

    /// The first value below `element` down the walk's names from `step`. Elements and names are
    /// read where they are, through pointers: an array subscript, even a buffer pointer's handed
    /// to a function, gives a copy, and a copy of an element retains all it holds.
    private static func first(in element: UnsafePointer<XElement>, _ walk: XMLPath.Walk, _ step: Int) -> String? {
        guard step < walk.names.count else {
            guard let attribute = walk.attribute else { return element.pointee.text }
            return element.pointee.attributes.withUnsafeBufferPointer { attributes in
                for index in attributes.indices where attribute.pointee.matches(attributes[index].name, attributes[index].namespaceURI) {
                    return attributes[index].value
                }
                return nil
            }
        }
        let name = walk.names.baseAddress! + step
        return element.pointee.children.withUnsafeBufferPointer { children in
            guard let base = children.baseAddress else { return nil }
            for index in children.indices where XMLPath.Name.matches(name, children[index].name, namespace: children[index].namespace) {
                if let found = first(in: base + index, walk, step + 1) { return found }
            }
            return nil
        }
    }

    /// The elements a path selects, each as a record of its own (for repeated groups such as
    /// `Lines/Line`), so that paths inside them can still reach this record through `..`.
    public func records(_ path: XMLPath) -> [XMLRecord] {
        select(path, keepAncestors: true)
    }

    /// Walks the steps. Ancestor copies are only made when something will need them.
    private func select(_ path: XMLPath, keepAncestors: Bool) -> [XMLRecord] {
        var current = [self]
        for step in path.steps {
            switch step {
            case .current:
                continue
            case .parent:
                current = current.compactMap { item in
                    guard let parent = item.ancestors.last else { return nil }
                    return XMLRecord(element: parent, ancestors: Array(item.ancestors.dropLast()))
                }
            case .child(let name):
                current = current.flatMap { item in
                    item.element.children
                        .filter { name.matches($0.name, $0.namespaceURI) }
                        .map { child in
                            guard keepAncestors else { return XMLRecord(element: child) }
                            return XMLRecord(element: child, ancestors: item.ancestors + [item.element.withoutChildren(except: child)])
                        }
                }
            }
        }
        return current
    }
}

extension XElement {
    /// A copy for use as an ancestor: keeps attributes and simple children, not whole subtrees.
    fileprivate func withoutChildren(except kept: XElement) -> XElement {
        var copy = self
        copy.children = children.filter { $0.children.isEmpty && $0 != kept }
        return copy
    }
}
