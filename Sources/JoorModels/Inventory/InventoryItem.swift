/// One SKU's stock in one warehouse, as sent to `POST /v2/bulk-inventory`.
///
/// A SKU is identified by `upc` (recommended), or by `style_number` + `color_code` + `size`
/// (with `style_identifier` when the brand uses one), or by JOOR's own ids.
public struct InventoryItem: Sendable, Hashable, Codable {
    // The quantity is declared first so that the memberwise initializer Swift makes differs from
    // the public one, which calls it (see that initializer).
    /// The quantity available to sell.
    public var inventory: Int
    /// Warehouse name as configured in JOOR; omitted means JOOR's "Default".
    public var warehouse: String?
    /// Date of a future (WIP) position; omitted for stock available now.
    public var inventoryDate: String?
    public var upc: String?
    public var styleNumber: String?
    public var styleIdentifier: String?
    public var colorCode: String?
    public var size: String?
    public var sizeCode: String?
    public var styleID: Int?
    public var styleColorID: Int?
    /// `true` lists the SKU as made-to-order (and clears its inventory).
    public var madeToOrder: Bool?

    enum CodingKeys: String, CodingKey {
        case warehouse, upc, size, inventory
        case inventoryDate = "inventory_date"
        case styleNumber = "style_number"
        case styleIdentifier = "style_identifier"
        case colorCode = "color_code"
        case sizeCode = "size_code"
        case styleID = "style_id"
        case styleColorID = "style_color_id"
        case madeToOrder = "made_to_order"
    }

    /// What identifies this stock position (SKU, warehouse and date), independent of the quantity:
    /// the key for "what did we last send for this SKU".
    /// Kept in the ledger: its form never changes (`warehouse␟date␟upc:UPC`, or the style
    /// parts joined by `|` in place of `upc:UPC`).
    public var positionKey: String {
        var key = warehouse ?? ""
        key += "\u{1F}"
        key += inventoryDate ?? ""
        key += "\u{1F}"
        if let upc {
            key += "upc:"
            key += upc
        } else {
            key += [styleNumber, styleIdentifier, colorCode, size, sizeCode, styleID.map(String.init), styleColorID.map(String.init)]
                .map { $0 ?? "" }.joined(separator: "|")
        }
        return key
    }

    /// How JOOR's response names this SKU in `inventory_log[].sku` (UPC, or the parts joined by `|`).
    public var skuLabel: String {
        upc ?? [styleNumber, styleIdentifier ?? styleNumber, colorCode, size].compactMap { $0 }.joined(separator: "|")
    }
}

extension InventoryItem {
    /// An item; a SKU needs `upc`, or `styleNumber` + `colorCode` + `size`, or JOOR's ids.
    ///
    /// It calls the memberwise initializer Swift makes: an initializer that sets each property
    /// itself made Swift 6.3 copy the finished item once more and destroy the original (eight
    /// texts retained and released), at every item of every batch.
    public init(
        warehouse: String? = nil, inventoryDate: String? = nil, upc: String? = nil, styleNumber: String? = nil, styleIdentifier: String? = nil,
        colorCode: String? = nil, size: String? = nil, sizeCode: String? = nil, styleID: Int? = nil, styleColorID: Int? = nil, inventory: Int,
        madeToOrder: Bool? = nil
    ) {
        self.init(
            inventory: inventory, warehouse: warehouse, inventoryDate: inventoryDate, upc: upc, styleNumber: styleNumber,
            styleIdentifier: styleIdentifier, colorCode: colorCode, size: size, sizeCode: sizeCode, styleID: styleID, styleColorID: styleColorID,
            madeToOrder: madeToOrder)
    }
}

extension InventoryItem {
    /// The item at `item` as ``JSONEncoder/canonical(pretty:)`` encodes it: keys sorted, absent
    /// ones left out. Read through a pointer, field by field: a method on the item made Swift copy
    /// the whole item first (eight texts retained and released) to guard it against `json`'s writes.
    static func write(_ item: UnsafePointer<InventoryItem>, to json: inout JSONWriter) {
        json.beginObject()
        json.member("color_code", item.pointee.colorCode)
        json.key("inventory")
        json.integer(item.pointee.inventory)
        json.member("inventory_date", item.pointee.inventoryDate)
        json.member("made_to_order", item.pointee.madeToOrder)
        json.member("size", item.pointee.size)
        json.member("size_code", item.pointee.sizeCode)
        json.member("style_color_id", item.pointee.styleColorID)
        json.member("style_id", item.pointee.styleID)
        json.member("style_identifier", item.pointee.styleIdentifier)
        json.member("style_number", item.pointee.styleNumber)
        json.member("upc", item.pointee.upc)
        json.member("warehouse", item.pointee.warehouse)
        json.endObject()
    }
}

extension InventoryItem {
    private enum Misspelt: String, CodingKey {
        /// How JOOR's field table spells `style_identifier` (its other pages do not): both are read.
        case styleIdentifier = "style_identifer"
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            inventory: try values.decode(Int.self, forKey: .inventory),
            warehouse: try values.decodeIfPresent(String.self, forKey: .warehouse),
            inventoryDate: try values.decodeIfPresent(String.self, forKey: .inventoryDate),
            upc: try values.decodeIfPresent(String.self, forKey: .upc),
            styleNumber: try values.decodeIfPresent(String.self, forKey: .styleNumber),
            styleIdentifier: try values.decodeIfPresent(String.self, forKey: .styleIdentifier)
                ?? decoder.container(keyedBy: Misspelt.self).decodeIfPresent(String.self, forKey: .styleIdentifier),
            colorCode: try values.decodeIfPresent(String.self, forKey: .colorCode),
            size: try values.decodeIfPresent(String.self, forKey: .size),
            sizeCode: try values.decodeIfPresent(String.self, forKey: .sizeCode),
            styleID: try values.decodeIfPresent(Int.self, forKey: .styleID),
            styleColorID: try values.decodeIfPresent(Int.self, forKey: .styleColorID),
            madeToOrder: try values.decodeIfPresent(Bool.self, forKey: .madeToOrder))
    }
}
