import FileFormats
import Foundation
import JoorModels

/// An order turned into the rows (or XML elements) of the WMS file, not yet written.
public struct RenderedOrder: Sendable {
    public var orderID: String
    /// CSV rows of the main file (for `header_detail` in one file: H and D rows interleaved).
    public var rows: [[String]] = []
    /// CSV rows for a separate detail file (`header_detail` with `detail_file_name`).
    public var detailRows: [[String]] = []
    /// For each main row, the customer key used to write each customer once.
    public var uniqueKeys: [String] = []
    /// The order as XML elements.
    public var elements: [RenderedElement] = []
    /// Its share of the file's totals (records not counted: the writer counts what it writes).
    public var totals = FileTotals()
}

/// An XML element with its values filled in.
public struct RenderedElement: Sendable, Equatable {
    public var name: String
    public var attributes: [(String, String)]
    public var text: String?
    public var children: [RenderedElement]

    public static func == (a: RenderedElement, b: RenderedElement) -> Bool {
        a.name == b.name && a.text == b.text && a.children == b.children
            && a.attributes.map(\.0) == b.attributes.map(\.0) && a.attributes.map(\.1) == b.attributes.map(\.1)
    }
}

/// An order that could not be mapped: it is not written, and is retried on the next run.
public struct OrderRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var orderID: String
    public var problems: [RowRejection]

    public init(orderID: String, problems: [RowRejection]) {
        self.orderID = orderID
        self.problems = problems
    }

    public var description: String {
        "order \(orderID) cannot be mapped: "
            + problems.map { p in
                [p.field.map { "field '\($0)'" }, p.value.map { "value '\($0)'" }, p.reason].compactMap { $0 }.joined(separator: ": ")
            }.joined(separator: "; ")
    }
}

/// Applies an outbound mapping to orders.
public struct OrderRenderer: Sendable {
    public let mapping: OutboundMapping
    public let context: RenderContext

    public init(mapping: OutboundMapping, context: RenderContext) {
        self.mapping = mapping
        self.context = context
    }

    /// Renders one order, or explains every reason it cannot be.
    public func render(_ order: JoorOrder) -> Result<RenderedOrder, OrderRejection> {
        var problems: [RowRejection] = []
        var rendered = RenderedOrder(orderID: order.id)
        rendered.totals = FileTotals(order)
        let base = OrderRow(order: order, context: context)
        let lines = order.lineItems.enumerated().map { index, item in
            OrderRow(order: order, lineItem: item, lineIndex: index + 1, context: context)
        }

        func row(_ columns: [OutboundMapping.Column], _ source: OrderRow) -> [String] {
            columns.map { column in
                switch cell(column, source) {
                case .success(let text): return text
                case .failure(let failure):
                    var reason = failure.reason
                    if let index = source.lineIndex { reason += " (line \(index))" }
                    problems.append(RowRejection(source: "order \(order.id)", line: 0, field: column.name, value: failure.value, reason: reason))
                    return ""
                }
            }
        }

        // Header and trailer records are rendered for the whole file when it is written; trying
        // them with this order's totals rejects the order now for what would fail then.
        var alone = rendered.totals
        alone.records = 1
        _ = row(mapping.headerRecord, OrderRow(order: JoorOrder(fields: [:]), context: context, totals: alone))
        _ = row(mapping.trailerRecord, OrderRow(order: JoorOrder(fields: [:]), context: context, totals: alone))

        switch mapping.format {
        case .xml(_, let template):
            rendered.elements = template.order.flatMap { element($0, base, lines, &problems) }
        case .csv, .fixed:
            switch mapping.layout {
            case .lines:
                if lines.isEmpty { problems.append(RowRejection(source: "order \(order.id)", line: 0, reason: "the order has no line items")) }
                rendered.rows = lines.map { row(mapping.columns, $0) }
            case .orders:
                rendered.rows = [row(mapping.columns, base)]
                rendered.uniqueKeys = [mapping.uniqueBy?.render(base) ?? order.id]
            case .headerDetail(let layout):
                let header = row(layout.header, base)
                let details = lines.map { row(layout.detail, $0) }
                if layout.detailFileName == nil {
                    rendered.rows = [header] + details
                } else {
                    rendered.rows = [header]
                    rendered.detailRows = details
                }
            case .sizeGrid(let grid):
                rendered.rows = sizeGridRows(grid, order: order, lines: lines, row: row, problems: &problems)
            }
        }
        return problems.isEmpty ? .success(rendered) : .failure(OrderRejection(orderID: order.id, problems: Self.unique(problems)))
    }

