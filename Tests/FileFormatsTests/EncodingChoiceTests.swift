import Testing

@testable import FileFormats

/// Each writer (and the fixed-width reader) refuses an encoding it cannot use before it touches
/// the file, saying which ones it can.
@Suite("Encodings a format cannot use")
struct EncodingChoiceTests {
    func refusal(_ make: () throws(FileFormatError) -> Void) -> FileFormatError? {
        do throws(FileFormatError) {
            try make()
            return nil
        } catch {
            return error
        }
    }

    @Test func writersAndTheFixedWidthReaderNameTheEncodingsTheyCanUse() {
        let sink = MemoryByteSink(name: "out/file")
        var csv = CSVWriteOptions()
        csv.encoding = .utf16
        var xml = XMLWriteOptions()
        xml.encoding = .utf8BOM
        var fixedOut = FixedWidthWriteOptions()
        fixedOut.encoding = .utf16LE
        var fixedIn = FixedWidthReadOptions()
        fixedIn.encoding = .utf16BE
        let cases: [(FileFormatError?, String)] = [
            (
                refusal { () throws(FileFormatError) in _ = try CSVWriter(sink: sink, options: csv) },
                "CSV output cannot be in utf-16; use utf-8, utf-8-bom, windows-1252"
            ),
            (
                refusal { () throws(FileFormatError) in _ = try XMLWriter(sink: sink, options: xml) },
                "XML output cannot be in utf-8-bom; use utf-8, windows-1252, iso-8859-1"
            ),
            (
                refusal { () throws(FileFormatError) in _ = try FixedWidthWriter(sink: sink, options: fixedOut) },
                "fixed-width output cannot be in utf-16le; use utf-8, windows-1252, iso-8859-1"
            ),
            (
                refusal { () throws(FileFormatError) in _ = try FixedWidthReader(source: MemoryByteSource("x", name: "out/file"), options: fixedIn) },
                "a fixed-width file cannot be in utf-16be; use utf-8, utf-8-bom, windows-1252, iso-8859-1 (UTF-16 has no fixed byte positions)"
            ),
        ]
        for (error, message) in cases {
            #expect(error?.kind == .invalidOptions && error?.location.path == "out/file" && error?.message == message, "\(String(describing: error))")
        }
        #expect(sink.bytes.isEmpty, "nothing is written before the refusal")
    }
}
