import Foundation

/// Groups flat product rows (one per style/color/size, as WMS exports are) into ``Style``s.
///
/// Rows of one style may be spread over the file: they are merged by `style_identifier`
/// (or `style_number`). Colors, sizes, prices and linesheets keep the order they first appear in.
public struct StyleAssembler: Sendable {
    /// Row fields this assembler understands (besides `price.<label>.<part>`).
    public static let fields: Set<String> = Set([
        "style_number", "style_identifier", "style_name", "style_description", "color_code", "color_name", "size", "upc",
        "delivery_name", "delivery_code", "season_name", "season_year", "season_code", "delivery_start", "delivery_end", "delivery_public",
        "category_ids",
    ]).union(attributeFields)

    /// Scalar style attributes passed through to JOOR as they are.
    public static let attributeFields: Set<String> = [
        "silhouette", "silhouette_code", "fabrication", "fabrication_code", "style_country_origin", "division", "division_code",
        "minimum", "made_to_order", "measurements", "source_of_materials", "heel_height", "contains_fur", "delivery_overwrite",
    ]

    /// ``attributeFields`` in one order, so that the disagreement reported is the same every run.
    static let attributeOrder = attributeFields.sorted()

    /// The parts a `price.<label>.<part>` field may name.
    public static let priceParts: Set<String> = ["wholesale", "retail", "currency", "retail_currency"]

    /// A row that contradicts an earlier row of the same style.
    public struct Conflict: Error, Sendable, Equatable {
        public var line: Int
        public var field: String
        public var message: String
    }

    private var order: [String] = []
    private var styles: [String: Style] = [:]
    /// Per style, the line that first gave each of its style-level values.
    private var firstLines: [String: [String: Int]] = [:]
    /// Which UPC each style, color and size has, and who owns each UPC, to catch a UPC used twice.
    private var upcs = MemoryUPCIndex()

    public init() {}

    /// Number of distinct styles so far.
    public var count: Int { order.count }

    /// Adds one row. A row missing `style_number` or contradicting its style's UPCs is refused
    /// (see ``admit(_:line:upcs:)``); a refused row adds nothing.
    public mutating func add(_ row: [String: String], line: Int) throws(Conflict) {
        let identifier = try Self.admit(row, line: line, upcs: &upcs)
        merge(row, identifier: identifier, line: line)
    }

    /// A row's values by field, a missing or empty one as nil.
    private static func values(of row: [String: String]) -> (String) -> String? {
        { key in row[key].flatMap { $0.isEmpty ? nil : $0 } }
    }

    /// The style a row belongs to (`style_identifier`, or the style number), when it names one.
    public static func style(of row: [String: String]) -> String? {
        let value = Self.values(of: row)
        return value("style_identifier") ?? value("style_number")
    }

    /// The checks ``add(_:line:)`` makes, against any UPC index (a job grouping a large file keeps
    /// it on disk): the row has a style number and a `delivery_overwrite` JOOR knows (if any), a
    /// UPC comes with its color and size, the style's color and size have no other UPC, and no
    /// other style, color or size has this UPC. The UPC of an admitted row is recorded in `upcs`.
    /// Rows must be admitted in file order.
    /// - Returns: the style the row belongs to (`style_identifier`, or the style number).
    public static func admit(_ row: [String: String], line: Int, upcs: inout some UPCIndex) throws(Conflict) -> String {
        let value = Self.values(of: row)
        guard let number = value("style_number") else {
            throw Conflict(line: line, field: "style_number", message: "a product row needs a style number")
        }
        let identifier = value("style_identifier") ?? number
        if let mode = value(LinesheetMode.field), LinesheetMode(text: mode) == nil {
            throw Conflict(line: line, field: LinesheetMode.field, message: "delivery_overwrite is \(LinesheetMode.explained), not '\(mode)'")
        }
        guard let upc = value("upc") else { return identifier }
        guard let color = value("color_code"), let size = value("size") else {
            throw Conflict(line: line, field: "upc", message: "a UPC needs the row's color_code and size")
        }
        if let existing = upcs.upc(style: identifier, color: color, size: size) {
            if existing != upc {
                throw Conflict(
                    line: line, field: "upc",
                    message: "style \(identifier) color \(color) size \(size) already has UPC \(existing) from an earlier row")
            }
        } else if let owner = upcs.owner(of: upc) {
            throw Conflict(line: line, field: "upc", message: "UPC \(upc) is already used for \(owner)")
        } else {
            upcs.assign(upc, style: identifier, color: color, size: size)
        }
        return identifier
    }

