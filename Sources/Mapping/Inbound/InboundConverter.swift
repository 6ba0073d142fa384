import FileFormats

/// One row's outcome.
public enum ConversionResult: Sendable {
    /// Every rule passed: the JOOR fields of one record (one per size, for a size grid).
    case converted(ConvertedRecord)
    /// The row (or size cell) was refused; the rest of the file goes on.
    case rejected(RowRejection)
    /// `skip_row_when` matched.
    case skipped(line: Int)
}

/// Streams an input file through an inbound mapping.
///
/// ```swift
/// let converter = try InboundConverter(mapping: inbound, inputPath: "inbox/stock.csv")
/// while let result = try converter.next() { … }
/// ```
public final class InboundConverter {
    public let mapping: InboundMapping
    public let inputPath: String
    /// The mapping with its CSV headers bound to this file's columns: what the rules run.
    private let bound: InboundMapping
    /// Its rules, compiled once for the file.
    private let rules: [CompiledRule]
    /// The same rules, unretained, for the per-row loop.
    private let ruleRefs: [Unmanaged<CompiledRule>]
    private enum Reader {
        case csv(CSVReader)
        case xml(XMLReader)
        case fixed(FixedWidthReader, FixedRow.Places)
    }
    /// Fixed-width: the last header record, whose fields the detail lines after it read.
    private var fixedHeader: FixedWidthRecord?
    private let reader: Reader
    private let source: FileByteSource
    /// Outcomes of the record read last, in reverse order: each is moved out with `removeLast()`.
    private var pending: [ConversionResult] = []
    /// The slot array of the record converted last (see ``apply(_:)``).
    private var spareValues: [FieldValue?] = []
    /// When set, lookups note the values they kept or defaulted (`preview` reports them).
    public var lookupTally: LookupTally?
    /// XML: the paths rules read that no record had so far, and the names records do have.
    private var unseen: [(path: XMLPath, target: String, line: Int?, optional: Bool)] = []
    private var namesInRecords: [String] = []

    /// Opens the input and checks that it has every column the mapping reads.
    /// - Throws: ``MappingErrors`` when the file lacks a column (naming the mapping line),
    ///   ``FileFormatError`` when the file cannot be opened or its header read.
    public init(mapping: InboundMapping, inputPath: String) throws {
        self.mapping = mapping
        self.inputPath = inputPath
        source = try FileByteSource(path: inputPath)
        switch mapping.source {
        case .csv(let options):
            let csv = try CSVReader(source: source, options: options)
            var columns: [String: Int] = [:]
            for (index, name) in (csv.header ?? []).enumerated() where columns[name] == nil { columns[name] = index }
            if options.hasHeader {
                let missing = mapping.requiredHeaders.filter { columns[$0.name] == nil }
                if !missing.isEmpty {
                    let have = csv.header.map { $0.isEmpty ? "(none)" : $0.joined(separator: ", ") } ?? "(the file is empty)"
                    throw MappingErrors(
                        missing.map {
                            MappingError(
                                path: mapping.path, line: $0.line, message: "column '\($0.name)' is not in \(inputPath); its header is: \(have)")
                        })
                }
            }
            reader = .csv(csv)
            bound = mapping.bound(toColumns: columns)
        case .xml(let options):
            reader = .xml(try XMLReader(source: source, options: options))
            unseen = mapping.xmlReferences
            bound = mapping
        case .fixed(let options):
            reader = .fixed(try FixedWidthReader(source: source, options: options), FixedRow.places(options))
            bound = mapping
        }
        rules = bound.fields.map(CompiledRule.init)
        ruleRefs = rules.map(Unmanaged.passUnretained)
    }

    /// After the last record: fails a file the mapping silently does not fit. An XML file whose
    /// record path matched no element (while the file has elements), or in which a path a rule
    /// reads appears in no record (unless the rule says `required: false`), would otherwise send
    /// empty or zero values for every record.
    /// - Throws: ``MappingErrors`` naming the rule, its line in the mapping, and what the file has.
    public func verifyAtEnd() throws(MappingErrors) {
        guard case .xml(let xml) = reader else { return }
        if xml.recordCount == 0 {
            guard let root = xml.outline.first else { return }
            let path = xml.options.recordPath
            let nearest =
                xml.outline.min { editDistance($0, path) < editDistance($1, path) }.map {
                    editDistance($0, path) <= 3 ? " (did you mean '\($0)'?)" : ""
                } ?? ""
            throw MappingErrors([
                MappingError(
                    path: mapping.path,
                    message:
                        "the record path '\(path)' matches no element of \(inputPath)\(nearest); its root is <\(root.dropFirst())>, and it starts with: \(xml.outline.prefix(12).joined(separator: ", "))"
                )
            ])
        }
        let missing = unseen.filter { !$0.optional }
        guard !missing.isEmpty else { return }
        let have = namesInRecords.isEmpty ? "(no child elements or attributes)" : namesInRecords.joined(separator: ", ")
        throw MappingErrors(
            missing.map { reference in
                let name = reference.path.description
                let nearest = namesInRecords.min { editDistance($0, name) < editDistance($1, name) }
                let hint = nearest.map { editDistance($0, name) <= 2 ? " (did you mean '\($0)'?)" : "" } ?? ""
                return MappingError(
                    path: mapping.path, line: reference.line,
                    message:
                        "field '\(reference.target)' reads '\(name)', which is in none of the \(xml.recordCount) record(s) of \(inputPath)\(hint); the records have: \(have). If it may be absent from a whole file, say required: false"
                )
            })
    }

