import Foundation
import TestSupport
import Testing

@testable import JoorModels

/// The hand-written request body must be byte for byte what the canonical JSONEncoder writes.
@Suite("JSON writer")
struct JSONWriterTests {
    static let alphabet: [String] = [
        "a", "Z", "0", "9", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}",
        "é", "ü", "ß", "€", "😀", "\u{2028}", "<", "&", "'", "{", "}",
    ]

    static func text(_ rng: inout SeededGenerator) -> String {
        String((0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined())
    }

    /// The widest numbers (a sign and 19 digits) and zero, written into a buffer sized to them.
    @Test func extremeIntegersMatchJSONEncoder() throws {
        for (a, b) in [(Int.min, Int.max), (0, -1), (Int.max, Int.min)] {
            let request = BulkInventoryRequest([InventoryItem(styleID: a, styleColorID: b, inventory: a)])
            #expect(try request.jsonBody() == (try JSONEncoder.canonical().encode(request)))
        }
    }

    @Test func bulkInventoryBodiesMatchJSONEncoder() throws {
        var rng = SeededGenerator(seed: 99)
        for round in 0..<300 {
            let items = (0..<Int.random(in: 0...6, using: &rng)).map { _ in
                InventoryItem(
                    warehouse: Bool.random(using: &rng) ? Self.text(&rng) : nil,
                    inventoryDate: Bool.random(using: &rng) ? "2026-11-26" : nil,
                    upc: Bool.random(using: &rng) ? Self.text(&rng) : nil,
                    styleNumber: Bool.random(using: &rng) ? Self.text(&rng) : nil,
                    styleIdentifier: Bool.random(using: &rng) ? Self.text(&rng) : nil,
                    colorCode: Bool.random(using: &rng) ? Self.text(&rng) : nil,
                    size: Bool.random(using: &rng) ? Self.text(&rng) : nil,
                    sizeCode: Bool.random(using: &rng) ? Self.text(&rng) : nil,
                    styleID: Bool.random(using: &rng) ? Int.random(in: -5...Int.max, using: &rng) : nil,
                    styleColorID: Bool.random(using: &rng) ? Int.random(in: Int.min...Int.max, using: &rng) : nil,
                    inventory: Int.random(in: -1_000...1_000_000, using: &rng),
                    madeToOrder: Bool.random(using: &rng) ? Bool.random(using: &rng) : nil)
            }
            let request = BulkInventoryRequest(items)
            let expected = try JSONEncoder.canonical().encode(request)
            let written = try request.jsonBody()
            #expect(
                written == expected, "round \(round): \(String(decoding: written, as: UTF8.self)) vs \(String(decoding: expected, as: UTF8.self))")
            if written != expected { return }
        }
    }
}
