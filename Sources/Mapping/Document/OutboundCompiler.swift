import FileFormats
import JoorModels
import Yams

/// Compiles the outbound parts: `output`, `columns`, `header_columns`/`detail_columns`,
/// `header_record`/`trailer_record`, `template`.
struct OutboundCompiler {
    let reader: YAMLReader
    let kind: MappingKind
    let lookups: [String: LookupTable]

    private var rules: RuleParser { RuleParser(reader: reader, style: .orders, lookups: lookups) }

    /// The keys of each part of an outbound mapping (the JSON Schema is built from these too).
    /// `output.layout`.
    enum LayoutName: String, CaseIterable {
        case lines
        case sizeGrid = "size_grid"
        case headerDetail = "header_detail"
        case orders
    }

    static let outputKeys = ["format", "layout", "file_name", "per", "csv", "xml", "fixed", "size_grid", "detail_file_name", "unique_by"]
    static let fixedKeys = ["encoding", "line_ending"]
    static let csvKeys = ["delimiter", "quote", "encoding", "quoting", "line_ending", "header", "neutralize_formulas"]
    static let xmlKeys = ["root", "encoding", "indent", "namespaces", "replace_invalid_characters"]
    static let sizeGridKeys = ["positions", "quantity_header", "size_header", "group_by", "cell"]
    /// What a column entry accepts beside the rule keys (`pad:` as one character is the
    /// fixed-width padding, as an object the rule's pad step).
    static let columnKeys = ["name", "neutralize", "width", "align", "overflow"]
    /// What a template element written as a rule accepts beside the rule keys.
    static let elementRuleKeys = ["omit_empty"]
    /// The keys of a template element written as an object, beside `@attributes` and child elements.
    static let elementKeys = ["for_each", "omit_empty", "text"]

