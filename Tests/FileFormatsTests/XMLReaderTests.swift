import Foundation
import TestSupport
import Testing

@testable import FileFormats

func readAllXML(_ reader: XMLReader) throws -> [XMLRecord] {
    var records: [XMLRecord] = []
    while let record = try reader.next() { records.append(record) }
    return records
}

@Suite("XML reader")
struct XMLReaderTests {
    /// `value(_:)` walks to the first match without building the selection; on every path over
    /// a record with repeated, nested, namespaced and attributed elements it must give
    /// `values(_:).first`.
    @Test func firstValueIsTheFirstOfAllValues() throws {
        let leaf = { (name: String, text: String, attributes: [XElement.Attribute]) in
            XElement(name: name, attributes: attributes, text: text)
        }
        let record = XMLRecord(
            element: XElement(
                name: "Item", attributes: [.init(name: "sku", value: "17")],
                children: [
                    leaf("Qty", "", [.init(name: "uom", value: "")]), leaf("Qty", "5", [.init(name: "uom", value: "EA")]),
                    XElement(
                        name: "Lines",
                        children: [
                            XElement(name: "Line", children: [leaf("Qty", "1", [])]),
                            XElement(name: "Line", attributes: [.init(name: "n", value: "2")]),
                        ]),
                    XElement(name: "Qty", namespaceURI: "urn:x", text: "9"),
                ]),
            ancestors: [
                XElement(name: "Report", attributes: [.init(name: "date", value: "d")]),
                XElement(name: "Site", attributes: [.init(name: "code", value: "HH")], children: [leaf("Name", "Hamburg", [])]),
            ])
        let paths = [
            "@sku", "@none", "Qty", "Qty/@uom", "x:Qty", "Lines/Line", "Lines/Line/Qty", "Lines/Line/@n", "../@code", "../Name", "../../@date",
            "../../../@date",
            "./Qty", "Lines/../Qty", "Lines/Line/../@sku", "../Name/@x", "Missing", "Lines/Missing/@n",
        ]
        for text in paths {
            let path = try XMLPath(text, namespaces: ["x": "urn:x"])
            #expect(record.value(path) == record.values(path).first, "\(text)")
        }
        #expect(record.value(try XMLPath("Qty/@uom")) == "", "the first Qty has an empty uom")
        #expect(record.value(try XMLPath("Lines/Line/@n")) == "2", "the first Line with the attribute")
    }

    /// XML has no empty namespace name (`xmlns=""` means none), and the element keeps "none" as
    /// an empty URI: both spellings are the same element, and a prefixed path matches neither.
    @Test func anEmptyNamespaceURIIsNone() throws {
        let empty = XElement(name: "Qty", namespaceURI: "", text: "5")
        #expect(empty.namespaceURI == nil)
        #expect(empty == XElement(name: "Qty", text: "5"))
        var moved = XElement(name: "Qty", namespaceURI: "urn:x", text: "5")
        #expect(moved.namespaceURI == "urn:x")
        moved.namespaceURI = nil
        #expect(moved == empty)
        let record = XMLRecord(element: XElement(name: "Item", children: [empty]))
        #expect(record.value(try XMLPath("Qty")) == "5")
        #expect(record.value(try XMLPath("x:Qty", namespaces: ["x": "urn:x"])) == nil)
    }

    static let wms = ["wms": "urn:example:wms:inventory:1"]

    @Test func namespacedRecordsWithAttributesCDATAAndComments() throws {
        let reader = try XMLReader(
            path: fixture("xml/inventory-namespaced.xml"),
            options: .init(recordPath: "/wms:InventoryReport/wms:Site/wms:Item", namespaces: Self.wms))
        let items = try readAllXML(reader)
        #expect(items.count == 3)
        let sku = try XMLPath("@sku")
        let qty = try XMLPath("wms:Qty", namespaces: Self.wms)
        let uom = try XMLPath("Qty/@uom")
        let site = try XMLPath("../@code")
        let siteName = try XMLPath("../Name")
        let description = try XMLPath("Description")
        let receipt = try XMLPath("NextReceipt/@date")
        #expect(items.map { $0.value(sku) } == ["000000000017", "000000000024", "000000000031"])
        #expect(items.map { $0.value(qty) } == ["42", "  18 ", "0"])
        #expect(items[0].value(uom) == "EA")
        #expect(items.map { $0.value(site) } == ["HH", "HH", "MUC"])
        #expect(items.map { $0.value(siteName) } == ["Hamburg Süd", "Hamburg Süd", "München"])
        #expect(items[0].value(description) == "Linen <Field> Shirt & more")
        #expect(items[1].value(description) == "Mixed\n        whitespace")
        #expect(items[0].value(receipt) == "2025-09-15")
        #expect(items[1].value(receipt) == nil)
        #expect(items.map(\.line) == [6, 12, 20])
        #expect(try XMLPath("../../@generated").description == "../../@generated")
        #expect(items[2].value(try XMLPath("../../@generated")) == "2025-06-01T04:00:00Z")
    }

