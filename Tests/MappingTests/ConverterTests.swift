import FileFormats
import Foundation
import JoorModels
import TestSupport
import Testing

@testable import Mapping

func inbound(_ yaml: String) throws -> InboundMapping {
    guard case .inbound(let mapping) = try MappingFile.compile(yaml, path: "m.yml").body else { fatalError("not inbound") }
    return mapping
}

func convertAll(_ mapping: InboundMapping, _ input: String) throws -> (records: [ConvertedRecord], rejected: [RowRejection], skipped: [Int]) {
    let converter = try InboundConverter(mapping: mapping, inputPath: input)
    var out: ([ConvertedRecord], [RowRejection], [Int]) = ([], [], [])
    while let result = try converter.next() {
        switch result {
        case .converted(let r): out.0.append(r)
        case .rejected(let r): out.1.append(r)
        case .skipped(let line): out.2.append(line)
        }
    }
    return out
}

@Suite("Inbound conversion")
struct ConverterTests {
    /// What `preview` reports about fields that stay empty: counted per field, whichever way the
    /// record's fields are listed (seen failing with every empty slot counted under the first name).
    @Test func previewCountsTheRecordsEachFieldIsEmptyIn() throws {
        let dir = try TemporaryDirectory()
        let input = try dir.write("s.csv", text: "EAN;Qty;Lager\n1;5;\n2;;HH\n3;;\n")
        let mapping = try inbound(
            """
            version: 1
            kind: inventory
            source: { format: csv, csv: { delimiter: ";" } }
            fields:
              upc: EAN
              warehouse: { from: Lager, required: false }
              inventory: { from: Qty, default: "0" }
              style_number: { from: Lager, required: false }
            """)
        let converter = try InboundConverter(mapping: mapping, inputPath: input)
        var inOrder = InboundPreview.Summary()
        var reordered = InboundPreview.Summary()
        while let result = try converter.next() {
            inOrder.count(result, targets: mapping.targets.names)
            reordered.count(result, targets: mapping.targets.names.reversed())
        }
        #expect(inOrder.rowsRead == 3)
        #expect(inOrder.emptyFields == ["warehouse": 2, "style_number": 2])
        #expect(reordered.emptyFields == inOrder.emptyFields)
        inOrder.records = 3
        #expect(
            inOrder.fieldReport(fields: mapping.targets.names) == [
                "field 'warehouse': empty in 2 of 3 record(s)", "field 'style_number': empty in 2 of 3 record(s)",
            ])
    }

    @Test func badRowsAreRejectedAndGoodRowsGoOn() throws {
        let dir = try TemporaryDirectory()
        let input = try dir.write("s.csv", text: "EAN,Qty,Status\n000000000017,5,A\nBAD,6,A\n000000000024,x,A\n000000000031,7,D\n000000000048,8,A\n")
        let mapping = try inbound(
            """
            version: 1
            kind: inventory
            source: { format: csv }
            fields:
              upc: { from: EAN, pattern: "^[0-9]+$" }
              inventory: Qty
            skip_row_when: { field: Status, equals: D }
            """)
        let (records, rejected, skipped) = try convertAll(mapping, input)
        #expect(records.map { $0["upc"]?.text } == ["000000000017", "000000000048"])
        #expect(rejected.map(\.line) == [3, 4])
        #expect(rejected[0].field == "upc" && rejected[0].value == "BAD")
        #expect(rejected[1].field == "inventory" && rejected[1].reason == "is not a number")
        #expect(skipped == [5])
        // What the refused rows' other rules gave, rules after the failing one included.
        #expect(rejected[0].converted == ["inventory": "6"])
        #expect(rejected[1].converted == ["upc": "000000000024"])
    }

    /// A quote left open swallows the rest of the file: that is a file-level error, raised after
    /// the rows before it were delivered.
    @Test func quoteLeftOpenAtTheEndIsAFileError() throws {
        let dir = try TemporaryDirectory()
        let input = try dir.write("s.csv", text: "EAN,Qty\n000000000017,5\n\"broken,8\n000000000024,6\n")
        let mapping = try inbound("version: 1\nkind: inventory\nsource: { format: csv }\nfields: { upc: EAN, inventory: Qty }\n")
        let converter = try InboundConverter(mapping: mapping, inputPath: input)
        guard case .converted(let first) = try converter.next() else {
            Issue.record()
            return
        }
        #expect(first["upc"]?.text == "000000000017")
        let error = #expect(throws: FileFormatError.self) { try converter.next() }
        #expect(error?.location.line == 3)
        #expect(error?.message.contains("never closed") == true)
    }

    @Test func headerlessCSVByColumnNumber() throws {
        let dir = try TemporaryDirectory()
        let input = try dir.write("s.csv", text: "000000000017;5\n000000000024;6\n")
        let mapping = try inbound(
            """
            version: 1
            kind: inventory
            source: { format: csv, csv: { delimiter: ";", header: false } }
            fields:
              upc: { column: 1 }
              inventory: { column: 2 }
            """)
        let (records, rejected, _) = try convertAll(mapping, input)
        #expect(rejected.isEmpty)
        #expect(records.map { try! $0.inventoryItem().inventory } == [5, 6])
    }

    @Test func sizeGridWithSizeNamesInParallelColumnsAndBarcodes() throws {
        let dir = try TemporaryDirectory()
        let input = try dir.write("g.csv", text: "Style,Color,N1,N2,N3,Q1,Q2,Q3,B1,B2,B3\nFS,110,S,M,L,1,,3,0017,0024,0031\n")
        let mapping = try inbound(
            """
            version: 1
            kind: inventory
            source: { format: csv }
            sizes: { columns: "Q1..Q3", names: "N1..N3", barcodes: "B1..B3" }
            fields:
              upc: { from: size.barcode, pad: { length: 12, with: "0" } }
              size: size.name
              inventory: size.quantity
            """)
        let (records, rejected, _) = try convertAll(mapping, input)
        #expect(rejected.isEmpty)
        #expect(records.map { $0["size"]?.text } == ["S", "L"])
        #expect(records.map { $0["upc"]?.text } == ["000000000017", "000000000031"])
        #expect(records.allSatisfy { $0.line == 2 })
    }

    @Test func packedSizes() throws {
        let dir = try TemporaryDirectory()
        let input = try dir.write("p.csv", text: "Style,Color,Sizes\nFS,110,S:4:0017|M:6:0024\n")
        let mapping = try inbound(
            """
            version: 1
            kind: inventory
            source: { format: csv }
            sizes: { packed: { from: Sizes, separator: "|", part_separator: ":", parts: [name, quantity, barcode] } }
            fields:
              style_number: Style
              color_code: Color
              size: size.name
              inventory: size.quantity
            """)
        let (records, _, _) = try convertAll(mapping, input)
        #expect(records.map { [$0["size"]!.text, $0["inventory"]!.text] } == [["S", "4"], ["M", "6"]])
        // An entry without its quantity ("M4", a missing colon) rejects the row instead of
        // dropping the size; a barcode left out is fine.
        let broken = try dir.write("b.csv", text: "Style,Color,Sizes\nFS,110,S:4|M4|L:2\nFS,120,S:1:0017|M:2\n")
        let (kept, rejected, _) = try convertAll(mapping, broken)
        #expect(kept.map { $0["color_code"]!.text } == ["120", "120"], "\(kept)")
        #expect(rejected.count == 1 && rejected[0].line == 2 && rejected[0].value == "M4", "\(rejected)")
        #expect(rejected.first?.reason.contains("has 1 part(s) separated by ':', where name:quantity:barcode needs 2 to 3") == true, "\(rejected)")
        let errors = compileErrors(
            "version: 1\nkind: inventory\nsource: { format: csv }\nsizes: { packed: { from: Sizes, parts: [name, barcode] } }\nfields:\n  style_number: Style\n  size: size.name\n"
        )
        #expect(errors.contains { $0.location.line == 4 && $0.message.contains("sizes.packed.parts needs quantity") }, "\(errors)")
    }

    @Test func xmlSizeGroups() throws {
        let dir = try TemporaryDirectory()
        let input = try dir.write(
            "g.xml",
            text: """
                <Stock><Style no="FS" color="110"><Sizes><Size name="S" qty="4"/><Size name="M" qty="0"/></Sizes></Style></Stock>
                """)
        let mapping = try inbound(
            """
            version: 1
            kind: inventory
            source: { format: xml, xml: { record: "//Style" } }
            sizes: { group: { path: "Sizes/Size", name: "@name", quantity: "@qty" } }
            fields:
              style_number: "@no"
              color_code: "@color"
              size: size.name
              inventory: size.quantity
            """)
        let (records, _, _) = try convertAll(mapping, input)
        #expect(records.map { $0["size"]!.text } == ["S", "M"])
        #expect(records.map { $0["inventory"]!.text } == ["4", "0"])
    }

    @Test func malformedXMLEndsTheFileAfterEarlierRecords() throws {
        let dir = try TemporaryDirectory()
        let input = try dir.write("t.xml", text: "<R><I sku=\"1\"><Q>1</Q></I><I sku=\"2\"><Q>2</Q></I><I sku=\"3\"><Q>3</Q")
        let mapping = try inbound(
            """
            version: 1
            kind: inventory
            source: { format: xml, xml: { record: "/R/I" } }
            fields: { upc: "@sku", inventory: Q }
            """)
        let converter = try InboundConverter(mapping: mapping, inputPath: input)
        var upcs: [String] = []
        let error = #expect(throws: FileFormatError.self) {
            while let result = try converter.next() { if case .converted(let r) = result { upcs.append(r["upc"]!.text) } }
        }
        #expect(upcs == ["1", "2"])
        #expect(error?.kind == .malformedXML)
    }
}

