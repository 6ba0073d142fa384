import Foundation
import Testing

@testable import FileFormats

/// Reads every record, collecting recoverable line errors instead of stopping.
private func readAll(_ reader: FixedWidthReader) throws -> (records: [FixedWidthRecord], rejected: [FileFormatError]) {
    try collect { () throws(FileFormatError) in try reader.next() }
}

@Suite("Fixed-width files")
struct FixedWidthTests {
    typealias Slice = FixedWidthReadOptions.Slice

    /// HD header, DT detail, CM skip, TR trailer counting the detail lines.
    static func layout(encoding: TextEncoding = .windows1252, count: FixedWidthCount? = FixedWidthCount(field: "N")) -> FixedWidthReadOptions {
        var options = FixedWidthReadOptions()
        options.encoding = encoding
        options.typeSlice = Slice(start: 0, length: 2)
        options.records = [
            .init(type: "HD", role: .header, fields: [("Site", Slice(start: 2, length: 10))]),
            .init(
                type: "DT", role: .detail,
                fields: [("EAN", Slice(start: 2, length: 6)), ("Qty", Slice(start: 8, length: 4)), ("Text", Slice(start: 12, length: 8))]),
            .init(type: "CM", role: .skip, fields: []),
            .init(type: "TR", role: .trailer, fields: [("N", Slice(start: 2, length: 3))], count: count),
        ]
        return options
    }

    static func reader(_ bytes: [UInt8], _ options: FixedWidthReadOptions = layout(), chunkSize: Int = 7) throws -> FixedWidthReader {
        var options = options
        options.chunkSize = chunkSize  // small chunks: lines and characters split between reads
        return try FixedWidthReader(source: MemoryByteSource(bytes, name: "STOCK.DAT"), options: options)
    }

    static func cp1252(_ lines: [String], ending: String = "\r\n") -> [UInt8] {
        Array((lines.joined(separator: ending) + ending).data(using: .windowsCP1252)!)
    }

    @Test func recordTypesCodePageAndLineNumbers() throws {
        let bytes = Self.cp1252([
            "HDMünchen   ",
            "DT000017  42Größe S ",
            "CMZählung läuft",
            "",
            "DT000024  3-€ 12    ",
            "TR002",
        ])
        let (records, rejected) = try readAll(try Self.reader(bytes))
        #expect(rejected.isEmpty)
        #expect(records.map(\.line) == [1, 2, 5, 6], "blank lines and skip records are passed over, lines still counted")
        #expect(records[0].values == ["München"])
        #expect(records[1].values == ["000017", "42", "Größe S"])
        #expect(records[2].values == ["000024", "3-", "€ 12"], "windows-1252 0x80 is the euro sign")
        #expect(records.map(\.recordIndex) == [0, 1, 1, 3])
    }

    @Test func badLinesAreRejectedWithLineAndFieldAndTheFileGoesOn() throws {
        var options = Self.layout()
        options.records[1].fields[2].slice = Slice(start: 12, length: 8)
        let bytes = Self.cp1252([
            "DT000017  42Hemd    ",
            "XXsomething else",
            "DT000024  1",  // too short: Qty is cut
            "DT0000\u{81}1   1Hemd    ".replacingOccurrences(of: "\u{81}", with: "?"),
            "TR004",
        ])
        var raw = bytes
        raw[raw.firstIndex(of: UInt8(ascii: "?"))!] = 0x81  // undefined in windows-1252
        let (records, rejected) = try readAll(try Self.reader(raw, options))
        #expect(records.map(\.line) == [1, 5])
        #expect(rejected.map(\.location.line) == [2, 3, 4])
        #expect(rejected[0].message.contains("record type 'XX' (columns 1–2) is not one of 'HD', 'DT', 'CM', 'TR'"), "\(rejected[0])")
        #expect(rejected[1].field == "Qty" && rejected[1].message.contains("is 11 bytes long but record type 'DT' needs 20"), "\(rejected[1])")
        #expect(rejected[2].kind == .invalidEncoding && rejected[2].field == "EAN" && rejected[2].location.column == 7, "\(rejected[2])")
    }

    @Test func shortLinesPadWhenTheFileStripsTrailingSpaces() throws {
        var options = Self.layout()
        options.shortLines = .pad
        let (records, rejected) = try readAll(try Self.reader(Self.cp1252(["DT000017  42", "TR001"]), options))
        #expect(rejected.isEmpty)
        #expect(records[0].values == ["000017", "42", ""])
    }

    @Test func aTrailerCountThatDoesNotMatchRefusesTheFile() throws {
        var options = Self.layout()
        options.shortLines = .pad
        let padded = try Self.reader(Self.cp1252(["DT000017  42", "DT000024  42", "TR003"], ending: "\n"), options)
        let error = #expect(throws: FileFormatError.self) { try readAll(padded) }
        #expect(error?.isRecoverable == false)
        #expect(error?.location.line == 3 && error?.field == "N")
        #expect(error?.message.contains("the trailer says 3 detail records but the file has 2 before it") == true, "\(String(describing: error))")
    }

