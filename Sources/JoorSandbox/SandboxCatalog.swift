import JoorModels

/// The styles a fresh sandbox account has, matching joorbridge's samples, so inventory for
/// them is accepted before any product sync ran. Each is on a linesheet made in JOOR ("Core
/// Basics"), which a style call only takes away when its `delivery_overwrite` says so.
enum SandboxCatalog {
    static let styles: [Style] = [
        style(
            "FS-1001", "Linen Field Shirt", "45.00", [("110", "Sand"), ("410", "Navy")], ["S", "M", "L"],
            upcs: [
                ("110", "S", "000000000017"), ("110", "M", "000000000024"), ("110", "L", "000000000062"),
                ("410", "S", "000000000086"), ("410", "M", "000000000093"), ("410", "L", "000000000109"),
            ]),
        style(
            "TB-2002", "Canvas Tote", "33.00", [("001", "Black"), ("100", "Natural")], ["OS"],
            upcs: [
                ("001", "OS", "000000000031"), ("100", "OS", "000000000048"),
            ]),
        style(
            "FS-1005", "Wool Overshirt", "89.00", [("300", "Olive")], ["M", "L", "XL"],
            upcs: [
                ("300", "M", "000000000116"), ("300", "L", "000000000123"), ("300", "XL", "000000000079"),
            ]),
        style(
            "KN-3003", "Merino Crew Knit", "58.00", [("200", "Oat"), ("900", "Charcoal")], ["XS", "S", "M", "L", "XL"],
            upcs: [
                ("200", "XS"), ("200", "S"), ("200", "M"), ("200", "L"), ("200", "XL"), ("900", "XS"), ("900", "S"), ("900", "M"), ("900", "L"),
                ("900", "XL"),
            ]
            .enumerated().map { ($1.0, $1.1, "00000000\(2000 + $0)") }),
    ]

    private static func style(
        _ number: String, _ name: String, _ price: String, _ colors: [(String, String)], _ sizes: [String], upcs: [(String, String, String)]
    ) -> Style {
        Style(
            styleName: name, styleNumber: number, styleIdentifier: number,
            prices: [.init(label: "USD-1", currency: "USD", wholesale: price)], deliveries: [.init(name: "Core Basics")],
            colors: colors.map { .init(code: $0.0, name: $0.1) }, sizes: sizes.map(Style.Size.init),
            upcs: upcs.map { .init(colorCode: $0.0, sizeName: $0.1, upc: $0.2) })
    }
}
