import TestSupport
import Testing

@testable import FileFormats

@Suite("CSV writer")
struct CSVWriterTests {
    func written(_ options: CSVWriteOptions = .init(), _ rows: [[String]]) throws -> [UInt8] {
        let sink = MemoryByteSink()
        let writer = try CSVWriter(sink: sink, options: options)
        for row in rows { try writer.write(row) }
        try writer.flush()
        return sink.bytes
    }

    @Test func minimalQuotingWithCRLFByDefault() throws {
        let out = try written(.init(), [["SKU", "Name", "Qty"], ["1", "Shirt, \"Linen\"", "5"], ["2", "two\nlines", ""], ["3", " padded", "x"]])
        #expect(String(decoding: out, as: UTF8.self) == "SKU,Name,Qty\r\n1,\"Shirt, \"\"Linen\"\"\",5\r\n2,\"two\nlines\",\r\n3,\" padded\",x\r\n")
    }

    @Test func quoteAllFieldsWithLFAndSemicolon() throws {
        var options = CSVWriteOptions()
        options.quoting = .all
        options.lineEnding = .lf
        options.delimiter = UInt8(ascii: ";")
        let out = try written(options, [["a", "", "c;d"]])
        #expect(String(decoding: out, as: UTF8.self) == "\"a\";\"\";\"c;d\"\n")
    }

    @Test func utf8WithByteOrderMarkOnlyOnce() throws {
        var options = CSVWriteOptions()
        options.encoding = .utf8BOM
        let out = try written(options, [["é"], ["ß"]])
        #expect(out == [0xEF, 0xBB, 0xBF, 0xC3, 0xA9, 13, 10, 0xC3, 0x9F, 13, 10])
    }

    @Test func windows1252Output() throws {
        var options = CSVWriteOptions()
        options.encoding = .windows1252
        let out = try written(options, [["Café", "Größe", "€ 5"]])
        #expect(out == Array("Caf".utf8) + [0xE9, 0x2C] + Array("Gr".utf8) + [0xF6, 0xDF] + Array("e,".utf8) + [0x80] + Array(" 5\r\n".utf8))
    }

    @Test func unrepresentableCharacterNamesTheField() throws {
        var options = CSVWriteOptions()
        options.encoding = .windows1252
        let sink = MemoryByteSink(name: "ORD_1.csv")
        let writer = try CSVWriter(sink: sink, options: options)
        try writer.writeHeader(["PO", "ShipName"])
        let error = #expect(throws: FileFormatError.self) { try writer.write(["PO-1", "東京 Store"]) }
        #expect(error?.kind == .unrepresentableCharacter)
        #expect(error?.field == "ShipName")
        #expect(error?.location.line == 2)
        #expect(error?.description.hasPrefix("ORD_1.csv:2: field 'ShipName': the character '東'") == true)
        #expect(sink.text == "PO,ShipName\r\n", "nothing of the failed record is written")
    }

    @Test func formulaInjectionIsNeutralised() throws {
        var options = CSVWriteOptions()
        options.neutralizeFormulas = true
        options.lineEnding = .lf
        let out = try written(
            options, [["=HYPERLINK(\"http://x\")", "-2+3+cmd|' /C calc'!A0", "-5", "-12.50", "@SUM(A1)", "\tx", "\rx", "plain", "-", "+-", "+A1"]])
        #expect(
            String(decoding: out, as: UTF8.self)
                == "\"'=HYPERLINK(\"\"http://x\"\")\",'-2+3+cmd|' /C calc'!A0,-5,-12.50,'@SUM(A1),'\tx,\"'\rx\",plain,'-,'+-,'+A1\n")
    }

    /// Digits, spaces and `+ - ( ) . , /` cannot call anything: phone numbers and signed numbers stay as they are.
    @Test func phoneNumbersAndSignedNumbersAreNotFormulas() throws {
        var options = CSVWriteOptions()
        options.neutralizeFormulas = true
        options.lineEnding = .lf
        let cells = ["+33 1 00 00 00 00", "+1 (212) 555-0100", "-12,50", "+49/89/123", "-2+3", "+1.5e3"]
        let out = try written(options, [cells])
        #expect(String(decoding: out, as: UTF8.self) == "+33 1 00 00 00 00,+1 (212) 555-0100,\"-12,50\",+49/89/123,-2+3,'+1.5e3\n")
        #expect(CSVWriter.neutralized("+33 1 00 00 00 00") == "+33 1 00 00 00 00")
        #expect(CSVWriter.neutralized("=1+1") == "'=1+1")
    }

    @Test func formulaCellsAreLeftAloneByDefault() throws {
        let out = try written(.init(), [["=1+1"]])
        #expect(String(decoding: out, as: UTF8.self) == "=1+1\r\n")
    }

    @Test func utf16OutputIsRefused() {
        var options = CSVWriteOptions()
        options.encoding = .utf16LE
        #expect(throws: FileFormatError.self) { try CSVWriter(sink: MemoryByteSink(), options: options) }
    }

    @Test func writesToAFileThroughTheSink() throws {
        let dir = try TemporaryDirectory()
        let sink = try FileByteSink(path: dir.path("out.csv"), bufferSize: 16)
        let writer = try CSVWriter(sink: sink)
        for i in 0..<100 { try writer.write(["\(i)", "row \(i)"]) }
        try sink.sync()
        try sink.close()
        let reader = try CSVReader(
            path: dir.path("out.csv"),
            options: {
                var o = CSVReadOptions()
                o.hasHeader = false
                return o
            }())
        let (records, _) = try readAll(reader)
        #expect(records.count == 100)
        #expect(records[99].fields == ["99", "row 99"])
    }

    @Test func exclusiveCreateRefusesToOverwrite() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("exists.csv", text: "keep me")
        let error = #expect(throws: FileFormatError.self) { try FileByteSink(path: path, exclusive: true) }
        #expect(error?.kind == .io)
        #expect(try Fixtures.bytes(path) == Array("keep me".utf8))
    }
}