    /// XML 1.0 §2.11: CR and CRLF become LF, inside CDATA as everywhere else; `&#13;` is kept.
    @Test func lineEndsInsideCDATAAreNormalizedLikeTheRestOfTheDocument() throws {
        let text = "<R><Item><Note><![CDATA[one\r\ntwo\rthree\n]]></Note><Plain>a\r\nb&#13;c</Plain></Item></R>"
        let items = try readAllXML(XMLReader(source: MemoryByteSource(text), options: .init(recordPath: "//Item")))
        #expect(items.count == 1)
        #expect(items.first?.value(try XMLPath("Note")) == "one\ntwo\nthree\n")
        #expect(items.first?.value(try XMLPath("Plain")) == "a\nb\rc", "a character reference is a deliberate CR")
    }

    /// When a long CDATA section's end has not arrived yet, libxml2 hands what it has over in
    /// blocks of 300 bytes: a CRLF split between two blocks is still one line end.
    @Test func lineEndsInLongCDATASectionsAreNormalizedAcrossBlocks() throws {
        for offset in 295..<305 {
            let body = String(repeating: "x", count: offset) + "\r\n" + String(repeating: "y\r\n", count: 200) + "z\r"
            let text = "<R><Item><Note><![CDATA[\(body)]]></Note></Item></R>"
            let expected = String(repeating: "x", count: offset) + "\n" + String(repeating: "y\n", count: 200) + "z\n"
            for size in [1, 50, 1 << 16] {
                let items = try readAllXML(XMLReader(source: PieceByteSource(Array(text.utf8), size: size), options: .init(recordPath: "//Item")))
                #expect(items.first?.value(try XMLPath("Note")) == expected, "CRLF after \(offset) bytes, read \(size) bytes at a time")
            }
        }
    }

    /// Attribute values come out as written, references decoded (a literal `&` reaches the SAX2
    /// callbacks as `&#38;`).
    @Test func attributeValuesDecodeReferences() throws {
        let text = #"<R><Item a="x &amp; y" b="&#38;&#38;#38;" c="&lt;&#x41;&gt;" d="&amp;amp;" e="tab&#9;end"/></R>"#
        let item = try #require(try readAllXML(XMLReader(source: MemoryByteSource(text), options: .init(recordPath: "//Item"))).first)
        #expect(item.element.attributes.map(\.value) == ["x & y", "&&#38;", "<A>", "&amp;", "tab\tend"])
    }

    /// An entity the document declares is refused wherever it is used, in an attribute too.
    @Test func aDeclaredEntityInAnAttributeIsRefused() throws {
        let text = #"<!DOCTYPE R [<!ENTITY brand "ACME">]><R><Item name="&brand; shirt"/></R>"#
        let reader = try XMLReader(source: MemoryByteSource(text), options: .init(recordPath: "//Item"))
        let error = #expect(throws: FileFormatError.self) { _ = try readAllXML(reader) }
        #expect(error?.kind == .forbiddenXML)
        #expect(error?.message.contains("&brand;") == true)
        #expect(error?.location.line == 1)
    }

    /// libxml2 holds input it cannot parse yet (a start tag whose `>` has not come) up to 10 MB,
    /// then fails: a never-ending tag cannot make the reader hold the whole file.
    @Test func aNeverEndingStartTagFailsWithoutHoldingTheFile() throws {
        // Made as it is read: 64 MB held here would raise the peak memory other suites measure.
        let source = RepeatedByteSource(prefix: Array("<R><Item note=\"".utf8), repeating: UInt8(ascii: "x"), count: 64 << 20)
        let reader = try XMLReader(source: source, options: .init(recordPath: "//Item"))
        let error = #expect(throws: FileFormatError.self) { _ = try readAllXML(reader) }
        #expect(error?.kind == .malformedXML)
        #expect(source.offset < 12 << 20, "read \(source.offset) bytes of an unfinished tag before failing")
    }

