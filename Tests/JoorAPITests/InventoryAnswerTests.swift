import Foundation
import JoorModels
import Testing

@testable import JoorAPI

/// How JOOR's answer to a bulk inventory request decides which SKUs count as pushed (a pushed
/// quantity is not sent again while it stays the same).
@Suite("Bulk inventory answers")
struct InventoryAnswerTests {
    let items = [InventoryItem(upc: "000000000017", inventory: 4), InventoryItem(upc: "000000000024", inventory: 0)]

    func match(_ json: String) throws -> InventoryPushResult {
        JoorClient.match(items, try BulkInventoryResponse.parse(Data(json.utf8)))
    }

    @Test func aLogDecidesEachSKU() throws {
        let result = try match(
            #"{"inventory_items":{"response":{"code":0},"sku_count":1,"inventory_log":[{"sku":"000000000017","status":"pass"},{"sku":"000000000024","status":"fail"}]}}"#
        )
        #expect(result.accepted.map(\.upc) == ["000000000017"] && result.failed.map(\.item.upc) == ["000000000024"])
    }

    /// A log in another order than the request: matched by the SKUs it names, not by position.
    @Test func aLogInAnotherOrderIsMatchedBySKU() throws {
        let result = try match(
            #"{"inventory_items":{"response":{"code":0},"inventory_log":[{"sku":"000000000024","status":"pass"},{"sku":"000000000017","status":"fail"}]}}"#
        )
        #expect(result.accepted.map(\.upc) == ["000000000024"] && result.failed.map(\.item.upc) == ["000000000017"], "\(result)")
        // Names in a form joorbridge does not know: by position, as before.
        let other = try match(
            #"{"inventory_items":{"response":{"code":0},"inventory_log":[{"sku":"S|17","status":"pass"},{"sku":"S|24","status":"fail"}]}}"#)
        #expect(other.accepted.map(\.upc) == ["000000000017"] && other.failed.map(\.item.upc) == ["000000000024"], "\(other)")
    }

    @Test func withoutALogOnlyACountOfEveryItemConfirmsThem() throws {
        #expect(try match(#"{"inventory_items":{"response":{"code":0},"sku_count":2}}"#).accepted.count == 2)
        let short = try match(#"{"inventory_items":{"sku_count":1}}"#)
        #expect(short.accepted.isEmpty && short.failed.count == 2)
        #expect(short.failed.first?.reason == "JOOR's answer counted 1 update(s) for 2 SKU(s) and named none")
        for body in [#"{}"#, #"{"message":"ok"}"#, #"{"inventory_items":{"response":{"code":0}}}"#] {
            let nothing = try match(body)
            #expect(nothing.accepted.isEmpty && nothing.failed.count == 2, "\(body)")
            #expect(nothing.failed.first?.reason == "JOOR's answer has neither an inventory_log nor a sku_count: nothing is confirmed", "\(body)")
        }
    }
}
