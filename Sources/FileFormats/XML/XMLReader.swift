internal import CLibXML2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams record elements out of an XML file, over libxml2's SAX2 push parser.
///
/// Only the record being read (and the open elements around it) is held in memory, so memory
/// stays flat whatever the file size. Parsing is safe by default: no DTD or external entity is
/// ever loaded (`XML_PARSE_NONET`, never `XML_PARSE_NOENT`), no entity the document declares is
/// ever expanded (a reference to one is refused), and so no entity-expansion bomb can go off.
///
/// ```swift
/// let reader = try XMLReader(path: "stock.xml", options: .init(recordPath: "//Item"))
/// let sku = try XMLPath("@sku")
/// while let item = try reader.next() { print(item.line, item.value(sku) ?? "") }
/// ```
public final class XMLReader {
    public let options: XMLReadOptions
    /// Name of the input for error messages (usually its path).
    public var sourceName: String { source.name }
    /// The first levels of the document as read until the first record: distinct element paths
    /// up to three levels deep (`/Report`, `/Report/Site`, …), at most 30, for messages about a
    /// record path that matches nothing.
    public var outline: [String] { events.pointee.assembly.outline }
    /// Records returned so far.
    public private(set) var recordCount = 0

    private let source: ByteSource
    /// What libxml2's callbacks work on, behind a pointer handed to them as their context: the
    /// parse runs inside `xmlParseChunk`, called from here, and a pointer's memory is reached
    /// without the runtime's exclusivity checks a class property costs on every event.
    private let events: UnsafeMutablePointer<SAXEvents>
    /// The block the input is read into and handed to libxml2 from.
    private let block: UnsafeMutableRawBufferPointer
    /// The whole input has been handed to libxml2.
    private var fedAll = false
    /// The thread ``LibXML2/prepareThread()`` last ran on for this reader.
    private var preparedThread: pthread_t?
    private var finished = false

    /// Opens `path` for streaming.
    public convenience init(path: String, options: XMLReadOptions) throws(FileFormatError) {
        try self.init(source: FileByteSource(path: path), options: options)
    }

    /// Streams from any byte source.
    public init(source: ByteSource, options: XMLReadOptions) throws(FileFormatError) {
        self.options = options
        self.source = source
        let assembly = try XMLRecordAssembly(options: options, sourceName: source.name)
        events = .allocate(capacity: 1)
        events.initialize(to: SAXEvents(assembly: assembly))
        block = .allocate(byteCount: 1 << 16, alignment: 16)
    }

    deinit {
        if let parser = events.pointee.parser {
            // With entity declarations libxml2 keeps them in a document of its own making (its
            // "SAX compatibility mode"), which a push parse leaves to the caller to free.
            if let document = parser.pointee.myDoc {
                xmlFreeDoc(document)
                parser.pointee.myDoc = nil
            }
            xmlFreeParserCtxt(parser)
        }
        events.deinitialize(count: 1)
        events.deallocate()
        block.deallocate()
    }

    /// Returns the next record, or `nil` at the end of the document.
    ///
    /// A malformed document fails with the line and column of the fault; the records before
    /// it have already been returned.
    public func next() throws(FileFormatError) -> XMLRecord? {
        guard !finished else { return nil }
        // libxml2's error hooks are per thread; a task may be resumed on another thread. (A new
        // thread may reuse an ended one's id and so miss this: the cost is libxml2's own messages
        // on standard error, never a lost error — the reader's errors come through its handler.)
        if preparedThread != pthread_self() {
            LibXML2.prepareThread()
            preparedThread = pthread_self()
        }
        while true {
            if let record = events.pointee.assembly.nextPending() {
                recordCount += 1
                return record
            }
            if let failure = events.pointee.assembly.failure {
                finished = true
                throw failure
            }
            if let parser = events.pointee.parser, parser.pointee.wellFormed == 0 {
                finished = true
                throw events.pointee.parseFailure()
            }
            if fedAll {
                finished = true
                return nil
            }
            try feed()
        }
    }