    /// Merges an admitted row into its style. A style-level value (name, description, an
    /// attribute, a price, a color's name, a linesheet's dates) is taken from the first row that
    /// gives it; a later row giving another one is recorded as the style's ``Style/disagreement``.
    public mutating func merge(_ row: [String: String], identifier: String, line: Int) {
        let value = Self.values(of: row)
        let number = value("style_number") ?? identifier
        // No name in any row stays empty, never the number: sent, the number would replace the
        // style's name in JOOR (the products job holds such a style back).
        // Taken out while they change (put back below), so that no copy of them is made.
        let existing = styles.removeValue(forKey: identifier)
        let isNew = existing == nil
        var style = existing ?? Style(styleName: "", styleNumber: number, styleIdentifier: identifier)
        var settler = Settler(
            lines: firstLines.removeValue(forKey: identifier) ?? [:], line: line, disagreement: style.disagreement,
            priceDisagreement: style.priceDisagreement)
        style.styleName = settler.settle("style_name", style.styleName.isEmpty ? nil : style.styleName, value("style_name")) ?? ""
        style.styleDescription = settler.settle("style_description", style.styleDescription, value("style_description"))
        for key in Self.attributeOrder { style.attributes[key] = settler.settle(key, style.attributes[key], value(key)) }
        if let ids = value("category_ids") {
            for id in ids.split(separator: ",").map({ String($0.trimmingCharacters(in: .whitespaces)) })
            where !id.isEmpty && !style.categories.contains(.init(id)) {
                style.categories.append(.init(id))
            }
        }
        if let color = value("color_code") {
            let named = "color_name of color \(color)"
            if let index = style.colors.firstIndex(where: { $0.code == color }) {
                style.colors[index].name = settler.settle("color_name", style.colors[index].name, value("color_name"), key: named)
            } else {
                style.colors.append(.init(code: color, name: settler.settle("color_name", nil, value("color_name"), key: named)))
            }
        }
        if let size = value("size"), !style.sizes.contains(.init(size)) { style.sizes.append(.init(size)) }
        if let upc = value("upc"), let color = value("color_code"), let size = value("size"),
            !style.upcs.contains(where: { $0.colorCode == color && $0.sizeName == size })
        {
            style.upcs.append(.init(colorCode: color, sizeName: size, upc: upc))
        }
        addPrices(row, to: &style, settler: &settler)
        if let name = value("delivery_name")
            ?? value("season_name").map({ season in [season, value("season_year")].compactMap { $0 }.joined(separator: " ") })
        {
            let index = style.deliveries.firstIndex { $0.name == name } ?? style.deliveries.endIndex
            if index == style.deliveries.endIndex { style.deliveries.append(.init(name: name)) }
            var delivery = style.deliveries[index]
            func settle(_ field: String, _ current: String?) -> String? {
                settler.settle(field, current, value(field), key: "\(field) of linesheet \(name)")
            }
            delivery.code = settle("delivery_code", delivery.code)
            delivery.seasonName = settle("season_name", delivery.seasonName)
            delivery.seasonYear = settle("season_year", delivery.seasonYear)
            delivery.seasonCode = settle("season_code", delivery.seasonCode)
            delivery.start = settle("delivery_start", delivery.start)
            delivery.end = settle("delivery_end", delivery.end)
            // Public unless a row says otherwise.
            let isPublic = value("delivery_public").map { ["true", "1", "yes", "y", "x"].contains($0.lowercased()) ? "yes" : "no" }
            let publicKey = "delivery_public of linesheet \(name)"
            let wasGiven = settler.isGiven(publicKey) ? (delivery.isPublic == false ? "no" : "yes") : nil
            delivery.isPublic = settler.settle("delivery_public", wasGiven, isPublic, key: publicKey).map { $0 == "yes" } ?? true
            style.deliveries[index] = delivery
        }
        style.disagreement = settler.disagreement
        style.priceDisagreement = settler.priceDisagreement
        firstLines[identifier] = settler.lines
        styles[identifier] = style
        if isNew { order.append(identifier) }
    }