    func compile(_ top: YAMLObject) -> OutboundMapping? {
        guard let outputNode = top["output"], let output = reader.object(outputNode, "output") else {
            reader.error(top.node, "an outbound mapping needs 'output:' (format, layout, file_name)")
            return nil
        }
        reader.checkKeys(output, allowed: Self.outputKeys)
        let formatName = reader.choice(output["format"], "output.format", as: FileFormatName.self) ?? .csv
        let fixed = formatName == .fixed
        let layoutName = reader.choice(output["layout"], "output.layout", as: LayoutName.self) ?? (kind == .customers ? .orders : .lines)
        let per = reader.choice(output["per"], "output.per", as: OutboundMapping.Per.self) ?? .order

        guard let fileNameNode = output["file_name"], let fileNameText = reader.string(fileNameNode, "output.file_name") else {
            reader.error(outputNode, "output needs file_name: (e.g. \"ORD_{order.order_id}_{now:yyyyMMddHHmmss}.csv\")")
            return nil
        }
        let fileName = template(fileNameText, at: fileNameNode)
        if let fileName, fileName.references.contains(where: { if case .run(let name) = $0 { FileTotals.names.contains(name) } else { false } }) {
            reader.error(
                fileNameNode,
                "file_name cannot use the file's totals (run.order_count, …): they are known once the file is written; use {now:…} or {run.id}")
        }
        if per == .run, let fileName,
            fileName.references.contains(where: { if case .order = $0 { true } else if case .line = $0 { true } else { false } })
        {
            reader.error(fileNameNode, "with per: run one file holds many orders, so file_name cannot use order.* or line.*; use {now:…} or {run.id}")
        }
        if per == .order, let fileName, !fileName.references.contains(where: { if case .order = $0 { true } else { false } }) {
            reader.warning(
                fileNameNode,
                "file_name does not use any order field, so every order's file gets the same base name (a counter keeps them apart); consider {order.order_id}"
            )
        }

        var columns: [OutboundMapping.Column] = []
        var layout = OutboundMapping.Layout.lines
        switch layoutName {
        case .headerDetail:
            let header = columnList(top["header_columns"], "header_columns", fixed: fixed)
            let detail = columnList(top["detail_columns"], "detail_columns", fixed: fixed)
            if header.isEmpty { reader.error(top.node, "layout: header_detail needs header_columns: (the H row)") }
            if detail.isEmpty { reader.error(top.node, "layout: header_detail needs detail_columns: (the D rows)") }
            let detailName = output["detail_file_name"].flatMap { n in reader.string(n, "output.detail_file_name").flatMap { template($0, at: n) } }
            layout = .headerDetail(.init(header: header, detail: detail, detailFileName: detailName))
        case .sizeGrid:
            columns = columnList(top["columns"], "columns", fixed: fixed)
            if fixed {
                reader.error(
                    output["layout"],
                    "size_grid is a CSV layout; a fixed-width file writes one line per order line (layout: lines) or header and detail records")
            }
            guard let grid = sizeGrid(output["size_grid"], at: outputNode) else { return nil }
            layout = .sizeGrid(grid)
        case .orders:
            columns = columnList(top["columns"], "columns", fixed: fixed)
            layout = .orders
            for column in columns where column.rule.references.contains(where: { if case .line = $0 { true } else { false } }) {
                reader.errorAt(line: column.rule.line, "column '\(column.name)' uses line.* but layout: orders writes one row per order")
            }
        case .lines:
            columns = columnList(top["columns"], "columns", fixed: fixed)
        }
        let headerRecord = columnList(top["header_record"], "header_record", fixed: fixed, fileRecord: true)
        let trailerRecord = columnList(top["trailer_record"], "trailer_record", fixed: fixed, fileRecord: true)

        let format: OutboundMapping.Format
        var neutralize = false
        if formatName == .xml {
            guard let xml = xmlFormat(output["xml"], template: top["template"], at: outputNode) else { return nil }
            format = xml
            if case .headerDetail = layout {
                reader.error(output["layout"], "header_detail is a CSV layout; an XML template nests lines inside the order instead")
            }
            for key in ["header_record", "trailer_record"] where top.has(key) {
                reader.error(top[key], "\(key) is for CSV and fixed-width files; an XML file's root element holds its orders")
            }
        } else if fixed {
            if top.has("template") { reader.error(top["template"], "template: is for format: xml") }
            if output.has("csv") {
                reader.error(output["csv"], "output.csv is for format: csv; a fixed-width file takes output.fixed: { encoding, line_ending }")
            }
            format = .fixed(fixedFormat(output["fixed"]))
            if columns.isEmpty, case .lines = layout {
                reader.error(top.node, "a fixed-width mapping needs columns: (a list of { name, from, width, … })")
            }
        } else {
            if top.has("template") { reader.error(top["template"], "template: is for format: xml") }
            if output.has("fixed") { reader.error(output["fixed"], "output.fixed is for format: fixed") }
            let csv = csvFormat(output["csv"])
            format = .csv(csv.options, header: csv.header)
            neutralize = csv.neutralize
            if columns.isEmpty, case .lines = layout { reader.error(top.node, "a CSV mapping needs columns: (a list of { name, from, … })") }
        }
        var uniqueBy: Template?
        if let node = output["unique_by"], let text = reader.string(node, "output.unique_by") { uniqueBy = template(text, at: node) }
        if kind == .customers && uniqueBy == nil { uniqueBy = try? Template("{order.customer_code}|{order.shipping_code}", style: .orders) }
        guard let fileName else { return nil }
        return OutboundMapping(
            kind: kind, format: format, layout: layout, fileName: fileName, per: per, columns: columns, uniqueBy: uniqueBy,
            headerRecord: headerRecord, trailerRecord: trailerRecord, neutralizeFormulas: neutralize, path: reader.path)
    }

    private func template(_ text: String, at node: Node) -> Template? {
        do { return try Template(text, style: .orders) } catch {
            reader.error(node, error.message)
            return nil
        }
    }