    /// Reads the next block of input and hands it to libxml2 (the whole end, at the end). The
    /// first block holds at least 4 bytes unless the input is shorter: libxml2 detects the
    /// encoding (a UTF-16 byte order mark, say) from them.
    private func feed() throws(FileFormatError) {
        var count = 0
        do throws(FileFormatError) {
            repeat {
                let read = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: block[count...]))
                count += read
                if read == 0 { break }
            } while events.pointee.parser == nil && count < 4
        } catch {
            finished = true
            throw error
        }
        let bytes = block.baseAddress!.assumingMemoryBound(to: CChar.self)
        fedAll = count == 0
        guard let parser = events.pointee.parser else {
            events.pointee.parser = try start(with: bytes, count: count)
            if fedAll { xmlParseChunk(events.pointee.parser, nil, 0, 1) }
            return
        }
        xmlParseChunk(parser, fedAll ? nil : bytes, Int32(count), fedAll ? 1 : 0)
    }

    /// The parser, given the first block (from which libxml2 detects the encoding).
    private func start(with bytes: UnsafePointer<CChar>, count: Int) throws(FileFormatError) -> xmlParserCtxtPtr {
        var handler = saxHandler()
        guard let parser = xmlCreatePushParserCtxt(&handler, UnsafeMutableRawPointer(events), count == 0 ? nil : bytes, Int32(count), source.name)
        else {
            finished = true
            throw FileFormatError(.io, path: source.name, message: "libxml2 could not start reading")
        }
        xmlCtxtUseOptions(parser, Int32(XML_PARSE_NONET.rawValue))
        if let name = options.encoding?.libxml2Name, let encoding = xmlFindCharEncodingHandler(name) {
            xmlSwitchToEncoding(parser, encoding)
        }
        return parser
    }
}

// MARK: - libxml2 plumbing

/// The SAX events of one parse turned into records: the record assembly, the names made
/// `String`s so far, the entities the DTD declares, and the first error libxml2 reported.
private struct SAXEvents {
    var assembly: XMLRecordAssembly
    var parser: xmlParserCtxtPtr?
    private var names: InternedNames
    private var firstIssue: Issue?
    /// Names of the entities the document's DTD declares: a reference to one is refused.
    private var declaredEntities: Set<String> = []
    private var sourceName: String { assembly.sourceName }

    struct Issue {
        var message: String
        var line: Int
        var column: Int
        var forbidden: Bool
    }

    init(assembly: XMLRecordAssembly) {
        self.assembly = assembly
        names = InternedNames(known: Array(assembly.options.namespaces.values))
    }

    /// The line and column libxml2 has read to.
    private var position: (line: Int, column: Int) {
        guard let input = parser?.pointee.input else { return (0, 0) }
        return (Int(input.pointee.line), Int(input.pointee.col))
    }

    mutating func startElement(
        _ localName: UnsafePointer<UInt8>?, _ uri: UnsafePointer<UInt8>?, _ count: Int, _ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?
    ) {
        var attributeList: [XElement.Attribute] = []
        if count > 0, let attributes {
            attributeList.reserveCapacity(count)
            for index in 0..<count {
                // localname, prefix, URI, value, end of value.
                let base = attributes + 5 * index
                guard let start = base[3], let end = base[4] else { continue }
                let value = Self.attributeValue(UnsafeBufferPointer(start: start, count: end - start))
                attributeList.append(
                    .init(name: names.string(base[0], in: parser) ?? "", namespaceURI: names.string(base[2], in: parser), value: value))
                assembly.count(value.utf8.count)
            }
        }
        assembly.startElement(
            name: names.string(localName, in: parser) ?? "", namespaceURI: names.string(uri, in: parser), attributes: attributeList,
            line: position.line)
        stopIfFailed()
    }

