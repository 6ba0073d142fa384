import Foundation

/// A style (product) in JOOR's v2 style payload: name, number, prices per price type,
/// linesheets, colors, sizes and the UPC of each color/size.
public struct Style: Sendable, Equatable, Codable {
    public struct Price: Sendable, Equatable, Codable {
        /// The price type, e.g. `USD-1` or `EUR-Wholesale`.
        public var label: String
        public var currency: String?
        public var wholesale: String?
        public var retail: String?
        public var retailCurrency: String?

        enum CodingKeys: String, CodingKey {
            case label = "price_label"
            case currency = "price_currency"
            case wholesale = "price_wholesale"
            case retail = "price_retail"
            case retailCurrency = "price_currency_retail"
        }

        public init(label: String, currency: String? = nil, wholesale: String? = nil, retail: String? = nil, retailCurrency: String? = nil) {
            self.label = label
            self.currency = currency
            self.wholesale = wholesale
            self.retail = retail
            self.retailCurrency = retailCurrency
        }
    }

    /// A linesheet (delivery) the style is on.
    public struct Delivery: Sendable, Equatable, Codable {
        public var name: String
        public var code: String?
        public var seasonName: String?
        public var seasonYear: String?
        public var seasonCode: String?
        public var start: String?
        public var end: String?
        /// Whether buyers see the linesheet (`public`, as in JOOR's example); true unless the
        /// mapping's `delivery_public` says otherwise.
        public var isPublic: Bool?

        enum CodingKeys: String, CodingKey {
            case name = "delivery_name"
            case code = "delivery_code"
            case seasonName = "season_name"
            case seasonYear = "season_year"
            case seasonCode = "season_code"
            case start = "date_delivery_start"
            case end = "date_delivery_end"
            case isPublic = "public"
        }

        public init(
            name: String, code: String? = nil, seasonName: String? = nil, seasonYear: String? = nil, seasonCode: String? = nil, start: String? = nil,
            end: String? = nil,
            isPublic: Bool? = true
        ) {
            self.name = name
            self.code = code
            self.seasonName = seasonName
            self.seasonYear = seasonYear
            self.seasonCode = seasonCode
            self.start = start
            self.end = end
            self.isPublic = isPublic
        }
    }

    public struct Color: Sendable, Equatable, Codable {
        public var name: String?
        public var code: String
        enum CodingKeys: String, CodingKey {
            case name = "color_name"
            case code = "color_code"
        }
        public init(code: String, name: String? = nil) {
            self.code = code
            self.name = name
        }
    }

    public struct Size: Sendable, Equatable, Codable {
        public var name: String
        enum CodingKeys: String, CodingKey { case name = "size_name" }
        public init(_ name: String) { self.name = name }
    }

    public struct UPC: Sendable, Equatable, Codable {
        public var colorCode: String
        public var sizeName: String
        public var upc: String
        enum CodingKeys: String, CodingKey {
            case colorCode = "color_code"
            case sizeName = "size_name"
            case upc
        }
        public init(colorCode: String, sizeName: String, upc: String) {
            self.colorCode = colorCode
            self.sizeName = sizeName
            self.upc = upc
        }
    }

