import Foundation
import TestSupport
import Testing

@testable import FileFormats

/// Property test: random records written and read back come out identical, for several dialects.
/// Seeded, so a failure reproduces; `JOORBRIDGE_ROUNDTRIP_ITERATIONS` runs it longer.
@Suite("CSV round trip")
struct CSVRoundTripTests {
    struct Dialect: Sendable, CustomTestStringConvertible {
        var name: String
        var delimiter: Character
        var quote: Character = "\""
        var encoding: TextEncoding
        var quoting: CSVWriteOptions.Quoting
        var lineEnding: CSVWriteOptions.LineEnding
        var testDescription: String { name }
    }

    static let dialects: [Dialect] = [
        .init(name: "comma utf-8 crlf minimal", delimiter: ",", encoding: .utf8, quoting: .minimal, lineEnding: .crlf),
        .init(name: "semicolon windows-1252 lf all", delimiter: ";", encoding: .windows1252, quoting: .all, lineEnding: .lf),
        .init(name: "tab utf-8-bom crlf minimal", delimiter: "\t", encoding: .utf8BOM, quoting: .minimal, lineEnding: .crlf),
        .init(name: "pipe single-quote lf minimal", delimiter: "|", quote: "'", encoding: .utf8, quoting: .minimal, lineEnding: .lf),
    ]

    static let iterations = Int(ProcessInfo.processInfo.environment["JOORBRIDGE_ROUNDTRIP_ITERATIONS"] ?? "") ?? 300

    /// Characters that stress CSV: delimiters, quotes, line breaks, spaces, non-ASCII.
    static func alphabet(for encoding: TextEncoding) -> [Character] {
        var chars: [Character] = ["a", "Z", "0", "9", ",", ";", "|", "\t", "\"", "'", "\n", "\r", "\r\n", " ", "-", "=", "é", "ß", "€", "Ü"]
        if encoding != .windows1252 { chars += ["日", "🧵", "\u{0301}"] }
        return chars
    }

    @Test(arguments: dialects)
    func randomRecordsSurviveWriteThenRead(dialect: Dialect) throws {
        var rng = SeededGenerator(seed: 0x5EED_0000 + UInt64(dialect.name.utf8.count))
        let alphabet = Self.alphabet(for: dialect.encoding)
        var records: [[String]] = []
        for _ in 0..<Self.iterations {
            let width = Int.random(in: 1...6, using: &rng)
            records.append(
                (0..<width).map { _ in
                    let length = Int.random(in: 0...12, using: &rng)
                    return String((0..<length).map { _ in alphabet.randomElement(using: &rng)! })
                })
        }
        // The reader drops a record that is a single empty field (a blank line) by design.
        records = records.filter { $0 != [""] }

        var writeOptions = CSVWriteOptions()
        writeOptions.delimiter = dialect.delimiter.asciiValue!
        writeOptions.quote = dialect.quote.asciiValue!
        writeOptions.encoding = dialect.encoding
        writeOptions.quoting = dialect.quoting
        writeOptions.lineEnding = dialect.lineEnding
        let sink = MemoryByteSink()
        let writer = try CSVWriter(sink: sink, options: writeOptions)
        for record in records { try writer.write(record) }

        var readOptions = CSVReadOptions(delimiter: dialect.delimiter, hasHeader: false, encoding: dialect.encoding)
        readOptions.quote = dialect.quote.asciiValue!
        readOptions.trimFields = false
        readOptions.raggedRows = .allow
        readOptions.chunkSize = 7  // force records, escapes and characters across chunk boundaries
        let (readBack, rejected) = try readAll(CSVReader(source: MemoryByteSource(sink.bytes), options: readOptions))
        #expect(rejected.isEmpty)
        #expect(readBack.count == records.count)
        for (index, (expected, actual)) in zip(records, readBack).enumerated() where expected != actual.fields {
            Issue.record("record \(index): wrote \(expected.debugDescription), read \(actual.fields.debugDescription)")
            break
        }
    }
}
