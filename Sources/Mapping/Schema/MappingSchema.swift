import FileFormats

/// The JSON Schema of mapping files (`joorbridge schema mapping`), built from the key tables the
/// mapping compilers check with. `mappings/README.md` explains every key at length.
public enum MappingSchema {
    /// Where the package installs it; the shipped mappings' first line points editors there.
    public static let installedPath = "/usr/share/joorbridge/schema/mapping.schema.json"

    public static var document: SchemaDocument {
        SchemaDocument(
            id: installedPath, title: "joorbridge mapping file", root: root,
            definitions: [
                ("rule", rule(extraKeys: [], [:])),
                (
                    "column",
                    rule(
                        extraKeys: OutboundCompiler.columnKeys,
                        [
                            "name": .scalar("The column's header."),
                            "neutralize": .boolean(
                                "Put ' before a cell a spreadsheet would run as a formula (default: the file's neutralize_formulas, itself on)."),
                            "width": .integer("format: fixed: the column's width in characters (bytes of the encoding)."),
                            "align": .choice(
                                FixedWidthColumn.Alignment.allCases.map(\.rawValue), "format: fixed: left (text, default) or right (numbers)."),
                            "overflow": .choice(
                                FixedWidthColumn.Overflow.allCases.map(\.rawValue),
                                "format: fixed: a value longer than the width rejects the order (default) or is cut."),
                            "pad": .anyOf([.scalar("format: fixed: the padding character (default a space)."), padStep], "Padding."),
                        ], required: ["name"])
                ),
                ("element", element),
                ("condition", condition),
            ])
    }

    static var root: JSONSchema {
        .object(
            keys: MappingFile.topKeys,
            shapes: [
                "version": .constant(MappingFile.version, "The mapping format version."),
                "kind": .choice(MappingKind.allCases.map(\.rawValue), "inventory, products: WMS file → JOOR; orders, customers: JOOR → WMS file."),
                "description": .scalar("Free text."),
                "source": source,
                "fields": .map(.ref("rule"), "Inbound: JOOR field → rule (a text is short for { from: … })."),
                "lookups": .map(lookup, "Tables rules translate through with lookup: NAME."),
                "skip_row_when": .ref("condition"),
                "sizes": sizes,
                "output": output,
                "columns": .list(.ref("column"), "Outbound CSV: the columns in file order."),
                "header_columns": .list(.ref("column"), "layout: header_detail: the header record's columns."),
                "header_record": .list(
                    .ref("column"),
                    "Outbound CSV or fixed-width: one record before the rows; may use the file's totals (run.order_count, run.line_count, run.total_quantity, run.total_amount, run.record_count)."
                ),
                "trailer_record": .list(.ref("column"), "Outbound CSV or fixed-width: one record after the rows; may use the file's totals."),
                "detail_columns": .list(.ref("column"), "layout: header_detail: the detail record's columns."),
                "template": .map(.ref("element"), "format: xml: the elements of one order."),
            ], required: ["version", "kind"], "A joorbridge mapping: one WMS file layout.")
    }

    static var source: JSONSchema {
        .object(
            keys: InboundCompiler.sourceKeys,
            [
                "format": .choice(FileFormatName.allCases.map(\.rawValue), "The WMS file's format."),
                "csv": .object(
                    keys: InboundCompiler.csvKeys,
                    [
                        "delimiter": .scalar("One character, or tab; default ','."),
                        "quote": .scalar("One character; default '\"'."),
                        "header": .boolean("The first row names the columns; with false use column: N."),
                        "encoding": encoding,
                        "skip_lines": .integer("Banner lines before the header (0–1000000)."),
                        "trim": .boolean("Strip spaces around unquoted fields (default true)."),
                        "strict": .boolean("Broken quoting rejects the row (default true)."),
                        "ragged_rows": .choice(["reject", "pad", "allow"], "Rows with too few or too many fields."),
                        "replace_invalid_bytes": .boolean("Bad bytes become U+FFFD instead of failing the file."),
                        "max_field_bytes": .integer("The longest field accepted (default 16 MiB)."),
                    ], "CSV reading options."),
                "xml": .object(
                    keys: InboundCompiler.xmlKeys,
                    [
                        "record": .scalar("The repeating record element, e.g. /Inventory/Item or //Item."),
                        "namespaces": .map(.scalar(""), "Prefix → namespace URI."),
                        "encoding": encoding,
                    ], "XML reading options."),
                "fixed": .object(
                    keys: InboundCompiler.fixedKeys,
                    [
                        "encoding": .choice(
                            FixedWidthReadOptions.encodings.map(\.rawValue), "The file's encoding (default utf-8); positions count its bytes."),
                        "record_type": slice("Where the record type code is, e.g. { start: 1, length: 2 }."),
                        "records": .map(
                            .anyOf(
                                [
                                    .choice(["skip"], "Lines of this type are ignored."),
                                    .object(
                                        keys: InboundCompiler.fixedRecordKeys,
                                        [
                                            "role": .choice(
                                                FixedWidthReadOptions.Role.allCases.map(\.rawValue),
                                                "detail (a row; default), header (applies to the details after it), trailer, skip."),
                                            "fields": fixedFields,
                                            "count": .scalar(
                                                "A trailer field holding the number of records before it; another number refuses the file."),
                                            "counts": .choice(
                                                FixedWidthCount.Scope.allCases.map(\.rawValue),
                                                "What count: counts: detail lines (default) or every line."),
                                        ], "A record type's layout."),
                                ], "A record type."), "Record type code → its layout."),
                        "fields": fixedFields,
                        "trim": .boolean("Strip the padding around values (default true)."),
                        "short_lines": .choice(
                            ["reject", "pad"], "A line shorter than its layout: rejected (default), or its missing end counts as spaces."),
                        "skip_lines": .integer("Banner lines at the start (0–1000000)."),
                        "replace_invalid_bytes": .boolean("Bad bytes become U+FFFD instead of rejecting the line."),
                        "max_line_bytes": .integer("The longest line accepted (default 1 MiB)."),
                    ], "Fixed-width reading options."),
            ], "Inbound: the WMS file's format.")
    }

