import TestSupport
import Testing

@testable import Mapping

func compileErrors(_ yaml: String) -> [MappingError] {
    do {
        _ = try MappingFile.compile(yaml, path: "m.yml")
        return []
    } catch {
        return error.errors
    }
}

let inventoryHeader = """
    version: 1
    kind: inventory
    source:
      format: csv

    """

/// An orders mapping writing CSV, up to its output options (which, or `columns:`, follow).
let ordersCSVHeader = """
    version: 1
    kind: orders
    output:
      format: csv
      file_name: "O_{order.order_id}.csv"

    """

@Suite("Mapping compilation and its errors")
struct MappingCompileTests {
    @Test func unknownKeyNamesLineColumnAndSuggestion() {
        let errors = compileErrors(
            inventoryHeader + """
                fields:
                  upc: { form: "EAN" }
                  inventory: { from: "Qty" }
                """)
        let error = errors.first { $0.message.contains("unknown key 'form'") }
        #expect(error?.location.line == 6)
        #expect(error?.location.column == 10)
        #expect(error?.message.contains("did you mean 'from'?") == true)
        #expect(error?.description.hasPrefix("m.yml:6:10: error:") == true)
    }

    @Test func delimitersAndQuotesAreOneCharacterInAndOut() {
        let inbound = compileErrors(
            """
            version: 1
            kind: inventory
            source:
              format: csv
              csv: { delimiter: "||", quote: "<>" }
            fields:
              upc: { from: "EAN" }
              inventory: { from: "Qty" }
            """)
        #expect(
            inbound.contains { $0.location.line == 5 && $0.message == "source.csv.delimiter must be one character (or tab), not '||'" }, "\(inbound)")
        #expect(inbound.contains { $0.location.line == 5 && $0.message == "source.csv.quote must be one character, not '<>'" }, "\(inbound)")
        let outbound = compileErrors(
            ordersCSVHeader + """
                  csv: { delimiter: tab, quote: "<>" }
                columns:
                  - { name: OrderNo, from: order.order_id }
                """)
        #expect(
            outbound.map(\.message) == ["output.csv.quote must be one character, not '<>'"],
            "a tab is a delimiter; a two-character quote is refused, not ignored")
        for (csv, message) in [
            (
                #"{ delimiter: ";", quote: ";" }"#,
                "output.csv.quote and the delimiter are the same character; a field could not be told from its quotes"
            ),
            (#"{ delimiter: "\n" }"#, "output.csv.delimiter cannot be a line break (it ends the records)"),
            (#"{ quote: "\r" }"#, "output.csv.quote cannot be a line break (it ends the records)"),
        ] {
            let errors = compileErrors(ordersCSVHeader + "  csv: \(csv)\ncolumns:\n  - { name: OrderNo, from: order.order_id }\n")
            #expect(errors.map(\.message) == [message], "\(csv): \(errors)")
        }
        let sameInbound = compileErrors(
            "version: 1\nkind: inventory\nsource: { format: csv, csv: { delimiter: tab, quote: \"\\t\" } }\nfields:\n  upc: EAN\n  inventory: Qty\n")
        #expect(sameInbound.contains { $0.message.hasPrefix("source.csv.quote and the delimiter are the same character") }, "\(sameInbound)")
    }

    /// Every format's `encoding:` refuses a name it cannot read or write at the line it stands on,
    /// listing what it can (and, for fixed width, why UTF-16 is not among them).
    @Test func encodingsAFormatCannotUseAreRefusedWithTheList() {
        let inbound = { (format: String, options: String) in
            compileErrors(
                """
                version: 1
                kind: inventory
                source:
                  format: \(format)
                  \(format): \(options)
                fields:
                  upc: { from: "EAN" }
                  inventory: { from: "Qty" }
                """)
        }
        let outbound = { (format: String) in
            compileErrors(
                """
                version: 1
                kind: orders
                output:
                  format: \(format)
                  file_name: "O_{order.order_id}.txt"
                  \(format): { encoding: utf-16 }
                columns:
                  - { name: OrderNo, from: order.order_id, width: 10 }
                """)
        }
        // The options stand on line 5 of an inbound mapping, on line 6 of an outbound one.
        let cases: [([MappingError], Int, String)] = [
            (
                inbound("csv", "{ encoding: ebcdic }"), 5,
                "source.csv.encoding must be one of utf-8, utf-8-bom, utf-16, utf-16le, utf-16be, windows-1252, iso-8859-1, not 'ebcdic'"
            ),
            (
                inbound("xml", "{ record: //Item, encoding: ebcdic }"), 5,
                "source.xml.encoding must be one of utf-8, utf-8-bom, utf-16, utf-16le, utf-16be, windows-1252, iso-8859-1, not 'ebcdic'"
            ),
            (
                inbound("fixed", "{ encoding: utf-16, fields: [{ name: EAN, start: 1, length: 13 }] }"), 5,
                "source.fixed.encoding must be one of utf-8, utf-8-bom, windows-1252, iso-8859-1, not 'utf-16' (UTF-16 has no fixed byte positions)"
            ),
            (outbound("csv"), 6, "output.csv.encoding must be one of utf-8, utf-8-bom, windows-1252, not 'utf-16'"),
            (outbound("xml"), 6, "output.xml.encoding must be one of utf-8, windows-1252, iso-8859-1, not 'utf-16'"),
            (outbound("fixed"), 6, "output.fixed.encoding must be one of utf-8, windows-1252, iso-8859-1, not 'utf-16'"),
        ]
        for (errors, line, message) in cases {
            #expect(errors.contains { $0.location.line == line && $0.message == message }, "\(errors)")
        }
    }

    /// A list entry without its name, or a replacement without its pattern, is reported at the entry.
    @Test func entriesWithoutTheirRequiredKeySayWhatToWrite() {
        let outbound = compileErrors(
            ordersCSVHeader + """
                columns:
                  - { from: order.order_id }
                """)
        #expect(outbound.contains { $0.location.line == 7 && $0.message == "each entry of columns needs name: (the column header)" }, "\(outbound)")
        let fixed = compileErrors(
            """
            version: 1
            kind: inventory
            source:
              format: fixed
              fixed: { fields: [{ start: 1, length: 13 }] }
            fields:
              upc: { from: "EAN" }
              inventory: { from: "Qty" }
            """)
        #expect(fixed.contains { $0.location.line == 5 && $0.message == "each entry of source.fixed.fields needs name:" }, "\(fixed)")
        let replace = compileErrors(
            inventoryHeader + """
                fields:
                  upc: { from: "EAN", replace: [{ with: "x" }] }
                  inventory: { from: "Qty" }
                """)
        #expect(
            replace.contains { $0.location.line == 6 && $0.message == "field 'upc'.replace: each entry needs a pattern (and with:)" }, "\(replace)")
    }

    /// Every object of a mapping refuses a key it does not know, at its line: the file, the
    /// source and output options, size grids, fixed-width records and every step of a rule.
    @Test func everyObjectRefusesAnUnknownKey() {
        func refused(_ yaml: String) -> Set<String> {
            Set(
                compileErrors(yaml).filter { $0.message.hasPrefix("unknown key 'bogus' in ") }.map {
                    "\($0.location.line ?? 0) \($0.message.dropFirst(23).prefix { $0 != ";" })"
                })
        }
        let inbound = refused(
            """
            version: 1
            kind: inventory
            bogus: 1
            source:
              format: csv
              csv: { delimiter: ";", bogus: 1 }
            fields:
              upc: { from: EAN, replace: [{ pattern: "x", with: "", bogus: 1 }], split: { on: "-", bogus: 1 }, pad: { length: 13, bogus: 1 } }
              inventory: { from: Qty, clamp: { min: 0, bogus: 1 }, number: { decimal: ",", bogus: 1 } }
              inventory_date: { from: D, date: { in: "dd.MM.yyyy", bogus: 1 } }
            """)
        #expect(
            inbound == [
                "3 the mapping", "6 source.csv", "8 field 'upc'.replace entry", "8 field 'upc'.split", "8 field 'upc'.pad",
                "9 field 'inventory'.clamp",
                "9 field 'inventory'.number", "10 field 'inventory_date'.date",
            ], "\(inbound)")
        let grid = refused(
            """
            version: 1
            kind: inventory
            source:
              format: csv
            sizes: { columns: "S1..S6", bogus: 1, scale: { from: Scale, bogus: 1 } }
            fields:
              upc: { from: EAN }
              inventory: { from: size.quantity }
            """)
        #expect(grid == ["5 sizes", "5 sizes.scale"], "\(grid)")
        let packed = refused(
            """
            version: 1
            kind: inventory
            source:
              format: csv
            sizes: { packed: { from: Sizes, bogus: 1 } }
            fields:
              upc: { from: EAN }
              inventory: { from: size.quantity }
            """)
        #expect(packed == ["5 sizes.packed"], "\(packed)")
        let fixed = refused(
            """
            version: 1
            kind: inventory
            source:
              format: fixed
              fixed:
                record_type: { start: 1, length: 2 }
                records:
                  DT: { role: detail, bogus: 1, fields: { EAN: { start: 3, length: 13 }, Qty: { start: 16, length: 5 } } }
            fields:
              upc: { from: EAN }
              inventory: { from: Qty }
            """)
        #expect(fixed == ["8 record type 'DT'"], "\(fixed)")
        for format in ["csv", "xml", "fixed"] {
            let output = refused(
                """
                version: 1
                kind: orders
                output:
                  format: \(format)
                  file_name: "O_{order.order_id}.txt"
                  \(format): { bogus: 1 }
                columns:
                  - { name: OrderNo, from: order.order_id, width: 10 }
                """)
            #expect(output == ["6 output.\(format)"], "\(output)")
        }
    }

    /// A rule step's number or character outside what it can use is refused at its line: before,
    /// `truncate: -1` crashed the run, and a part name in `split.take` emptied the field.
    @Test func ruleStepsRefuseNumbersAndCharactersTheyCannotUse() {
        let steps: [(step: String, message: String)] = [
            ("truncate: -1", "field 'upc'.truncate must be between 1 and 1000000, not -1"),
            ("truncate: 0", "field 'upc'.truncate must be between 1 and 1000000, not 0"),
            ("pad: { length: 0 }", "field 'upc'.pad.length must be between 1 and 10000, not 0"),
            ("pad: { length: 13, with: \"00\" }", "field 'upc'.pad.with must be one character, not '00'"),
            ("split: { on: \"-\", take: [first] }", "field 'upc'.split.take must be part numbers (0 is the first, -1 the last), not 'first'"),
            ("split: { on: \"-\", parts: 0 }", "field 'upc'.split.parts must be between 1 and 10000, not 0"),
            ("number: { decimals: -1 }", "field 'upc'.number.decimals must be between 0 and 18, not -1"),
            ("number: { decimal: \",,\" }", "field 'upc'.number.decimal must be one character, not ',,'"),
        ]
        for (step, message) in steps {
            let errors = compileErrors(inventoryHeader + "fields:\n  upc: { from: EAN, \(step) }\n  inventory: { from: Qty }\n")
            #expect(errors.contains { $0.location.line == 6 && $0.message == message }, "\(step): \(errors)")
        }
    }

    /// The reading limits of a source refuse what cannot work, instead of clamping it.
    @Test func sourceLimitsRefuseWhatCannotWork() {
        for (source, message) in [
            ("{ format: csv, csv: { skip_lines: -1 } }", "source.csv.skip_lines must be between 0 and 1000000, not -1"),
            ("{ format: csv, csv: { max_field_bytes: 0 } }", "source.csv.max_field_bytes must be between 1 and 1073741824, not 0"),
            (
                "{ format: fixed, fixed: { max_line_bytes: 0, fields: [{ name: EAN, start: 1, length: 13 }] } }",
                "source.fixed.max_line_bytes must be between 1 and 1073741824, not 0"
            ),
        ] {
            let errors = compileErrors("version: 1\nkind: inventory\nsource: \(source)\nfields:\n  upc: { from: EAN }\n  inventory: { from: Qty }\n")
            #expect(errors.contains { $0.location.line == 3 && $0.message == message }, "\(source): \(errors)")
        }
    }

    /// A size grid's `from:` that does not parse is reported as what it is, at its line (it was
    /// reported as a missing `from:`); a line field in a one-row-per-order file names its column's line.
    @Test func referenceMistakesAreReportedWhereTheyAre() {
        let packed = compileErrors(
            inventoryHeader + "fields:\n  style_number: Style\n  color_code: Color\nsizes:\n  packed:\n    from: size.colour\n")
        #expect(
            packed.contains {
                $0.location.line == 10
                    && $0.message == "'size.colour' is not a size reference; use size.name, size.quantity, size.barcode or size.position"
            }, "\(packed)")
        #expect(!packed.contains { $0.message.contains("needs from:") }, "\(packed)")
        let scale = compileErrors(
            inventoryHeader
                + "fields:\n  style_number: Style\n  color_code: Color\nsizes:\n  columns: S1..S3\n  scale: { from: \"\", lookup: scales }\n"
        )
        #expect(scale.contains { $0.location.line == 10 && $0.message == "an empty column name" }, "\(scale)")
        #expect(!scale.contains { $0.message.contains("needs from:") }, "\(scale)")
        let orders = compileErrors(
            ordersCSVHeader + "  layout: orders\ncolumns:\n  - { name: Order, from: order.order_id }\n  - { name: UPC, from: line.item_upc }\n")
        #expect(
            orders.contains { $0.location.line == 9 && $0.message == "column 'UPC' uses line.* but layout: orders writes one row per order" },
            "\(orders)")
    }

    @Test func unknownTargetFieldListsTheKindsFields() {
        let errors = compileErrors(
            inventoryHeader + """
                fields:
                  upc: EAN
                  quantity: Qty
                """)
        #expect(
            errors.contains {
                $0.location.line == 7 && $0.message.contains("'quantity' is not a JOOR inventory field") && $0.message.contains("inventory_date")
            })
        #expect(errors.contains { $0.message.contains("needs the field 'inventory'") })
    }

    @Test func inventoryMustIdentifyTheSKU() {
        let errors = compileErrors(inventoryHeader + "fields:\n  inventory: Qty\n  warehouse: WH\n")
        #expect(errors.contains { $0.message.contains("must identify the SKU") })
    }

    @Test func missingLookupAndBadDatePatternAndBadRegex() {
        let errors = compileErrors(
            inventoryHeader + """
                fields:
                  upc: { from: EAN, pattern: "[0-9" }
                  warehouse: { from: WH, lookup: depots }
                  inventory: Qty
                  inventory_date: { from: ETA, date: { in: "MM/qq/yyyy" } }
                lookups:
                  warehouses: { HH: Hamburg }
                """)
        #expect(errors.contains { $0.location.line == 6 && $0.message.contains("not a valid regular expression") })
        #expect(
            errors.contains {
                $0.location.line == 7 && $0.message.contains("lookup 'depots', which is not defined") && $0.message.contains("warehouses")
            })
        #expect(errors.contains { $0.message.contains("unknown letter 'q'") })
    }

    @Test func everyProblemIsReportedAtOnce() {
        let errors = compileErrors(
            """
            version: 2
            kind: stock
            """)
        #expect(errors.count == 2)
        #expect(errors.contains { $0.message.contains("version 2 is not supported") })
        #expect(errors.contains { $0.message.contains("kind must be one of inventory, products, orders, customers") })
    }

    @Test func typeConflictsWithWhatJOORNeeds() {
        let errors = compileErrors(inventoryHeader + "fields:\n  upc: EAN\n  inventory: { from: Qty, type: boolean }\n")
        #expect(errors.contains { $0.message.contains("'inventory' must be of type integer") })
    }

    @Test func yamlAliasesAreRefused() {
        let errors = compileErrors(
            inventoryHeader + """
                fields:
                  upc: &rule { from: EAN }
                  inventory: *rule
                """)
        #expect(errors.contains { $0.message.contains("anchors and aliases") })
    }

    @Test func aliasBombIsRefusedQuickly() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let errors = compileErrors(yaml)
        #expect(errors.contains { $0.message.contains("anchors and aliases") })
    }

    @Test func invalidYAMLIsReportedWithPosition() {
        let errors = compileErrors("version: 1\nkind: [inventory\n")
        #expect(errors.first?.message.hasPrefix("invalid YAML") == true)
        #expect(errors.first?.location.line != nil)
    }

    @Test func outboundRejectsUnknownOrderReferences() {
        let errors = compileErrors(
            """
            version: 1
            kind: orders
            output: { format: csv, file_name: "o_{order.order_id}.csv" }
            columns:
              - { name: PO, from: customer_purchase_order }
            """)
        #expect(errors.contains { $0.location.line == 5 && $0.message.contains("is not a JOOR field; use order.<field>") })
    }

    @Test func outboundWarnsAboutUndocumentedFieldsButCompiles() throws {
        let file = try MappingFile.compile(
            """
            version: 1
            kind: orders
            output: { format: csv, file_name: "o_{order.order_id}.csv" }
            columns:
              - { name: Custom, from: order.brand_custom_field }
            """, path: "m.yml")
        #expect(file.warnings.contains { $0.isWarning && $0.message.contains("order.brand_custom_field is not a documented JOOR order field") })
    }

    @Test func perRunFileNameCannotUseOrderFields() {
        let errors = compileErrors(
            """
            version: 1
            kind: orders
            output: { format: csv, per: run, file_name: "o_{order.order_id}.csv" }
            columns:
              - { name: PO, from: order.customer_purchase_order }
            """)
        #expect(errors.contains { $0.message.contains("per: run") })
    }

    @Test func xmlTemplateLineFieldsNeedForEach() {
        let errors = compileErrors(
            """
            version: 1
            kind: orders
            output: { format: xml, file_name: "o_{order.order_id}.xml" }
            template:
              Order:
                UPC: line.item_upc
            """)
        #expect(errors.contains { $0.message.contains("outside an element marked for_each: line") })
    }

    @Test func missingCSVColumnNamesTheMappingLineAndTheFileHeader() throws {
        let dir = try TemporaryDirectory()
        let input = try dir.write("stock.csv", text: "SKU,Qty\n1,5\n")
        let file = try MappingFile.compile(inventoryHeader + "fields:\n  upc: EAN\n  inventory: Qty\n", path: "m.yml")
        guard case .inbound(let mapping) = file.body else {
            Issue.record("not inbound")
            return
        }
        let error = #expect(throws: MappingErrors.self) { try InboundConverter(mapping: mapping, inputPath: input) }
        #expect(error?.errors.first?.location.line == 6)
        #expect(error?.errors.first?.message.contains("column 'EAN' is not in") == true)
        #expect(error?.errors.first?.message.contains("its header is: SKU, Qty") == true)
    }
}
