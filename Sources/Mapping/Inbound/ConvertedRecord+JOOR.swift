import JoorModels

/// The fields of a JOOR inventory item an inventory mapping fills, with the type each needs.
enum InventoryField: Int, CaseIterable {
    case upc, styleNumber, styleIdentifier, colorCode, size, sizeCode, styleID, styleColorID, warehouse, inventory, inventoryDate, madeToOrder

    /// The target name in a mapping (JOOR's JSON key).
    var name: String {
        switch self {
        case .upc: "upc"
        case .styleNumber: "style_number"
        case .styleIdentifier: "style_identifier"
        case .colorCode: "color_code"
        case .size: "size"
        case .sizeCode: "size_code"
        case .styleID: "style_id"
        case .styleColorID: "style_color_id"
        case .warehouse: "warehouse"
        case .inventory: "inventory"
        case .inventoryDate: "inventory_date"
        case .madeToOrder: "made_to_order"
        }
    }

    var type: FieldRule.ValueType {
        switch self {
        case .styleID, .styleColorID, .inventory: .integer
        case .inventoryDate: .date
        case .madeToOrder: .boolean
        default: .string
        }
    }
}

extension ConvertedRecord {
    /// The record as a JOOR inventory item.
    /// - Throws: a ``RuleFailure`` when the record cannot identify its SKU or has no quantity.
    public func inventoryItem() throws(RuleFailure) -> InventoryItem {
        let slots = targets.inventory
        func value(_ field: InventoryField) -> FieldValue? {
            guard let slot = slots[field.rawValue] else { return nil }
            return values[slot]
        }
        func text(_ field: InventoryField) -> String? {
            guard let slot = slots[field.rawValue], let value = values[slot] else { return nil }
            if case .string(let text) = value { return text }
            return value.text
        }
        func int(_ field: InventoryField) -> Int? { if case .integer(let i) = value(field) { i } else { nil } }
        guard let quantity = int(.inventory) else {
            throw RuleFailure(field: "inventory", value: nil, reason: "the quantity is empty")
        }
        let upc = text(.upc)
        let styleNumber = text(.styleNumber)
        let colorCode = text(.colorCode)
        let size = text(.size)
        let styleID = int(.styleID)
        let styleColorID = int(.styleColorID)
        guard upc != nil || (styleNumber != nil && colorCode != nil && size != nil) || styleID != nil || styleColorID != nil else {
            throw RuleFailure(
                field: "upc", value: nil, reason: "the row has no UPC and no style number + color code + size, so JOOR cannot tell which SKU it is")
        }
        return InventoryItem(
            warehouse: text(.warehouse), inventoryDate: text(.inventoryDate), upc: upc, styleNumber: styleNumber,
            styleIdentifier: text(.styleIdentifier), colorCode: colorCode, size: size, sizeCode: text(.sizeCode),
            styleID: styleID, styleColorID: styleColorID, inventory: quantity,
            madeToOrder: { if case .boolean(let b) = value(.madeToOrder) { b } else { nil } }())
    }

    /// The record as a flat product row for ``StyleAssembler``.
    public var productRow: [String: String] { texts }
}