    /// A fixed-width field's place, 1-based: `{ start, length }` or `{ start, end }`.
    static func slice(_ description: String, named: Bool = false) -> JSONSchema {
        var shapes: [String: JSONSchema] = [
            "start": .integer("Its first column, counting from 1 (in a list: default where the previous field ended)."),
            "length": .integer("Its width."),
            "end": .integer("Its last column (instead of length)."),
        ]
        if named { shapes["name"] = .scalar("The field's name, which rules read.") }
        return .object(
            keys: named ? InboundCompiler.fixedFieldKeys : InboundCompiler.fixedFieldKeys.filter { $0 != "name" }, shapes: shapes,
            required: named ? ["name"] : [], description)
    }

    /// Fixed-width fields: a map name → place, or a list in line order.
    static var fixedFields: JSONSchema {
        .anyOf(
            [
                .map(slice("Where the field is."), "Field name → { start, length }."),
                .list(slice("A field; without start: it follows the previous one.", named: true), "Fields in line order: { name, start?, length }."),
            ], "The record's fields.")
    }

    static var sizes: JSONSchema {
        .object(
            keys: InboundCompiler.sizesKeys,
            [
                "columns": .scalars("CSV quantity columns, e.g. \"S1..S30\"."),
                "names": .scalars("Parallel columns holding the size names."),
                "barcodes": .scalars("Parallel columns holding each size's barcode."),
                "scale": .object(
                    keys: InboundCompiler.scaleKeys,
                    [
                        "from": .scalar("The column holding the size scale."),
                        "lookup": .scalar("The lookup: scale code → \"XS,S,M,L\"."),
                    ], "Size names from the row's size scale."),
                "packed": .object(
                    keys: InboundCompiler.packedKeys,
                    [
                        "from": .scalar("The field holding all sizes."),
                        "separator": .scalar("Between sizes; default '|'."),
                        "part_separator": .scalar("Between a size's parts; default ':'."),
                        "parts": .list(.choice(["name", "quantity", "barcode"], ""), "The parts of each size, in order."),
                    ], "All sizes packed into one field."),
                "group": .object(
                    keys: InboundCompiler.groupKeys,
                    [
                        "path": .scalar("XML: the repeating size element, relative to the record."),
                        "name": .scalar("Path to the size name."),
                        "quantity": .scalar("Path to the quantity."),
                        "barcode": .scalar("Path to the barcode."),
                    ], "XML: sizes as repeated elements."),
                "skip_empty": .boolean("Sizes with an empty quantity are not sent (default true)."),
            ], "Inbound size grid: one record per size.")
    }