    /// A JOOR category, by id. JOOR's example sends the id as a number; a non-numeric id is sent
    /// as text, and either is read.
    public struct Category: Sendable, Equatable, Codable {
        public var id: String
        enum CodingKeys: String, CodingKey { case id = "category_id" }
        public init(_ id: String) { self.id = id }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let number = try? c.decode(Int.self, forKey: .id) { id = String(number) } else { id = try c.decode(String.self, forKey: .id) }
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            if let number = Int(id), String(number) == id { try c.encode(number, forKey: .id) } else { try c.encode(id, forKey: .id) }
        }
    }

    public var styleName: String
    public var styleNumber: String
    /// The unique key of the style in JOOR.
    public var styleIdentifier: String
    public var styleDescription: String?
    /// Other scalar style attributes (`silhouette`, `fabrication`, `division`, `minimum`, …).
    public var attributes: [String: String]
    public var categories: [Category]
    public var prices: [Price]
    public var deliveries: [Delivery]
    public var colors: [Color]
    public var sizes: [Size]
    public var upcs: [UPC]
    /// Two rows of the style that gave one of its style-level values differently (the first row's
    /// value is the one kept), as ``StyleAssembler`` found. Neither sent nor part of the
    /// ``contentHash``: a style with one is held back.
    public var disagreement: Disagreement?
    /// Prices rows gave single SKUs that differ from the style's own ``prices`` (the first row's):
    /// JOOR's v4 API prices each SKU. Not in the v2 body (v2 prices only the style).
    public var skuPrices: [SKUPrice] = []
    /// The first row that priced its SKU differently from the style's price (``skuPrices``): a
    /// v2 style with one is held back.
    public var priceDisagreement: Disagreement?
    /// With ``skuPrices``: a SKU of the full color × size set no row prices (`color 410 size XL`),
    /// whose price would be whichever row came first. Such a style is held back.
    public var unpricedSKU: String?

    public init(
        styleName: String, styleNumber: String, styleIdentifier: String, styleDescription: String? = nil, attributes: [String: String] = [:],
        categories: [Category] = [], prices: [Price] = [], deliveries: [Delivery] = [], colors: [Color] = [], sizes: [Size] = [], upcs: [UPC] = []
    ) {
        self.styleName = styleName
        self.styleNumber = styleNumber
        self.styleIdentifier = styleIdentifier
        self.styleDescription = styleDescription
        self.attributes = attributes
        self.categories = categories
        self.prices = prices
        self.deliveries = deliveries
        self.colors = colors
        self.sizes = sizes
        self.upcs = upcs
    }

    private struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Attributes JOOR's example sends as numbers (`"minimum": 6`, `"delivery_overwrite": 3`).
    static let integerKeys: Set<String> = ["minimum", "delivery_overwrite"]

    static let fixedKeys: Set<String> = [
        "style_name", "style_number", "style_identifier", "style_description", "categories", "prices", "deliveries", "colors", "sizes", "upcs",
    ]

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: DynamicKey.self)
        try c.encode(styleName, forKey: .init("style_name"))
        try c.encode(styleNumber, forKey: .init("style_number"))
        try c.encode(styleIdentifier, forKey: .init("style_identifier"))
        try c.encodeIfPresent(styleDescription, forKey: .init("style_description"))
        for (key, value) in attributes where !Self.fixedKeys.contains(key) {
            if Self.integerKeys.contains(key), let number = Int(value), String(number) == value {
                try c.encode(number, forKey: .init(key))
            } else {
                try c.encode(value, forKey: .init(key))
            }
        }
        if !categories.isEmpty { try c.encode(categories, forKey: .init("categories")) }
        if !prices.isEmpty { try c.encode(prices, forKey: .init("prices")) }
        if !deliveries.isEmpty { try c.encode(deliveries, forKey: .init("deliveries")) }
        // No colors or sizes in the file is "not given", never "none": an empty list could clear
        // the style's colors and sizes in JOOR (a v2 upsert may replace the style).
        if !colors.isEmpty { try c.encode(colors, forKey: .init("colors")) }
        if !sizes.isEmpty { try c.encode(sizes, forKey: .init("sizes")) }
        if !upcs.isEmpty { try c.encode(upcs, forKey: .init("upcs")) }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: DynamicKey.self)
        func text(_ key: String) -> String? {
            if let s = try? c.decodeIfPresent(String.self, forKey: .init(key)) { return s }
            if let d = try? c.decodeIfPresent(Decimal.self, forKey: .init(key)) { return d.plainDescription }
            if let b = try? c.decodeIfPresent(Bool.self, forKey: .init(key)) { return b ? "true" : "false" }
            return nil
        }
        styleName = text("style_name") ?? ""
        styleNumber = text("style_number") ?? ""
        styleIdentifier = text("style_identifier") ?? styleNumber
        styleDescription = text("style_description")
        categories = (try? c.decodeIfPresent([Category].self, forKey: .init("categories"))) ?? []
        prices = (try? c.decodeIfPresent([Price].self, forKey: .init("prices"))) ?? []
        deliveries = (try? c.decodeIfPresent([Delivery].self, forKey: .init("deliveries"))) ?? []
        colors = (try? c.decodeIfPresent([Color].self, forKey: .init("colors"))) ?? []
        sizes = (try? c.decodeIfPresent([Size].self, forKey: .init("sizes"))) ?? []
        upcs = (try? c.decodeIfPresent([UPC].self, forKey: .init("upcs"))) ?? []
        var attributes: [String: String] = [:]
        for key in c.allKeys where !Self.fixedKeys.contains(key.stringValue) {
            if let value = text(key.stringValue) { attributes[key.stringValue] = value }
        }
        self.attributes = attributes
    }

    /// A stable fingerprint of the style's content, to send only styles that changed. The order of
    /// colors, UPCs, prices (the SKUs' too), linesheets and categories does not count (rows may come in any order);
    /// the order of sizes does (it is the size scale).
    public var contentHash: String {
        var canonical = self
        canonical.colors.sort { $0.code < $1.code }
        canonical.upcs.sort { ($0.colorCode, $0.sizeName, $0.upc) < ($1.colorCode, $1.sizeName, $1.upc) }
        canonical.prices.sort { $0.label < $1.label }
        canonical.deliveries.sort { $0.name < $1.name }
        canonical.categories.sort { $0.id < $1.id }
        let encoder = JSONEncoder.canonical()
        // Priced by SKU: each SKU's price counts, not which row's price became the style's (only
        // then: the hashes JOOR accepted before SKU prices existed still hold).
        var skus: [SKUPrice] = []
        if !skuPrices.isEmpty {
            let labelled = prices.sorted { $0.label < $1.label }
            for color in colors.map(\.code).sorted() {
                for size in sizes.map(\.name) {
                    skus += labelled.map { .init(colorCode: color, sizeName: size, price: price($0, color: color, size: size)) }
                }
            }
            for index in canonical.prices.indices {
                canonical.prices[index].wholesale = nil
                canonical.prices[index].retail = nil
            }
        }
        var content = (try? encoder.encode(canonical)) ?? Data()
        if !skus.isEmpty { content += (try? encoder.encode(skus)) ?? Data() }
        return FNV1a.hex(content)
    }
}

