import FileFormats
import Foundation
import Yams

/// Compiles the inbound parts: `source`, `fields`, `sizes`, `skip_row_when`.
struct InboundCompiler {
    let reader: YAMLReader
    let kind: MappingKind
    let lookups: [String: LookupTable]

    /// The keys of each part of an inbound mapping (the JSON Schema is built from these too).
    static let sourceKeys = ["format", "csv", "xml", "fixed"]
    static let fixedKeys = [
        "encoding", "record_type", "records", "fields", "trim", "short_lines", "skip_lines", "replace_invalid_bytes", "max_line_bytes",
    ]
    static let fixedRecordKeys = ["role", "fields", "count", "counts"]
    static let fixedFieldKeys = ["name", "start", "length", "end"]
    static let csvKeys = [
        "delimiter", "quote", "header", "encoding", "skip_lines", "trim", "strict", "ragged_rows", "replace_invalid_bytes", "max_field_bytes",
    ]
    static let xmlKeys = ["record", "namespaces", "encoding"]
    static let sizesKeys = ["columns", "names", "barcodes", "scale", "packed", "group", "skip_empty"]
    static let scaleKeys = ["from", "lookup"]
    static let packedKeys = ["from", "separator", "part_separator", "parts"]
    static let groupKeys = ["path", "name", "quantity", "barcode"]

    func compile(_ top: YAMLObject) -> InboundMapping? {
        guard let sourceNode = top["source"], let source = reader.object(sourceNode, "source") else {
            reader.error(top.node, "an inbound mapping needs 'source:' with format: csv or xml")
            return nil
        }
        reader.checkKeys(source, allowed: Self.sourceKeys)
        guard let format = reader.choice(source["format"], "source.format", as: FileFormatName.self) else {
            if source["format"] == nil { reader.error(sourceNode, "source needs format: csv, xml or fixed") }
            return nil
        }
        for other in FileFormatName.allCases.map(\.rawValue) where other != format.rawValue && source.has(other) {
            reader.error(source[other], "source.\(other) is for format: \(other)")
        }
        let inputSource: InboundMapping.Source
        let style: ReferenceStyle
        switch format {
        case .csv:
            inputSource = .csv(csvOptions(source["csv"]))
            style = .csv
        case .fixed:
            guard let layout = fixedLayout(source["fixed"], at: sourceNode) else { return nil }
            inputSource = .fixed(layout)
            style = .csv
        case .xml:
            guard let options = xmlOptions(source["xml"], at: sourceNode) else { return nil }
            inputSource = .xml(options)
            style = .xml(namespaces: options.namespaces)
        }
        let rules = RuleParser(reader: reader, style: style, lookups: lookups)
        var fields: [FieldRule] = []
        if let fieldsObject = reader.object(top["fields"], "fields") {
            for entry in fieldsObject.entries {
                guard let requiredType = TargetCatalog.type(of: entry.key, kind: kind) else {
                    let suggestion = TargetCatalog.describe(kind)
                    reader.error(entry.keyNode, "'\(entry.key)' is not a JOOR \(kind.rawValue) field; the fields are: \(suggestion)")
                    continue
                }
                var rule = rules.parse(entry.value, target: entry.key)
                if let requiredType {
                    if rule.type == .string {
                        rule.type = requiredType
                    } else if rule.type != requiredType && !(requiredType == .date && rule.type == .string) {
                        reader.error(entry.value, "field '\(entry.key)' must be of type \(requiredType.rawValue) for JOOR, not \(rule.type.rawValue)")
                    }
                    if requiredType == .date && rule.date == nil {
                        rule.date = FieldRule.DateRule(inputs: [try! DatePattern("iso8601")], output: try! DatePattern("yyyy-MM-dd"), timeZone: nil)
                    }
                }
                if rule.source == nil && rule.defaultValue == nil {
                    reader.error(entry.value, "field '\(entry.key)' has no source; give it from, column, const, concat or expr")
                }
                fields.append(rule)
            }
        } else {
            reader.error(top.node, "an inbound mapping needs 'fields:' (JOOR field: rule)")
        }
        checkKindSemantics(fields, at: top["fields"] ?? top.node)
        let sizeGrid = top["sizes"].flatMap { parseSizeGrid($0, style: style) }
        if sizeGrid == nil, fields.contains(where: { $0.references.contains { if case .size = $0 { true } else { false } } }) {
            reader.error(top["fields"], "fields use size.* but the mapping has no 'sizes:' grid")
        }
        let skip = top["skip_row_when"].flatMap { rules.condition($0, "skip_row_when") }
        if case .fixed(let layout) = inputSource {
            checkFixedNames(layout, fields: fields, skip: skip, sizes: sizeGrid, at: top["fields"] ?? top.node)
        }
        return InboundMapping(kind: kind, source: inputSource, fields: fields, skipRowWhen: skip, sizeGrid: sizeGrid, path: reader.path)
    }