    /// An attribute's value as SAX2 hands it over when entities are not replaced: a literal `&`
    /// comes as `&#38;` (any other entity in a value has been refused already).
    private static func attributeValue(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        let escaped = Array("&#38;".utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "&"), bytes.count - index >= escaped.count, bytes[index..<index + escaped.count].elementsEqual(escaped) {
                decoded.append(UInt8(ascii: "&"))
                index += escaped.count
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    mutating func endElement() {
        assembly.endElement()
    }

    mutating func text(_ bytes: UnsafePointer<UInt8>?, _ count: Int, cdata: Bool) {
        guard let bytes, count > 0 else { return }
        assembly.text(UnsafeBufferPointer(start: bytes, count: count), cdata: cdata)
        stopIfFailed()
    }

    mutating func declareEntity(_ name: String) {
        declaredEntities.insert(name)
    }

    /// An entity the DTD declares is refused where it is used (never expanded); an undeclared
    /// one is left to libxml2, which reports it.
    mutating func refuseEntity(_ name: String, evenIfUndeclared: Bool) {
        guard evenIfUndeclared || declaredEntities.contains(name) else { return }
        let (line, column) = position
        assembly.fail(
            FileFormatError(
                .forbiddenXML, path: sourceName, line: line > 0 ? line : nil, column: column > 0 ? column : nil,
                message:
                    "the entity reference &\(name); is refused: joorbridge does not expand entities declared in a DTD, for safety; ask for the file without a DTD"
            ))
        stopIfFailed()
    }

    /// Keeps the first error libxml2 reports.
    mutating func report(_ error: xmlError) {
        guard firstIssue == nil, error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        var message = LibXML2.string(error.message) ?? "XML error \(error.code)"
        message = String(message.trimmingWhitespace())
        let code = error.code
        let forbidden =
            code == Int32(XML_ERR_ENTITY_LOOP.rawValue)
            || code == Int32(XML_IO_NETWORK_ATTEMPT.rawValue) || code == Int32(XML_ERR_EXT_ENTITY_STANDALONE.rawValue)
        if forbidden { message += " (refused for safety)" }
        firstIssue = .init(message: message, line: Int(error.line), column: Int(error.int2), forbidden: forbidden)
    }

    /// The error a malformed document fails with.
    func parseFailure() -> FileFormatError {
        guard let issue = firstIssue else {
            return FileFormatError(.malformedXML, path: sourceName, message: "the XML could not be parsed")
        }
        return FileFormatError(
            issue.forbidden ? .forbiddenXML : .malformedXML, path: sourceName,
            line: issue.line > 0 ? issue.line : nil, column: issue.column > 0 ? issue.column : nil,
            message: issue.message)
    }

    private func stopIfFailed() {
        if assembly.hasFailed, let parser { xmlStopParser(parser) }
    }
}

/// Element and attribute names and namespace URIs, each made a `String` once. libxml2 hands them
/// over from its parser's dictionary, whose strings stay where they are until the parser is
/// freed, so an address stands for its text; only such addresses are kept (checked once, when
/// a name is first seen).
private struct InternedNames {
    private var entries: [(pointer: UnsafePointer<UInt8>, string: String)] = []
    /// The namespace URIs the paths were compiled with: a URI equal to one of them is handed out
    /// as that very `String`, which paths then compare by its storage, not byte by byte.
    let known: [String]

    init(known: [String]) {
        self.known = known
    }

    mutating func string(_ pointer: UnsafePointer<UInt8>?, in parser: xmlParserCtxtPtr?) -> String? {
        guard let pointer else { return nil }
        for entry in entries where entry.pointer == pointer { return entry.string }
        var string = String(cString: pointer)
        if let same = known.first(where: { $0 == string }) { string = same }
        // A document with many distinct names is rare; past 64 they are made each time.
        if entries.count < 64, let dictionary = parser?.pointee.dict, xmlDictOwns(dictionary, pointer) == 1 {
            entries.append((pointer, string))
        }
        return string
    }
}

/// The events of the parse a callback comes from.
private func events(_ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<SAXEvents> {
    context!.assumingMemoryBound(to: SAXEvents.self)
}

/// The SAX2 callbacks: elements, text and CDATA, entity declarations and references, errors.
/// Comments, processing instructions and the DTD's other declarations are not asked for.
private func saxHandler() -> xmlSAXHandler {
    var handler = xmlSAXHandler()
    handler.initialized = XML_SAX2_MAGIC
    handler.startElementNs = { context, localName, _, uri, _, _, attributeCount, _, attributes in
        events(context).pointee.startElement(localName, uri, Int(attributeCount), attributes)
    }
    handler.endElementNs = { context, _, _, _ in events(context).pointee.endElement() }
    handler.characters = { context, bytes, count in events(context).pointee.text(bytes, Int(count), cdata: false) }
    handler.ignorableWhitespace = handler.characters
    handler.cdataBlock = { context, bytes, count in events(context).pointee.text(bytes, Int(count), cdata: true) }
    handler.entityDecl = { context, name, _, _, _, _ in
        if let name = LibXML2.string(name) { events(context).pointee.declareEntity(name) }
    }
    // Declared entities are never handed back, so never expanded: their use is refused.
    handler.getEntity = { context, name in
        if let name = LibXML2.string(name) { events(context).pointee.refuseEntity(name, evenIfUndeclared: false) }
        return nil
    }
    handler.reference = { context, name in
        events(context).pointee.refuseEntity(LibXML2.string(name) ?? "?", evenIfUndeclared: true)
    }
    handler.serror = { context, error in
        guard let context, let error else { return }
        events(context).pointee.report(error.pointee)
    }
    return handler
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