    /// - Parameters:
    ///   - fixed: the file is fixed-width: every column needs `width:`.
    ///   - fileRecord: a header or trailer record: one for the whole file, so it reads the file's
    ///     totals (`run.order_count`, …) and never an order's fields.
    private func columnList(_ node: Node?, _ what: String, fixed: Bool, fileRecord: Bool = false) -> [OutboundMapping.Column] {
        guard let node else { return [] }
        guard case .sequence(let items) = node else {
            reader.error(node, "\(what) must be a list of { name: …, from: … } (the order of the list is the order of the columns)")
            return []
        }
        var columns: [OutboundMapping.Column] = []
        var names: Set<String> = []
        for item in items {
            guard let object = reader.object(item, "\(what) entry") else { continue }
            guard let name = reader.required(object, "name", "\(what).name", at: item, else: "each entry of \(what) needs name: (the column header)")
            else { continue }
            if !names.insert(name).inserted { reader.warning(item, "column '\(name)' appears twice in \(what)") }
            var ruleNode = item
            var fill: Node?
            if fixed, case .mapping(let mapping) = item, let padNode = object["pad"], case .scalar = padNode {
                // `pad: "0"`: the column's padding, not the rule's pad step.
                fill = padNode
                ruleNode = .mapping(Node.Mapping(mapping.filter { $0.key.string != "pad" }, mapping.tag, mapping.style, mapping.mark))
            }
            let rule = rules.parse(ruleNode, target: name, extraKeys: Self.columnKeys)
            checkReferences(rule, at: item, fileRecord: fileRecord)
            let neutralize = object["neutralize"].flatMap { reader.bool($0, "\(what).\(name).neutralize") }
            let layout = fixed ? fixedColumn(object, fill: fill, what: "\(what) '\(name)'", at: item) : nil
            if layout?.overflow == .truncate, rule.type == .integer || rule.type == .decimal, let node = object["overflow"] {
                reader.error(
                    node,
                    "\(what) '\(name)' is a number, and overflow: truncate would cut its digits (1234567 in 5 columns is 34567); widen the column, or leave overflow out so that a number too wide rejects its order"
                )
            }
            if !fixed {
                for key in ["width", "align", "overflow"] where object.has(key) {
                    reader.error(object[key], "\(key): is for fixed-width files (output.format: fixed)")
                }
            }
            columns.append(.init(name: name, rule: rule, neutralize: neutralize, fixed: layout))
        }
        return columns
    }

    /// `width`, `align`, `pad` (one character) and `overflow` of a fixed-width column.
    private func fixedColumn(_ object: YAMLObject, fill: Node?, what: String, at node: Node) -> FixedWidthColumn? {
        guard let widthNode = object["width"] else {
            reader.error(node, "\(what) needs width: (its number of characters) in a fixed-width file")
            return nil
        }
        guard let width = reader.int(widthNode, "\(what).width", in: 1...10_000) else { return nil }
        var column = FixedWidthColumn(width: width)
        if let align = reader.choice(object["align"], "\(what).align", as: FixedWidthColumn.Alignment.self) { column.alignment = align }
        if let overflow = reader.choice(object["overflow"], "\(what).overflow", as: FixedWidthColumn.Overflow.self) { column.overflow = overflow }
        if let fill, let text = reader.string(fill, "\(what).pad") {
            guard text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first, scalar.value >= 0x20, scalar.value <= 0xFF else {
                reader.error(fill, "\(what).pad must be one character (a space, \"0\", …)")
                return column
            }
            column.pad = scalar
        }
        return column
    }

    /// Encoding and line ending of a fixed-width file (windows-1252 and CRLF unless told).
    private func fixedFormat(_ node: Node?) -> FixedWidthWriteOptions {
        var options = FixedWidthWriteOptions()
        guard let node, let object = reader.object(node, "output.fixed", allowedKeys: Self.fixedKeys) else { return options }
        if let encoding = reader.encoding(in: object, "output.fixed.encoding", allowed: FixedWidthWriteOptions.encodings) {
            options.encoding = encoding
        }
        if let l = object["line_ending"], let name = reader.choice(l, "output.fixed.line_ending", ["crlf", "lf"]) {
            options.lineEnding = .init(rawValue: name)!
        }
        return options
    }

    /// Warns about order and line fields JOOR is not known to send (they will usually be empty);
    /// allows the file's totals only in header and trailer records (`fileRecord`), and order
    /// fields never there.
    private func checkReferences(_ rule: FieldRule, at node: Node, fileRecord: Bool = false) {
        for ref in rule.references {
            if fileRecord, ref.isOrderData {
                reader.error(
                    node,
                    "'\(rule.target)' uses \(ref), but a header or trailer record stands for the whole file; use its totals (\(FileTotals.names.sorted().map { "run.\($0)" }.joined(separator: ", "))), run.id or now:…"
                )
                continue
            }
            switch ref {
            case .run(let name) where !fileRecord && FileTotals.names.contains(name):
                reader.error(node, "'\(rule.target)' uses run.\(name), a total of the whole file: only header_record and trailer_record can")
            case .order(let field) where !OrderFieldCatalog.orderFields.contains(field) && !JoorOrder.derivedFields.contains(field):
                reader.warning(node, "order.\(field) is not a documented JOOR order field; it stays empty unless JOOR sends it")
            case .line(let field) where !OrderFieldCatalog.lineFields.contains(field) && !JoorLineItem.derivedFields.contains(field):
                reader.warning(node, "line.\(field) is not a documented JOOR line item field; it stays empty unless JOOR sends it")
            default: break
            }
        }
    }