    private func checkKindSemantics(_ fields: [FieldRule], at node: Node) {
        let targets = Set(fields.map(\.target))
        switch kind {
        case .inventory:
            if !targets.contains("inventory") { reader.error(node, "an inventory mapping needs the field 'inventory' (the quantity)") }
            let hasStyleKey = targets.isSuperset(of: ["style_number", "color_code", "size"])
            let hasIDs = targets.contains("style_id") || targets.contains("style_color_id")
            if !targets.contains("upc") && !hasStyleKey && !hasIDs {
                reader.error(node, "an inventory mapping must identify the SKU: map 'upc', or 'style_number' + 'color_code' + 'size'")
            }
        case .products:
            if !targets.contains("style_number") { reader.error(node, "a products mapping needs the field 'style_number'") }
            if !targets.contains("style_name") {
                reader.error(
                    node,
                    "a products mapping needs the field 'style_name': JOOR requires a style's name, and sending its number in its place would rename the style in JOOR (a price list needs the names too)"
                )
            }
        default: break
        }
    }

    private func csvOptions(_ node: Node?) -> CSVReadOptions {
        var options = CSVReadOptions()
        guard let node, let object = reader.object(node, "source.csv", allowedKeys: Self.csvKeys) else { return options }
        if let delimiter = reader.character(object["delimiter"], "source.csv.delimiter", tab: true) { options.delimiter = delimiter }
        if let quote = reader.character(object["quote"], "source.csv.quote") { options.quote = quote }
        if options.quote == options.delimiter, let node = object["quote"] ?? object["delimiter"] {
            reader.error(node, "source.csv.quote and the delimiter are the same character; a field could not be told from its quotes")
        }
        options.hasHeader = object["header"].flatMap { reader.bool($0, "source.csv.header") } ?? true
        if let encoding = reader.encoding(in: object, "source.csv.encoding") { options.encoding = encoding }
        options.skipLines = reader.int(object["skip_lines"], "source.csv.skip_lines", in: 0...1_000_000) ?? 0
        options.trimFields = object["trim"].flatMap { reader.bool($0, "source.csv.trim") } ?? true
        options.strict = object["strict"].flatMap { reader.bool($0, "source.csv.strict") } ?? true
        options.replaceInvalidBytes = object["replace_invalid_bytes"].flatMap { reader.bool($0, "source.csv.replace_invalid_bytes") } ?? false
        if let r = object["ragged_rows"], let name = reader.choice(r, "source.csv.ragged_rows", ["reject", "pad", "allow"]) {
            options.raggedRows = CSVReadOptions.RaggedRows(rawValue: name)!
        }
        if let n = reader.int(object["max_field_bytes"], "source.csv.max_field_bytes", in: 1...(1 << 30)) { options.maxFieldBytes = n }
        return options
    }

    // MARK: Fixed-width

