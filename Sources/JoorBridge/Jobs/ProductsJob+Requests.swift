import Foundation
import JoorModels

extension ProductsJob {
    /// What a run sends for a batch of styles, as a dry run and `preview` show it: v2's
    /// bulk-style request; or v4's products, SKUs and prices, each SKU at its own price. A v4 run
    /// learns JOOR's ids from its answers (and updates what JOOR has, by id), so the ids in the
    /// SKU and price bodies shown are placeholders: `<id of product FS-1001>`.
    public static func requests(
        for styles: [Style], api: BridgeConfig.ProductsAPI, pretty: Bool = false
    ) throws -> [(endpoint: String, body: Data)] {
        let encoder = JSONEncoder.canonical(pretty: pretty)
        switch api {
        case .v2:
            return [("POST /v2/bulk-style", try BulkStyleRequest(styles).jsonBody(pretty: pretty))]
        case .v4:
            func id(_ of: String) -> String { "<id of \(of)>" }
            let skus = styles.flatMap { V4Payloads.skus($0, productID: id("product \($0.styleIdentifier)")).create }
            let prices = styles.flatMap { style in
                V4Payloads.prices(
                    style, skuIDs: Dictionary(uniqueKeysWithValues: V4Payloads.skuExternalIDs(style).map { ($0, id("SKU \($0)")) }),
                    priceTypes: Dictionary(style.prices.map { ($0.label, id("price type \($0.label)")) }) { first, _ in first })
            }
            return [
                ("POST /v4/products/bulk_create", try encoder.encode(JSONValue.array(styles.map { V4Payloads.product($0) }))),
                ("POST /v4/skus/bulk_create", try encoder.encode(JSONValue.array(skus))),
                ("POST /v4/prices/bulk_create", try encoder.encode(JSONValue.array(prices))),
            ]
        }
    }
}