    /// The CSV options and whether a header row is written. Formula cells are neutralized by
    /// default (`neutralize_formulas`, per column `neutralize`); the renderer does it, cell by
    /// cell, so the writer's own option stays off.
    private func csvFormat(_ node: Node?) -> (options: CSVWriteOptions, header: Bool, neutralize: Bool) {
        var options = CSVWriteOptions()
        guard let node, let object = reader.object(node, "output.csv", allowedKeys: Self.csvKeys) else { return (options, true, true) }
        if let delimiter = reader.character(object["delimiter"], "output.csv.delimiter", tab: true) { options.delimiter = delimiter }
        if let quote = reader.character(object["quote"], "output.csv.quote") { options.quote = quote }
        if options.quote == options.delimiter, let node = object["quote"] ?? object["delimiter"] {
            reader.error(node, "output.csv.quote and the delimiter are the same character; a field could not be told from its quotes")
        }
        if let encoding = reader.encoding(in: object, "output.csv.encoding", allowed: TextEncoding.writable) { options.encoding = encoding }
        if let q = object["quoting"], let name = reader.choice(q, "output.csv.quoting", ["minimal", "all"]) {
            options.quoting = .init(rawValue: name)!
        }
        if let l = object["line_ending"], let name = reader.choice(l, "output.csv.line_ending", ["crlf", "lf"]) {
            options.lineEnding = .init(rawValue: name)!
        }
        let neutralize = object["neutralize_formulas"].flatMap { reader.bool($0, "output.csv.neutralize_formulas") } ?? true
        let header = object["header"].flatMap { reader.bool($0, "output.csv.header") } ?? true
        return (options, header, neutralize)
    }

    private func sizeGrid(_ node: Node?, at parent: Node) -> OutboundMapping.SizeGridOutput? {
        guard let node, let object = reader.object(node, "output.size_grid", allowedKeys: Self.sizeGridKeys) else {
            reader.error(parent, "layout: size_grid needs size_grid: { positions: 12, quantity_header: \"Qty{n}\" }")
            return nil
        }
        let positions = reader.int(object["positions"], "size_grid.positions", in: 1...200) ?? 0
        if !object.has("positions") { reader.error(node, "size_grid needs positions: (the size columns per row, 1–200)") }
        let quantityHeader = object["quantity_header"].flatMap { reader.string($0, "quantity_header") } ?? "Qty{n}"
        if !quantityHeader.contains("{n}") { reader.error(object["quantity_header"], "size_grid.quantity_header must contain {n} (the position)") }
        var groupBy: [SourceRef] = [.line("item_number"), .line("item_color_code")]
        if let g = object["group_by"], let names = reader.strings(g, "size_grid.group_by") {
            groupBy = names.compactMap { name in
                do throws(RuleSyntaxError) { return try ReferenceStyle.orders.parse(name) } catch {
                    reader.error(g, error.message)
                    return nil
                }
            }
        }
        var cell: Template?
        if let node = object["cell"], let text = reader.string(node, "size_grid.cell") {
            cell = template(text, at: node)
            if let cell, !cell.references.contains(where: { if case .size = $0 { true } else { false } }) {
                reader.error(
                    node,
                    "size_grid.cell does not use the size: write it with size.name, size.quantity, size.barcode or size.position (e.g. \"{size.name}:{size.quantity}:{size.barcode}\")"
                )
            }
        }
        return .init(
            positions: positions, quantityHeader: quantityHeader,
            sizeHeader: object["size_header"].flatMap { reader.string($0, "size_header") }, groupBy: groupBy, cell: cell)
    }

