import TestSupport
import Testing

@testable import JoorModels

@Suite("Inventory items")
struct InventoryItemTests {
    /// The ledger stores these keys as bytes: a state file written by an older version must still
    /// find its positions, so the form is pinned here, byte for byte, whatever builds it.
    @Test func positionKeysKeepTheirForm() {
        let byUPC = InventoryItem(warehouse: "Hamburg Süd", inventoryDate: "2026-12-01", upc: "4006381333931", inventory: 5)
        #expect(Array(byUPC.positionKey.utf8) == Array("Hamburg Süd\u{1F}2026-12-01\u{1F}upc:4006381333931".utf8))
        let byStyle = InventoryItem(styleNumber: "ART-1", colorCode: "100", size: "XS", styleColorID: 42, inventory: 0)
        #expect(Array(byStyle.positionKey.utf8) == Array("\u{1F}\u{1F}ART-1||100|XS|||42".utf8))
        #expect(Array(InventoryItem(upc: "1", inventory: 0).positionKey.utf8) == Array("\u{1F}\u{1F}upc:1".utf8))
    }

    /// The key as the first version built it, for every combination of fields, in bytes (a
    /// decomposed "Süd" must stay decomposed: Swift's `==` would call the two forms equal).
    @Test func positionKeysAreTheFirstVersionsByteForByte() {
        func original(_ item: InventoryItem) -> String {
            let sku =
                item.upc.map { "upc:\($0)" }
                ?? [
                    item.styleNumber, item.styleIdentifier, item.colorCode, item.size, item.sizeCode, item.styleID.map(String.init),
                    item.styleColorID.map(String.init),
                ].map { $0 ?? "" }.joined(separator: "|")
            return [item.warehouse ?? "", item.inventoryDate ?? "", sku].joined(separator: "\u{1F}")
        }
        var rng = SeededGenerator(seed: 7)
        let texts = ["", "A", "Hamburg Süd", "Hamburg Su\u{308}d", "a|b", "\u{1F}", "😀", "2026-12-01"]
        func text() -> String? { Bool.random(using: &rng) ? texts.randomElement(using: &rng)! : nil }
        for _ in 0..<2_000 {
            let item = InventoryItem(
                warehouse: text(), inventoryDate: text(), upc: text(), styleNumber: text(), styleIdentifier: text(), colorCode: text(),
                size: text(), sizeCode: text(), styleID: Bool.random(using: &rng) ? Int.random(in: -9...9, using: &rng) : nil,
                styleColorID: Bool.random(using: &rng) ? Int.random(in: -9...9, using: &rng) : nil, inventory: 0)
            #expect(Array(item.positionKey.utf8) == Array(original(item).utf8))
        }
    }
}