    @Test func aFileWithoutItsTrailerIsRefusedAsCutShort() throws {
        var options = Self.layout(count: nil)
        options.shortLines = .pad
        for bytes in [Self.cp1252(["DT000017  42", "TR", "DT000024  42"]), [], Self.cp1252(["DT000017  42"]).dropLast(2).map { $0 }] {
            let error = #expect(throws: FileFormatError.self) { try readAll(try Self.reader(bytes, options)) }
            #expect(error?.message.contains("the file ends without its trailer record ('TR')") == true, "\(String(describing: error))")
        }
        // The same lines with the trailer last are fine, also without a final line break.
        let complete = Self.cp1252(["DT000017  42", "TR"]).dropLast(2).map { $0 }
        #expect(try readAll(try Self.reader(complete, options)).records.count == 2)
    }

    @Test func utf8PositionsCountBytesAndACutCharacterIsRejected() throws {
        var options = FixedWidthReadOptions()
        options.encoding = .utf8
        options.records = [.init(type: nil, role: .detail, fields: [("A", Slice(start: 0, length: 3)), ("B", Slice(start: 3, length: 2))])]
        let bytes = Array("\u{FEFF}abc\u{E9}\nab\u{E9}x\n".utf8)  // a BOM; é is two bytes
        let (records, rejected) = try readAll(try Self.reader(bytes, options))
        #expect(records.map(\.values) == [["abc", "\u{E9}"]], "the BOM is not part of the first field")
        #expect(rejected.map(\.location.line) == [2])
        #expect(rejected.first?.field == "A" && rejected.first?.message.contains("cuts a UTF-8 character in half") == true, "\(rejected)")
    }

    @Test func anOverlongLineIsRejectedAndReadingGoesOn() throws {
        var options = Self.layout(count: nil)
        options.maxLineBytes = 32
        options.shortLines = .pad
        let bytes = Self.cp1252(["DT" + String(repeating: "9", count: 100), "DT000017  42", "TR"])
        let (records, rejected) = try readAll(try Self.reader(bytes, options))
        #expect(rejected.map(\.location.line) == [1] && rejected[0].kind == .limitExceeded)
        #expect(records.map(\.line) == [2, 3])
    }

    // MARK: Writing

    @Test func columnsAreFittedPaddedAlignedOrRefused() throws {
        let text = FixedWidthColumn(width: 6)
        let number = FixedWidthColumn(width: 5, alignment: .right, pad: "0")
        #expect(try text.fit("Hemd", encoding: .windows1252) == "Hemd  ")
        #expect(try number.fit("42", encoding: .windows1252) == "00042")
        #expect(try number.fit("-4.5", encoding: .windows1252) == "-04.5", "zeros after the sign")
        #expect(try number.fit("+7", encoding: .windows1252) == "+0007")
        #expect(try number.fit("12-", encoding: .windows1252) == "0012-", "a trailing minus stays at the end")
        #expect(try FixedWidthColumn(width: 5, alignment: .right).fit("-4", encoding: .windows1252) == "   -4", "spaces before the sign")
        #expect(throws: FixedWidthColumn.Misfit.self) { try number.fit("123456", encoding: .windows1252) }
        #expect(try FixedWidthColumn(width: 4, overflow: .truncate).fit("Größe", encoding: .windows1252) == "Größ")
        #expect(try FixedWidthColumn(width: 4, alignment: .right, overflow: .truncate).fit("123456", encoding: .windows1252) == "3456")
        #expect(
            try FixedWidthColumn(width: 5, overflow: .truncate).fit("Größe", encoding: .utf8) == "Gr\u{F6} ",
            "UTF-8 widths count bytes: ö and ß are two each, ß does not fit")
        let control = #expect(throws: FixedWidthColumn.Misfit.self) { try text.fit("a\nb", encoding: .windows1252) }
        #expect(control?.message.contains("line break") == true)
        #expect(throws: FixedWidthColumn.Misfit.self) { try text.fit("東京", encoding: .windows1252) }
    }

    @Test func theWriterEncodesAndEndsLines() throws {
        let sink = MemoryByteSink(name: "ORDIN.DAT")
        var options = FixedWidthWriteOptions()
        options.lineEnding = .crlf
        let writer = try FixedWidthWriter(sink: sink, options: options)
        try writer.write(["H", "Größe "])
        try writer.write(["D", "€1   "])
        #expect(sink.bytes == [0x48, 0x47, 0x72, 0xF6, 0xDF, 0x65, 0x20, 0x0D, 0x0A, 0x44, 0x80, 0x31, 0x20, 0x20, 0x20, 0x0D, 0x0A])
    }
}
