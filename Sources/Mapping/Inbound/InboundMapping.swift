import FileFormats

/// A compiled inbound mapping: how to read a WMS export and which JOOR fields each row fills.
public struct InboundMapping: Sendable {
    /// How the input file is read.
    public enum Source: Sendable {
        case csv(CSVReadOptions)
        case xml(XMLReadOptions)
        /// Fixed-width lines; rules read the fields by name.
        case fixed(FixedWidthReadOptions)

        /// `csv`, `xml` or `fixed-width`, for messages.
        public var name: String {
            switch self {
            case .csv: "csv"
            case .xml: "xml"
            case .fixed: "fixed-width"
            }
        }
    }

    public let kind: MappingKind
    public let source: Source
    /// One rule per JOOR target field, in file order.
    public private(set) var fields: [FieldRule]
    /// Rows for which this holds are skipped (counted, not rejected).
    public private(set) var skipRowWhen: Condition?
    /// Unpivots size-grid rows into one record per size.
    public private(set) var sizeGrid: SizeGrid?
    /// The mapping file (for messages).
    public let path: String
    /// The target fields, one slot per rule.
    public let targets: RecordTargets

    init(kind: MappingKind, source: Source, fields: [FieldRule], skipRowWhen: Condition?, sizeGrid: SizeGrid?, path: String) {
        self.kind = kind
        self.source = source
        self.fields = fields
        self.skipRowWhen = skipRowWhen
        self.sizeGrid = sizeGrid
        self.path = path
        targets = RecordTargets(fields)
    }

    /// The mapping for one CSV file: every header it reads bound to the file's column of that
    /// name, so rows are read by position. (Names the file lacks stay unbound and read as absent.)
    func bound(toColumns columns: [String: Int]) -> InboundMapping {
        func bind(_ ref: SourceRef) -> SourceRef {
            guard case .header(let name) = ref, let column = columns[name] else { return ref }
            return .bound(column: column, name: name)
        }
        var mapping = self
        mapping.fields = fields.map { $0.mapReferences(bind) }
        mapping.skipRowWhen = skipRowWhen?.mapReferences(bind)
        mapping.sizeGrid = sizeGrid?.mapReferences(bind)
        return mapping
    }

    /// XML paths the mapping reads, with the field and mapping line that read each, and whether
    /// the rule says the source may be absent (`required: false`).
    var xmlReferences: [(path: XMLPath, target: String, line: Int?, optional: Bool)] {
        var seen: Set<String> = []
        var result: [(XMLPath, String, Int?, Bool)] = []
        for rule in fields {
            // Fallbacks (`from: [a, b]`, `{a|b}`) expect some of their paths to be absent.
            let optional = rule.requiredIsExplicit && !rule.required
            let alternatives = rule.alternativeReferences
            for case .xml(let path) in rule.references where seen.insert(path.description).inserted {
                result.append((path, rule.target, rule.line, optional || alternatives.contains(.xml(path))))
            }
        }
        for case .xml(let path) in skipRowWhen?.references ?? [] where seen.insert(path.description).inserted {
            result.append((path, "skip_row_when", nil, true))
        }
        return result
    }

    /// CSV headers the mapping reads, with the line in the mapping that reads each.
    var requiredHeaders: [(name: String, line: Int?)] {
        var seen: Set<String> = []
        var result: [(String, Int?)] = []
        func add(_ name: String, _ line: Int?) { if seen.insert(name).inserted { result.append((name, line)) } }
        for rule in fields {
            for case .header(let name) in rule.references { add(name, rule.line) }
        }
        for case .header(let name) in skipRowWhen?.references ?? [] { add(name, nil) }
        for name in sizeGrid?.headers ?? [] { add(name, nil) }
        if let scale = sizeGrid?.scale, case .header(let name) = scale.ref { add(name, nil) }
        if case .packed(let field, _, _, _) = sizeGrid?.layout, case .header(let name) = field { add(name, nil) }
        return result
    }
}