    /// One cell: the column's rule, then formula neutralization (CSV) or fitting to the width
    /// (fixed-width).
    private func cell(_ column: OutboundMapping.Column, _ source: OrderRow) -> Result<String, RuleFailure> {
        let text: String
        switch column.compiled.evaluate(source) {
        case .success(let value): text = value.map { column.rule.formatted($0) } ?? ""
        case .failure(let failure): return .failure(failure)
        }
        switch mapping.format {
        case .csv(let options, _):
            let (out, problem) = Self.csvText(text, neutralize: column.neutralize ?? mapping.neutralizeFormulas, options: options)
            if let problem { return .failure(RuleFailure(field: column.name, value: text, reason: problem)) }
            return .success(out)
        case .xml(let options, _):
            if let problem = XMLWriter.textProblem(text, options: options) {
                return .failure(RuleFailure(field: column.name, value: text, reason: problem))
            }
            return .success(text)
        case .fixed(let options):
            guard let layout = column.fixed else { return .success(text) }
            do throws(FixedWidthColumn.Misfit) {
                return .success(try layout.fit(text, encoding: options.encoding))
            } catch {
                return .failure(RuleFailure(field: column.name, value: text, reason: error.message))
            }
        }
    }

    /// A CSV cell as the file will hold it: formulas neutralized when asked; and why the file's
    /// encoding cannot write it, if it cannot (the writer would refuse the whole file).
    private static func csvText(_ text: String, neutralize: Bool, options: CSVWriteOptions) -> (text: String, problem: String?) {
        let out = neutralize ? CSVWriter.neutralized(text) : text
        return (out, options.encoding.firstUnwritable(in: out).map(options.encoding.cannotWrite))
    }

    /// A header or trailer record with the file's totals.
    /// - Throws: ``FileFormatError`` naming the field when a rule fails (a count too wide for its
    ///   column): the file is not written.
    func record(_ columns: [OutboundMapping.Column], totals: FileTotals, file: String) throws(FileFormatError) -> [String] {
        let source = OrderRow(order: JoorOrder(fields: [:]), context: context, totals: totals)
        var cells: [String] = []
        for column in columns {
            switch cell(column, source) {
            case .success(let text): cells.append(text)
            case .failure(let failure):
                throw FileFormatError(
                    .malformedLine, path: file, field: column.name,
                    message: "the header or trailer record cannot be written: field '\(column.name)' value '\(failure.value ?? "")' \(failure.reason)"
                )
            }
        }
        return cells
    }

    /// An order-level field fails on every line: report it once, with the lines it failed on.
    private static func unique(_ problems: [RowRejection]) -> [RowRejection] {
        var result: [RowRejection] = []
        var lines: [Int: [String]] = [:]
        for problem in problems {
            var base = problem
            var line: String?
            if let range = base.reason.range(of: " (line ", options: .backwards), base.reason.hasSuffix(")") {
                line = String(base.reason[range.upperBound...].dropLast())
                base.reason = String(base.reason[..<range.lowerBound])
            }
            if let index = result.firstIndex(where: { $0.field == base.field && $0.value == base.value && $0.reason == base.reason }) {
                if let line { lines[index, default: []].append(line) }
            } else {
                if let line { lines[result.count] = [line] }
                result.append(base)
            }
        }
        for (index, list) in lines {
            result[index].reason += list.count == 1 ? " (line \(list[0]))" : " (lines \(list.joined(separator: ", ")))"
        }
        return result
    }

