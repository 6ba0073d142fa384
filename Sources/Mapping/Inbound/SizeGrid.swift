import FileFormats

/// Unpivots an apparel size grid: one input row per style + color with a quantity per size
/// becomes one record per size, whose rules read `size.name`, `size.quantity`, `size.barcode`
/// and `size.position`.
public struct SizeGrid: Sendable {
    enum Layout: Sendable {
        /// Quantity columns (`S1..S30`, or columns named after sizes), with optional parallel
        /// columns of size names and barcodes.
        case columns(quantities: [SourceRef], names: [SourceRef]?, barcodes: [SourceRef]?)
        /// One field packing every size: `S:4:0123|M:6:0456`.
        case packed(field: SourceRef, separator: String, partSeparator: String, parts: [SourceRef.SizePart])
        /// Repeated XML elements inside the record (`Sizes/Size`), with paths for each part.
        case group(path: XMLPath, parts: [SourceRef.SizePart: XMLPath])
    }

    let layout: Layout
    /// Size names from a scale code (`scale: { from: Scale, lookup: scales }` → `"XS,S,M,L"`).
    let scale: (ref: SourceRef, table: LookupTable)?
    /// Leave out cells with an empty quantity (a size the style does not come in).
    let skipEmpty: Bool

    /// Every CSV header the grid reads.
    var headers: [String] {
        guard case .columns(let quantities, let names, let barcodes) = layout else { return [] }
        return (quantities + (names ?? []) + (barcodes ?? [])).compactMap { if case .header(let name) = $0 { name } else { nil } }
    }

    /// The same grid with every reference it reads replaced by `transform`'s answer.
    func mapReferences(_ transform: (SourceRef) -> SourceRef) -> SizeGrid {
        let mapped: Layout
        switch layout {
        case .columns(let quantities, let names, let barcodes):
            mapped = .columns(quantities: quantities.map(transform), names: names?.map(transform), barcodes: barcodes?.map(transform))
        case .packed(let field, let separator, let partSeparator, let parts):
            mapped = .packed(field: transform(field), separator: separator, partSeparator: partSeparator, parts: parts)
        case .group: mapped = layout
        }
        return SizeGrid(layout: mapped, scale: scale.map { (transform($0.ref), $0.table) }, skipEmpty: skipEmpty)
    }

    /// The cells of one row, as values for `size.*`; or why the row cannot be unpivoted.
    func cells(of row: some RowSource) -> Result<[[SourceRef.SizePart: String]], RuleFailure> {
        var cells: [[SourceRef.SizePart: String]] = []
        var scaleNames: [String]?
        if let scale {
            let code = (row.value(scale.ref) ?? "").trimmingCharacters(in: .whitespaces)
            guard let names = scale.table.value(for: code) else {
                return .failure(RuleFailure(field: "size", value: code, reason: "size scale '\(code)' is not in the lookup '\(scale.table.name)'"))
            }
            scaleNames = names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        switch layout {
        case .columns(let quantities, let names, let barcodes):
            for (i, column) in quantities.enumerated() {
                var cell: [SourceRef.SizePart: String] = [.position: String(i + 1), .quantity: row.value(column) ?? ""]
                if let names {
                    cell[.name] = row.value(names[i]) ?? ""
                } else if let scaleNames {
                    cell[.name] = i < scaleNames.count ? scaleNames[i] : ""
                } else {
                    cell[.name] = column.description
                }
                if let barcodes { cell[.barcode] = row.value(barcodes[i]) ?? "" }
                cells.append(cell)
            }
        case .packed(let field, let separator, let partSeparator, let parts):
            let text = row.value(field) ?? ""
            // Every entry has the parts up to its quantity (later ones, a barcode, may be left out).
            let needed = (parts.firstIndex(of: .quantity) ?? parts.count - 1) + 1
            for (i, entry) in text.components(separatedBy: separator).enumerated() where !entry.trimmingCharacters(in: .whitespaces).isEmpty {
                let pieces = entry.components(separatedBy: partSeparator)
                guard (needed...max(needed, parts.count)).contains(pieces.count) else {
                    return .failure(
                        RuleFailure(
                            field: "size", value: entry,
                            reason:
                                "the size entry has \(pieces.count) part(s) separated by '\(partSeparator)', where \(parts.map(\.rawValue).joined(separator: partSeparator)) needs \(needed == parts.count ? "\(needed)" : "\(needed) to \(parts.count)")"
                        ))
                }
                var cell: [SourceRef.SizePart: String] = [.position: String(i + 1)]
                for (part, value) in zip(parts, pieces) { cell[part] = value }
                if cell[.name] == nil, let scaleNames, i < scaleNames.count { cell[.name] = scaleNames[i] }
                cells.append(cell)
            }
        case .group(let path, let parts):
            guard let xml = row as? XMLRow else { return .success([]) }
            for (i, element) in xml.record.records(path).enumerated() {
                var cell: [SourceRef.SizePart: String] = [.position: String(i + 1)]
                for (part, partPath) in parts { cell[part] = element.value(partPath) ?? "" }
                cells.append(cell)
            }
        }
        if skipEmpty { cells = cells.filter { !($0[.quantity] ?? "").trimmingCharacters(in: .whitespaces).isEmpty } }
        if let scaleNames, let beyond = cells.first(where: { Int($0[.position] ?? "0")! > scaleNames.count }) {
            return .failure(
                RuleFailure(
                    field: "size", value: beyond[.quantity],
                    reason: "size position \(beyond[.position]!) has a quantity but the scale has only \(scaleNames.count) sizes"))
        }
        return .success(cells)
    }

    /// Expands `"S1..S30"` into `S1, S2, …, S30`; a plain name stays itself.
    static func expand(_ text: String) -> [String]? {
        let pieces = text.components(separatedBy: "..")
        guard pieces.count == 2 else { return [text] }
        func split(_ s: String) -> (String, Int)? {
            let digits = s.reversed().prefix { $0.isNumber }
            guard !digits.isEmpty, let n = Int(String(digits.reversed())) else { return nil }
            return (String(s.dropLast(digits.count)), n)
        }
        guard let (prefix, first) = split(pieces[0]), let (prefix2, last) = split(pieces[1]),
            prefix == prefix2, first <= last, last - first < 1000
        else { return nil }
        return (first...last).map { "\(prefix)\($0)" }
    }
}

/// A row that is one size cell of a grid row: `size.*` come from the cell, everything else from the row.
struct SizeCellRow: RowSource {
    let base: RowSource
    let cell: [SourceRef.SizePart: String]
    var line: Int { base.line }

    func value(_ ref: SourceRef) -> String? {
        if case .size(let part) = ref { return cell[part] }
        return base.value(ref)
    }
}
