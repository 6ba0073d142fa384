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

    /// `POST /v4/products/bulk_create` entry; for `bulk_update`, with the product's `id` and the
    /// product as JOOR lists it (`existing`), whose description, order minimum, categories,
    /// traits and tags are sent back where the style gives none. Nobody documents whether an
    /// update replaces the product or only the fields it names; sent back, what the file does not
    /// give is kept either way.
    public static func product(_ style: Style, id: String? = nil, existing: JSONValue? = nil) -> JSONValue {
        var object = existing.map(writableFields(ofProduct:)) ?? [:]
        object["name"] = .string(style.styleName)
        object["external_id"] = .string(style.styleIdentifier)
        object["product_identifier"] = .string(style.styleNumber)
        if let id { object["id"] = .string(id) }
        if let description = style.styleDescription { object["description"] = .string(description) }
        if let minimum = style.attributes["minimum"].flatMap(Int.init) { object["order_minimum"] = .number(.init(minimum)) }
        if !style.categories.isEmpty { object["category_ids"] = .array(style.categories.map { .string($0.id) }) }
        return .object(object)
    }

    /// The fields of a product as JOOR lists it that `bulk_update` takes, in the shape it takes
    /// them: a trait value's `trait{id}` becomes `trait_id`, `categories[{id}]` `category_ids`.
    static func writableFields(ofProduct product: JSONValue) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        if let description = product["description"]?.text { fields["description"] = .string(description) }
        if let minimum = product["order_minimum"]?.int { fields["order_minimum"] = .number(.init(minimum)) }
        let categories = product["category_ids"]?.elements?.compactMap(\.text) ?? product["categories"]?.elements?.compactMap { $0["id"]?.text }
        if let categories, !categories.isEmpty { fields["category_ids"] = .array(categories.map { .string($0) }) }
        let traits = (product["product_trait_values"]?.elements ?? []).compactMap { value -> JSONValue? in
            guard let trait = value["trait_id"]?.text ?? value["trait"]?["id"]?.text, let text = value["value"]?.text else { return nil }
            var entry: [String: JSONValue] = ["trait_id": .string(trait), "value": .string(text)]
            if let external = value["external_id"]?.text { entry["external_id"] = .string(external) }
            return .object(entry)
        }
        if !traits.isEmpty { fields["product_trait_values"] = .array(traits) }
        let tags = (product["tags"]?.elements ?? []).compactMap { tag -> JSONValue? in
            let entry = ["name", "value", "code", "parent_id"].reduce(into: [String: JSONValue]()) { entry, key in
                if let text = tag[key]?.text { entry[key] = .string(text) }
            }
            return entry.isEmpty ? nil : .object(entry)
        }
        if !tags.isEmpty { fields["tags"] = .array(tags) }
        return fields
    }

    /// The external id of one SKU: `STYLE-COLOR-SIZE`.
    public static func skuExternalID(_ style: Style, color: String, size: String) -> String {
        "\(style.styleIdentifier)-\(color)-\(size)"
    }

    /// The external ids of every color × size of the style.
    public static func skuExternalIDs(_ style: Style) -> [String] {
        style.colors.flatMap { color in style.sizes.map { skuExternalID(style, color: color.code, size: $0.name) } }
    }

    /// Every color × size of the style, as `skus/bulk_create` entries; those JOOR lists already
    /// (`existing`, by external id) as `bulk_update` entries, with their `id`. What the style
    /// does not give is sent as JOOR has it: identifiers other than the UPC, and each color's and
    /// size's `status` and `order_minimum`, taken from any of the product's SKUs JOOR lists (an
    /// INACTIVE color sent without its status, on an old SKU or a new size of it, would be ACTIVE
    /// again: back on sale and on its orders).
    public static func skus(_ style: Style, productID: String, existing: [String: JSONValue] = [:]) -> (create: [JSONValue], update: [JSONValue]) {
        var create: [JSONValue] = []
        var update: [JSONValue] = []
        let listed = existing.values.filter { $0["product_id"]?.text == productID }
        for color in style.colors {
            for size in style.sizes {
                let external = skuExternalID(style, color: color.code, size: size.name)
                let sku = existing[external]
                let traits: [[String: JSONValue]] = [
                    ["trait_id": .string(colorTrait), "value": .string(color.name ?? color.code), "external_id": .string(color.code)],
                    ["trait_id": .string(sizeTrait), "value": .string(size.name), "external_id": .string(size.name)],
                ]
                var object: [String: JSONValue] = [
                    "product_id": .string(productID), "external_id": .string(external), "sku_identifier": .string(external),
                    "trait_values": .array(traits.map { .object(keeping($0, of: sku, listed: listed)) }),
                ]
                let upc = style.upcs.first(where: { $0.colorCode == color.code && $0.sizeName == size.name })?.upc
                // The UPC the file gives replaces JOOR's; JOOR's other identifiers (EAN, MPN…) stay.
                let kept = (sku?["identifiers"]?.elements ?? []).filter { upc == nil || $0["type"]?.text?.uppercased() != "UPC" }.compactMap {
                    identifier -> JSONValue? in
                    guard let type = identifier["type"]?.text, let value = identifier["value"]?.text else { return nil }
                    return .object(["type": .string(type), "value": .string(value)])
                }
                let identifiers = (upc.map { [JSONValue.object(["type": .string("UPC"), "value": .string($0)])] } ?? []) + kept
                if !identifiers.isEmpty { object["identifiers"] = .array(identifiers) }
                if let id = sku?["id"]?.text {
                    object["id"] = .string(id)
                    update.append(.object(object))
                } else {
                    create.append(.object(object))
                }
            }
        }
        return (create, update)
    }

    /// A trait value to send, with the `status` and `order_minimum` JOOR lists for it: on the
    /// SKU itself, else on the product's other SKUs with the same value of that trait (INACTIVE
    /// if any of them is: a new size of a color taken off sale stays off sale).
    static func keeping(_ trait: [String: JSONValue], of sku: JSONValue?, listed: [JSONValue]) -> [String: JSONValue] {
        let id = trait["trait_id"]?.text
        func value(in sku: JSONValue?) -> JSONValue? {
            sku?["trait_values"]?.elements?.first { value in
                (value["trait_id"]?.text ?? value["trait"]?["id"]?.text) == id
                    && (value["external_id"]?.text.map { $0 == trait["external_id"]?.text } ?? (value["value"]?.text == trait["value"]?.text))
            }
        }
        let own = value(in: sku)
        let others = own == nil ? listed.compactMap(value(in:)) : []
        var trait = trait
        for key in ["status", "order_minimum"] {
            let found = ([own].compactMap { $0 } + others).compactMap { $0[key] }.filter { $0 != .null }
            trait[key] = found.first { key == "status" && $0.text?.uppercased() == "INACTIVE" } ?? found.first ?? trait[key]
        }
        return trait
    }

    /// A price type as `GET /v4/price_types` lists it: its id and, where the listing gives them,
    /// its currencies (`currency_code`, `retail_currency_code`, as a price's answer shows them).
    public struct PriceType: Sendable, Equatable {
        public var id: String
        public var currency: String?
        public var retailCurrency: String?

        public init(id: String, currency: String? = nil, retailCurrency: String? = nil) {
            self.id = id
            self.currency = currency
            self.retailCurrency = retailCurrency
        }

        /// A listed price type by name, or nil without a name or id. The currencies are read
        /// from `currency_code` or `currency` (and `retail_…`): the listing is not documented.
        public init?(listed entry: JSONValue) {
            guard let id = entry["id"]?.text else { return nil }
            func code(_ names: String...) -> String? { names.lazy.compactMap { entry[$0]?.text }.first { !$0.isEmpty } }
            self.init(id: id, currency: code("currency_code", "currency"), retailCurrency: code("retail_currency_code", "retail_currency"))
        }
    }

    /// Why the style's prices cannot go to JOOR's price types (by name), or nil. A v4 price is
    /// an amount in its price type's currencies, so a label JOOR has no price type for is
    /// refused, and so is a currency the style gives (or its label implies, `USD-1`) that is not
    /// the price type's: 75.00 sent as EUR to a USD price type would read as 75.00 USD.
    public static func priceProblem(_ style: Style, priceTypes: [String: PriceType]) -> String? {
        let unknown = style.prices.map(\.label).filter { priceTypes[$0] == nil }
        if !unknown.isEmpty { return "JOOR has no price type \(unknown.joined(separator: ", ")); create it in JOOR or fix the price label" }
        for price in style.prices {
            let type = priceTypes[price.label]
            for (given, listed, what) in [(price.currency, type?.currency, "wholesale"), (price.retailCurrency, type?.retailCurrency, "retail")] {
                guard let given, let listed, given.uppercased() != listed.uppercased() else { continue }
                return
                    "JOOR's price type \(price.label) is in \(listed) (\(what)), but the file prices it in \(given); v4 sends amounts in the price type's currency. Map the price to a price type in \(given), or give price.\(price.label).\(what == "retail" ? "retail_currency" : "currency"): \(listed) if the amounts are in \(listed)"
            }
        }
        return nil
    }

    /// `prices/bulk_create` entries for every SKU and price label JOOR has a price type for (see
    /// ``priceProblem(_:priceTypes:)``), each SKU at its own price where rows gave it one
    /// (``Style/price(_:color:size:)``).
    public static func prices(_ style: Style, skuIDs: [String: String], priceTypes: [String: String]) -> [JSONValue] {
        var entries: [JSONValue] = []
        for stylePrice in style.prices {
            guard let typeID = priceTypes[stylePrice.label] else { continue }
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
        return entries
    }
}
