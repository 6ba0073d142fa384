import FileFormats
import Foundation
import JoorModels
import TestSupport
import Testing

@testable import Mapping

/// The WMS layouts of #17: fallbacks in templates, packed size cells, header and trailer records
/// with the file's totals, fixed-width files in and out.
@Suite("WMS layouts")
struct LayoutTests {
    static let orders = RendererTests.orders

    func outbound(_ yaml: String) throws -> OutboundMapping {
        guard case .outbound(let mapping) = try MappingFile.compile(yaml, path: "m.yml").body else { fatalError() }
        return mapping
    }

    func files(
        _ mapping: OutboundMapping, _ orders: [JoorOrder] = LayoutTests.orders
    ) throws -> (files: [(name: String, text: String)], rejected: [OrderRejection]) {
        let (files, rejected) = try OutboundPreview(
            mapping: mapping, context: RenderContext(runID: "r7", date: Date(timeIntervalSince1970: 0), timeZone: TimeZone(identifier: "UTC")!)
        ).run(orders: orders)
        return (files.map { ($0.name, String(decoding: $0.bytes, as: UTF8.self)) }, rejected)
    }

    @Test func templateFallbacksTakeTheFirstValueThatIsNotEmpty() throws {
        let mapping = try outbound(
            """
            version: 1
            kind: orders
            output: { format: csv, layout: orders, per: run, file_name: "o.csv", csv: { header: false, line_ending: lf } }
            columns:
              - { name: BillTo, from: [order.company_name, order.customer_name] }
              - { name: Label, concat: "{order.company_name|order.customer_name} / {order.nothing|order.customer_code}" }
            """)
        #expect(Self.orders[1].fields["company_name"] == "", "the sample's second order has no company")
        let text = try files(mapping).files[0].text
        #expect(
            text == """
                Harbor Lane Retail Group,Harbor Lane Retail Group / HLB001
                Atelier Nord,Atelier Nord / ATN002
                Harbor Lane Retail Group,Harbor Lane Retail Group / HLB001

                """)
        let errors = compileErrors(
            "version: 1\nkind: orders\noutput: { file_name: \"o.csv\" }\ncolumns:\n  - { name: A, concat: \"{order.a|}\" }\n  - { name: B, concat: \"{order.a|shipping}\" }\n"
        )
        #expect(errors.contains { $0.location.line == 5 && $0.message.contains("empty alternative") }, "\(errors)")
        #expect(errors.contains { $0.location.line == 6 && $0.message.contains("'shipping' is not a JOOR field") }, "\(errors)")
    }

    @Test func packedSizeCellsFillEachPosition() throws {
        let mapping = try outbound(
            """
            version: 1
            kind: orders
            output:
              format: csv
              layout: size_grid
              file_name: "SO_{order.order_id}.csv"
              csv: { line_ending: lf }
              size_grid: { positions: 4, quantity_header: "S{n}", cell: "{size.name}:{size.quantity}:{size.barcode}" }
            columns:
              - { name: Style, from: line.item_number }
              - { name: Units, from: size.quantity }
            """)
        let file = try files(mapping, [Self.orders[0]]).files[0]
        #expect(file.text == "Style,Units,S1,S2,S3,S4\nFS-1001,18,S:6:000000000017,M:12:000000000024,,\nTB-2002,10,OS:10:000000000031,,,\n")
        let errors = compileErrors(
            "version: 1\nkind: orders\noutput: { layout: size_grid, file_name: \"o.csv\", size_grid: { positions: 2, cell: \"{line.item_upc}\" } }\ncolumns:\n  - { name: A, from: order.order_id }\n"
        )
        #expect(errors.contains { $0.message.contains("size_grid.cell does not use the size") }, "\(errors)")
    }

    /// A size grid needs its number of positions, from 1 to 200.
    @Test func sizeGridPositionsAreRequiredAndBounded() {
        for (grid, message) in [
            ("{ positions: 0 }", "size_grid.positions must be between 1 and 200, not 0"),
            ("{ positions: 201 }", "size_grid.positions must be between 1 and 200, not 201"),
            ("{ positions: many }", "size_grid.positions must be a whole number, not 'many'"),
            ("{ quantity_header: \"Q{n}\" }", "size_grid needs positions: (the size columns per row, 1–200)"),
        ] {
            let errors = compileErrors(
                "version: 1\nkind: orders\noutput:\n  layout: size_grid\n  file_name: o.csv\n  size_grid: \(grid)\ncolumns:\n  - { name: A, from: line.item_number }\n"
            )
            #expect(errors.contains { $0.location.line == 6 && $0.message == message }, "\(grid): \(errors)")
        }
    }

    @Test func headerAndTrailerRecordsCarryTheFilesTotals() throws {
        let mapping = try outbound(
            """
            version: 1
            kind: orders
            output: { format: csv, per: run, file_name: "o.csv", csv: { line_ending: lf, delimiter: "|" } }
            header_record:
              - { name: T, const: HDR }
              - { name: Orders, from: run.order_count }
              - { name: Run, from: run.id }
            columns:
              - { name: Order, from: order.order_id }
              - { name: Qty, from: line.item_quantity }
            trailer_record:
              - { name: T, const: TRL }
              - { name: Lines, from: run.line_count }
              - { name: Units, from: run.total_quantity }
              - { name: Amount, from: run.total_amount, type: decimal, number: { decimals: 2 } }
              - { name: Records, from: run.record_count }
            """)
        let text = try files(mapping).files[0].text
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "HDR|3|r7")
        #expect(lines[1] == "Order|Qty", "the column names follow the header record")
        let data = lines.dropFirst(2).dropLast()
        let units = data.compactMap { Int($0.split(separator: "|")[1]) }.reduce(0, +)
        let total = Self.orders.compactMap { Decimal(string: $0.fields["order_total"] ?? "") }.reduce(0, +)
        #expect(lines.last == "TRL|\(data.count)|\(units)|\(NSDecimalNumber(decimal: total).stringValue).00|\(data.count)", "\(text)")
    }

    @Test func totalsBelongToHeaderAndTrailerRecordsOnly() {
        let errors = compileErrors(
            """
            version: 1
            kind: orders
            output: { format: csv, per: run, file_name: "o_{run.order_count}.csv" }
            header_record:
              - { name: PO, from: order.customer_purchase_order }
            columns:
              - { name: Count, from: run.order_count }
            trailer_record:
              - { name: Bad, from: run.orders }
            """)
        #expect(errors.contains { $0.location.line == 3 && $0.message.contains("file_name cannot use the file's totals") }, "\(errors)")
        #expect(errors.contains { $0.location.line == 5 && $0.message.contains("a header or trailer record stands for the whole file") }, "\(errors)")
        #expect(errors.contains { $0.location.line == 7 && $0.message.contains("only header_record and trailer_record can") }, "\(errors)")
        #expect(errors.contains { $0.location.line == 9 && $0.message.contains("'run.orders' is not known") }, "\(errors)")
    }

    // MARK: Fixed-width out

    static let fixedOrders = """
        version: 1
        kind: orders
        output: { format: fixed, layout: header_detail, per: run, file_name: "ORDIN.DAT", fixed: { line_ending: lf } }
        header_record:
          - { name: T, const: FH, width: 2 }
          - { name: Orders, from: run.order_count, width: 4, align: right, pad: "0" }
        header_columns:
          - { name: T, const: H, width: 1 }
          - { name: Order, from: order.order_id, width: 8, align: right, pad: "0" }
          - { name: Name, from: order.customer_name, width: 12, overflow: truncate }
        detail_columns:
          - { name: T, const: D, width: 1 }
          - { name: UPC, from: line.item_upc, width: 13 }
          - { name: Qty, from: line.item_quantity, width: 5, align: right, pad: "0" }
        trailer_record:
          - { name: T, const: FT, width: 2 }
          - { name: Records, from: run.record_count, width: 5, align: right, pad: "0" }
        """

    @Test func fixedWidthOrdersWithHeaderAndTrailer() throws {
        let (files, rejected) = try files(try outbound(Self.fixedOrders), [Self.orders[0]])
        #expect(rejected.isEmpty)
        #expect(files.map(\.name) == ["ORDIN.DAT"])
        #expect(
            files[0].text == """
                FH0001
                H08800101Harbor Lane 
                D000000000017 00006
                D000000000024 00012
                D000000000031 00010
                FT00004

                """)
    }

    @Test func aValueTooLongForItsColumnRejectsTheOrderNamingTheField() throws {
        var order = Self.orders[0]
        order.lineItems[0].fields["item_quantity"] = "123456"
        let (files, rejected) = try files(try outbound(Self.fixedOrders), [order, Self.orders[1]])
        #expect(rejected.map(\.orderID) == ["8800101"])
        #expect(rejected.first?.problems.first?.field == "Qty")
        #expect(rejected.first?.problems.first?.reason.contains("is 6 characters long, the column is 5 wide") == true, "\(rejected)")
        #expect(files.first?.text.hasPrefix("FH0001\nH08800102") == true, "the other order is written")
    }

    /// A size-grid row holds one value a column for all its sizes: a column whose value differs
    /// between them (a surcharge on the largest size) rejects the order instead of keeping the first.
    @Test func aColumnThatDiffersBetweenTheSizesOfARowRejectsTheOrder() throws {
        let grid = #"{ positions: 4, quantity_header: "Q{n}", group_by: [line.item_number, line.item_color_code] }"#
        let mapping = try outbound(
            "version: 1\nkind: orders\noutput: { layout: size_grid, file_name: \"SO_{order.order_id}.csv\", csv: { line_ending: lf }, size_grid: \(grid) }\n"
                + "columns:\n  - { name: Style, from: line.item_number }\n  - { name: Price, from: line.item_price }\n")
        var order = Self.orders[0]
        #expect(order.lineItems[0].fields["item_number"] == order.lineItems[1].fields["item_number"], "S and M of one style")
        #expect(try files(mapping, [order]).rejected.isEmpty, "the same price for S and M")
        order.lineItems[1].fields["item_price"] = "99.00"
        let (written, rejected) = try files(mapping, [order, Self.orders[1]])
        #expect(rejected.first?.problems.first?.field == "Price", "\(rejected)")
        #expect(rejected.first?.problems.first?.reason.contains("differs between the sizes of FS-1001") == true, "\(rejected)")
        #expect(written.count == 1 && written[0].name == "SO_8800102.csv", "the other order is written")
    }

    /// Rendering refuses what the writer cannot write, so one order never fails a whole file.
    @Test func aValueTheFileCannotHoldRejectsTheOrderWhenRendered() throws {
        var order = Self.orders[0]
        order.fields["order_comments"] = "Danke 🙂\u{1}"
        let csv = try outbound(
            "version: 1\nkind: orders\noutput: { per: run, file_name: o.csv, csv: { encoding: windows-1252 } }\ncolumns:\n  - { name: Id, from: order.order_id }\n  - { name: Note, from: order.order_comments }\n"
        )
        let xml = try outbound(
            "version: 1\nkind: orders\noutput: { format: xml, per: run, file_name: o.xml }\ntemplate:\n  Order: { Id: order.order_id, Note: order.order_comments }\n"
        )
        for (mapping, reason) in [(csv, "U+1F642"), (xml, "control character U+1 cannot appear in XML")] {
            let (written, rejected) = try files(mapping, [order, Self.orders[1]])
            #expect(rejected.map(\.orderID) == ["8800101"] && rejected[0].problems.first?.reason.contains(reason) == true, "\(rejected)")
            #expect(written.count == 1 && written[0].text.contains("8800102") && !written[0].text.contains("8800101"), "the other order is written")
        }
    }

    @Test func xmlNamesAreCheckedWhenTheMappingIsLoaded() {
        let errors = compileErrors(
            """
            version: 1
            kind: orders
            output: { format: xml, file_name: o.xml, xml: { root: "1Orders", namespaces: { "a b": "urn:x" } } }
            template:
              Order:
                "@order id": order.order_id
                Line Item: order.order_id
            """)
        #expect(errors.contains { $0.location.line == 3 && $0.message.contains("'1Orders' is not a valid XML name") }, "\(errors)")
        #expect(errors.contains { $0.location.line == 3 && $0.message.contains("'a b' is not a valid XML name") }, "\(errors)")
        #expect(errors.contains { $0.location.line == 6 && $0.message.contains("'order id' is not a valid XML name") }, "\(errors)")
        #expect(errors.contains { $0.location.line == 7 && $0.message.contains("'Line Item' is not a valid XML name") }, "\(errors)")
    }

    /// overflow: truncate cuts text; on a number it would cut digits (a price of 1234567 in five
    /// columns written as 34567), so it is refused there.
    @Test func truncatingANumberIsRefused() {
        let columns = [
            #"{ name: Amount, from: line.item_price, type: decimal, width: 5, align: right, pad: "0", overflow: truncate }"#,
            "{ name: Name, from: order.customer_name, width: 5, overflow: truncate }",
        ]
        let errors = compileErrors(
            "version: 1\nkind: orders\noutput: { format: fixed, file_name: \"o_{order.order_id}.dat\" }\ncolumns:\n"
                + columns.map { "  - \($0)\n" }.joined())
        #expect(
            errors.count == 1 && errors[0].location.line == 5
                && errors[0].message.contains("is a number, and overflow: truncate would cut its digits"),
            "\(errors)")
    }

    @Test func fixedWidthMappingMistakesAreLoud() {
        let errors = compileErrors(
            """
            version: 1
            kind: orders
            output: { format: fixed, layout: size_grid, file_name: "o.dat", size_grid: { positions: 2 }, csv: { header: false } }
            columns:
              - { name: A, from: order.order_id }
              - { name: B, from: order.order_id, width: 0 }
              - { name: C, from: order.order_id, width: 3, pad: "ab" }
            """)
        #expect(errors.contains { $0.message.contains("size_grid is a CSV layout") }, "\(errors)")
        #expect(errors.contains { $0.message.contains("output.csv is for format: csv") }, "\(errors)")
        #expect(errors.contains { $0.location.line == 5 && $0.message.contains("needs width:") }, "\(errors)")
        #expect(errors.contains { $0.location.line == 6 && $0.message.contains("between 1 and 10000") }, "\(errors)")
        #expect(errors.contains { $0.location.line == 7 && $0.message.contains("pad must be one character") }, "\(errors)")
        let csv = compileErrors(
            "version: 1\nkind: orders\noutput: { file_name: \"o.csv\" }\ncolumns:\n  - { name: A, from: order.order_id, width: 3 }\n")
        #expect(csv.contains { $0.message.contains("width: is for fixed-width files") }, "\(csv)")
    }

    // MARK: Fixed-width in

    static let fixedStock = """
        version: 1
        kind: inventory
        source:
          format: fixed
          fixed:
            encoding: windows-1252
            record_type: { start: 1, length: 2 }
            records:
              HD: { role: header, fields: { Site: { start: 3, length: 8 } } }
              DT:
                fields:
                  - { name: EAN, start: 3, length: 12 }
                  - { name: Qty, length: 5 }
              TR: { role: trailer, count: N, fields: { N: { start: 3, end: 6 } } }
        fields:
          upc: { from: EAN, pattern: "^[0-9]+$" }
          warehouse: Site
          inventory: Qty
        """

    @Test func fixedWidthStockWithHeaderValuesAndRejects() throws {
        let dir = try TemporaryDirectory()
        let text =
            ["HDMünchen ", "DT000000000017   12", "DTABC             1", "DT000000000024", "HDHamburg ", "DT000000000031    3", "TR0004"].joined(
                separator: "\r\n") + "\r\n"
        let input = try dir.write("STOCK.DAT", Array(text.data(using: .windowsCP1252)!))
        let (records, rejected, _) = try convertAll(try inbound(Self.fixedStock), input)
        #expect(
            records.map { [$0["upc"]?.text, $0["warehouse"]?.text, $0["inventory"]?.text] } == [
                ["000000000017", "München", "12"], ["000000000031", "Hamburg", "3"],
            ])
        #expect(rejected.map(\.line) == [3, 4])
        #expect(rejected[0].field == "upc")
        #expect(rejected[1].field == "Qty" && rejected[1].reason.contains("the line is 14 bytes long"), "\(rejected[1])")
    }

    @Test func aFixedWidthFieldNameTheLayoutLacksIsAMappingError() {
        let errors = compileErrors(Self.fixedStock.replacingOccurrences(of: "warehouse: Site", with: "warehouse: Sitte"))
        #expect(errors.contains { $0.message.contains("'Sitte' is not a field of the fixed-width layout (did you mean 'Site'?)") }, "\(errors)")
        let noDetail = compileErrors(Self.fixedStock.replacingOccurrences(of: "      DT:\n", with: "      DT:\n        role: skip\n"))
        #expect(noDetail.contains { $0.message.contains("needs a record type with role: detail") }, "\(noDetail)")
    }
}