    /// `source.fixed`: the encoding and, per record type, where each field is (1-based).
    private func fixedLayout(_ node: Node?, at parent: Node) -> FixedWidthReadOptions? {
        guard let node, let object = reader.object(node, "source.fixed") else {
            reader.error(parent, "format: fixed needs fixed: { fields: … } (or record_type: and records: for files with several record types)")
            return nil
        }
        reader.checkKeys(object, allowed: Self.fixedKeys)
        var options = FixedWidthReadOptions()
        if let encoding = reader.encoding(
            in: object, "source.fixed.encoding", allowed: FixedWidthReadOptions.encodings, why: " (UTF-16 has no fixed byte positions)")
        {
            options.encoding = encoding
        }
        options.trim = object["trim"].flatMap { reader.bool($0, "source.fixed.trim") } ?? true
        options.skipLines = reader.int(object["skip_lines"], "source.fixed.skip_lines", in: 0...1_000_000) ?? 0
        options.replaceInvalidBytes = object["replace_invalid_bytes"].flatMap { reader.bool($0, "source.fixed.replace_invalid_bytes") } ?? false
        if let n = reader.int(object["max_line_bytes"], "source.fixed.max_line_bytes", in: 1...(1 << 30)) { options.maxLineBytes = n }
        if let l = object["short_lines"], let name = reader.choice(l, "source.fixed.short_lines", ["reject", "pad"]) {
            options.shortLines = .init(rawValue: name)!
        }

        if let typeNode = object["record_type"] {
            if let object = reader.object(typeNode, "source.fixed.record_type") {
                reader.checkKeys(object, allowed: Self.fixedFieldKeys.filter { $0 != "name" })
            }
            options.typeSlice = slice(typeNode, what: "source.fixed.record_type")
            guard let records = reader.object(object["records"], "source.fixed.records") else {
                reader.error(typeNode, "with record_type: give records: (record type code → { role, fields })")
                return nil
            }
            if object.has("fields") { reader.error(object["fields"], "with record_type: the fields go under each record type in records:") }
            for entry in records.entries {
                if let record = fixedRecord(type: entry.key, entry.value) { options.records.append(record) }
            }
            if let width = options.typeSlice?.length, let long = options.records.first(where: { ($0.type?.count ?? 0) > width }) {
                reader.error(records.node, "record type '\(long.type!)' is longer than record_type's \(width) characters")
            }
            if !options.records.contains(where: { $0.role == .detail }) {
                reader.error(records.node, "records: needs a record type with role: detail (the lines that become rows)")
            }
        } else {
            if object.has("records") { reader.error(object["records"], "records: needs record_type: { start, length } (where the type code is)") }
            guard let fields = object["fields"] else {
                reader.error(node, "source.fixed needs fields: (name → { start, length }), or record_type: and records:")
                return nil
            }
            options.records = [FixedWidthReadOptions.Record(type: nil, role: .detail, fields: fixedFields(fields, what: "source.fixed.fields"))]
        }
        return options
    }

    /// A record type: `skip`, or `{ role, fields, count }`.
    private func fixedRecord(type: String, _ node: Node) -> FixedWidthReadOptions.Record? {
        let what = "record type '\(type)'"
        if case .scalar = node {
            guard let role = reader.choice(node, what, ["skip"]) else { return nil }
            return .init(type: type, role: FixedWidthReadOptions.Role(rawValue: role)!, fields: [])
        }
        guard let object = reader.object(node, what, allowedKeys: Self.fixedRecordKeys) else { return nil }
        let role = reader.choice(object["role"], "\(what).role", as: FixedWidthReadOptions.Role.self) ?? .detail
        var record = FixedWidthReadOptions.Record(type: type, role: role, fields: [])
        if let fields = object["fields"] { record.fields = fixedFields(fields, what: "\(what).fields") }
        if record.role == .detail && record.fields.isEmpty { reader.error(node, "\(what) is a detail record; give its fields:") }
        if let countNode = object["count"], let name = reader.string(countNode, "\(what).count") {
            if record.role != .trailer { reader.error(countNode, "count: belongs to a trailer record (the number of records the file says it has)") }
            if !record.fields.contains(where: { $0.name == name }) { reader.error(countNode, "count: '\(name)' is not one of \(what)'s fields") }
            let scope = reader.choice(object["counts"], "\(what).counts", as: FixedWidthCount.Scope.self) ?? .details
            record.count = FixedWidthCount(field: name, scope: scope)
        } else if object.has("counts") {
            reader.error(object["counts"], "counts: goes with count: (the trailer field holding the number)")
        }
        return record
    }

