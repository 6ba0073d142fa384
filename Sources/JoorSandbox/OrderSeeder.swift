import Foundation
import JoorModels

/// Generates realistic orders from a seed: several lines in size runs, addresses, some orders
/// without a customer code, and orders in every status.
struct OrderSeeder {

    /// The sample customers, one a line, in the order of ``customerKeys``. The walk-in buyer has
    /// no customer code (an order a filter or mapping may hold).
    static let customers: [[String: String]] = [
        [
            "HLB001", "Harbor Lane Boutique", "Harbor Lane Retail Group", "100 Main Street", "Springfield", "OR", "97477", "United States", "US",
            "USA", "USD",
        ],
        ["ATN002", "Atelier Nord", "Atelier Nord SARL", "12 Rue Exemple", "Paris", "", "75003", "France", "FR", "FRA", "EUR"],
        ["KWH003", "Kaufhaus Weber", "Weber & Söhne GmbH", "Marienplatz 8", "München", "BY", "80331", "Germany", "DE", "DEU", "EUR"],
        [
            "NSH004", "North Shore Supply", "North Shore Supply Co.", "1500 Sherman Ave", "Evanston", "IL", "60201", "United States", "US", "USA",
            "USD",
        ],
        ["", "Walk-in Trade Show Buyer", "", "11 W 33rd St", "New York", "NY", "10001", "United States", "US", "USA", "USD"],
    ].map { Dictionary(uniqueKeysWithValues: zip(customerKeys, $0)) }

    static let customerKeys = [
        "customer_code", "customer_name", "company_name", "shipping_address_1", "shipping_city", "shipping_region", "shipping_postal_code",
        "shipping_country", "shipping_country_iso_two", "shipping_country_iso_three", "order_currency",
    ]

    /// - Parameter until: the newest order is more than an hour before this; it is taken to its
    ///   hour, so that sandboxes started in one hour with one seed hold the same orders.
    static func orders(count: Int, seed: UInt64, until: Date = Date(), firstID: Int = 9_100_001) -> [SandboxOrder] {
        var rng = SplitMix(seed: seed)
        let catalog = SandboxCatalog.styles
        // Orders approved over the recent past, half an hour apart.
        let hour = (until.timeIntervalSinceReferenceDate / 3600).rounded(.down) * 3600
        let start = Date(timeIntervalSinceReferenceDate: hour - 3600 - Double(count) * 1800)
        return (0..<count).map { index in
            let customer = customers[index % customers.count == 4 && index % 10 != 4 ? 0 : index % customers.count]
            let created = start.addingTimeInterval(Double(index) * 1800 + Double(Int.random(in: 0..<900, using: &rng)))
            let iso = ISO8601DateFormatter().string(from: created)
            var fields = customer
            let id = firstID + index
            fields["order_id"] = String(id)
            fields["order_type"] = "4"
            fields["order_type_name"] = "Approved"
            fields["customer_purchase_order"] = "PO-\(id % 100_000)"
            fields["date_created"] = iso
            fields["date_modified"] = iso
            fields["date_approved"] = iso
            fields["date_ship_start"] = "2025-08-01T00:00:00+00:00"
            fields["date_ship_end"] = "2025-08-31T00:00:00+00:00"
            fields["shipping_name"] = customer["customer_name"]
            fields["shipping_code"] = (customer["customer_code"] ?? "") + "-S1"
            fields["billing_name"] = (customer["company_name"]?.isEmpty == false ? customer["company_name"] : customer["customer_name"]) ?? ""
            fields["billing_code"] = (customer["customer_code"] ?? "") + "-B1"
            for key in ["address_1", "city", "region", "postal_code", "country", "country_iso_two", "country_iso_three"] {
                fields["billing_\(key)"] = customer["shipping_\(key)"]
            }
            fields["warehouse_code"] = index % 7 == 3 ? "EUDC" : "MAINDC"
            fields["warehouse_name"] = index % 7 == 3 ? "EU DC" : "Main DC"
            fields["shipping_method_code"] = "GRND"
            fields["payment_method_code"] = "N30"
            var lines: [JoorLineItem] = []
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let style = catalog.randomElement(using: &rng)!
                let color = style.colors.randomElement(using: &rng)!
                for size in style.sizes where Int.random(in: 0..<3, using: &rng) > 0 {
                    guard let upc = style.upcs.first(where: { $0.colorCode == color.code && $0.sizeName == size.name })?.upc,
                        !lines.contains(where: { $0.fields["item_upc"] == upc })
                    else { continue }
                    let qty = Int.random(in: 1...12, using: &rng)
                    let price = style.prices.first?.wholesale ?? "10.00"
                    lines.append(
                        JoorLineItem(fields: [
                            "item_name": style.styleName, "item_number": style.styleNumber, "item_style_identifier": style.styleIdentifier,
                            "item_color": color.name ?? "", "item_color_code": color.code, "item_size": size.name, "item_size_code": size.name,
                            "item_upc": upc, "item_quantity": String(qty), "item_price": price, "item_unit_price": price,
                            "item_price_extended": (Decimal(string: price)! * Decimal(qty)).description,
                        ]))
                }
            }
            if lines.isEmpty {
                let style = catalog[0]
                lines.append(
                    JoorLineItem(fields: [
                        "item_name": style.styleName, "item_number": style.styleNumber, "item_color_code": style.upcs[0].colorCode,
                        "item_size": style.upcs[0].sizeName, "item_upc": style.upcs[0].upc, "item_quantity": "1", "item_price": "45.00",
                    ]))
            }
            let statuses: [SandboxOrder.Status] = [
                .approved, .approved, .approved, .approved, .approved, .approved, .pending, .shipped, .cancelled, .notes,
            ]
            return SandboxOrder(order: JoorOrder(fields: fields, lineItems: lines), status: statuses[index % statuses.count])
        }
    }
}
