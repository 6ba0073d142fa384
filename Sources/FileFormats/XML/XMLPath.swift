/// A simple XML path, compiled once: the record selector (`/Inventory/Item`, `//wms:Item`)
/// or a value inside a record (`SKU`, `@sku`, `Qty/@uom`, `Lines/Line`, `../@code`).
///
/// Steps are element names separated by `/`; `*` matches any element, `..` goes to the enclosing
/// element and `.` stays. A final `@name` selects an attribute. A prefixed name (`wms:Item`) must
/// be bound in the namespace table and matches only that namespace; an unprefixed name matches its
/// local name in any namespace, which is what most WMS files need.
public struct XMLPath: Sendable, Equatable, CustomStringConvertible {
    /// Paths are equal when they were compiled to the same steps (what is derived from them is too).
    public static func == (a: XMLPath, b: XMLPath) -> Bool {
        a.description == b.description && a.isDescendant == b.isDescendant && a.isAbsolute == b.isAbsolute && a.steps == b.steps
            && a.attribute == b.attribute
    }

    /// A name test: local name plus, when prefixed, the namespace URI it must be in.
    public struct Name: Sendable, Equatable {
        public var local: String
        public var namespaceURI: String?

        func matches(_ local: String, _ uri: String?) -> Bool {
            (self.local == "*" || self.local == local) && (namespaceURI == nil || namespaceURI == uri)
        }

        /// Whether the name at `name` matches an element's (`namespace`: its URI, empty for none).
        /// Read through a pointer, so that the name is not copied for every element it is tried on.
        static func matches(_ name: UnsafePointer<Name>, _ local: String, namespace: String) -> Bool {
            (name.pointee.local == "*" || name.pointee.local == local)
                && (name.pointee.namespaceURI == nil || name.pointee.namespaceURI! == namespace)
        }
    }

    /// A path that goes up, then only down (`@sku`, `OnHand`, `../@code`, `Price/@currency`), as
    /// ``XMLRecord/value(_:)`` walks it: how many `..` lead it, the names it then goes down
    /// through (`.` steps dropped) and the final attribute, kept in memory of the path's own and
    /// read without reference counting. Worked out once, when the path is compiled.
    struct Walk: @unchecked Sendable {  // set once, when the path is compiled, and only read after
        let ups: Int
        let names: UnsafeBufferPointer<Name>
        let attribute: UnsafePointer<Name>?
    }

    public enum Step: Sendable, Equatable {
        case child(Name)
        case parent
        case current
    }

    /// The text the path was compiled from.
    public var description: String { storage.description }
    /// Whether the path started with `//` (match at any depth).
    public var isDescendant: Bool { storage.isDescendant }
    /// Whether the path started with `/`.
    public var isAbsolute: Bool { storage.isAbsolute }
    public var steps: [Step] { storage.steps }
    /// The final `@name`, if the path selects an attribute.
    public var attribute: Name? { storage.attribute }
    /// Runs `body` on the path's ``Walk`` while its storage is alive; `nil` for a path of another
    /// shape.
    func withWalk<R>(_ body: (Walk) -> R) -> R? {
        guard let walk = storage.walk else { return nil }
        return withExtendedLifetime(storage) { body(walk) }
    }

    /// The compiled path, shared by every copy: mappings hand paths around by value for each
    /// record they read, and a copy is then one reference, not every array and string it holds.
    private let storage: Storage

    private final class Storage: Sendable {
        let description: String
        let isDescendant: Bool
        let isAbsolute: Bool
        let steps: [Step]
        let attribute: Name?
        /// Freed with the storage.
        let walk: Walk?

