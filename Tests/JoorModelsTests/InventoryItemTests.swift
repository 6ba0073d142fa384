import Testing

@testable import JoorModels

@Suite("Inventory items")
struct InventoryItemTests {
    /// The ledger stores these keys: a state file written by an older version must still find its
    /// positions, so the form is pinned here, whatever builds it.
    @Test func positionKeysKeepTheirForm() {
        let byUPC = InventoryItem(warehouse: "Hamburg Süd", inventoryDate: "2026-12-01", upc: "4006381333931", inventory: 5)
        #expect(byUPC.positionKey == "Hamburg Süd\u{1F}2026-12-01\u{1F}upc:4006381333931")
        let byStyle = InventoryItem(styleNumber: "ART-1", colorCode: "100", size: "XS", styleColorID: 42, inventory: 0)
        #expect(byStyle.positionKey == "\u{1F}\u{1F}ART-1||100|XS|||42")
        #expect(InventoryItem(upc: "1", inventory: 0).positionKey == "\u{1F}\u{1F}upc:1")
    }
}
