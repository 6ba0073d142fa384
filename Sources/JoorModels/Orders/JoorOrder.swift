/// A JOOR order as the v2 orders API returns it: flat order fields (bill-to and ship-to included),
/// one line item per SKU, plus the order's doors and divisions.
///
/// Every scalar field is kept as text, whether JOOR sent a string or a number, and fields JOOR
/// adds later are kept too, so mappings can use them. A field JOOR did not send is `nil`.
public struct JoorOrder: Sendable, Equatable, Codable {
    /// Scalar order fields by JOOR name (`order_id`, `customer_code`, `shipping_city`, …).
    public var fields: [String: String]
    public var lineItems: [JoorLineItem]
    /// Entries of `order_doors` (`door_id`, `door_name`, `door_code`, `door_deleted`).
    public var doors: [[String: String]]
    /// Entries of `order_divisions` (`division_code`, `division_name`).
    public var divisions: [[String: String]]

    public init(fields: [String: String], lineItems: [JoorLineItem] = [], doors: [[String: String]] = [], divisions: [[String: String]] = []) {
        self.fields = fields
        self.lineItems = lineItems
        self.doors = doors
        self.divisions = divisions
    }

    /// JOOR's order id (`order_id`), the key joorbridge tracks delivery by.
    public var id: String { fields["order_id"] ?? "" }
    public var customerCode: String? { fields["customer_code"].flatMap { $0.isEmpty ? nil : $0 } }
    public var warehouseCode: String? { fields["warehouse_code"].flatMap { $0.isEmpty ? nil : $0 } }
    public var dateCreated: String? { fields["date_created"] }
    public var dateModified: String? { fields["date_modified"] }

    /// A field by name, including the derived ones listed in ``JoorOrder/derivedFields``.
    public func value(of name: String) -> String? {
        if let value = fields[name] { return value }
        switch name {
        case "door_codes": return doors.compactMap { $0["door_code"] }.joined(separator: ",")
        case "door_names": return doors.compactMap { $0["door_name"] }.joined(separator: ",")
        case "division_codes": return divisions.compactMap { $0["division_code"] }.joined(separator: ",")
        case "division_names": return divisions.compactMap { $0["division_name"] }.joined(separator: ",")
        case "line_count": return String(lineItems.count)
        case "total_quantity":
            return String(lineItems.reduce(0) { $0 + (Int($1.fields["item_quantity"] ?? "") ?? 0) })
        default: return nil
        }
    }

    /// Fields joorbridge computes from the order for mappings.
    public static let derivedFields: Set<String> = ["door_codes", "door_names", "division_codes", "division_names", "line_count", "total_quantity"]
}

/// One order line: one SKU (style, color, size) with its quantity and prices.
public struct JoorLineItem: Sendable, Equatable, Codable {
    /// Scalar line fields by JOOR name (`item_upc`, `item_quantity`, `item_price`, …).
    public var fields: [String: String]
    /// Entries of `style_tags` (`style_tag_group`, `style_tag_name`, `style_tag_value`, `style_tag_code`).
    public var styleTags: [[String: String]]

    public init(fields: [String: String], styleTags: [[String: String]] = []) {
        self.fields = fields
        self.styleTags = styleTags
    }

    /// A field by name, including the derived ones in ``JoorLineItem/derivedFields``;
    /// `order` resolves the line's door.
    public func value(of name: String, in order: JoorOrder) -> String? {
        if let value = fields[name] { return value }
        switch name {
        case "door_code", "door_name":
            guard let doorID = fields["item_door_id"], !doorID.isEmpty else { return nil }
            return order.doors.first { $0["door_id"] == doorID }?[name]
        case "style_tag_values": return styleTags.compactMap { $0["style_tag_value"] }.joined(separator: ",")
        default: return nil
        }
    }

    /// Fields joorbridge computes for each line.
    public static let derivedFields: Set<String> = ["door_code", "door_name", "style_tag_values"]
}