    private func xmlFormat(_ node: Node?, template: Node?, at parent: Node) -> OutboundMapping.Format? {
        var options = XMLWriteOptions()
        var root = "Orders"
        var rootAttributes: [(String, String)] = []
        if let node, let object = reader.object(node, "output.xml", allowedKeys: Self.xmlKeys) {
            if let node = object["root"], let name = reader.string(node, "output.xml.root") {
                root = name
                checkXMLName(name, at: node)
            }
            options.indent = object["indent"].flatMap { reader.bool($0, "output.xml.indent") } ?? true
            options.replaceInvalidCharacters = object["replace_invalid_characters"].flatMap { reader.bool($0, "replace_invalid_characters") } ?? false
            if let encoding = reader.encoding(in: object, "output.xml.encoding", allowed: XMLWriteOptions.encodings) {
                options.encoding = encoding
            }
            if let ns = reader.object(object["namespaces"], "output.xml.namespaces") {
                for e in ns.entries {
                    if !e.key.isEmpty { checkXMLName(e.key, at: e.keyNode) }
                    rootAttributes.append((e.key.isEmpty ? "xmlns" : "xmlns:\(e.key)", reader.string(e.value, "namespace") ?? ""))
                }
            }
        }
        guard let template, let object = reader.object(template, "template") else {
            reader.error(parent, "format: xml needs template: (the elements of one order, e.g. Order: { \"@id\": order.order_id, … })")
            return nil
        }
        let elements = object.entries.compactMap { element($0.key, $0.value, keyNode: $0.keyNode, insideLine: false) }
        return .xml(options, template: XMLTemplate(root: root, rootAttributes: rootAttributes, order: elements))
    }

    private func element(_ name: String, _ node: Node, keyNode: Node, insideLine: Bool) -> XMLTemplate.Element? {
        if name.hasPrefix("@") {
            reader.error(keyNode, "attribute \(name) must be inside an element")
            return nil
        }
        checkXMLName(name, at: keyNode)
        if RuleParser.isRule(node) {
            let rule = rules.parse(node, target: name, extraKeys: Self.elementRuleKeys)
            checkReferences(rule, at: node)
            checkLineScope(rule, insideLine: insideLine, at: node)
            var omit = false
            if case .mapping = node, let flag = reader.object(node, name)?["omit_empty"] { omit = reader.bool(flag, "omit_empty") ?? false }
            return .init(name: name, attributes: [], text: rule, children: [], forEachLine: false, omitEmpty: omit)
        }
        guard let object = reader.object(node, "element <\(name)>") else { return nil }
        var result = XMLTemplate.Element(name: name, attributes: [], text: nil, children: [], forEachLine: false, omitEmpty: false)
        for entry in object.entries {
            switch entry.key {
            case "for_each":
                if reader.choice(entry.value, "for_each", ["line"]) != nil { result.forEachLine = true }
                if insideLine { reader.error(entry.keyNode, "for_each: line cannot be nested inside another for_each") }
            case "omit_empty": result.omitEmpty = reader.bool(entry.value, "omit_empty") ?? false
            case "text":
                let rule = rules.parse(entry.value, target: name)
                checkLineScope(rule, insideLine: insideLine || result.forEachLine, at: entry.value)
                result.text = rule
            default:
                if entry.key.hasPrefix("@") {
                    checkXMLName(String(entry.key.dropFirst()), at: entry.keyNode)
                    let rule = rules.parse(entry.value, target: "\(name)/\(entry.key)")
                    checkReferences(rule, at: entry.value)
                    checkLineScope(rule, insideLine: insideLine || result.forEachLine, at: entry.value)
                    result.attributes.append((String(entry.key.dropFirst()), rule))
                } else if let child = element(entry.key, entry.value, keyNode: entry.keyNode, insideLine: insideLine || result.forEachLine) {
                    result.children.append(child)
                }
            }
        }
        return result
    }

    /// An element, attribute or namespace prefix name XML allows (the writer would refuse the
    /// whole file at the first order).
    private func checkXMLName(_ name: String, at node: Node) {
        if let problem = XMLWriter.nameProblem(name) { reader.error(node, problem) }
    }

    private func checkLineScope(_ rule: FieldRule, insideLine: Bool, at node: Node) {
        guard !insideLine else { return }
        if rule.references.contains(where: { if case .line = $0 { true } else if case .lineIndex = $0 { true } else { false } }) {
            reader.error(node, "'\(rule.target)' uses line.* outside an element marked for_each: line")
        }
    }
}