    static var output: JSONSchema {
        .object(
            keys: OutboundCompiler.outputKeys,
            shapes: [
                "format": .choice(FileFormatName.allCases.map(\.rawValue), "The WMS file's format."),
                "layout": .choice(
                    OutboundCompiler.LayoutName.allCases.map(\.rawValue),
                    "Rows per order line, per style + color, header/detail records, or one row per order."),
                "file_name": .scalar("A template, e.g. \"ORD_{order.order_id}_{now:yyyyMMddHHmmss}.csv\"."),
                "per": .choice(OutboundMapping.Per.allCases.map(\.rawValue), "One file per order, or one per run."),
                "csv": .object(
                    keys: OutboundCompiler.csvKeys,
                    [
                        "delimiter": .scalar("One character, or tab; default ','."),
                        "quote": .scalar("One character; default '\"'."),
                        "encoding": .choice(TextEncoding.writable.map(\.rawValue), "The file's encoding."),
                        "quoting": .choice(["minimal", "all"], "Quote only where needed, or every field."),
                        "line_ending": .choice(["crlf", "lf"], "The line ending."),
                        "header": .boolean("Write a header row (default true)."),
                        "neutralize_formulas": .boolean("Defuse cells a spreadsheet would run as a formula (default true)."),
                    ], "CSV writing options."),
                "xml": .object(
                    keys: OutboundCompiler.xmlKeys,
                    [
                        "root": .scalar("The root element; default Orders."),
                        "encoding": .choice(XMLWriteOptions.encodings.map(\.rawValue), "The file's encoding."),
                        "indent": .boolean("Indent the XML (default true)."),
                        "namespaces": .map(.scalar(""), "Prefix → namespace URI, declared on the root ('' for the default namespace)."),
                        "replace_invalid_characters": .boolean("Characters XML cannot hold become U+FFFD instead of failing the order."),
                    ], "XML writing options."),
                "fixed": .object(
                    keys: OutboundCompiler.fixedKeys,
                    [
                        "encoding": .choice(FixedWidthWriteOptions.encodings.map(\.rawValue), "The file's encoding (default windows-1252)."),
                        "line_ending": .choice(["crlf", "lf"], "The line ending (default crlf)."),
                    ], "Fixed-width writing options."),
                "size_grid": .object(
                    keys: OutboundCompiler.sizeGridKeys,
                    [
                        "positions": .integer("Size columns per row (1–200)."),
                        "quantity_header": .scalar("Header of each quantity column, with {n}, e.g. \"Qty{n}\"."),
                        "size_header": .scalar("Header of each size-name column, with {n}."),
                        "group_by": .scalars("The line fields one row is made of; default line.item_number, line.item_color_code."),
                        "cell": .scalar("What each size column holds, e.g. \"{size.name}:{size.quantity}:{size.barcode}\"; default the quantity."),
                    ], "layout: size_grid."),
                "detail_file_name": .scalar("layout: header_detail: a second file for the detail records."),
                "unique_by": .scalar("A template: orders with the same value are written once (customers)."),
            ], required: ["file_name"], "Outbound: the file joorbridge writes.")
    }

    static var lookup: JSONSchema {
        .anyOf(
            [
                .object(
                    keys: MappingFile.lookupKeys,
                    [
                        "file": .scalar("A CSV file next to the mapping."),
                        "key": .scalar("The CSV column with the keys (default: the first column)."),
                        "value": .scalar("The CSV column with the values (default: the second column)."),
                        "ignore_case": .boolean("Match keys regardless of case."),
                        "entries": .map(.scalar(""), "Key → value."),
                        "delimiter": .scalar("The CSV file's delimiter; default ','."),
                    ], "A table from a CSV file, or entries with options."),
                .map(.scalar(""), "Key → value."),
            ], "A lookup table.")
    }