@Suite("Outbound rendering")
struct RendererTests {
    static let orders = try! OrdersPage.parseJSON(
        Data(contentsOf: URL(fileURLWithPath: Fixtures.repositoryRoot.appendingPathComponent("samples/orders/joor-orders.json").path))
    ).orders

    func outbound(_ yaml: String) throws -> OutboundMapping {
        guard case .outbound(let mapping) = try MappingFile.compile(yaml, path: "m.yml").body else { fatalError() }
        return mapping
    }

    @Test func perRunFileHoldsEveryOrderAndCustomersAreWrittenOnce() throws {
        let mapping = try outbound(
            """
            version: 1
            kind: customers
            output: { format: csv, per: run, file_name: "CUST_{run.id}.csv" }
            columns:
              - { name: Code, from: order.customer_code }
              - { name: ShipTo, from: order.shipping_code }
            """)
        let (files, rejected) = try OutboundPreview(mapping: mapping, context: RenderContext(runID: "r42")).run(orders: Self.orders)
        #expect(rejected.isEmpty)
        #expect(files.map(\.name) == ["CUST_r42.csv"])
        #expect(String(decoding: files[0].bytes, as: UTF8.self) == "Code,ShipTo\r\nHLB001,HLB001-S1\r\nATN002,ATN002-S1\r\n")
    }

