import FileFormats
import Foundation
import Yams

/// Compiles the inbound parts: `source`, `fields`, `sizes`, `skip_row_when`.
struct InboundCompiler {
    let reader: YAMLReader
    let kind: MappingKind
    let lookups: [String: LookupTable]

    /// The keys of each part of an inbound mapping (the JSON Schema is built from these too).
    static let sourceKeys = ["format", "csv", "xml"]
    static let csvKeys = ["delimiter", "quote", "header", "encoding", "skip_lines", "trim", "strict", "ragged_rows", "replace_invalid_bytes", "max_field_bytes"]
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
        guard let format = reader.choice(source["format"], "source.format", ["csv", "xml"]) else {
            if source["format"] == nil { reader.error(sourceNode, "source needs format: csv or xml") }
            return nil
        }
        let inputSource: InboundMapping.Source
        let style: ReferenceStyle
        if format == "csv" {
            inputSource = .csv(csvOptions(source["csv"]))
            style = .csv
            if source.has("xml") { reader.error(source["xml"], "source.xml is for format: xml") }
        } else {
            guard let options = xmlOptions(source["xml"], at: sourceNode) else { return nil }
            inputSource = .xml(options)
            style = .xml(namespaces: options.namespaces)
            if source.has("csv") { reader.error(source["csv"], "source.csv is for format: csv") }
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
                    if rule.type == .string { rule.type = requiredType } else if rule.type != requiredType && !(requiredType == .date && rule.type == .string) {
                        reader.error(entry.value, "field '\(entry.key)' must be of type \(requiredType.rawValue) for JOOR, not \(rule.type.rawValue)")
                    }
                    if requiredType == .date && rule.date == nil {
                        rule.date = FieldRule.DateRule(inputs: [try! DatePattern("iso8601")], output: try! DatePattern("yyyy-MM-dd"), timeZone: nil)
                    }
                }
                if rule.source == nil && rule.defaultValue == nil { reader.error(entry.value, "field '\(entry.key)' has no source; give it from, column, const, concat or expr") }
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
        default: break
        }
    }

    private func csvOptions(_ node: Node?) -> CSVReadOptions {
        var options = CSVReadOptions()
        guard let node, let object = reader.object(node, "source.csv") else { return options }
        reader.checkKeys(object, allowed: Self.csvKeys)
        if let d = object["delimiter"], let text = reader.string(d, "source.csv.delimiter") {
            let value = text == "\\t" || text.lowercased() == "tab" ? "\t" : text
            if value.utf8.count == 1 { options.delimiter = value.utf8.first! } else { reader.error(d, "the delimiter must be one character (or tab), not '\(text)'") }
        }
        if let q = object["quote"], let text = reader.string(q, "source.csv.quote") {
            if text.utf8.count == 1 { options.quote = text.utf8.first! } else { reader.error(q, "the quote must be one character") }
        }
        options.hasHeader = object["header"].flatMap { reader.bool($0, "source.csv.header") } ?? true
        if let e = object["encoding"], let name = reader.string(e, "source.csv.encoding") {
            if let encoding = TextEncoding(name: name) { options.encoding = encoding } else {
                reader.error(e, "unknown encoding '\(name)'; use one of \(TextEncoding.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        options.skipLines = object["skip_lines"].flatMap { reader.int($0, "source.csv.skip_lines") } ?? 0
        options.trimFields = object["trim"].flatMap { reader.bool($0, "source.csv.trim") } ?? true
        options.strict = object["strict"].flatMap { reader.bool($0, "source.csv.strict") } ?? true
        options.replaceInvalidBytes = object["replace_invalid_bytes"].flatMap { reader.bool($0, "replace_invalid_bytes") } ?? false
        if let r = object["ragged_rows"], let name = reader.choice(r, "source.csv.ragged_rows", ["reject", "pad", "allow"]) {
            options.raggedRows = CSVReadOptions.RaggedRows(rawValue: name)!
        }
        if let m = object["max_field_bytes"], let n = reader.int(m, "max_field_bytes") { options.maxFieldBytes = n }
        return options
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
        if let e = object["encoding"], let name = reader.string(e, "source.xml.encoding") {
            options.encoding = TextEncoding(name: name)
            if options.encoding == nil { reader.error(e, "unknown encoding '\(name)'") }
        }
        return options
    }

    private func parseSizeGrid(_ node: Node, style: ReferenceStyle) -> SizeGrid? {
        guard let object = reader.object(node, "sizes") else { return nil }
        reader.checkKeys(object, allowed: Self.sizesKeys)
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
        if let scaleObject = reader.object(object["scale"], "sizes.scale") {
            reader.checkKeys(scaleObject, allowed: Self.scaleKeys)
            if let from = scaleObject["from"].flatMap({ reader.string($0, "sizes.scale.from") }),
               let ref = try? style.parse(from),
               let name = scaleObject["lookup"].flatMap({ reader.string($0, "sizes.scale.lookup") }) {
                if let table = lookups[name] { scale = (ref, table) } else { reader.error(scaleObject.node, "sizes.scale uses the lookup '\(name)', which is not defined") }
            } else {
                reader.error(scaleObject.node, "sizes.scale needs from: (the scale column) and lookup: (scale code → \"XS,S,M,L\")")
            }
        }
        let layout: SizeGrid.Layout
        if let quantities = columns("columns") {
            guard case .csv = style else { reader.error(object["columns"], "sizes.columns is for CSV; XML grids use sizes.group"); return nil }
            let names = columns("names"), barcodes = columns("barcodes")
            if let names, names.count != quantities.count { reader.error(object["names"], "sizes.names has \(names.count) columns but sizes.columns has \(quantities.count)") }
            if let barcodes, barcodes.count != quantities.count { reader.error(object["barcodes"], "sizes.barcodes has \(barcodes.count) columns but sizes.columns has \(quantities.count)") }
            layout = .columns(quantities: quantities, names: names, barcodes: barcodes)
        } else if let packed = reader.object(object["packed"], "sizes.packed") {
            reader.checkKeys(packed, allowed: Self.packedKeys)
            guard let from = packed["from"].flatMap({ reader.string($0, "sizes.packed.from") }), let ref = try? style.parse(from) else {
                reader.error(packed.node, "sizes.packed needs from: (the field holding all sizes)")
                return nil
            }
            let parts = (packed["parts"].flatMap { reader.strings($0, "sizes.packed.parts") } ?? ["name", "quantity", "barcode"]).compactMap { name -> SourceRef.SizePart? in
                guard let part = SourceRef.SizePart(rawValue: name) else { reader.error(packed["parts"], "sizes.packed.parts: '\(name)' is not one of name, quantity, barcode"); return nil }
                return part
            }
            layout = .packed(field: ref, separator: packed["separator"].flatMap { reader.string($0, "separator") } ?? "|",
                             partSeparator: packed["part_separator"].flatMap { reader.string($0, "part_separator") } ?? ":", parts: parts)
        } else if let group = reader.object(object["group"], "sizes.group") {
            guard case .xml(let namespaces) = style else { reader.error(group.node, "sizes.group is for XML"); return nil }
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