        /// `upThenDown`: the leading `..` count and the names after them, when the path has that shape.
        init(
            description: String, isDescendant: Bool, isAbsolute: Bool, steps: [Step], attribute: Name?, upThenDown: (ups: Int, names: [Name])?
        ) {
            self.description = description
            self.isDescendant = isDescendant
            self.isAbsolute = isAbsolute
            self.steps = steps
            self.attribute = attribute
            walk = upThenDown.map { ups, names in
                let kept = UnsafeMutableBufferPointer<Name>.allocate(capacity: names.count)
                _ = kept.initialize(from: names)
                let keptAttribute = attribute.map { name in
                    let pointer = UnsafeMutablePointer<Name>.allocate(capacity: 1)
                    pointer.initialize(to: name)
                    return UnsafePointer(pointer)
                }
                return Walk(ups: ups, names: UnsafeBufferPointer(kept), attribute: keptAttribute)
            }
        }

        deinit {
            guard let walk else { return }
            UnsafeMutableBufferPointer(mutating: walk.names).deinitialize().deallocate()
            if let attribute = walk.attribute {
                UnsafeMutablePointer(mutating: attribute).deinitialize(count: 1).deallocate()
            }
        }
    }

    /// A path that could not be compiled.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "XML path '\(path)': \(message)" }
    }

    /// Compiles `text`, resolving prefixes through `namespaces` (prefix → URI).
    public init(_ text: String, namespaces: [String: String] = [:]) throws(SyntaxError) {
        var rest = Substring(text.trimmingWhitespace())
        let isDescendant = rest.hasPrefix("//")
        let isAbsolute = rest.hasPrefix("/")
        while rest.hasPrefix("/") { rest = rest.dropFirst() }
        guard !rest.isEmpty else { throw SyntaxError(path: text, message: "the path is empty") }
        var steps: [Step] = []
        var attribute: Name?
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            if part.isEmpty { throw SyntaxError(path: text, message: "'//' is only allowed at the start") }
            if part == ".." {
                steps.append(.parent)
                continue
            }
            if part == "." {
                steps.append(.current)
                continue
            }
            if part.hasPrefix("@") {
                guard index == parts.count - 1 else {
                    throw SyntaxError(path: text, message: "an attribute (@\(part.dropFirst())) must be the last step")
                }
                attribute = try Self.name(part.dropFirst(), in: text, namespaces: namespaces)
                continue
            }
            steps.append(.child(try Self.name(part, in: text, namespaces: namespaces)))
        }
        let ups = steps.prefix { $0 == .parent }.count
        var names: [Name]? = []
        for step in steps.dropFirst(ups) {
            switch step {
            case .child(let name): names?.append(name)
            case .current: continue
            case .parent: names = nil
            }
        }
        storage = Storage(
            description: text, isDescendant: isDescendant, isAbsolute: isAbsolute, steps: steps, attribute: attribute,
            upThenDown: names.map { (ups, $0) })
        if isAbsolute && (attribute != nil || elementNames.count != steps.count) {
            throw SyntaxError(path: text, message: "a record path (starting with /) may only name elements")
        }
    }

    private static func name(_ part: Substring, in path: String, namespaces: [String: String]) throws(SyntaxError) -> Name {
        let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
        let isNameChar: (Character) -> Bool = { $0.isLetter || $0.isNumber || "_-.*".contains($0) }
        guard pieces.count <= 2, pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isNameChar) }) else {
            throw SyntaxError(path: path, message: "'\(part)' is not an element or attribute name")
        }
        guard pieces.count == 2 else { return Name(local: String(part), namespaceURI: nil) }
        let prefix = String(pieces[0])
        guard let uri = namespaces[prefix] else {
            throw SyntaxError(path: path, message: "the prefix '\(prefix)' is not bound; add it to the namespaces (\(prefix): \"urn:…\")")
        }
        return Name(local: String(pieces[1]), namespaceURI: uri)
    }

    /// The child-step names of an absolute record path (for matching the open-element stack).
    public var elementNames: [Name] {
        steps.compactMap { if case .child(let name) = $0 { return name } else { return nil } }
    }
}

extension String {
    func trimmingWhitespace() -> Substring {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s = s.dropFirst() }
        while let c = s.last, c.isWhitespace { s = s.dropLast() }
        return s
    }
}
