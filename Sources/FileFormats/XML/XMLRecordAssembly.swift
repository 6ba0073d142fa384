#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds records out of the events of a streaming XML parse: keeps the elements open around the
/// record being built, the record's subtree, and what later records may read through `..`.
///
/// ``XMLReader`` drives it from libxml2's SAX callbacks; records are queued in ``pending`` until
/// the reader hands them out, so that a block of input may complete several.
struct XMLRecordAssembly {
    let options: XMLReadOptions
    let sourceName: String
    private let recordPath: XMLPath
    private let namesToMatch: [XMLPath.Name]

    /// Records completed and not yet handed out, oldest first from ``pendingStart``.
    private var pending: [XMLRecord?] = []
    private var pendingStart = 0
    /// A failure found while building (a record too large, a refused entity); the parse is
    /// stopped when it is set, and it is thrown once the records before it are handed out.
    private(set) var failure: FileFormatError?
    /// `failure != nil`, without copying the error: it is asked after every event, and deriving
    /// it from `failure` made the reader about 20 % slower (0.38 → 0.46 s for 500 k items).
    private(set) var hasFailed = false
    /// Records completed so far (handed out or pending).
    private(set) var completed = 0
    /// The first levels of the document as read until the first record (see ``XMLReader/outline``).
    private(set) var outline: [String] = []

    /// Elements open outside a record, outermost first.
    private var open: [OpenElement] = []
    /// Elements open inside the record being built; empty when not inside a record.
    private var building: [XElement] = []
    private var recordBytes = 0
    /// ``open``'s elements as the next record's ancestors; `nil` when `open` changed since.
    private var ancestors: [XElement]?
    /// Text read and not yet handed to its element: each element's own text from
    /// ``textStarts``' entry for it on (its children's is handed over when they end). A record's
    /// elements get theirs as one `String` when they end.
    private var textBytes: [UInt8] = []
    /// Where each open element's text starts in ``textBytes``, outermost first.
    private var textStarts: [Int] = []
    /// The last long text made a `String`, to be handed out again for the same bytes (the
    /// whitespace between the children of each record is usually the same).
    private var textCache: (bytes: [UInt8], string: String) = ([], "")
    /// The last CDATA block ended in a CR: an LF starting the next block belongs to it (libxml2
    /// hands a long CDATA section over in blocks of 300 bytes).
    private var cdataEndedInCR = false

    private struct OpenElement {
        var element: XElement
        var hasElementChildren = false
    }

    init(options: XMLReadOptions, sourceName: String) throws(FileFormatError) {
        self.options = options
        self.sourceName = sourceName
        do {
            recordPath = try XMLPath(options.recordPath, namespaces: options.namespaces)
        } catch {
            throw FileFormatError(.invalidOptions, path: sourceName, message: error.description)
        }
        guard recordPath.attribute == nil, !recordPath.elementNames.isEmpty, recordPath.elementNames.count == recordPath.steps.count else {
            throw FileFormatError(
                .invalidOptions, path: sourceName,
                message: "record path '\(options.recordPath)' must name elements only, like /Inventory/Item or //Item")
        }
        namesToMatch = recordPath.elementNames
    }