    /// Fields as a map (`Qty: { start: 16, length: 7 }`) or a list in line order, where a field
    /// without `start:` follows the one before (`- { name: Qty, length: 7 }`).
    private func fixedFields(_ node: Node, what: String) -> [(name: String, slice: FixedWidthReadOptions.Slice)] {
        var fields: [(name: String, slice: FixedWidthReadOptions.Slice)] = []
        var next = 0
        func add(_ name: String, _ object: YAMLObject, listed: Bool) {
            reader.checkKeys(object, allowed: listed ? Self.fixedFieldKeys : Self.fixedFieldKeys.filter { $0 != "name" })
            if fields.contains(where: { $0.name == name }) { reader.error(object.node, "\(what): the field '\(name)' is given twice") }
            guard let slice = slice(object.node, what: "\(what).\(name)", defaultStart: listed ? next : nil) else { return }
            fields.append((name, slice))
            next = slice.end
        }
        switch node {
        case .sequence(let items):
            for item in items {
                guard let object = reader.object(item, "\(what) entry") else { continue }
                guard let name = reader.required(object, "name", "\(what).name", at: item, else: "each entry of \(what) needs name:") else {
                    continue
                }
                add(name, object, listed: true)
            }
        default:
            guard let object = reader.object(node, what) else { return [] }
            for entry in object.entries {
                guard let field = reader.object(entry.value, "\(what).\(entry.key)") else { continue }
                add(entry.key, field, listed: false)
            }
        }
        if fields.isEmpty { reader.error(node, "\(what) has no fields") }
        let sorted = fields.sorted { $0.slice.start < $1.slice.start }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.slice.start < a.slice.end {
            reader.warning(
                node,
                "\(what): '\(a.name)' (columns \(a.slice.start + 1)–\(a.slice.end)) and '\(b.name)' (columns \(b.slice.start + 1)–\(b.slice.end)) overlap"
            )
        }
        return fields
    }

    /// `{ start: 3, length: 13 }` or `{ start: 3, end: 15 }`, 1-based and inclusive as layouts
    /// are printed; `defaultStart` (0-based) when `start:` may be left out.
    private func slice(_ node: Node, what: String, defaultStart: Int? = nil) -> FixedWidthReadOptions.Slice? {
        guard let object = reader.object(node, what) else { return nil }
        let start: Int
        if let startNode = object["start"] {
            guard let value = reader.int(startNode, "\(what).start") else { return nil }
            guard value >= 1 else {
                reader.error(startNode, "\(what).start counts from 1")
                return nil
            }
            start = value - 1
        } else if let defaultStart {
            start = defaultStart
        } else {
            reader.error(node, "\(what) needs start: (its first column, counting from 1) and length:")
            return nil
        }
        let length: Int
        if let lengthNode = object["length"] {
            guard let value = reader.int(lengthNode, "\(what).length") else { return nil }
            length = value
        } else if let endNode = object["end"] {
            guard let value = reader.int(endNode, "\(what).end") else { return nil }
            length = value - start
        } else {
            reader.error(node, "\(what) needs length: (or end:, its last column)")
            return nil
        }
        guard length >= 1 else {
            reader.error(node, "\(what) must be at least one character long")
            return nil
        }
        return .init(start: start, length: length)
    }