    @Test func sizeGridOverflowRejectsTheOrder() throws {
        let mapping = try outbound(
            """
            version: 1
            kind: orders
            output: { format: csv, layout: size_grid, file_name: "o_{order.order_id}.csv", size_grid: { positions: 2 } }
            columns:
              - { name: Style, from: line.item_number }
            """)
        let renderer = OrderRenderer(mapping: mapping, context: RenderContext(runID: "r"))
        guard case .failure(let rejection) = renderer.render(Self.orders[2]) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(rejection.problems.first?.reason.contains("3 sizes do not fit the grid's 2 positions") == true)
    }

    /// Formula cells are neutralized in every outbound CSV (no `csv:` block needed); a column can
    /// opt out with `neutralize: false`, and phone numbers never need to.
    @Test func formulaCellsAreNeutralizedByDefaultAndPerColumnOnRequest() throws {
        var order = Self.orders[0]
        order.fields["customer_name"] = "=HYPERLINK(\"http://x\")"
        order.fields["customer_code"] = "@SUM(1+1)"
        order.fields["shipping_phone"] = "+33 1 00 00 00 00"
        order.fields["order_comments"] = "-2+3+cmd|' /C calc'!A0"
        let columns = """
            columns:
              - { name: Name, from: order.customer_name }
              - { name: Code, from: order.customer_code }
              - { name: Phone, from: order.shipping_phone }
              - { name: Note, from: order.order_comments }
              - { name: Raw, from: order.customer_code, neutralize: false }
            """
        func render(_ output: String) throws -> String {
            let mapping = try outbound("version: 1\nkind: orders\noutput: { \(output) file_name: \"o.csv\", layout: orders }\n" + columns)
            guard case .success(let rendered) = OrderRenderer(mapping: mapping, context: RenderContext(runID: "r")).render(order) else {
                throw CancellationError()
            }
            return rendered.rows[0].joined(separator: "|")
        }
        #expect(try render("format: csv,") == "'=HYPERLINK(\"http://x\")|'@SUM(1+1)|+33 1 00 00 00 00|'-2+3+cmd|' /C calc'!A0|@SUM(1+1)")
        #expect(
            try render("format: csv, csv: { delimiter: \";\" },")
                == "'=HYPERLINK(\"http://x\")|'@SUM(1+1)|+33 1 00 00 00 00|'-2+3+cmd|' /C calc'!A0|@SUM(1+1)")
        #expect(
            try render("format: csv, csv: { neutralize_formulas: false },")
                == "=HYPERLINK(\"http://x\")|@SUM(1+1)|+33 1 00 00 00 00|-2+3+cmd|' /C calc'!A0|@SUM(1+1)")
    }

    @Test func fileNamesFromDataAreSanitised() {
        #expect(FileNames.sanitize("../../etc/passwd") == "_.__._etc_passwd")
        #expect(FileNames.sanitize("ORD_1\u{0}\n.csv") == "ORD_1__.csv")
        #expect(FileNames.sanitize(".hidden.csv") == "_hidden.csv")
        #expect(FileNames.sanitize("a:b*c?.csv") == "a_b_c_.csv")
        #expect(FileNames.sanitize("") == "unnamed")
        #expect(FileNames.sanitize("ORD_\u{202E}vsc.exe") == "ORD__vsc.exe", "no right-to-left override")
        #expect(FileNames.sanitize("ORD_\u{85}1.csv") == "ORD__1.csv", "no C1 control (NEL)")
        #expect(FileNames.sanitize("CON.csv") == "_CON.csv" && FileNames.sanitize("com1") == "_com1", "no Windows device name")
        #expect(FileNames.sanitize("CONTOSO.csv") == "CONTOSO.csv" && FileNames.sanitize("LPT10.csv") == "LPT10.csv")
        let long = FileNames.sanitize(String(repeating: "x", count: 400) + ".csv")
        #expect(long.utf8.count == 180 && long.hasSuffix(".csv"))
    }

    @Test func orderDataCannotEscapeTheOutboxThroughTheFileName() throws {
        let mapping = try outbound(
            """
            version: 1
            kind: orders
            output: { format: csv, file_name: "ORD_{order.customer_purchase_order}.csv" }
            columns:
              - { name: PO, from: order.customer_purchase_order }
            """)
        var order = Self.orders[0]
        order.fields["customer_purchase_order"] = "../../../tmp/evil"
        let name = OrderRenderer(mapping: mapping, context: RenderContext(runID: "r")).fileName(for: order)
        #expect(!name.contains("/"))
        #expect(name == "ORD__.__.__._tmp_evil.csv")
    }
}