    /// Notes which read paths a record has, and the names records have (for messages).
    private func observe(_ record: XMLRecord, recordNumber: Int) {
        if !unseen.isEmpty { unseen.removeAll { record.value($0.path) != nil } }
        guard recordNumber <= 50, namesInRecords.count < 60 else { return }
        func add(_ name: String) { if !namesInRecords.contains(name) { namesInRecords.append(name) } }
        for attribute in record.element.attributes { add("@" + attribute.name) }
        for child in record.element.children {
            add(child.name)
            for attribute in child.attributes { add(child.name + "/@" + attribute.name) }
            for grandchild in child.children { add(child.name + "/" + grandchild.name) }
        }
    }

    /// Bytes of the input read so far (the readers read ahead a little), for progress reports.
    public var bytesRead: Int { source.bytesRead }

    /// The input file's size in bytes.
    public var fileSize: Int { source.size }

    /// The input file's header (CSV with a header row).
    public var header: [String]? {
        if case .csv(let csv) = reader { return csv.header }
        return nil
    }

    /// The next outcome, or `nil` at the end of the file.
    /// - Throws: ``FileFormatError`` for problems that end the file (broken encoding, malformed XML).
    public func next() throws(FileFormatError) -> ConversionResult? {
        while true {
            if !pending.isEmpty { return pending.removeLast() }
            guard try step() else { return nil }
            if pending.count > 1 { pending.reverse() }
        }
    }

    /// Reads one record and converts it into ``pending`` (a rejected row, a skip, or records);
    /// `false` at the end of the file. Each reader's row type is converted by code specialised for it.
    private func step() throws(FileFormatError) -> Bool {
        switch reader {
        case .csv(let csv):
            do {
                guard try csv.advance() else { return false }
                convert(CSVRow(record: csv.current))
            } catch {
                guard error.isRecoverable else { throw error }
                // A ragged row's fields are still there: what its rules give tells whose row it
                // was (the products job holds that style back rather than send it without it).
                let known = error.kind == .raggedRow ? converted(CSVRow(record: csv.current)) : [:]
                pending.append(.rejected(RowRejection(source: inputPath, line: error.location.line ?? 0, reason: error.message, converted: known)))
            }
        case .xml(let xml):
            guard let record = try xml.next() else { return false }
            observe(record, recordNumber: xml.recordCount)
            convert(XMLRow(record: record))
        case .fixed(let fixed, let places):
            do {
                guard let record = try fixed.next() else { return false }
                switch fixed.options.records[record.recordIndex].role {
                case .detail: convert(FixedRow(record: record, header: fixedHeader, places: places))
                case .header: fixedHeader = record
                case .trailer, .skip: break
                }
            } catch {
                guard error.isRecoverable else { throw error }
                // As for a ragged CSV row: what can be read of the line tells whose it was.
                let known = fixed.salvaged.flatMap { record in
                    fixed.options.records[record.recordIndex].role == .detail
                        ? converted(FixedRow(record: record, header: fixedHeader, places: places)) : nil
                }
                pending.append(
                    .rejected(
                        RowRejection(
                            source: inputPath, line: error.location.line ?? 0, field: error.field, reason: error.message, converted: known ?? [:])))
            }
        }
        return true
    }

    private func convert(_ row: some RowSource) {
        if let skip = bound.skipRowWhen, skip.holds(row) {
            pending.append(.skipped(line: row.line))
            return
        }
        guard let grid = bound.sizeGrid else {
            pending.append(apply(row))
            return
        }
        switch grid.cells(of: row) {
        case .success(let cells):
            for cell in cells { pending.append(apply(SizeCellRow(base: row, cell: cell))) }
        case .failure(let failure):
            pending.append(
                .rejected(
                    RowRejection(
                        source: inputPath, line: row.line, field: failure.field, value: failure.value, reason: failure.reason,
                        converted: converted(row))))
        }
    }

    /// The fields of a refused row whose rules pass, as text (``RowRejection/converted``).
    private func converted(_ row: some RowSource) -> [String: String] {
        var values = [FieldValue?](repeating: nil, count: ruleRefs.count)
        for index in ruleRefs.indices {
            if case .success(let value) = ruleRefs[index]._withUnsafeGuaranteedRef({ $0.evaluate(row, tally: nil) }) { values[index] = value }
        }
        return ConvertedRecord(line: row.line, targets: bound.targets, values: values).texts
    }

    /// Runs every rule; the first failure rejects the row (naming the field, value and reason).
    func apply(_ row: some RowSource) -> ConversionResult {
        let tally = lookupTally
        // The last record's slot array, written over in place when its record is gone by now
        // (the usual case: one record at a time); when it is still held, the first write copies
        // it, as any array would. (An array per row, with the runtime's lookup of its generic
        // type, cost about 12 % of a conversion.) Every slot is cleared first, so that a rule
        // that stops early never leaves the row before's value behind.
        var values = spareValues
        spareValues = []
        if values.count == ruleRefs.count {
            for index in values.indices { values[index] = nil }
        } else {
            values = [FieldValue?](repeating: nil, count: ruleRefs.count)
        }
        defer { spareValues = values }
        var failure: RuleFailure?
        for index in ruleRefs.indices {
            // The rules live as long as the converter (`rules`): each is used without a reference count.
            switch ruleRefs[index]._withUnsafeGuaranteedRef({ $0.evaluate(row, tally: tally) }) {
            case .success(let value): values[index] = value
            case .failure(let rejected): failure = rejected
            }
            if failure != nil { break }
        }
        if let failure {
            var reason = failure.reason
            if let cell = row as? SizeCellRow, let size = cell.cell[.name] { reason += " (size \(size))" }
            return .rejected(
                RowRejection(source: inputPath, line: row.line, field: failure.field, value: failure.value, reason: reason, converted: converted(row))
            )
        }
        return .converted(ConvertedRecord(line: row.line, targets: bound.targets, values: values))
    }
}