    /// Every field a rule reads must be a field of the layout: a misspelt name would otherwise
    /// read empty for every line.
    private func checkFixedNames(_ layout: FixedWidthReadOptions, fields: [FieldRule], skip: Condition?, sizes: SizeGrid?, at node: Node) {
        let known = Set(layout.records.filter { $0.role == .detail || $0.role == .header }.flatMap { $0.fields.map(\.name) })
        var names: [(String, Int?)] = []
        for rule in fields { for case .header(let name) in rule.references { names.append((name, rule.line)) } }
        for case .header(let name) in skip?.references ?? [] { names.append((name, nil)) }
        for name in sizes?.headers ?? [] { names.append((name, nil)) }
        if fields.flatMap(\.references).contains(where: { if case .column = $0 { true } else { false } }) {
            reader.error(node, "column: N is for CSV files without a header; a fixed-width field is read by its name")
        }
        for (name, line) in names where !known.contains(name) {
            let nearest =
                known.min { editDistance($0, name) < editDistance($1, name) }.map { editDistance($0, name) <= 2 ? " (did you mean '\($0)'?)" : "" }
                ?? ""
            reader.errorAt(
                line: line,
                "'\(name)' is not a field of the fixed-width layout\(nearest); its detail and header fields are: \(known.sorted().joined(separator: ", "))"
            )
        }
        let detailNames = layout.records.filter { $0.role == .detail }.flatMap { $0.fields.map(\.name) }
        let headerNames = layout.records.filter { $0.role == .header }.flatMap { $0.fields.map(\.name) }
        for name in Set(detailNames).intersection(headerNames).sorted() {
            reader.error(node, "the field '\(name)' is in a header and a detail record; give them different names so a rule knows which it reads")
        }
    }

    private func xmlOptions(_ node: Node?, at parent: Node) -> XMLReadOptions? {
        guard let node, let object = reader.object(node, "source.xml") else {
            reader.error(parent, "format: xml needs xml: { record: \"/Root/Item\" } naming the repeating record element")
            return nil
        }
        reader.checkKeys(object, allowed: Self.xmlKeys)
        var namespaces: [String: String] = [:]
        if let ns = reader.object(object["namespaces"], "source.xml.namespaces") {
            for e in ns.entries { namespaces[e.key] = reader.string(e.value, "namespace \(e.key)") ?? "" }
        }
        guard let recordNode = object["record"], let record = reader.string(recordNode, "source.xml.record") else {
            reader.error(node, "source.xml needs record: (the repeating element, e.g. /Inventory/Item or //Item)")
            return nil
        }
        do {
            let path = try XMLPath(record, namespaces: namespaces)
            if path.attribute != nil || path.elementNames.count != path.steps.count {
                reader.error(recordNode, "source.xml.record must name elements only, like /Inventory/Item or //Item")
            }
        } catch {
            reader.error(recordNode, error.description)
        }
        var options = XMLReadOptions(recordPath: record, namespaces: namespaces)
        options.encoding = reader.encoding(in: object, "source.xml.encoding")
        return options
    }

