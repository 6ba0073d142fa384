import TestSupport
import Testing

@testable import FileFormats

@Suite("XML writer")
struct XMLWriterTests {
    @Test func escapingIndentationAndDeclaration() throws {
        let sink = MemoryByteSink()
        let xml = try XMLWriter(sink: sink)
        try xml.startDocument()
        try xml.startElement("Order")
        try xml.attribute("id", "8800101")
        try xml.attribute("note", "say \"hi\" & <bye>")
        try xml.element("PO", text: "HLB-PO-4471 <A&B>")
        try xml.startElement("Lines")
        try xml.startElement("Line")
        try xml.element("UPC", text: "000000000017")
        try xml.endElement()
        try xml.endElement()
        try xml.endDocument()
        #expect(
            sink.text == """
                <?xml version="1.0" encoding="UTF-8"?>
                <Order id="8800101" note="say &quot;hi&quot; &amp; &lt;bye&gt;">
                  <PO>HLB-PO-4471 &lt;A&amp;B&gt;</PO>
                  <Lines>
                    <Line>
                      <UPC>000000000017</UPC>
                    </Line>
                  </Lines>
                </Order>

                """)
    }

    @Test func namespacesAndCompactOutput() throws {
        var options = XMLWriteOptions()
        options.indent = false
        let sink = MemoryByteSink()
        let xml = try XMLWriter(sink: sink, options: options)
        try xml.startDocument()
        try xml.startElement("wms:Orders")
        try xml.namespace(prefix: "wms", uri: "urn:example:wms:orders:1")
        try xml.element("wms:Order", text: "x")
        try xml.endDocument()
        #expect(
            sink.text
                == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wms:Orders xmlns:wms=\"urn:example:wms:orders:1\"><wms:Order>x</wms:Order></wms:Orders>\n"
        )
    }

    @Test func manyWindows1252DocumentsDoNotGrowMemory() throws {
        // Each document used to leave libxml2's iconv state behind (about 65 KB): a watch writing
        // windows-1252 order files grew by that much per file.
        var options = XMLWriteOptions()
        options.encoding = .windows1252
        let before = peakResidentBytes()
        for index in 0..<10_000 {
            let sink = MemoryByteSink()
            let xml = try XMLWriter(sink: sink, options: options)
            try xml.startDocument()
            try xml.element("Name", text: "Café \(index)")
            try xml.endDocument()
        }
        #expect(peakResidentBytes() - before < 64 << 20, "10,000 documents in a bounded amount of memory (about 170 MiB before)")
    }

    @Test func windows1252OutputUsesCharacterReferencesForTheRest() throws {
        var options = XMLWriteOptions()
        options.encoding = .windows1252
        options.indent = false
        let sink = MemoryByteSink()
        let xml = try XMLWriter(sink: sink, options: options)
        try xml.startDocument()
        try xml.element("Name", text: "Café € 東")
        try xml.endDocument()
        let expected =
            Array("<?xml version=\"1.0\" encoding=\"WINDOWS-1252\"?>\n<Name>Caf".utf8) + [0xE9, 0x20, 0x80] + Array(" &#26481;</Name>\n".utf8)
        #expect(sink.bytes == expected)
    }

    @Test func controlCharactersAreRefusedOrReplaced() throws {
        let sink = MemoryByteSink(name: "ORD_1.xml")
        let xml = try XMLWriter(sink: sink)
        try xml.startDocument()
        try xml.startElement("Order")
        let error = #expect(throws: FileFormatError.self) { try xml.element("Comment", text: "bad\u{1}text") }
        #expect(error?.kind == .unrepresentableCharacter)
        #expect(error?.field == "Comment")

        var options = XMLWriteOptions()
        options.replaceInvalidCharacters = true
        let sink2 = MemoryByteSink()
        let xml2 = try XMLWriter(sink: sink2, options: options)
        try xml2.element("Comment", text: "bad\u{1}text")
        try xml2.endDocument()
        #expect(sink2.text.contains("<Comment>bad text</Comment>"))
    }

    @Test func invalidElementNamesAreRefused() throws {
        let xml = try XMLWriter(sink: MemoryByteSink())
        #expect(throws: FileFormatError.self) { try xml.startElement("1Order") }
        #expect(throws: FileFormatError.self) { try xml.startElement("Or der") }
        #expect(throws: FileFormatError.self) { try xml.endElement() }
    }

    @Test func writtenFileReadsBack() throws {
        let dir = try TemporaryDirectory()
        let sink = try FileByteSink(path: dir.path("orders.xml"))
        let xml = try XMLWriter(sink: sink)
        try xml.startDocument()
        try xml.startElement("Orders")
        for i in 1...50 {
            try xml.startElement("Order")
            try xml.attribute("id", "\(i)")
            try xml.element("Note", text: "ünïcödé & <\(i)>")
            try xml.endElement()
        }
        try xml.endDocument()
        try sink.close()
        let orders = try readAllXML(XMLReader(path: dir.path("orders.xml"), options: .init(recordPath: "/Orders/Order")))
        #expect(orders.count == 50)
        #expect(orders[49].value(try XMLPath("@id")) == "50")
        #expect(orders[49].value(try XMLPath("Note")) == "ünïcödé & <50>")
    }
}