/// The body of `POST /v2/bulk-style`: `{"styles": {"style": [ … ]}}`, JOOR's documented
/// `styles` → `style` node structure. (The sandbox also accepts `bulk_styles` variants.)
public struct BulkStyleRequest: Sendable, Equatable {
    public var styles: [Style]
    public init(_ styles: [Style]) { self.styles = styles }

    /// The body. Every style says its `delivery_overwrite` (``Style/linesheetMode``, 3 unless the
    /// mapping sets it): without one, JOOR replaces all of the style's linesheets with those sent.
    public func jsonBody(pretty: Bool = false) throws -> Data {
        let sent = styles.map { style in
            var style = style
            style.attributes[LinesheetMode.field] = String(style.linesheetMode.rawValue)
            return style
        }
        let encoder = JSONEncoder.canonical(pretty: pretty)
        return try encoder.encode(["styles": ["style": sent]])
    }

    /// Accepts `{"styles":{"style":[…]}}`, `{"bulk_styles":{"style":[…]}}`, `{"bulk_styles":[…]}`,
    /// `{"bulk_style":[…]}`, and a single style object in place of the array.
    public static func decode(_ data: Data) throws -> BulkStyleRequest {
        let root = try JSONValue.parse(data)
        guard let container = root["styles"] ?? root["bulk_styles"] ?? root["bulk_style"] else {
            throw JoorResponseError("the body has no styles")
        }
        let list = container["style"] ?? container
        let listData = try JSONEncoder().encode(list.elements ?? [])
        return BulkStyleRequest(try JSONDecoder().decode([Style].self, from: listData))
    }
}