    private func parseSizeGrid(_ node: Node, style: ReferenceStyle) -> SizeGrid? {
        guard let object = reader.object(node, "sizes", allowedKeys: Self.sizesKeys) else { return nil }
        func columns(_ key: String) -> [String]? {
            guard let n = object[key] else { return nil }
            let list = reader.strings(n, "sizes.\(key)") ?? []
            var result: [String] = []
            for item in list {
                guard let expanded = SizeGrid.expand(item) else {
                    reader.error(n, "sizes.\(key): '\(item)' is not a range like S1..S30")
                    continue
                }
                result += expanded
            }
            return result
        }
        let skipEmpty = object["skip_empty"].flatMap { reader.bool($0, "sizes.skip_empty") } ?? true
        var scale: (SourceRef, LookupTable)?
        if let scaleObject = reader.object(object["scale"], "sizes.scale", allowedKeys: Self.scaleKeys) {
            if !scaleObject.has("from") || !scaleObject.has("lookup") {
                reader.error(scaleObject.node, "sizes.scale needs from: (the scale column) and lookup: (scale code → \"XS,S,M,L\")")
            } else if let ref = style.parse(scaleObject["from"], "sizes.scale.from", reporting: reader),
                let name = scaleObject["lookup"].flatMap({ reader.string($0, "sizes.scale.lookup") })
            {
                if let table = lookups[name] {
                    scale = (ref, table)
                } else {
                    reader.error(scaleObject.node, "sizes.scale uses the lookup '\(name)', which is not defined")
                }
            }
        }
        let layout: SizeGrid.Layout
        if let quantities = columns("columns") {
            guard case .csv = style else {
                reader.error(object["columns"], "sizes.columns is for CSV; XML grids use sizes.group")
                return nil
            }
            let names = columns("names")
            let barcodes = columns("barcodes")
            if let names, names.count != quantities.count {
                reader.error(object["names"], "sizes.names has \(names.count) columns but sizes.columns has \(quantities.count)")
            }
            if let barcodes, barcodes.count != quantities.count {
                reader.error(object["barcodes"], "sizes.barcodes has \(barcodes.count) columns but sizes.columns has \(quantities.count)")
            }
            func refs(_ names: [String]) -> [SourceRef] { names.map { .header($0) } }
            layout = .columns(quantities: refs(quantities), names: names.map(refs), barcodes: barcodes.map(refs))
        } else if let packed = reader.object(object["packed"], "sizes.packed", allowedKeys: Self.packedKeys) {
            guard packed.has("from") else {
                reader.error(packed.node, "sizes.packed needs from: (the field holding all sizes)")
                return nil
            }
            guard let ref = style.parse(packed["from"], "sizes.packed.from", reporting: reader) else { return nil }
            let parts = (packed["parts"].flatMap { reader.strings($0, "sizes.packed.parts") } ?? ["name", "quantity", "barcode"]).compactMap {
                name -> SourceRef.SizePart? in
                guard let part = SourceRef.SizePart(rawValue: name) else {
                    reader.error(packed["parts"], "sizes.packed.parts: '\(name)' is not one of name, quantity, barcode")
                    return nil
                }
                return part
            }
            if let node = packed["parts"], !parts.contains(.quantity) {
                reader.error(node, "sizes.packed.parts needs quantity (without it every size is empty and skipped)")
            }
            layout = .packed(
                field: ref, separator: packed["separator"].flatMap { reader.string($0, "sizes.packed.separator") } ?? "|",
                partSeparator: packed["part_separator"].flatMap { reader.string($0, "sizes.packed.part_separator") } ?? ":", parts: parts)
        } else if let group = reader.object(object["group"], "sizes.group") {
            guard case .xml(let namespaces) = style else {
                reader.error(group.node, "sizes.group is for XML")
                return nil
            }
            reader.checkKeys(group, allowed: Self.groupKeys)
            do {
                let path = try XMLPath(group["path"].flatMap { reader.string($0, "sizes.group.path") } ?? "", namespaces: namespaces)
                var parts: [SourceRef.SizePart: XMLPath] = [:]
                for part in [SourceRef.SizePart.name, .quantity, .barcode] {
                    if let text = group[part.rawValue].flatMap({ reader.string($0, "sizes.group.\(part.rawValue)") }) {
                        parts[part] = try XMLPath(text, namespaces: namespaces)
                    }
                }
                layout = .group(path: path, parts: parts)
            } catch {
                reader.error(group.node, error.description)
                return nil
            }
        } else {
            reader.error(node, "sizes needs columns: (e.g. \"S1..S30\"), packed: or group:")
            return nil
        }
        return SizeGrid(layout: layout, scale: scale, skipEmpty: skipEmpty)
    }
}
