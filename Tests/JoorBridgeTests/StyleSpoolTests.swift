import Foundation
import JoorModels
import Mapping
import TestSupport
import Testing

@testable import JoorBridge

/// The spool on disk groups rows into the styles the in-memory assembler builds, refusing the
/// same rows with the same messages: rows of a style anywhere in the file, UPCs used twice,
/// colors and sizes given two UPCs, rows without a style number.
@Suite("Style spool")
struct StyleSpoolTests {
    static func randomRows(_ rng: inout SeededGenerator, count: Int) -> [[String: String]] {
        (0..<count).map { _ in
            var row: [String: String] = [:]
            if Int.random(in: 0..<40, using: &rng) != 0 { row["style_number"] = "ST-\(Int.random(in: 0..<30, using: &rng))" }
            row["style_name"] = Bool.random(using: &rng) ? "Name \(Int.random(in: 0..<3, using: &rng))" : ""
            row["color_code"] = ["100", "200", "300", ""].randomElement(using: &rng)!
            row["size"] = ["S", "M", "L", ""].randomElement(using: &rng)!
            row["upc"] = Int.random(in: 0..<4, using: &rng) == 0 ? "" : String(format: "%012d", Int.random(in: 0..<400, using: &rng))
            row["price.USD.wholesale"] = Bool.random(using: &rng) ? "\(Int.random(in: 10..<90, using: &rng)).00" : ""
            row["season_name"] = Bool.random(using: &rng) ? "Fall" : ""
            row["category_ids"] = Bool.random(using: &rng) ? "\(Int.random(in: 1..<5, using: &rng))" : ""
            // Long values too: the spool writes lengths of 128 bytes and more in several bytes.
            if Bool.random(using: &rng) {
                row["style_description"] = String(repeating: "Laine mérinos, ", count: Int.random(in: 1..<40, using: &rng))
            }
            return row
        }
    }

    @Test func spoolGivesTheAssemblersStylesAndConflicts() throws {
        var rng = SeededGenerator(seed: 23)
        for round in 0..<20 {
            let rows = Self.randomRows(&rng, count: 600)
            var assembler = StyleAssembler()
            var memoryConflicts: [StyleAssembler.Conflict] = []
            for (line, row) in rows.enumerated() {
                do throws(StyleAssembler.Conflict) { try assembler.add(row, line: line + 2) } catch { memoryConflicts.append(error) }
            }
            let spool = try StyleSpool()
            var spoolConflicts: [StyleAssembler.Conflict] = []
            try spool.fill { writer in
                for (line, row) in rows.enumerated() {
                    do throws(StyleAssembler.Conflict) { try writer.admit(row, line: line + 2) } catch { spoolConflicts.append(error) }
                }
            }
            var spooled: [Style] = []
            var position = 0
            while position < spool.styleCount {
                spooled += try spool.styles(from: position, count: 7)
                position += 7
            }
            #expect(memoryConflicts.count > 10, "round \(round): the rows must conflict sometimes")
            #expect(spoolConflicts == memoryConflicts, "round \(round)")
            #expect(spooled == assembler.build(), "round \(round)")
            #expect(spooled.count == spool.styleCount)
        }
    }

    /// Rows with more than 128 fields and an 18 KB value: field numbers and lengths that take
    /// several bytes in the spool (seen failing, a crash, with the lengths read 8 bits at a time).
    @Test func wideRowsAndLongValuesComeBackWhole() throws {
        var rows: [[String: String]] = []
        for index in 0..<40 {
            var row: [String: String] = ["style_number": "W-\(index % 4)", "color_code": "C\(index % 5)", "size": "S\(index)"]
            for extra in 0..<150 { row["extra_\(extra)"] = "value \(extra)" }
            row["style_description"] = String(repeating: "Laine mérinos \(index % 4), ", count: 1_000)
            row["upc"] = String(format: "%012d", index)
            rows.append(row)
        }
        var assembler = StyleAssembler()
        for (line, row) in rows.enumerated() { try assembler.add(row, line: line + 2) }
        let spool = try StyleSpool()
        try spool.fill { writer in
            for (line, row) in rows.enumerated() { try writer.admit(row, line: line + 2) }
        }
        let spooled = try spool.styles(from: 0, count: 10)
        #expect(spooled == assembler.build())
        #expect(spooled.first?.styleDescription?.utf8.count ?? 0 > 16_384)
    }

    /// A color written with a combining accent is the same color (as Swift compares names): its
    /// second UPC is refused in the spool as in memory.
    @Test func canonicallyEqualNamesAreTheSameSKU() throws {
        let rows: [[String: String]] = [
            ["style_number": "X", "color_code": "Cr\u{E8}me", "size": "M", "upc": "111"],
            ["style_number": "X", "color_code": "Cre\u{300}me", "size": "M", "upc": "222"],
            ["style_number": "Y", "color_code": "Blue", "size": "M", "upc": "222"],
        ]
        var assembler = StyleAssembler()
        var memory: [Int] = []
        for (line, row) in rows.enumerated() {
            do throws(StyleAssembler.Conflict) { try assembler.add(row, line: line) } catch { memory.append(error.line) }
        }
        let spool = try StyleSpool()
        var spooled: [Int] = []
        try spool.fill { writer in
            for (line, row) in rows.enumerated() {
                do throws(StyleAssembler.Conflict) { try writer.admit(row, line: line) } catch { spooled.append(error.line) }
            }
        }
        #expect(memory == [1], "the second spelling of the same SKU with another UPC")
        #expect(spooled == memory)
        #expect(try spool.styles(from: 0, count: 10) == assembler.build())
    }

    /// A refused row holds back the style it names, however the name is spelled; one that names
    /// no style holds nothing back.
    @Test func aRefusedRowHoldsBackItsStyle() throws {
        let spool = try StyleSpool()
        try spool.fill { writer in
            try writer.admit(["style_number": "Cr\u{E8}me-1", "color_code": "A", "size": "M", "upc": "111"], line: 2)
            writer.hold(for: RowRejection(source: "f", line: 3, field: "price", reason: "bad", converted: ["style_number": "Cre\u{300}me-1"]))
            writer.hold(for: RowRejection(source: "f", line: 5, reason: "bad", converted: ["style_number": "Cr\u{E8}me-1", "style_identifier": ""]))
            writer.hold(for: RowRejection(source: "f", line: 6, reason: "not a CSV row"))
            try writer.admit(["style_number": "Z", "color_code": "A", "size": "M", "upc": "999"], line: 7)
            writer.hold(for: RowRejection(source: "f", line: 8, reason: "bad", converted: ["style_number": "Z", "style_identifier": "Z-A"]))
        }
        let held = try #require(try spool.refusedRows(of: "Cr\u{E8}me-1"))
        #expect(held.firstLine == 3 && held.rows == 2)
        #expect(try spool.refusedRows(of: "Z") == nil, "line 8 belongs to style Z-A")
        #expect(try spool.refusedRows(of: "Z-A")?.rows == 1)
    }
}
