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
    /// Which UPC each style, color and size has, and who owns each UPC, to catch a UPC used twice.
    private var upcs = MemoryUPCIndex()

    public init() {}

    /// Number of distinct styles so far.
    public var count: Int { order.count }

    /// Adds one row. A row missing `style_number` or contradicting its style's UPCs is refused
    /// (see ``admit(_:line:upcs:)``); a refused row adds nothing.
    public mutating func add(_ row: [String: String], line: Int) throws(Conflict) {
        let identifier = try Self.admit(row, line: line, upcs: &upcs)
        merge(row, identifier: identifier)
    }

    /// The style a row belongs to (`style_identifier`, or the style number), when it names one.
    public static func style(of row: [String: String]) -> String? {
        func value(_ key: String) -> String? { row[key].flatMap { $0.isEmpty ? nil : $0 } }
        return value("style_identifier") ?? value("style_number")
    }

    /// The checks ``add(_:line:)`` makes, against any UPC index (a job grouping a large file keeps
    /// it on disk): the row has a style number and a `delivery_overwrite` JOOR knows (if any), a
    /// UPC comes with its color and size, the style's color and size have no other UPC, and no
    /// other style, color or size has this UPC. The UPC of an admitted row is recorded in `upcs`.
    /// Rows must be admitted in file order.
    /// - Returns: the style the row belongs to (`style_identifier`, or the style number).
    public static func admit(_ row: [String: String], line: Int, upcs: inout some UPCIndex) throws(Conflict) -> String {
        func value(_ key: String) -> String? { row[key].flatMap { $0.isEmpty ? nil : $0 } }
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

    /// Merges an admitted row into its style.
    public mutating func merge(_ row: [String: String], identifier: String) {
        func value(_ key: String) -> String? { row[key].flatMap { $0.isEmpty ? nil : $0 } }
        let number = value("style_number") ?? identifier
        // No name in any row stays empty, never the number: sent, the number would replace the
        // style's name in JOOR (the products job holds such a style back).
        var style = styles[identifier] ?? Style(styleName: "", styleNumber: number, styleIdentifier: identifier)
        let isNew = styles[identifier] == nil
        if style.styleDescription == nil { style.styleDescription = value("style_description") }
        if let name = value("style_name"), style.styleName.isEmpty { style.styleName = name }
        for key in Self.attributeFields { if let v = value(key), style.attributes[key] == nil { style.attributes[key] = v } }
        if let ids = value("category_ids") {
            for id in ids.split(separator: ",").map({ String($0.trimmingCharacters(in: .whitespaces)) })
            where !id.isEmpty && !style.categories.contains(.init(id)) {
                style.categories.append(.init(id))
            }
        }
        if let color = value("color_code") {
            if let index = style.colors.firstIndex(where: { $0.code == color }) {
                if style.colors[index].name == nil { style.colors[index].name = value("color_name") }
            } else {
                style.colors.append(.init(code: color, name: value("color_name")))
            }
        }
        if let size = value("size"), !style.sizes.contains(.init(size)) { style.sizes.append(.init(size)) }
        if let upc = value("upc"), let color = value("color_code"), let size = value("size"),
            !style.upcs.contains(where: { $0.colorCode == color && $0.sizeName == size })
        {
            style.upcs.append(.init(colorCode: color, sizeName: size, upc: upc))
        }
        addPrices(row, to: &style)
        if let delivery = value("delivery_name")
            ?? value("season_name").map({ season in [season, value("season_year")].compactMap { $0 }.joined(separator: " ") }),
            !style.deliveries.contains(where: { $0.name == delivery })
        {
            style.deliveries.append(
                .init(
                    name: delivery, code: value("delivery_code"), seasonName: value("season_name"), seasonYear: value("season_year"),
                    seasonCode: value("season_code"), start: value("delivery_start"), end: value("delivery_end"),
                    isPublic: value("delivery_public").map { ["true", "1", "yes", "y", "x"].contains($0.lowercased()) } ?? true))
        }
        styles[identifier] = style
        if isNew { order.append(identifier) }
    }

    private func addPrices(_ row: [String: String], to style: inout Style) {
        var byLabel: [String: Style.Price] = [:]
        for (key, value) in row where key.hasPrefix("price.") && !value.isEmpty {
            let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
            guard parts.count == 3 else { continue }
            let label = parts[1]
            var price = byLabel[label] ?? Style.Price(label: label)
            switch parts[2] {
            case "wholesale": price.wholesale = value
            case "retail": price.retail = value
            case "currency": price.currency = value
            case "retail_currency": price.retailCurrency = value
            default: break
            }
            byLabel[label] = price
        }
        for label in byLabel.keys.sorted() where !style.prices.contains(where: { $0.label == label }) {
            var price = byLabel[label]!
            if price.currency == nil, label.count >= 3, label.prefix(3).allSatisfy(\.isUppercase) { price.currency = String(label.prefix(3)) }
            if price.retail != nil, price.retailCurrency == nil { price.retailCurrency = price.currency }
            style.prices.append(price)
        }
    }

    /// The styles, in the order they first appeared.
    public func build() -> [Style] {
        order.map { styles[$0]! }
    }
}