    private func sizeGridRows(
        _ grid: OutboundMapping.SizeGridOutput, order: JoorOrder, lines: [OrderRow],
        row: ([OutboundMapping.Column], OrderRow) -> [String], problems: inout [RowRejection]
    ) -> [[String]] {
        var groups: [(key: [String], lines: [OrderRow])] = []
        var index: [[String]: Int] = [:]
        for line in lines {
            let key = grid.groupBy.map { line.value($0) ?? "" }
            if let i = index[key] {
                groups[i].lines.append(line)
            } else {
                index[key] = groups.count
                groups.append((key, [line]))
            }
        }
        return groups.map { group in
            var sizes: [(name: String, quantity: Int, line: OrderRow)] = []
            for line in group.lines {
                let name = line.value(.line("item_size")) ?? ""
                let quantity = Int(line.value(.line("item_quantity")) ?? "") ?? 0
                if let i = sizes.firstIndex(where: { $0.name == name }) {
                    sizes[i].quantity += quantity
                } else {
                    sizes.append((name, quantity, line))
                }
            }
            if sizes.count > grid.positions {
                problems.append(
                    RowRejection(
                        source: "order \(order.id)", line: 0, field: grid.quantityHeader, value: group.key.joined(separator: " "),
                        reason: "\(sizes.count) sizes do not fit the grid's \(grid.positions) positions; raise size_grid.positions"))
            }
            var first = group.lines[0]
            first.cell = [.name: sizes.map(\.name).joined(separator: ","), .quantity: String(sizes.reduce(0) { $0 + $1.quantity })]
            var out = row(mapping.columns, first)
            // The row's columns stand for all of its sizes: one that differs between them (an XXL
            // surcharge in the price) would lose all values but the first.
            for line in group.lines.dropFirst() {
                var other = line
                other.cell = first.cell
                for (column, (shown, own)) in zip(mapping.columns, zip(out, row(mapping.columns, other))) where shown != own {
                    problems.append(
                        RowRejection(
                            source: "order \(order.id)", line: 0, field: column.name, value: own,
                            reason:
                                "differs between the sizes of \(group.key.joined(separator: " ")) ('\(shown)' and '\(own)'), and a size-grid row has one value a column; add its field to size_grid.group_by or leave the column out"
                        ))
                }
            }
            /// A size name or cell as written (``csvText(_:neutralize:options:)``; a size grid is CSV).
            func written(_ text: String, field: String) -> String {
                guard case .csv(let options, _) = mapping.format else { return text }
                let (out, problem) = Self.csvText(text, neutralize: mapping.neutralizeFormulas, options: options)
                if let problem { problems.append(RowRejection(source: "order \(order.id)", line: 0, field: field, value: text, reason: problem)) }
                return out
            }
            if let sizeHeader = grid.sizeHeader {
                out += (0..<grid.positions).map {
                    $0 < sizes.count ? written(sizes[$0].name, field: sizeHeader.replacingOccurrences(of: "{n}", with: String($0 + 1))) : ""
                }
            }
            out += (0..<grid.positions).map { position in
                guard position < sizes.count else { return "" }
                guard let cell = grid.cell else { return String(sizes[position].quantity) }
                var source = sizes[position].line
                source.cell = [
                    .name: sizes[position].name, .quantity: String(sizes[position].quantity),
                    .barcode: source.value(.line("item_upc")) ?? "", .position: String(position + 1),
                ]
                return written(cell.render(source), field: grid.quantityHeader.replacingOccurrences(of: "{n}", with: String(position + 1)))
            }
            return out
        }
    }

    private func element(
        _ template: XMLTemplate.Element, _ source: OrderRow, _ lines: [OrderRow], _ problems: inout [RowRejection]
    ) -> [RenderedElement] {
        let sources = template.forEachLine ? lines : [source]
        return sources.compactMap { current in
            func value(_ rule: FieldRule) -> String? {
                var evaluated = rule.evaluate(current).map { $0.map { rule.formatted($0) } }
                if case .xml(let options, _) = mapping.format, case .success(let text?) = evaluated,
                    let problem = XMLWriter.textProblem(text, options: options)
                {
                    evaluated = .failure(RuleFailure(field: rule.target, value: text, reason: problem))
                }
                switch evaluated {
                case .success(let value): return value
                case .failure(let failure):
                    var reason = failure.reason
                    if let index = current.lineIndex { reason += " (line \(index))" }
                    problems.append(
                        RowRejection(source: "order \(current.order.id)", line: 0, field: rule.target, value: failure.value, reason: reason))
                    return nil
                }
            }
            let text = template.text.flatMap(value)
            let attributes = template.attributes.compactMap { attribute in value(attribute.rule).map { (attribute.name, $0) } }
            let children = template.children.flatMap { element($0, current, lines, &problems) }
            if template.omitEmpty && (text ?? "").isEmpty && attributes.isEmpty && children.isEmpty { return nil }
            return RenderedElement(name: template.name, attributes: attributes, text: template.text == nil ? nil : (text ?? ""), children: children)
        }
    }

