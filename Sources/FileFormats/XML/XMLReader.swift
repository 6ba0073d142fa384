internal import CLibXML2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams record elements out of an XML file over libxml2's `xmlTextReader`.
///
/// Only the record being read (and the open elements around it) is held in memory, so memory
/// stays flat whatever the file size. Parsing is safe by default: no DTD or external entity is
/// ever loaded (`XML_PARSE_NONET`, never `XML_PARSE_NOENT`), any entity reference other than the
/// five predefined ones is refused, and libxml2's own limits stop entity-expansion bombs.
///
/// ```swift
/// let reader = try XMLReader(path: "stock.xml", options: .init(recordPath: "//Item"))
/// let sku = try XMLPath("@sku")
/// while let item = try reader.next() { print(item.line, item.value(sku) ?? "") }
/// ```
public final class XMLReader {
    public let options: XMLReadOptions
    /// Name of the input for error messages (usually its path).
    public var sourceName: String { io.source.name }

    private let io: ReaderIO
    private var reader: xmlTextReaderPtr?
    private let recordPath: XMLPath
    private let namesToMatch: [XMLPath.Name]
    /// Elements open outside a record, outermost first.
    private var open: [OpenElement] = []
    /// Elements open inside the record being built; empty when not inside a record.
    private var building: [XElement] = []
    private var recordBytes = 0
    /// The thread ``LibXML2/prepareThread()`` last ran on for this reader.
    private var preparedThread: pthread_t?
    private var finished = false
    /// The first levels of the document as read until the first record: distinct element paths
    /// up to three levels deep (`/Report`, `/Report/Site`, …), at most 30, for messages about a
    /// record path that matches nothing.
    public private(set) var outline: [String] = []
    /// ``open``'s elements as the next record's ancestors; `nil` when `open` changed since.
    private var ancestors: [XElement]?
    /// Namespace URIs by the address libxml2 hands them over at (a URI lives with its
    /// declaration, usually the root's), so that the URI every element repeats is made a `String`
    /// once (names are usually short enough, up to 15 bytes, to make a `String` without an
    /// allocation). A hit is compared byte for byte too: an address freed with its declaration may
    /// come back holding other text.
    private var interned: [(pointer: UnsafePointer<xmlChar>, string: String)] = []
    /// Records returned so far.
    public private(set) var recordCount = 0

    private struct OpenElement {
        var element: XElement
        var hasElementChildren = false
    }

    /// Opens `path` for streaming.
    public convenience init(path: String, options: XMLReadOptions) throws(FileFormatError) {
        try self.init(source: FileByteSource(path: path), options: options)
    }

