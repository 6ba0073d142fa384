import Foundation
import JoorAPI
import JoorModels
import TestSupport
import Testing

@Suite("XML orders responses")
struct OrdersPageXMLTests {
    static func path(_ relative: String) -> String { Fixtures.repositoryRoot.appendingPathComponent(relative).path }

    @Test func xmlOrdersResponseParsesLikeJSON() throws {
        let xml = try OrdersPage.parse(try Data(contentsOf: URL(fileURLWithPath: Self.path("samples/orders/joor-orders.xml"))))
        let json = try OrdersPage.parse(try Data(contentsOf: URL(fileURLWithPath: Self.path("samples/orders/joor-orders.json"))))
        #expect(xml.orders.first?.id == "8800101")
        #expect(xml.orders.first?.lineItems.map { $0.fields["item_upc"] } == ["000000000017", "000000000024"])
        #expect(xml.orders.first?.fields["customer_code"] == json.orders.first?.fields["customer_code"])
        #expect(xml.orders.first?.fields["order_total"] == "810.00", "XML keeps the text as sent")
        #expect(json.orders.first?.fields["order_total"] == "1140", "JSON numbers become plain decimal text")
        #expect(xml.orders.first?.fields["shipping_city"] == "Springfield")
        #expect(xml.orders.first?.doors.first?["door_code"] == "D01")
        #expect(xml.orders.first?.lineItems.first?.styleTags.first?["style_tag_value"] == "FA25")
        #expect(xml.response.nextStart == 1)
    }

    /// An XML error code is read through the white space around it, and one that is not a
    /// number is an error: before, both read as 0, success with no orders.
    @Test func anXMLResponseCodeIsReadOrRefusedNeverTakenForSuccess() throws {
        func page(_ code: String) throws -> OrdersPage {
            try OrdersPage.parse(Data("<orders><response><code>\(code)</code><comment>bad token</comment></response></orders>".utf8))
        }
        #expect(try page(" 7 ").response.code == 7)
        #expect(try page("0").response.code == 0)
        let error = #expect(throws: JoorResponseError.self) { try page("E7") }
        #expect(error?.message == "JOOR response: the response code 'E7' is not a number")
    }
}