    /// The file name for an order (or, with `per: run`, for the run), made safe for any file system.
    public func fileName(for order: JoorOrder?) -> String {
        FileNames.sanitize(mapping.fileName.render(row(order)))
    }

    /// The detail file's name (`header_detail` with `detail_file_name`).
    public func detailFileName(for order: JoorOrder?) -> String? {
        guard case .headerDetail(let layout) = mapping.layout, let template = layout.detailFileName else { return nil }
        return FileNames.sanitize(template.render(row(order)))
    }

    private func row(_ order: JoorOrder?) -> OrderRow {
        OrderRow(order: order ?? JoorOrder(fields: [:]), context: context)
    }

    /// The CSV header row of the main file, or `nil` when the file has none.
    public var headerRow: [String]? {
        guard case .csv(_, let header) = mapping.format, header else { return nil }
        switch mapping.layout {
        case .lines, .orders: return mapping.columns.map(\.name)
        case .headerDetail(let layout): return layout.detailFileName == nil ? nil : layout.header.map(\.name)
        case .sizeGrid(let grid):
            let sizes = grid.sizeHeader.map { h in (1...grid.positions).map { h.replacingOccurrences(of: "{n}", with: String($0)) } } ?? []
            return mapping.columns.map(\.name) + sizes
                + (1...grid.positions).map { grid.quantityHeader.replacingOccurrences(of: "{n}", with: String($0)) }
        }
    }

    /// The CSV header row of the detail file.
    public var detailHeaderRow: [String]? {
        guard case .csv(_, let header) = mapping.format, header, case .headerDetail(let layout) = mapping.layout, layout.detailFileName != nil else {
            return nil
        }
        return layout.detail.map(\.name)
    }
}

/// Safe file names from data.
public enum FileNames {
    /// Replaces path separators, control characters (C0 and C1), the marks that reverse how a
    /// name reads (`U+202E` makes `exe.csv` show as `vsc.exe`) and Windows' reserved characters;
    /// refuses `.`/`..` and leading dots (hidden or temp names) and Windows' device names (`CON`,
    /// `NUL`, `COM1`…, which a WMS on a Windows share cannot open); caps the length at 180 bytes
    /// keeping the extension.
    public static func sanitize(_ name: String) -> String {
        var cleaned = String(
            name.unicodeScalars.map { scalar -> Character in
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || bidiControls.contains(scalar.value)
                    || "/\\:*?\"<>|".unicodeScalars.contains(scalar)
                {
                    return "_"
                }
                return Character(scalar)
            })
        cleaned = cleaned.trimmingCharacters(in: .whitespaces)
        while cleaned.hasPrefix(".") { cleaned = "_" + cleaned.dropFirst() }
        while cleaned.contains("..") { cleaned = cleaned.replacingOccurrences(of: "..", with: "_.") }
        if cleaned.isEmpty { cleaned = "unnamed" }
        let stem = cleaned.prefix { $0 != "." }.uppercased().trimmingCharacters(in: .whitespaces)
        if deviceNames.contains(stem) { cleaned = "_" + cleaned }
        if cleaned.utf8.count > 180 {
            let ext = cleaned.split(separator: ".").last.map { "." + $0 } ?? ""
            let keep = ext.utf8.count < 20 ? ext : ""
            var stem = String(cleaned.dropLast(keep.count))
            while stem.utf8.count + keep.utf8.count > 180 { stem.removeLast() }
            cleaned = stem + keep
        }
        return cleaned
    }

    /// Left-to-right and right-to-left marks, embeddings, overrides and isolates.
    private static let bidiControls: Set<UInt32> = [0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]

    /// Names Windows keeps for devices, whatever the extension (`CON.csv` too).
    private static let deviceNames: Set<String> = Set(
        ["CON", "PRN", "AUX", "NUL"] + (1...9).flatMap { ["COM\($0)", "LPT\($0)"] })
}