    /// Streams from any byte source.
    public init(source: ByteSource, options: XMLReadOptions) throws(FileFormatError) {
        self.options = options
        do {
            recordPath = try XMLPath(options.recordPath, namespaces: options.namespaces)
        } catch {
            throw FileFormatError(.invalidOptions, path: source.name, message: error.description)
        }
        guard recordPath.attribute == nil, !recordPath.elementNames.isEmpty, recordPath.elementNames.count == recordPath.steps.count else {
            throw FileFormatError(
                .invalidOptions, path: source.name,
                message: "record path '\(options.recordPath)' must name elements only, like /Inventory/Item or //Item")
        }
        namesToMatch = recordPath.elementNames
        io = ReaderIO(source: source)
        LibXML2.prepareThread()
        // CDATA sections arrive as their own nodes (no XML_PARSE_NOCDATA): their line ends are
        // normalized here, as XML 1.0 §2.11 requires and libxml2 does not do inside CDATA.
        let flags = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_COMPACT.rawValue)
        let context = Unmanaged.passUnretained(io).toOpaque()
        reader = xmlReaderForIO(readCallback, nil, context, source.name, options.encoding?.libxml2Name, flags)
        guard let reader else {
            throw FileFormatError(.io, path: source.name, message: "libxml2 could not start reading")
        }
        xmlTextReaderSetStructuredErrorHandler(reader, errorCallback, context)
    }

    deinit {
        if let reader { xmlFreeTextReader(reader) }
    }

    /// Returns the next record, or `nil` at the end of the document.
    ///
    /// A malformed document fails with the line and column of the fault; the records before
    /// it have already been returned.
    public func next() throws(FileFormatError) -> XMLRecord? {
        guard !finished, let reader else { return nil }
        // libxml2's error hooks are per thread; a task may be resumed on another thread. (A new
        // thread may reuse an ended one's id and so miss this: the cost is libxml2's own messages
        // on standard error, never a lost error — the reader's errors come through its handler.)
        if preparedThread != pthread_self() {
            LibXML2.prepareThread()
            preparedThread = pthread_self()
        }
        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 {
                finished = true
                if let error = io.failure { throw error }
                return nil
            }
            if status < 0 {
                finished = true
                throw parseFailure()
            }
            if let record = try handleNode(reader) { return record }
        }
    }

    private func handleNode(_ reader: xmlTextReaderPtr) throws(FileFormatError) -> XMLRecord? {
        switch xmlTextReaderNodeType(reader) {
        case 1:  // element
            var element = XElement(
                name: LibXML2.string(xmlTextReaderConstLocalName(reader)) ?? "",
                namespaceURI: intern(xmlTextReaderConstNamespaceUri(reader)),
                line: Int(xmlGetLineNo(xmlTextReaderCurrentNode(reader))))
            let isEmpty = xmlTextReaderIsEmptyElement(reader) == 1
            while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                let uri = intern(xmlTextReaderConstNamespaceUri(reader))
                if uri == "http://www.w3.org/2000/xmlns/" { continue }
                let value = LibXML2.string(xmlTextReaderConstValue(reader)) ?? ""
                element.attributes.append(.init(name: LibXML2.string(xmlTextReaderConstLocalName(reader)) ?? "", namespaceURI: uri, value: value))
                try count(value.utf8.count, line: element.line)
            }
            xmlTextReaderMoveToElement(reader)
            return try startElement(element, isEmpty: isEmpty)
        case 15:  // end of element
            return try endElement()
        case 3, 4, 13, 14:  // text, CDATA, whitespace
            var text = LibXML2.string(xmlTextReaderConstValue(reader)) ?? ""
            if xmlTextReaderNodeType(reader) == 4 { text = Self.normalizingLineEnds(text) }
            if !building.isEmpty {
                try count(text.utf8.count, line: building[building.count - 1].line)
                building[building.count - 1].text += text
            } else if !open.isEmpty, !open[open.count - 1].hasElementChildren, open[open.count - 1].element.text.utf8.count < 4096 {
                open[open.count - 1].element.text += text
                ancestors = nil
            }
            return nil
        case 5:  // entity reference left unexpanded: refused
            let name = LibXML2.string(xmlTextReaderConstName(reader)) ?? "?"
            finished = true
            throw FileFormatError(
                .forbiddenXML, path: io.source.name, line: Int(xmlTextReaderGetParserLineNumber(reader)),
                column: Int(xmlTextReaderGetParserColumnNumber(reader)),
                message:
                    "the entity reference &\(name); is refused: joorbridge does not expand entities declared in a DTD, for safety; ask for the file without a DTD"
            )
        default:
            return nil
        }
    }

    /// A namespace URI, made a `String` once per address.
    private func intern(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        for entry in interned where entry.pointer == pointer {
            if entry.string.withCString({ xmlStrEqual(pointer, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }) == 1 {
                return entry.string
            }
        }
        let string = String(cString: pointer)
        // A document with many distinct names is rare; past 64 they are made each time.
        if interned.count < 64 { interned.append((pointer, string)) }
        return string
    }

    /// CRLF and lone CR become LF (XML 1.0 §2.11), for CDATA sections, which libxml2 hands over
    /// as written. Text outside CDATA is normalized by libxml2 itself; a `&#13;` there is kept.
    static func normalizingLineEnds(_ text: String) -> String {
        guard text.utf8.contains(13) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var afterCR = false
        for byte in text.utf8 {
            if byte == 10 && afterCR {
                afterCR = false
                continue
            }
            afterCR = byte == 13
            bytes.append(byte == 13 ? 10 : byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func startElement(_ element: XElement, isEmpty: Bool) throws(FileFormatError) -> XMLRecord? {
        if !building.isEmpty {
            building.append(element)
            return isEmpty ? try endElement() : nil
        }
        if !open.isEmpty { open[open.count - 1].hasElementChildren = true }
        open.append(OpenElement(element: element))
        if recordCount == 0 && open.count <= 3 && outline.count < 30 {
            let path = "/" + open.map(\.element.name).joined(separator: "/")
            if !outline.contains(path) { outline.append(path) }
        }
        guard matchesRecordPath() else {
            ancestors = nil
            return isEmpty ? try endElement() : nil
        }
        recordBytes = 0
        building = [element]
        return isEmpty ? try endElement() : nil
    }

    private func endElement() throws(FileFormatError) -> XMLRecord? {
        if let done = building.popLast() {
            if building.isEmpty {
                open.removeLast()
                recordCount += 1
                let enclosing = ancestors ?? open.map(\.element)
                ancestors = enclosing
                return XMLRecord(element: done, ancestors: enclosing)
            }
            building[building.count - 1].children.append(done)
            return nil
        }
        guard let closed = open.popLast() else { return nil }
        ancestors = nil
        // Keep simple elements (text only) for `..` paths from later records.
        if !closed.hasElementChildren, !open.isEmpty, open[open.count - 1].element.children.count < options.maxKeptSiblings {
            open[open.count - 1].element.children.append(closed.element)
        }
        return nil
    }

    private func matchesRecordPath() -> Bool {
        let count = namesToMatch.count
        if recordPath.isDescendant ? open.count < count : open.count != count { return false }
        // Innermost first, and each name read where it is (a copy of an element retains all it holds).
        let offset = open.count - count
        for index in stride(from: count - 1, through: 0, by: -1)
        where !namesToMatch[index].matches(open[offset + index].element.name, open[offset + index].element.namespaceURI) {
            return false
        }
        return true
    }

    private func count(_ bytes: Int, line: Int) throws(FileFormatError) {
        guard !building.isEmpty else { return }
        recordBytes += bytes
        if recordBytes > options.maxRecordBytes {
            finished = true
            throw FileFormatError(
                .limitExceeded, path: io.source.name, line: building.first?.line ?? line,
                message: "a record is larger than \(options.maxRecordBytes) bytes; check the record path (\(options.recordPath))")
        }
    }

    private func parseFailure() -> FileFormatError {
        if let error = io.failure { return error }
        guard let issue = io.firstError else {
            return FileFormatError(.malformedXML, path: io.source.name, message: "the XML could not be parsed")
        }
        return FileFormatError(
            issue.forbidden ? .forbiddenXML : .malformedXML, path: io.source.name,
            line: issue.line > 0 ? issue.line : nil, column: issue.column > 0 ? issue.column : nil,
            message: issue.message)
    }
}

// MARK: - libxml2 plumbing

/// State shared with libxml2's C callbacks: the byte source and the first error reported.
private final class ReaderIO {
    struct Issue {
        var message: String
        var line: Int
        var column: Int
        var forbidden: Bool
    }

    let source: ByteSource
    var failure: FileFormatError?
    var firstError: Issue?

    init(source: ByteSource) { self.source = source }
}

private let readCallback: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<CChar>?, Int32) -> Int32 = { context, buffer, length in
    let io = Unmanaged<ReaderIO>.fromOpaque(context!).takeUnretainedValue()
    do throws(FileFormatError) {
        return Int32(try io.source.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: Int(length))))
    } catch {
        io.failure = error
        return -1
    }
}

