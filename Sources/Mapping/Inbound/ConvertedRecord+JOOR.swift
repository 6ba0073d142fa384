import JoorModels

extension ConvertedRecord {
    /// The record as a JOOR inventory item.
    /// - Throws: a ``RuleFailure`` when the record cannot identify its SKU or has no quantity.
    public func inventoryItem() throws(RuleFailure) -> InventoryItem {
        func text(_ key: String) -> String? { fields[key]?.text }
        func int(_ key: String) -> Int? { if case .integer(let i) = fields[key] { i } else { nil } }
        guard let quantity = int("inventory") else {
            throw RuleFailure(field: "inventory", value: nil, reason: "the quantity is empty")
        }
        let item = InventoryItem(
            warehouse: text("warehouse"), inventoryDate: text("inventory_date"), upc: text("upc"),
            styleNumber: text("style_number"), styleIdentifier: text("style_identifier"), colorCode: text("color_code"),
            size: text("size"), sizeCode: text("size_code"), styleID: int("style_id"), styleColorID: int("style_color_id"),
            inventory: quantity, madeToOrder: { if case .boolean(let b) = fields["made_to_order"] { b } else { nil } }())
        let hasStyleKey = item.styleNumber != nil && item.colorCode != nil && item.size != nil
        guard item.upc != nil || hasStyleKey || item.styleID != nil || item.styleColorID != nil else {
            throw RuleFailure(
                field: "upc", value: nil, reason: "the row has no UPC and no style number + color code + size, so JOOR cannot tell which SKU it is")
        }
        return item
    }

    /// The record as a flat product row for ``StyleAssembler``.
    public var productRow: [String: String] { texts }
}