    /// Records far down a large file keep their own line (libxml2's tree stores at most 65535).
    @Test func recordsPastLine65535KeepTheirLines() throws {
        var text = "<R>\n"
        for index in 0..<70_000 { text += "<Item n=\"\(index)\"/>\n" }
        text += "</R>\n"
        let items = try readAllXML(XMLReader(source: MemoryByteSource(text), options: .init(recordPath: "//Item")))
        #expect(items.count == 70_000)
        #expect(items.last?.line == 70_001)
        #expect(items.map(\.line) == Array(2...70_001))
    }

    /// The input is handed to libxml2 in blocks: records, text and names cut at any byte come out
    /// the same as from one block.
    @Test func recordsCutAcrossBlocksComeOutWhole() throws {
        let text = try String(contentsOfFile: fixture("xml/inventory-namespaced.xml"), encoding: .utf8)
        let options = XMLReadOptions(recordPath: "/wms:InventoryReport/wms:Site/wms:Item", namespaces: Self.wms)
        let whole = try readAllXML(XMLReader(source: MemoryByteSource(text), options: options))
        #expect(whole.count == 3)
        for size in [1, 2, 3, 7, 64] {
            let pieces = try readAllXML(XMLReader(source: PieceByteSource(Array(text.utf8), size: size), options: options))
            #expect(pieces == whole, "\(size)-byte pieces")
        }
    }

    /// libxml2 tells UTF-16 by its byte order mark: the reader reads on until it has the first
    /// four bytes, however few a source hands over at a time.
    @Test func utf16IsReadWhateverTheFirstReadHolds() throws {
        let text = "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-16\"?><R><Item sku=\"Größe €\">5</Item><Item sku=\"b\">6</Item></R>"
        let bytes = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        for size in [1, 3, 1 << 16] {
            let items = try readAllXML(XMLReader(source: PieceByteSource(bytes, size: size), options: .init(recordPath: "//Item")))
            #expect(items.map { $0.element.attributes.first?.value } == ["Größe €", "b"], "\(size) bytes at a time")
            #expect(items.map(\.element.text) == ["5", "6"], "\(size) bytes at a time")
        }
    }

    @Test func descendantRecordPathAndWrongNamespaceMatchesNothing() throws {
        let any = try readAllXML(XMLReader(path: fixture("xml/inventory-namespaced.xml"), options: .init(recordPath: "//Item")))
        #expect(any.count == 3)
        let other = try readAllXML(
            XMLReader(
                path: fixture("xml/inventory-namespaced.xml"),
                options: .init(recordPath: "//x:Item", namespaces: ["x": "urn:other"])))
        #expect(other.isEmpty)
    }

    @Test func repeatedGroupsReachTheirEnclosingRecord() throws {
        let orders = try readAllXML(XMLReader(path: fixture("xml/order-lines.xml"), options: .init(recordPath: "/Orders/Order")))
        #expect(orders.count == 2)
        let lines = orders[0].records(try XMLPath("Lines/Line"))
        #expect(lines.map { $0.value(try! XMLPath("SKU")) } == ["A", "B"])
        #expect(lines.map { $0.value(try! XMLPath("Qty")) } == ["1", "2"])
        #expect(lines[1].value(try XMLPath("../../PO")) == "PO-1")
        #expect(lines[1].value(try XMLPath("../../@id")) == "1")
        #expect(orders[1].records(try XMLPath("Lines/Line")).isEmpty)
        #expect(orders[0].values(try XMLPath("Lines/Line/SKU")) == ["A", "B"])
    }

    /// The reader reuses one ancestors array for the records of an enclosing element: it must
    /// change when a new enclosing element starts, or when a simple sibling is kept in between
    /// (seen failing with the reuse never invalidated: every record read the first site's code).
    @Test func recordsSeeTheirOwnEnclosingElements() throws {
        let text = """
            <Report>
              <Site code="HH"><Name>Hamburg</Name>
                <Item sku="1"/><Item sku="2"/>
                <Note>late</Note>
                <Item sku="3"/>
              </Site>
              <Site code="MUC"><Item sku="4"/></Site>
            </Report>
            """
        let items = try readAllXML(XMLReader(source: MemoryByteSource(text), options: .init(recordPath: "/Report/Site/Item")))
        #expect(items.map { $0.value(try! XMLPath("@sku")) } == ["1", "2", "3", "4"])
        #expect(items.map { $0.value(try! XMLPath("../@code")) } == ["HH", "HH", "HH", "MUC"])
        #expect(items.map { $0.value(try! XMLPath("../Name")) } == ["Hamburg", "Hamburg", "Hamburg", nil])
        #expect(items.map { $0.value(try! XMLPath("../Note")) } == [nil, nil, "late", nil])
    }

