import Foundation
import Testing

@testable import JoorModels

@Suite("JOOR orders responses")
struct OrdersPageTests {
    func page(_ json: String) throws -> OrdersPage { try OrdersPage.parseJSON(Data(json.utf8)) }

    @Test func everyEnvelopeShapeIsAccepted() throws {
        let order = #"{"order_id": 1, "customer_code": "C", "line_items": [{"item_upc": "017", "item_quantity": "6"}]}"#
        let shapes = [
            #"{"orders": {"response": {"code": 0, "next_start": 50}, "orders": [\#(order)]}}"#,
            #"{"orders": [\#(order)]}"#,
            #"{"orders": {"order": [\#(order)]}}"#,
            #"{"order": [\#(order)]}"#,
            #"[\#(order)]"#,
            #"{"orders": {"orders": {"order": \#(order)}}}"#,
        ]
        for shape in shapes {
            let parsed = try page(shape)
            #expect(parsed.orders.map(\.id) == ["1"], "\(shape)")
            #expect(parsed.orders.first?.lineItems.first?.fields["item_quantity"] == "6")
        }
        #expect(try page(shapes[0]).response.nextStart == 50)
    }

    @Test func emptyAndErrorResponses() throws {
        let empty = try page(#"{"orders": {"response": {"code": 0, "next_start": "", "count": 0}, "orders": []}}"#)
        #expect(empty.orders.isEmpty && empty.response.nextStart == nil && !empty.response.isError)
        // An empty or null next_start is JOOR's "no more pages"; an absent one says nothing.
        for next in [#""""#, "null", #"" 7 ""#] {
            let answer = try page(#"{"orders": {"response": {"code": 0, "next_start": \#(next)}, "orders": [{"order_id": 1}]}}"#)
            #expect(answer.isLast == (next != #"" 7 ""#) && answer.response.nextStart == (next == #"" 7 ""# ? 7 : nil), "\(next)")
        }
        #expect(try !page(#"{"orders": {"response": {"code": 0}, "orders": [{"order_id": 1}]}}"#).isLast)
        let error = try page(#"{"orders": {"response": {"code": 1, "comment": "date_end is required"}}}"#)
        #expect(error.response.isError && error.response.comment == "date_end is required")
        // A code that is not a number is not success (an empty page would advance the look times).
        let word = #expect(throws: JoorResponseError.self) {
            try page(#"{"orders": {"response": {"code": "E_AUTH", "comment": "token expired"}}}"#)
        }
        #expect(word?.message == "JOOR response: the response code 'E_AUTH' is not a number")
        #expect(try page(#"{"orders": {"response": {"code": "0"}, "orders": []}}"#).response.code == 0)
        #expect(try page(#"{"orders": {"response": {"code": null}, "orders": []}}"#).response.code == 0, "no code, as XML's empty one")
        #expect(throws: JoorResponseError.self) { try page("not json") }
        #expect(throws: JoorResponseError.self) { try page(#"{"something": 1}"#) }
    }

    @Test func numbersMayArriveAsStringsAndUnknownFieldsAreKept() throws {
        let parsed = try page(
            #"{"orders": [{"order_id": "8800101", "order_total": 1140.50, "brand_custom": "x", "is_personal_order": false, "date_ship_end": null}]}"#)
        let order = try #require(parsed.orders.first)
        #expect(order.id == "8800101")
        #expect(order.fields["order_total"] == "1140.5")
        #expect(order.fields["brand_custom"] == "x")
        #expect(order.fields["is_personal_order"] == "false")
        #expect(order.fields["date_ship_end"] == nil)
    }

    @Test func derivedFields() throws {
        let parsed = try page(
            #"{"orders": [{"order_id": 1, "order_doors": [{"door_id": 5, "door_code": "D5", "door_name": "Main"}], "line_items": [{"item_quantity": 2, "item_door_id": 5}, {"item_quantity": 3}]}]}"#
        )
        let order = parsed.orders[0]
        #expect(order.value(of: "total_quantity") == "5")
        #expect(order.value(of: "line_count") == "2")
        #expect(order.value(of: "door_codes") == "D5")
        #expect(order.lineItems[0].value(of: "door_name", in: order) == "Main")
        #expect(order.lineItems[1].value(of: "door_name", in: order) == nil)
    }
}

@Suite("Inventory and style payloads")
struct PayloadTests {
    @Test func bulkInventoryBodyIsExactAndDecodesBothShapes() throws {
        let body = try BulkInventoryRequest([InventoryItem(warehouse: "Default", upc: "017", inventory: 42)]).jsonBody()
        #expect(String(decoding: body, as: UTF8.self) == #"{"inventory_items":[{"inventory":42,"upc":"017","warehouse":"Default"}]}"#)
        let wrapped = #"{"inventory_items": {"inventory_item": [{"upc": "017", "inventory": 42, "style_identifer": "x"}]}}"#
        #expect(try BulkInventoryRequest.decode(Data(wrapped.utf8)).inventoryItems.first?.inventory == 42)
        #expect(
            try BulkInventoryRequest.decode(Data(wrapped.utf8)).inventoryItems.first?.styleIdentifier == "x",
            "style_identifer, as JOOR's field table spells it, is read too")
        let both = #"{"inventory_items":[{"inventory":1,"style_identifier":"a","style_identifer":"b"}]}"#
        #expect(try BulkInventoryRequest.decode(Data(both.utf8)).inventoryItems.first?.styleIdentifier == "a", "the usual spelling wins")
        #expect(try BulkInventoryRequest.decode(body).inventoryItems.first?.upc == "017")
    }

    @Test func bulkInventoryResponseReportsFailedSKUs() throws {
        // The shape of the reference example (joor-examples/v2-bulk-inventory-response.json).
        let data = Data(
            #"{"inventory_items":{"response":{"code":0},"sku_count":3,"inventory_log":[{"sku":"000000000017","status":"pass"},{"sku":"x","status":"pass"},{"sku":"000000000099","status":"fail"}]}}"#
                .utf8)
        let response = try BulkInventoryResponse.parse(data)
        #expect(response.entries.count == 3)
        #expect(response.entries.filter { !$0.passed }.map(\.sku) == ["000000000099"])
    }

    @Test func stylesAreGroupedFromShuffledRows() throws {
        var assembler = StyleAssembler()
        let rows: [[String: String]] = [
            ["style_number": "B", "color_code": "1", "size": "M", "upc": "3"],
            ["style_number": "A", "color_code": "1", "size": "S", "upc": "1", "style_name": "Alpha", "price.USD-1.wholesale": "10.00"],
            ["style_number": "B", "color_code": "2", "size": "S", "upc": "4"],
            ["style_number": "A", "color_code": "1", "size": "M", "upc": "2"],
        ]
        for (i, row) in rows.enumerated() { try assembler.add(row, line: i + 2) }
        let styles = assembler.build()
        #expect(styles.map(\.styleNumber) == ["B", "A"])
        #expect(styles[1].sizes.map(\.name) == ["S", "M"])
        #expect(styles[1].upcs.map(\.upc) == ["1", "2"])
        #expect(styles[1].styleName == "Alpha")
        #expect(styles[1].prices == [Style.Price(label: "USD-1", currency: "USD", wholesale: "10.00")])
        #expect(styles[0].colors.map(\.code) == ["1", "2"])
        #expect(styles[0].contentHash != styles[1].contentHash)
        let error = #expect(throws: StyleAssembler.Conflict.self) {
            try assembler.add(["style_number": "C", "color_code": "1", "size": "S", "upc": "1"], line: 9)
        }
        #expect(error?.line == 9 && error?.field == "upc")
        #expect(assembler.count == 2, "a refused row adds no style")
    }

    @Test func bulkStyleBodyRoundTrips() throws {
        let style = Style(
            styleName: "Shirt", styleNumber: "FS", styleIdentifier: "FS", attributes: ["silhouette": "Shirt"], colors: [.init(code: "110")],
            sizes: [.init("S")])
        let body = try BulkStyleRequest([style]).jsonBody()
        #expect(String(decoding: body, as: UTF8.self).hasPrefix(#"{"styles":{"style":[{"colors":[{"color_code":"110"}],"delivery_overwrite":3,"#))
        var sent = style
        sent.attributes["delivery_overwrite"] = "3"
        #expect(try BulkStyleRequest.decode(body).styles == [sent], "3 (only add) unless the style says otherwise")
        let variant =
            #"{"bulk_styles": [{"style_name": "Shirt", "style_number": "FS", "style_identifier": "FS", "silhouette": "Shirt", "colors": [{"color_code": "110"}], "sizes": [{"size_name": "S"}]}]}"#
        #expect(try BulkStyleRequest.decode(Data(variant.utf8)).styles == [style])
    }

    /// A file without colors or sizes (a style master, a price list) sends no `colors` or `sizes`:
    /// an empty list could clear the style's colors and sizes in JOOR.
    @Test func aStyleWithoutColorsOrSizesSendsNoEmptyLists() throws {
        let style = Style(styleName: "Shirt", styleNumber: "FS", styleIdentifier: "FS", prices: [.init(label: "USD-1", wholesale: "45")])
        let body = String(decoding: try BulkStyleRequest([style]).jsonBody(), as: UTF8.self)
        #expect(!body.contains("\"colors\"") && !body.contains("\"sizes\"") && body.contains("\"price_wholesale\""), "\(body)")
        #expect(try BulkStyleRequest.decode(Data(body.utf8)).styles.map(\.colors) == [[]])
    }

    /// `delivery_overwrite` is one of JOOR's four values or the row is refused; the body always
    /// carries one; a mode that replaces linesheets with none given is a hazard.
    @Test func linesheetModes() throws {
        var assembler = StyleAssembler()
        let error = #expect(throws: StyleAssembler.Conflict.self) {
            try assembler.add(["style_number": "A", "delivery_overwrite": "replace"], line: 4)
        }
        #expect(error?.field == "delivery_overwrite" && error?.message.contains("3 (only add)") == true, "\(String(describing: error))")
        try assembler.add(["style_number": "B", "delivery_overwrite": "1"], line: 5)
        try assembler.add(["style_number": "C", "delivery_overwrite": "1", "delivery_name": "Fall 2025"], line: 6)
        try assembler.add(["style_number": "D", "delivery_overwrite": "4"], line: 7)
        try assembler.add(["style_number": "E"], line: 8)
        let styles = assembler.build()
        #expect(styles.map(\.linesheetMode) == [.replaceAll, .replaceAll, .remove, .add])
        #expect(styles.map { $0.linesheetHazard != nil } == [true, false, false, false])
        let body = String(decoding: try BulkStyleRequest(styles).jsonBody(), as: UTF8.self)
        #expect(body.components(separatedBy: #""delivery_overwrite":"#).dropFirst().map { $0.prefix(1) } == ["1", "1", "4", "3"], "\(body)")
    }

    /// A style-level value comes from the first row that gives it; another value from a later
    /// row is the style's disagreement, naming both lines. Price parts merge across rows.
    @Test func rowsThatDisagreeAreRecorded() throws {
        func assemble(_ rows: [[String: String]]) throws -> [Style] {
            var assembler = StyleAssembler()
            for (i, row) in rows.enumerated() { try assembler.add(row, line: i + 2) }
            return assembler.build()
        }
        let base = ["style_number": "A", "style_name": "Alpha", "color_code": "1", "color_name": "Red", "size": "S"]
        func row(_ changes: [String: String]) -> [String: String] { base.merging(changes) { $1 } }

        let merged = try assemble([row(["price.USD-1.wholesale": "10"]), row(["size": "M", "price.USD-1.retail": "20"])])
        #expect(merged[0].prices == [.init(label: "USD-1", currency: "USD", wholesale: "10", retail: "20", retailCurrency: "USD")])
        #expect(merged[0].disagreement == nil && merged[0].priceDisagreement == nil)

        let cases: [(field: String, first: String, second: String, what: String)] = [
            ("style_name", "Alpha", "Alpha Shirt", "style_name"),
            ("style_description", "One", "Other", "style_description"),
            ("minimum", "6", "12", "minimum"),
            ("color_name", "Red", "Crimson", "color_name of color 1"),
            ("delivery_start", "2025-07-01", "2025-08-01", "delivery_start of linesheet Fall"),
            ("delivery_public", "yes", "no", "delivery_public of linesheet Fall"),
            ("price.USD-1.currency", "USD", "EUR", "price.USD-1.currency"),
        ]
        for (field, first, second, what) in cases {
            let rows = [
                row([field: first, "delivery_name": "Fall"]), row(["size": "M"]), row([field: second, "size": "L", "delivery_name": "Fall"]),
            ]
            let styles = try assemble(rows)
            let disagreement = try #require(styles[0].disagreement, "\(what)")
            #expect(disagreement.what == what && disagreement.line == 4 && disagreement.earlierLine == 2, "\(disagreement)")
            let reason = disagreement.reason(style: "A")
            #expect(reason.contains("the rows of style A give two values for \(what): '\(first)' on line 2 and '\(second)' on line 4"), "\(reason)")
            #expect(try assemble(rows.reversed())[0].disagreement != nil, "in any order the rows disagree: \(what)")
            #expect(try assemble(rows.dropLast())[0].disagreement == nil, "\(what)")
        }
        // A label's currency disagrees with a row's too; the same amount written two ways does not.
        let euro = try assemble([row(["price.USD-1.wholesale": "10"]), row(["size": "M", "price.USD-1.currency": "EUR"])])[0].disagreement
        #expect(euro?.what == "price.USD-1.currency" && euro?.earlierValue == "USD" && euro?.earlierLine == 2, "\(String(describing: euro))")
        let same = try assemble([row(["price.USD-1.wholesale": "45"]), row(["size": "M", "price.USD-1.wholesale": "45.00"])])[0]
        #expect(same.disagreement == nil && same.priceDisagreement == nil && same.skuPrices.isEmpty)
    }

    /// Rows that price SKUs of a style differently give those SKUs their own prices (v4 prices
    /// each SKU; v2 holds the style back on ``Style/priceDisagreement``). Two prices for one SKU
    /// are a disagreement with either API.
    @Test func skusPricedDifferently() throws {
        var assembler = StyleAssembler()
        let rows: [[String: String]] = [
            ["style_number": "A", "color_code": "1", "size": "S", "price.USD-1.wholesale": "10", "price.USD-1.retail": "20"],
            ["style_number": "A", "color_code": "1", "size": "M", "price.USD-1.wholesale": "10", "price.USD-1.retail": "20"],
            ["style_number": "A", "color_code": "2", "size": "S", "price.USD-1.wholesale": "12", "price.USD-1.retail": "20"],
            ["style_number": "A", "color_code": "2", "size": "S", "price.USD-1.wholesale": "12"],
        ]
        for (i, row) in rows.enumerated() { try assembler.add(row, line: i + 2) }
        let style = try #require(assembler.build().first)
        #expect(style.prices.first?.wholesale == "10" && style.disagreement == nil)
        #expect(style.skuPrices == [.init(colorCode: "2", sizeName: "S", price: .init(label: "USD-1", wholesale: "12"))])
        let price = try #require(style.priceDisagreement)
        #expect(price.line == 4 && price.earlierLine == 2 && price.value == "12" && price.field == "price.USD-1.wholesale", "\(price)")
        let entries = V4Payloads.prices(
            style, skuIDs: ["A-1-S": "s1", "A-1-M": "m1", "A-2-S": "s2", "A-2-M": "m2"], priceTypes: ["USD-1": "t"])
        let wholesale = Dictionary(uniqueKeysWithValues: entries.map { ($0["sku_id"]!.text!, $0["wholesale_value"]!.text!) })
        #expect(wholesale == ["s1": "10", "m1": "10", "s2": "12", "m2": "10"], "a SKU no row priced has the style's price")
        #expect(style.unpricedSKU == "color 2 size M", "so such a style is held back: its price would follow the row order")
        var unpriced = style
        unpriced.skuPrices = []
        #expect(unpriced.contentHash != style.contentHash, "a SKU's own price is part of what was sent")

        // With every SKU priced, the order of the rows changes which price is the style's, not the
        // hash.
        let complete: [[String: String]] = [
            ["style_number": "B", "color_code": "1", "size": "S", "price.USD-1.wholesale": "10"],
            ["style_number": "B", "color_code": "1", "size": "M", "price.USD-1.wholesale": "10"],
            ["style_number": "B", "color_code": "2", "size": "S", "price.USD-1.wholesale": "12"],
            ["style_number": "B", "color_code": "2", "size": "M", "price.USD-1.wholesale": "12"],
        ]
        var forward = StyleAssembler()
        var backward = StyleAssembler()
        for (i, row) in complete.enumerated() { try forward.add(row, line: i + 2) }
        // Colors the other way round (the size order is the size scale, which does count).
        for (i, row) in [complete[2], complete[3], complete[0], complete[1]].enumerated() { try backward.add(row, line: i + 2) }
        let (a, b) = (try #require(forward.build().first), try #require(backward.build().first))
        #expect(a.prices != b.prices && a.unpricedSKU == nil && b.unpricedSKU == nil)
        #expect(a.contentHash == b.contentHash)

        try assembler.add(["style_number": "A", "color_code": "1", "size": "S", "price.USD-1.wholesale": "11"], line: 6)
        let twice = try #require(assembler.build().first?.disagreement)
        #expect(twice.what == "price.USD-1.wholesale of color 1 size S" && twice.earlierLine == 2 && twice.line == 6, "\(twice)")
    }
}
