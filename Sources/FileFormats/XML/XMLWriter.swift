internal import CLibXML2

/// How an XML file is written.
public struct XMLWriteOptions: Sendable, Equatable {
    /// Indent nested elements (one element per line).
    public var indent = true
    /// The indentation unit.
    public var indentString = "  "
    /// The declared and produced encoding: UTF-8, or a single-byte code page (characters it
    /// lacks are written as character references such as `&#8364;`).
    public var encoding: TextEncoding = .utf8
    /// The encodings an XML file can be written in.
    public static let encodings: [TextEncoding] = [.utf8, .windows1252, .isoLatin1]
    /// Replace characters that XML 1.0 forbids (control characters) with a space instead of failing.
    public var replaceInvalidCharacters = false

    public init() {}
}

/// Writes XML to a ``ByteSink`` as it goes, over libxml2's `xmlTextWriter`, which does all escaping.
///
/// ```swift
/// let xml = try XMLWriter(sink: sink)
/// try xml.startDocument()
/// try xml.startElement("Order"); try xml.attribute("id", "42")
/// try xml.element("PO", text: "HLB-PO-4471")
/// try xml.endElement()
/// try xml.endDocument()
/// ```
public final class XMLWriter {
    public let options: XMLWriteOptions
    private let io: WriterIO
    private var writer: xmlTextWriterPtr?
    private var openElements: [String] = []

    public init(sink: ByteSink, options: XMLWriteOptions = .init()) throws(FileFormatError) {
        self.options = options
        io = WriterIO(sink: sink)
        LibXML2.prepareThread()
        try options.encoding.require(XMLWriteOptions.encodings, for: "XML output", path: sink.name)
        // No encoder here: `startDocument` names the encoding and libxml2 installs its own handler
        // then, replacing (and never freeing) one given to the buffer — 65 KB of iconv state per
        // windows-1252 file, found with AddressSanitizer.
        let context = Unmanaged.passUnretained(io).toOpaque()
        guard let buffer = xmlOutputBufferCreateIO(writeCallback, nil, context, nil),
            let writer = xmlNewTextWriter(buffer)
        else {
            throw FileFormatError(.io, path: sink.name, message: "libxml2 could not start writing")
        }
        self.writer = writer
        if options.indent {
            xmlTextWriterSetIndent(writer, 1)
            xmlTextWriterSetIndentString(writer, options.indentString)
        }
    }

    deinit {
        if let writer { xmlFreeTextWriter(writer) }
    }

    /// Writes the XML declaration with the encoding.
    public func startDocument() throws(FileFormatError) {
        try check(xmlTextWriterStartDocument(writer, "1.0", options.encoding.libxml2Name, nil), "start the document")
    }

    /// Opens an element; `name` may carry a prefix (`wms:Order`) declared with ``namespace(prefix:uri:)``.
    public func startElement(_ name: String) throws(FileFormatError) {
        try validateName(name)
        try check(xmlTextWriterStartElement(writer, name), "start element <\(name)>")
        openElements.append(name)
    }

    /// Declares a namespace on the element just opened (`xmlns:prefix="uri"`, or `xmlns` when prefix is empty).
    public func namespace(prefix: String, uri: String) throws(FileFormatError) {
        try attribute(prefix.isEmpty ? "xmlns" : "xmlns:\(prefix)", uri)
    }

    /// Adds an attribute to the element just opened (escaped by libxml2).
    public func attribute(_ name: String, _ value: String) throws(FileFormatError) {
        try validateName(name)
        let clean = try cleaned(value, field: "\(openElements.last ?? "")/@\(name)")
        try check(xmlTextWriterWriteAttribute(writer, name, clean), "write attribute \(name)")
    }

    /// Writes text inside the current element (escaped by libxml2).
    public func text(_ value: String) throws(FileFormatError) {
        let clean = try cleaned(value, field: openElements.last ?? "")
        try check(xmlTextWriterWriteString(writer, clean), "write text")
    }

    /// Closes the innermost open element.
    public func endElement() throws(FileFormatError) {
        guard let name = openElements.popLast() else {
            throw FileFormatError(.invalidWriterState, path: io.sink.name, message: "endElement() without an open element")
        }
        try check(xmlTextWriterEndElement(writer), "end element </\(name)>")
    }

    /// Writes `<name>text</name>` in one call.
    public func element(_ name: String, text value: String) throws(FileFormatError) {
        try startElement(name)
        try text(value)
        try endElement()
    }

    /// Closes every open element, ends the document and flushes to the sink.
    public func endDocument() throws(FileFormatError) {
        openElements.removeAll()
        try check(xmlTextWriterEndDocument(writer), "end the document")
        try flush()
    }

    /// Pushes what libxml2 has buffered into the sink.
    public func flush() throws(FileFormatError) {
        try check(xmlTextWriterFlush(writer), "flush")
        try io.sink.flush()
    }

    private func check(_ result: Int32, _ what: String) throws(FileFormatError) {
        if let failure = io.failure { throw failure }
        if result < 0 {
            throw FileFormatError(.invalidWriterState, path: io.sink.name, message: "libxml2 could not \(what)")
        }
    }

    private func validateName(_ name: String) throws(FileFormatError) {
        if let problem = Self.nameProblem(name) { throw FileFormatError(.invalidOptions, path: io.sink.name, message: problem) }
    }

    /// Why `name` cannot name an element or attribute, or `nil` when it can (letters, digits,
    /// `_`, `-`, `.`, `:`, not starting with a digit, `-` or `.`).
    public static func nameProblem(_ name: String) -> String? {
        let valid =
            !name.isEmpty
            && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.:".unicodeScalars.contains($0) }
            && !(name.first!.isNumber || name.first == "-" || name.first == ".")
        return valid ? nil : "'\(name)' is not a valid XML name; use letters, digits, '_', '-', '.' and start with a letter"
    }

    /// Why `value` cannot be written as text or an attribute value with `options`, or `nil` when
    /// it can: XML 1.0 allows no control character but tab and line breaks, which
    /// `replace_invalid_characters` turns into spaces instead.
    public static func textProblem(_ value: String, options: XMLWriteOptions) -> String? {
        guard !options.replaceInvalidCharacters, let bad = value.unicodeScalars.first(where: { !allowed($0) }) else { return nil }
        return
            "the control character U+\(String(bad.value, radix: 16, uppercase: true)) cannot appear in XML; remove it at the source or set replace_invalid_characters"
    }

    private static func allowed(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0x20 ? !(0xFFFE...0xFFFF).contains(s.value) : (s == "\t" || s == "\n" || s == "\r")
    }

    /// Control characters are not allowed anywhere in XML 1.0.
    private func cleaned(_ value: String, field: String) throws(FileFormatError) -> String {
        guard !value.unicodeScalars.allSatisfy(Self.allowed) else { return value }
        if let problem = Self.textProblem(value, options: options) {
            throw FileFormatError(.unrepresentableCharacter, path: io.sink.name, field: field, message: problem)
        }
        return String(String.UnicodeScalarView(value.unicodeScalars.map { Self.allowed($0) ? $0 : " " }))
    }
}

private final class WriterIO {
    let sink: ByteSink
    var failure: FileFormatError?

    init(sink: ByteSink) { self.sink = sink }
}

private let writeCallback: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int32) -> Int32 = { context, buffer, length in
    let io = Unmanaged<WriterIO>.fromOpaque(context!).takeUnretainedValue()
    do throws(FileFormatError) {
        try io.sink.write(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
        return length
    } catch {
        io.failure = error
        return -1
    }
}
