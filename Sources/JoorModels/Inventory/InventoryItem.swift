/// One SKU's stock in one warehouse, as sent to `POST /v2/bulk-inventory`.
///
/// A SKU is identified by `upc` (recommended), or by `style_number` + `color_code` + `size`
/// (with `style_identifier` when the brand uses one), or by JOOR's own ids.
public struct InventoryItem: Sendable, Hashable, Codable {
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
    /// The quantity available to sell.
    public var inventory: Int
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

    @inlinable public init(
        warehouse: String? = nil, inventoryDate: String? = nil, upc: String? = nil, styleNumber: String? = nil, styleIdentifier: String? = nil,
        colorCode: String? = nil, size: String? = nil, sizeCode: String? = nil, styleID: Int? = nil, styleColorID: Int? = nil, inventory: Int,
        madeToOrder: Bool? = nil
    ) {
        self.warehouse = warehouse
        self.inventoryDate = inventoryDate
        self.upc = upc
        self.styleNumber = styleNumber
        self.styleIdentifier = styleIdentifier
        self.colorCode = colorCode
        self.size = size
        self.sizeCode = sizeCode
        self.styleID = styleID
        self.styleColorID = styleColorID
        self.inventory = inventory
        self.madeToOrder = madeToOrder
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
    /// The item as ``JSONEncoder/canonical(pretty:)`` encodes it: keys sorted, absent ones left out.
    func write(to json: inout JSONWriter) {
        json.beginObject()
        if let colorCode {
            json.key("color_code")
            json.string(colorCode)
        }
        json.key("inventory")
        json.integer(inventory)
        if let inventoryDate {
            json.key("inventory_date")
            json.string(inventoryDate)
        }
        if let madeToOrder {
            json.key("made_to_order")
            json.boolean(madeToOrder)
        }
        if let size {
            json.key("size")
            json.string(size)
        }
        if let sizeCode {
            json.key("size_code")
            json.string(sizeCode)
        }
        if let styleColorID {
            json.key("style_color_id")
            json.integer(styleColorID)
        }
        if let styleID {
            json.key("style_id")
            json.integer(styleID)
        }
        if let styleIdentifier {
            json.key("style_identifier")
            json.string(styleIdentifier)
        }
        if let styleNumber {
            json.key("style_number")
            json.string(styleNumber)
        }
        if let upc {
            json.key("upc")
            json.string(upc)
        }
        if let warehouse {
            json.key("warehouse")
            json.string(warehouse)
        }
        json.endObject()
    }
}
