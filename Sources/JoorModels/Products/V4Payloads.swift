/// JOOR's v4 product API payloads built from a ``Style``: a product, its SKUs (the full
/// color × size set, each with both traits and its UPC), and its prices per price type.
public enum V4Payloads {
    /// JOOR's trait ids for color and size (every SKU needs both).
    public static let colorTrait = "U0tVVHJhaXQ6U3R5bGVDb2xvcg=="
    public static let sizeTrait = "U0tVVHJhaXQ6U2l6ZQ=="

    /// Product fields a mapping may give that the v4 payloads have no place for: the linesheets
    /// and the style attributes but `minimum` (v2 sends them all).
    public static let unsentFields: Set<String> = StyleAssembler.attributeFields.subtracting(["minimum"]).union([
        "delivery_name", "delivery_code", "season_name", "season_year", "season_code", "delivery_start", "delivery_end", "delivery_public",
    ])

    /// `POST /v4/products/bulk_create` entry (with `id` for `bulk_update`).
    public static func product(_ style: Style, id: String? = nil) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(style.styleName), "external_id": .string(style.styleIdentifier), "product_identifier": .string(style.styleNumber),
        ]
        if let id { object["id"] = .string(id) }
        if let description = style.styleDescription { object["description"] = .string(description) }
        if let minimum = style.attributes["minimum"].flatMap(Int.init) { object["order_minimum"] = .number(.init(minimum)) }
        if !style.categories.isEmpty { object["category_ids"] = .array(style.categories.map { .string($0.id) }) }
        return .object(object)
    }

    /// The external id of one SKU: `STYLE-COLOR-SIZE`.
    public static func skuExternalID(_ style: Style, color: String, size: String) -> String {
        "\(style.styleIdentifier)-\(color)-\(size)"
    }

    /// The external ids of every color × size of the style.
    public static func skuExternalIDs(_ style: Style) -> [String] {
        style.colors.flatMap { color in style.sizes.map { skuExternalID(style, color: color.code, size: $0.name) } }
    }

    /// Every color × size of the style, as `skus/bulk_create` entries (with `id` for `bulk_update`).
    public static func skus(_ style: Style, productID: String, existing: [String: String] = [:]) -> (create: [JSONValue], update: [JSONValue]) {
        var create: [JSONValue] = []
        var update: [JSONValue] = []
        for color in style.colors {
            for size in style.sizes {
                let external = skuExternalID(style, color: color.code, size: size.name)
                var object: [String: JSONValue] = [
                    "product_id": .string(productID), "external_id": .string(external), "sku_identifier": .string(external),
                    "trait_values": .array([
                        .object(["trait_id": .string(colorTrait), "value": .string(color.name ?? color.code), "external_id": .string(color.code)]),
                        .object(["trait_id": .string(sizeTrait), "value": .string(size.name), "external_id": .string(size.name)]),
                    ]),
                ]
                if let upc = style.upcs.first(where: { $0.colorCode == color.code && $0.sizeName == size.name })?.upc {
                    object["identifiers"] = .array([.object(["type": .string("UPC"), "value": .string(upc)])])
                }
                if let id = existing[external] {
                    object["id"] = .string(id)
                    update.append(.object(object))
                } else {
                    create.append(.object(object))
                }
            }
        }
        return (create, update)
    }

    /// `prices/bulk_create` entries for every SKU and price label, each SKU at its own price
    /// where rows gave it one (``Style/price(_:color:size:)``); labels JOOR has no price type
    /// for are returned separately.
    public static func prices(
        _ style: Style, skuIDs: [String: String], priceTypes: [String: String]
    ) -> (entries: [JSONValue], unknownLabels: [String]) {
        var entries: [JSONValue] = []
        var unknown: [String] = []
        for stylePrice in style.prices {
            guard let typeID = priceTypes[stylePrice.label] else {
                unknown.append(stylePrice.label)
                continue
            }
            for color in style.colors {
                for size in style.sizes {
                    let price = style.price(stylePrice, color: color.code, size: size.name)
                    guard let skuID = skuIDs[skuExternalID(style, color: color.code, size: size.name)], let wholesale = price.wholesale else {
                        continue
                    }
                    var object: [String: JSONValue] = [
                        "sku_id": .string(skuID), "price_type_id": .string(typeID), "wholesale_value": .string(wholesale),
                    ]
                    if let retail = price.retail { object["retail_value"] = .string(retail) }
                    entries.append(.object(object))
                }
            }
        }
        return (entries, unknown)
    }
}