    /// The oldest pending record, removed from the queue.
    mutating func nextPending() -> XMLRecord? {
        guard pendingStart < pending.count else { return nil }
        let record = pending[pendingStart].take()
        pendingStart += 1
        if pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
        }
        return record
    }

    /// Records the first failure; the caller stops the parse.
    mutating func fail(_ error: FileFormatError) {
        guard !hasFailed else { return }
        failure = error
        hasFailed = true
    }

    // MARK: - Events

    /// Deepest nesting accepted, libxml2's own default (its push parser does not check it): a
    /// record's subtree is walked recursively, and no real export nests this deep.
    static let maxDepth = 256

    /// An element starts. Its parts are passed, not an `XElement`: a large struct passed to a
    /// function was copied and the original destroyed (five reference counts each way), and the
    /// element is made here, where it is kept.
    mutating func startElement(name: String, namespaceURI: String?, attributes: [XElement.Attribute], line: Int) {
        cdataEndedInCR = false
        // Outside a record, the text before an element's first child is all it keeps, and must
        // be there for the records inside it.
        if building.isEmpty, !open.isEmpty, let text = takeText() {
            Self.append(text, to: &open[open.count - 1].element.text)
            ancestors = nil
        }
        textStarts.append(textBytes.count)
        guard open.count + building.count < Self.maxDepth else {
            fail(
                FileFormatError(
                    .malformedXML, path: sourceName, line: line,
                    message: "elements are nested deeper than \(Self.maxDepth) levels; this is not a stock or product export"))
            return
        }
        if !building.isEmpty {
            building.append(XElement(name: name, namespaceURI: namespaceURI, attributes: attributes, line: line))
            return
        }
        if !open.isEmpty { open[open.count - 1].hasElementChildren = true }
        // Its name first: a record's entry stands only for its depth and name (it is built in
        // `building`); any other element is kept whole, for the records inside it.
        open.append(OpenElement(element: XElement(name: name, namespaceURI: namespaceURI, line: line)))
        if completed == 0 && open.count <= 3 && outline.count < 30 {
            let path = "/" + open.map(\.element.name).joined(separator: "/")
            if !outline.contains(path) { outline.append(path) }
        }
        guard matchesRecordPath() else {
            open[open.count - 1].element.attributes = attributes
            ancestors = nil
            return
        }
        recordBytes = 0
        building.append(XElement(name: name, namespaceURI: namespaceURI, attributes: attributes, line: line))
    }

    mutating func endElement() {
        cdataEndedInCR = false
        let text = takeText()
        textStarts.removeLast()
        if !building.isEmpty {
            if let text { building[building.count - 1].text = text }
            let done = building.removeLast()
            if building.isEmpty {
                open.removeLast()
                completed += 1
                let enclosing = ancestors ?? open.map(\.element)
                ancestors = enclosing
                pending.append(XMLRecord(element: done, ancestors: enclosing))
            } else {
                // Room for a few children at once: most record elements have several, and
                // growing from one at a time reallocated the array.
                if building[building.count - 1].children.isEmpty { building[building.count - 1].children.reserveCapacity(4) }
                building[building.count - 1].children.append(done)
            }
            return
        }
        guard var closed = open.popLast() else { return }
        if let text { Self.append(text, to: &closed.element.text) }
        ancestors = nil
        // Keep simple elements (text only) for `..` paths from later records.
        if !closed.hasElementChildren, !open.isEmpty, open[open.count - 1].element.children.count < options.maxKeptSiblings {
            open[open.count - 1].element.children.append(closed.element)
        }
    }

    /// Text or whitespace, or with `cdata` a CDATA block (its line ends normalized here, as
    /// XML 1.0 §2.11 requires and libxml2 does not do inside CDATA).
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, cdata: Bool) {
        if building.isEmpty {
            // Outside records only the text of simple elements is kept (for `..` paths), up to 4 KiB.
            guard !open.isEmpty, !open[open.count - 1].hasElementChildren,
                open[open.count - 1].element.text.utf8.count + textBytes.count < 4096
            else { return }
        } else {
            count(bytes.count)
        }
        guard cdata else {
            cdataEndedInCR = false
            textBytes.append(contentsOf: bytes)
            return
        }
        for (index, byte) in bytes.enumerated() {
            if byte == 10, index == 0 ? cdataEndedInCR : bytes[index - 1] == 13 { continue }
            textBytes.append(byte == 13 ? 10 : byte)
        }
        cdataEndedInCR = bytes.last == 13
    }

    /// The innermost element's text read so far, taken out of ``textBytes``.
    private mutating func takeText() -> String? {
        let start = textStarts.last ?? 0
        guard textBytes.count > start else { return nil }
        let text: String
        let count = textBytes.count - start
        if count <= 15 {  // a small string: made without an allocation
            text = String(decoding: textBytes[start...], as: UTF8.self)
        } else if Self.equal(textBytes[start...], textCache.bytes) {
            text = textCache.string
        } else {
            text = String(decoding: textBytes[start...], as: UTF8.self)
            textCache = (Array(textBytes[start...]), text)
        }
        textBytes.removeSubrange(start...)
        return text
    }

    private static func equal(_ a: ArraySlice<UInt8>, _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { a in b.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 } }
    }

    private static func append(_ text: String, to existing: inout String) {
        if existing.isEmpty { existing = text } else { existing += text }
    }

    /// Counts attribute or text bytes against the record size limit.
    mutating func count(_ bytes: Int) {
        guard !building.isEmpty else { return }
        recordBytes += bytes
        if recordBytes > options.maxRecordBytes {
            fail(
                FileFormatError(
                    .limitExceeded, path: sourceName, line: building[0].line,
                    message: "a record is larger than \(options.maxRecordBytes) bytes; check the record path (\(options.recordPath))"))
        }
    }

    private func matchesRecordPath() -> Bool {
        let count = namesToMatch.count
        if recordPath.isDescendant ? open.count < count : open.count != count { return false }
        // Innermost first, and each name read where it is (a copy of an element retains all it holds).
        let offset = open.count - count
        return namesToMatch.withUnsafeBufferPointer { names in
            for index in stride(from: count - 1, through: 0, by: -1)
            where !XMLPath.Name.matches(
                names.baseAddress! + index, open[offset + index].element.name, namespace: open[offset + index].element.namespace)
            {
                return false
            }
            return true
        }
    }
}