private let errorCallback: @convention(c) (UnsafeMutableRawPointer?, xmlErrorPtr?) -> Void = { context, error in
    guard let context, let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
    let io = Unmanaged<ReaderIO>.fromOpaque(context).takeUnretainedValue()
    guard io.firstError == nil else { return }
    var message = LibXML2.string(error.pointee.message) ?? "XML error \(error.pointee.code)"
    message = String(message.trimmingWhitespace())
    let code = error.pointee.code
    let forbidden =
        code == Int32(XML_ERR_ENTITY_LOOP.rawValue)
        || code == Int32(XML_IO_NETWORK_ATTEMPT.rawValue) || code == Int32(XML_ERR_EXT_ENTITY_STANDALONE.rawValue)
    if forbidden { message += " (refused for safety)" }
    io.firstError = .init(message: message, line: Int(error.pointee.line), column: Int(error.pointee.int2), forbidden: forbidden)
}

/// Process-wide libxml2 setup and small conversions.
enum LibXML2 {
    private static let initialised: Void = {
        xmlInitParser()
        joorbridge_xml_refuse_external_entities()
    }()

    /// Initialises libxml2 once, and silences its thread-local default error output.
    static func prepareThread() {
        _ = initialised
        joorbridge_xml_silence_generic_errors()
        xmlSetStructuredErrorFunc(nil, silentStructuredError)
    }

    static func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}

private let silentStructuredError: @convention(c) (UnsafeMutableRawPointer?, xmlErrorPtr?) -> Void = { _, _ in }

extension TextEncoding {
    /// The name libxml2 knows this encoding by.
    var libxml2Name: String {
        switch self {
        case .utf8, .utf8BOM: "UTF-8"
        case .utf16: "UTF-16"
        case .utf16LE: "UTF-16LE"
        case .utf16BE: "UTF-16BE"
        case .windows1252: "WINDOWS-1252"
        case .isoLatin1: "ISO-8859-1"
        }
    }
}