    /// With a descendant record path, records sit at different depths: the shared ancestors
    /// array must be renewed when an element that is not a record opens (seen failing with that
    /// renewal removed: the grouped item saw the site as its parent).
    @Test func recordsAtDifferentDepthsSeeTheirOwnEnclosingElements() throws {
        let text = """
            <Site code="HH"><Item sku="1"/><Group code="G"><Item sku="2"/></Group><Item sku="3"/></Site>
            """
        let items = try readAllXML(XMLReader(source: MemoryByteSource(text), options: .init(recordPath: "//Item")))
        #expect(items.map { $0.value(try! XMLPath("@sku")) } == ["1", "2", "3"])
        #expect(items.map { $0.value(try! XMLPath("../@code")) } == ["HH", "G", "HH"])
        #expect(items.map { $0.value(try! XMLPath("../../@code")) } == [nil, "HH", nil])
    }

    @Test func declaredWindows1252IsDecoded() throws {
        let items = try readAllXML(XMLReader(path: fixture("xml/windows-1252.xml"), options: .init(recordPath: "//Item")))
        #expect(items.first?.value(try XMLPath("Name")) == "Café €")
    }

    @Test func truncatedFileFailsWithALineAfterDeliveringEarlierRecords() throws {
        let reader = try XMLReader(path: fixture("xml/truncated.xml"), options: .init(recordPath: "/Inventory/Item"))
        var skus: [String] = []
        let error = #expect(throws: FileFormatError.self) {
            while let item = try reader.next() { skus.append(item.value(try! XMLPath("SKU")) ?? "") }
        }
        #expect(skus == ["1", "2", "3"])
        #expect(error?.kind == .malformedXML)
        #expect(error?.location.line == 6)
        #expect(error?.location.column != nil)
        #expect(try reader.next() == nil, "a failed reader stays finished")
    }

    @Test func malformedXMLNamesLineAndColumn() throws {
        // libxml2's reader parses 512-byte chunks ahead of what it hands out, so a fault in the
        // middle of a file stops delivery up to one chunk early; everything before that arrives.
        let good = (1...20).map { "  <Item><SKU>\($0)</SKU><Name>A reasonably long item name</Name></Item>\n" }.joined()
        let source = MemoryByteSource("<Inventory>\n\(good)  <Item><SKU>21</Qty></Item>\n</Inventory>", name: "stock.xml")
        let reader = try XMLReader(source: source, options: .init(recordPath: "//Item"))
        var delivered = 0
        let error = #expect(throws: FileFormatError.self) { while try reader.next() != nil { delivered += 1 } }
        #expect(delivered >= 12 && delivered <= 20)
        #expect(error?.location.line == 22)
        #expect(error?.description.hasPrefix("stock.xml:22:") == true)
        #expect(error?.message.contains("mismatch") == true)
    }

    // MARK: Hostile input

    @Test("External entities never leak local files", arguments: ["xml/xxe-file.xml", "xml/xxe-parameter.xml", "xml/xxe-http.xml"])
    func externalEntitiesAreNotResolved(file: String) throws {
        let passwd = (try? String(contentsOfFile: "/etc/passwd", encoding: .utf8)) ?? "root:x:0:0"
        let firstLine = String(passwd.split(separator: "\n").first ?? "root:")
        let reader = try XMLReader(path: fixture(file), options: .init(recordPath: "//Item"))
        var seen: [String] = []
        do {
            while let item = try reader.next() {
                seen.append(item.element.text)
                seen += item.element.children.map(\.text)
            }
        } catch {
            seen.append(error.description)
            #expect(error.kind == .forbiddenXML || error.kind == .malformedXML)
        }
        #expect(!seen.joined().contains(firstLine), "content of /etc/passwd leaked")
        #expect(!seen.joined().contains("root:"))
    }

    @Test func xxeFileEntityIsRefusedWithAClearError() throws {
        let reader = try XMLReader(path: fixture("xml/xxe-file.xml"), options: .init(recordPath: "//Item"))
        let error = #expect(throws: FileFormatError.self) { _ = try readAllXML(reader) }
        #expect(error?.kind == .forbiddenXML)
        #expect(error?.message.contains("&secret;") == true)
    }

    @Test("Entity bombs fail fast with bounded memory", arguments: ["xml/billion-laughs.xml", "xml/quadratic-blowup.xml"])
    func entityBombsFailFast(file: String) throws {
        let before = peakResidentBytes()
        let started = Date()
        let reader = try XMLReader(path: fixture(file), options: .init(recordPath: "//Item"))
        let error = #expect(throws: FileFormatError.self) { _ = try readAllXML(reader) }
        #expect(error?.kind == .forbiddenXML || error?.kind == .malformedXML)
        #expect(Date().timeIntervalSince(started) < 20, "must fail fast, not expand (expanding takes minutes and gigabytes)")
        #expect(peakResidentBytes() - before < 64 << 20, "peak memory grew by more than 64 MiB")
    }

    @Test func recordLargerThanTheLimitIsRefused() throws {
        let big = String(repeating: "x", count: 10_000)
        let source = MemoryByteSource("<R><Item><Note>\(big)</Note></Item></R>")
        var options = XMLReadOptions(recordPath: "//Item")
        options.maxRecordBytes = 1_000
        let reader = try XMLReader(source: source, options: options)
        let error = #expect(throws: FileFormatError.self) { try reader.next() }
        #expect(error?.kind == .limitExceeded)
    }

    @Test func deepNestingIsRefusedNotCrashed() throws {
        let depth = 10_000
        let text = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        let reader = try XMLReader(source: MemoryByteSource(text), options: .init(recordPath: "//b"))
        let error = #expect(throws: FileFormatError.self) { try reader.next() }
        #expect(error?.kind == .malformedXML || error?.kind == .forbiddenXML)
    }

    @Test func invalidRecordPathsAreRejected() {
        #expect(throws: FileFormatError.self) { try XMLReader(source: MemoryByteSource("<a/>"), options: .init(recordPath: "/a/@x")) }
        #expect(throws: XMLPath.SyntaxError.self) { try XMLPath("wms:Item") }
        #expect(throws: XMLPath.SyntaxError.self) { try XMLPath("a//b") }
        #expect(throws: XMLPath.SyntaxError.self) { try XMLPath("@x/y") }
    }

    @Test func memoryStaysFlatOverALargeFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("big.xml")
        let sink = try FileByteSink(path: path)
        try sink.write("<Inventory>\n")
        for i in 0..<400_000 { try sink.write("<Item sku=\"\(i)\"><Qty>\(i % 50)</Qty><Name>Item number \(i)</Name></Item>\n") }
        try sink.write("</Inventory>\n")
        try sink.close()
        let reader = try XMLReader(path: path, options: .init(recordPath: "/Inventory/Item"))
        let qty = try XMLPath("Qty")
        var count = 0
        var total = 0
        let before = peakResidentBytes()
        while let item = try reader.next() {
            count += 1
            total += Int(item.value(qty) ?? "0") ?? 0
        }
        #expect(count == 400_000)
        #expect(total == (0..<400_000).reduce(0) { $0 + $1 % 50 })
        // The peak is the whole test process's, and other suites run beside this one (they have
        // added up to ~34 MiB): the bound is wide, but holding the 400,000 records would take
        // several times more than it.
        #expect(peakResidentBytes() - before < 64 << 20, "peak memory grew with the file")
    }
}