    /// Adds the row's `price.<label>.<part>` values, part by part: a row may give a price type's
    /// retail price where an earlier one gave its wholesale price. The first row to give a part
    /// sets the style's price; a row of a SKU that gives another wholesale or retail price sets
    /// that SKU's own (``Style/skuPrices``, and the style's ``Style/priceDisagreement``). A second
    /// price for one SKU, or another currency, is a disagreement.
    private func addPrices(_ row: [String: String], to style: inout Style, settler: inout Settler) {
        let value = Self.values(of: row)
        let sku = value("color_code").flatMap { color in value("size").map { (color: color, size: $0) } }
        for key in row.keys.filter({ $0.hasPrefix("price.") }).sorted() {
            guard let given = value(key) else { continue }
            let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
            guard parts.count == 3, Self.priceParts.contains(parts[2]) else { continue }
            let label = parts[1]
            let index = style.prices.firstIndex { $0.label == label } ?? style.prices.endIndex
            if index == style.prices.endIndex {
                var price = Style.Price(label: label)
                // A label that starts with a currency code (`USD-1`) prices in it, unless the row
                // says otherwise; a later row saying otherwise disagrees.
                if value("price.\(label).currency") == nil, label.count >= 3, label.prefix(3).allSatisfy(\.isUppercase) {
                    price.currency = String(label.prefix(3))
                    settler.lines["price.\(label).currency"] = settler.line
                }
                style.prices.append(price)
            }
            let part: WritableKeyPath<Style.Price, String?> =
                switch parts[2] {
                case "wholesale": \.wholesale
                case "retail": \.retail
                case "currency": \.currency
                default: \.retailCurrency
                }
            // Wholesale and retail prices may differ by SKU; the currencies are the price type's.
            let perSKU = parts[2] == "wholesale" || parts[2] == "retail"
            let current = style.prices[index][keyPath: part]
            let skuKey = sku.map { "\(key) of color \($0.color) size \($0.size)" }
            if perSKU, let sku { settler.lines[Self.pricedKey(sku.color, sku.size)] = settler.line }
            guard perSKU, let sku, let skuKey, let current else {
                style.prices[index][keyPath: part] = settler.settle(key, current, given, equal: perSKU ? Self.samePrice : (==))
                if perSKU, let skuKey { settler.lines[skuKey] = settler.line }
                continue
            }
            let own = style.skuPrices.firstIndex { $0.colorCode == sku.color && $0.sizeName == sku.size && $0.price.label == label }
            if settler.isGiven(skuKey) {
                // An earlier row priced this SKU: it has one price.
                _ = settler.settle(
                    key, own.flatMap { style.skuPrices[$0].price[keyPath: part] } ?? current, given, key: skuKey, equal: Self.samePrice)
                continue
            }
            settler.lines[skuKey] = settler.line
            guard !Self.samePrice(given, current) else { continue }
            var price = own.map { style.skuPrices[$0] } ?? Style.SKUPrice(colorCode: sku.color, sizeName: sku.size, price: .init(label: label))
            price.price[keyPath: part] = given
            if let own { style.skuPrices[own] = price } else { style.skuPrices.append(price) }
            if settler.priceDisagreement == nil {
                settler.priceDisagreement = .init(
                    what: key, field: key, line: settler.line, value: given, earlierLine: settler.lines[key] ?? 0, earlierValue: current,
                    remedy: "JOOR's v2 API prices a style, not each color or size; its v4 API (joor.api: v4) prices each SKU. "
                        + "Make the rows agree, or use v4")
            }
        }
    }

    /// Whether two prices are the same amount (`45` and `45.00` are).
    static func samePrice(_ a: String, _ b: String) -> Bool {
        func amount(_ text: String) -> Decimal? {
            text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }) ? Decimal(string: text, locale: posix) : nil
        }
        if a == b { return true }
        guard let first = amount(a) else { return false }
        return first == amount(b)
    }

    private static let posix = Locale(identifier: "en_US_POSIX")

    /// The settler's key saying a row of this SKU gave a wholesale or retail price.
    static func pricedKey(_ color: String, _ size: String) -> String { "a price for color \(color) size \(size)" }

    /// Settles each style-level value of one row against those earlier rows gave, remembering
    /// which line gave each first (for the message, should a later row disagree).
    private struct Settler {
        /// The line that first gave each value, by what the value is ("price.USD.wholesale",
        /// "color_name of color RED").
        var lines: [String: Int]
        let line: Int
        var disagreement: Style.Disagreement?
        var priceDisagreement: Style.Disagreement?

        func isGiven(_ key: String) -> Bool { lines[key] != nil }

        /// The value to keep: the earlier one, or `given` when there was none. A `given` that
        /// differs from the earlier value is the style's disagreement (the first one found).
        mutating func settle(
            _ field: String, _ current: String?, _ given: String?, key: String? = nil, equal: (String, String) -> Bool = (==)
        ) -> String? {
            let key = key ?? field
            guard let given else { return current }
            guard let current else {
                lines[key] = line
                return given
            }
            if !equal(given, current) && disagreement == nil {
                disagreement = .init(what: key, field: field, line: line, value: given, earlierLine: lines[key] ?? 0, earlierValue: current)
            }
            return current
        }
    }

    /// The styles, in the order they first appeared; a retail price is in the wholesale currency
    /// unless a row says otherwise.
    public func build() -> [Style] {
        order.map { identifier in
            var style = styles[identifier]!
            // A style priced by SKU needs a row pricing each SKU it sends (the full color × size
            // set): the style's own price, the first row's, would depend on the order of the rows.
            if !style.skuPrices.isEmpty {
                let lines = firstLines[identifier] ?? [:]
                style.unpricedSKU = style.colors.lazy.flatMap { color in style.sizes.lazy.map { (color.code, $0.name) } }
                    .first { lines[Self.pricedKey($0.0, $0.1)] == nil }.map { "color \($0.0) size \($0.1)" }
            }
            for index in style.prices.indices {
                if style.prices[index].retail != nil, style.prices[index].retailCurrency == nil {
                    style.prices[index].retailCurrency = style.prices[index].currency
                }
            }
            return style
        }
    }
}