    /// A rule: a text (short for `from:`) or an object of the rule keys plus `extraKeys`.
    static func rule(extraKeys: [String], _ extraShapes: [String: JSONSchema], required: [String] = []) -> JSONSchema {
        var shapes: [String: JSONSchema] = [
            "from": .anyOf(
                [
                    .scalar("A CSV header, an XML path relative to the record, or order.*/line.* outbound."),
                    .list(.scalar(""), "Names to try in order: the first that is not empty wins, e.g. [order.company_name, order.customer_name]."),
                ], "Where the value comes from."),
            "column": .integer("A CSV column by 1-based position."),
            "const": .scalar("A fixed value."),
            "concat": .scalar("A template of other fields, e.g. \"{Style}-{Color}\"."),
            "expr": .scalar("Arithmetic over fields, e.g. \"{On Hand} - {Allocated}\"."),
            "default": .scalar("The value when the source is empty."),
            "required": .boolean("An empty value rejects the row."),
            "type": .choice(FieldRule.ValueType.allCases.map(\.rawValue), "The value's type."),
            "min": .number("The smallest value accepted."),
            "max": .number("The largest value accepted."),
            "pattern": .scalar("A regular expression the value must match."),
            "trim": .boolean("Strip surrounding white space (default true)."),
            "case": .choice(["upper", "lower"], "Change the letter case."),
            "replace": .anyOf(
                [
                    .map(.scalar(""), "Literal replacements: old → new."),
                    .list(
                        .object(
                            keys: RuleParser.replaceKeys,
                            shapes: [
                                "pattern": .scalar("A regular expression."), "with": .scalar("The replacement ($1 for groups)."),
                            ], required: ["pattern"], ""), "Regular-expression replacements, in order."),
                ], "Replacements."),
            "split": .object(
                keys: RuleParser.splitKeys,
                shapes: [
                    "on": .scalar("The separator."),
                    "take": .list(.integer(""), "The parts to keep (0-based; negative counts from the end)."),
                    "join": .scalar("Joins the parts kept; default the separator."),
                    "parts": .integer("The number of parts the value must have; another number rejects the row."),
                ], required: ["on"], "Split on a separator and keep parts."),
            "pad": padStep,
            "lookup": .scalar("The name of a table under lookups:."),
            "on_missing": .choice(
                ["reject", "keep", "default"], "A value not in the lookup table: reject the row (default), keep it, or use default."),
            "date": .object(
                keys: RuleParser.dateKeys,
                [
                    "in": .scalars("The input patterns, e.g. \"dd.MM.yyyy\" or iso8601."),
                    "out": .scalar("The output pattern; default yyyy-MM-dd."),
                    "time_zone": .scalar("Converts date-times into this zone, e.g. Europe/Berlin."),
                ], "Read and write dates."),
            "number": .object(
                keys: RuleParser.numberKeys,
                [
                    "decimal": .scalar("The input decimal separator; default '.'."),
                    "thousands": .scalar("The input thousands separator."),
                    "decimals": .integer("Decimals in the output (0–18)."),
                    "output_decimal": .scalar("The output decimal separator; default '.'."),
                ], "Number formats."),
            "truncate": .integer("Cut text to this length."),
            "clamp": .object(
                keys: RuleParser.clampKeys,
                [
                    "min": .number("A value below it becomes it (the row is kept)."),
                    "max": .number("A value above it becomes it (the row is kept)."),
                ], "Bound a number without rejecting the row, e.g. { min: 0 } sends an oversold −3 as 0."),
            "when": .ref("condition"),
        ]
        shapes.merge(extraShapes) { $1 }
        return .anyOf(
            [
                .scalar("Short for { from: … }."),
                .object(keys: RuleParser.keys + extraKeys, shapes: shapes, required: required, ""),
            ], "A rule: where a value comes from and the steps it goes through.")
    }

    /// The rule's `pad:` step.
    static var padStep: JSONSchema {
        .object(
            keys: RuleParser.padKeys,
            shapes: [
                "length": .integer("The length to pad to."),
                "with": .scalar("The padding character; default a space."),
                "side": .choice(["left", "right"], "Where to pad (default left)."),
            ], required: ["length"], "Pad to a length.")
    }

    /// A template element: a rule (a text or an object with a source key), or an element with
    /// `@attributes`, child elements, `text`, `for_each` and `omit_empty`.
    static var element: JSONSchema {
        .anyOf(
            [
                rule(extraKeys: OutboundCompiler.elementRuleKeys, ["omit_empty": .boolean("Leave the element out when its value is empty.")]),
                .map(.ref("element"), "An element: @name for attributes, text:, for_each: line, omit_empty:, and child elements."),
            ], "An XML element of the order template.")
    }

    /// A condition (`when`, `skip_row_when`, and the config's `orders.routes[].when`).
    public static var condition: JSONSchema {
        .anyOf(
            [
                .list(.ref("condition"), "Any of these conditions."),
                .object(keys: RuleParser.allOfKeys, shapes: ["all": .list(.ref("condition"), "")], required: ["all"], "All of these conditions."),
                .object(keys: RuleParser.anyOfKeys, shapes: ["any": .list(.ref("condition"), "")], required: ["any"], "Any of these conditions."),
                .object(
                    keys: RuleParser.conditionKeys,
                    shapes: [
                        "field": .scalar("The column or path to test."),
                        "equals": .scalar(""), "not_equals": .scalar(""),
                        "in": .scalars("The value is one of these."),
                        "empty": .boolean(""), "not_empty": .boolean(""),
                        "matches": .scalar("A regular expression."),
                    ], required: ["field"], "A test of one field."),
            ], "A condition: { field, equals | not_equals | in | empty | not_empty | matches }, all:/any: lists, or a list (any).")
    }

    static var encoding: JSONSchema {
        .choice(TextEncoding.allCases.map(\.rawValue), "The file's encoding (default utf-8).")
    }
}