/// Hands its bytes out `size` at a time, however large the caller's buffer.
final class PieceByteSource: ByteSource {
    let name = "<pieces>"
    private let bytes: [UInt8]
    private let size: Int
    /// Bytes handed out so far.
    private(set) var offset = 0

    init(_ bytes: [UInt8], size: Int) {
        self.bytes = bytes
        self.size = size
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileFormatError) -> Int {
        let count = min(size, buffer.count, bytes.count - offset)
        buffer.copyBytes(from: bytes[offset..<offset + count])
        offset += count
        return count
    }
}

/// `prefix`, then one byte `count` times, made as it is read.
final class RepeatedByteSource: ByteSource {
    let name = "<repeated>"
    private let prefix: [UInt8]
    private let byte: UInt8
    private let total: Int
    /// Bytes handed out so far.
    private(set) var offset = 0

    init(prefix: [UInt8], repeating byte: UInt8, count: Int) {
        self.prefix = prefix
        self.byte = byte
        total = prefix.count + count
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileFormatError) -> Int {
        let count = min(buffer.count, total - offset)
        for index in 0..<count {
            let position = offset + index
            buffer[index] = position < prefix.count ? prefix[position] : byte
        }
        offset += count
        return count
    }
}

/// Peak resident set size of this process so far (VmHWM), in bytes.
func peakResidentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return 0 }
    let kib = Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    return kib * 1024
}
