import FileFormats
import Foundation
import JoorModels
import Yams

/// A compiled mapping file. Compiling checks everything that can be checked before data is read;
/// every problem is reported at once, each with the file, line and column.
///
/// ```swift
/// let mapping = try MappingFile.load(path: "mappings/inventory-csv.yml")
/// ```
public struct MappingFile: Sendable {
    public enum Body: Sendable {
        case inbound(InboundMapping)
        case outbound(OutboundMapping)
    }

    public let path: String
    public let kind: MappingKind
    public let body: Body
    /// Problems that do not make the mapping invalid.
    public let warnings: [MappingError]

    /// The current (and only) mapping format version.
    public static let version = 1

    /// Reads and compiles a mapping file.
    public static func load(path: String) throws(MappingErrors) -> MappingFile {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw MappingErrors([MappingError(path: path, message: "cannot read the mapping file: \((error as NSError).localizedDescription)")])
        }
        return try compile(text, path: path)
    }

    /// Compiles mapping text; relative lookup files are found next to `path`.
    public static func compile(_ text: String, path: String) throws(MappingErrors) -> MappingFile {
        let reader = YAMLReader(path: path)
        let file = compile(text, reader: reader)
        if reader.hasErrors || file == nil {
            throw MappingErrors(reader.problems.filter { !$0.isWarning } + reader.problems.filter(\.isWarning))
        }
        return file!
    }

    /// The keys of a lookup table given as `{ file, key, value, … }` or `{ entries, ignore_case }`.
    static let lookupKeys = ["file", "key", "value", "ignore_case", "entries", "delimiter"]

    static let topKeys = [
        "version", "kind", "description", "source", "fields", "lookups", "skip_row_when", "sizes", "output", "columns", "header_columns",
        "detail_columns", "header_record", "trailer_record", "template",
    ]

    private static func compile(_ text: String, reader: YAMLReader) -> MappingFile? {
        guard let root = reader.compose(text), let top = reader.object(root, "the mapping", allowedKeys: topKeys) else { return nil }
        if let version = top["version"] {
            if let v = reader.int(version, "version"), v != Self.version {
                reader.error(version, "mapping version \(v) is not supported; this joorbridge reads version \(Self.version)")
            }
        } else {
            reader.error(root, "the mapping needs 'version: \(Self.version)'")
        }
        guard let kindNode = top["kind"] else {
            reader.error(root, "the mapping needs 'kind:' (one of \(MappingKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            return nil
        }
        guard let kind = reader.choice(kindNode, "kind", as: MappingKind.self) else { return nil }
        let baseDirectory = URL(fileURLWithPath: reader.path).deletingLastPathComponent()
        let lookups = parseLookups(top["lookups"], reader: reader, baseDirectory: baseDirectory)

        let body: Body
        if kind.isInbound {
            for key in ["output", "columns", "header_columns", "detail_columns", "header_record", "trailer_record", "template"] where top.has(key) {
                reader.error(
                    top.entries.first { $0.key == key }?.keyNode, "'\(key)' belongs to outbound mappings (orders, customers), not \(kind.rawValue)")
            }
            guard let inbound = InboundCompiler(reader: reader, kind: kind, lookups: lookups).compile(top) else { return nil }
            body = .inbound(inbound)
        } else {
            for key in ["source", "fields", "sizes", "skip_row_when"] where top.has(key) {
                reader.error(
                    top.entries.first { $0.key == key }?.keyNode, "'\(key)' belongs to inbound mappings (inventory, products), not \(kind.rawValue)")
            }
            guard let outbound = OutboundCompiler(reader: reader, kind: kind, lookups: lookups).compile(top) else { return nil }
            body = .outbound(outbound)
        }
        return MappingFile(path: reader.path, kind: kind, body: body, warnings: reader.problems.filter(\.isWarning))
    }

    private static func parseLookups(_ node: Node?, reader: YAMLReader, baseDirectory: URL) -> [String: LookupTable] {
        guard let node, let object = reader.object(node, "lookups") else { return [:] }
        var tables: [String: LookupTable] = [:]
        for entry in object.entries {
            let what = "lookup '\(entry.key)'"
            guard let table = reader.object(entry.value, what) else { continue }
            let isFile = table.has("file")
            let isWrapped = table.has("entries")
            if !isFile && !isWrapped {
                var map: [String: String] = [:]
                for e in table.entries { map[e.key] = reader.string(e.value, "\(what).\(e.key)") ?? "" }
                tables[entry.key] = LookupTable(name: entry.key, entries: map, ignoreCase: false)
                continue
            }
            reader.checkKeys(table, allowed: lookupKeys)
            let ignoreCase = table["ignore_case"].flatMap { reader.bool($0, "\(what).ignore_case") } ?? false
            if isWrapped, let entries = reader.object(table["entries"], "\(what).entries") {
                var map: [String: String] = [:]
                for e in entries.entries { map[e.key] = reader.string(e.value, "\(what).\(e.key)") ?? "" }
                tables[entry.key] = LookupTable(name: entry.key, entries: map, ignoreCase: ignoreCase)
            } else if let fileNode = table["file"], let file = reader.string(fileNode, "\(what).file") {
                let url = file.hasPrefix("/") ? URL(fileURLWithPath: file) : baseDirectory.appendingPathComponent(file)
                var options = CSVReadOptions()
                options.delimiter = reader.character(table["delimiter"], "\(what).delimiter", tab: true) ?? UInt8(ascii: ",")
                let keyColumn = table["key"].flatMap { reader.string($0, "\(what).key") }
                let valueColumn = table["value"].flatMap { reader.string($0, "\(what).value") }
                do {
                    options.hasHeader = keyColumn != nil
                    let csv = try CSVReader(path: url.path, options: options)
                    let k = keyColumn.map { csv.columnIndex(named: $0) } ?? 0
                    let v = valueColumn.map { csv.columnIndex(named: $0) } ?? 1
                    guard let k, let v else {
                        reader.error(
                            fileNode,
                            "\(what): \(url.path) has no column \(keyColumn ?? "") or \(valueColumn ?? "") (header: \(csv.header?.joined(separator: ", ") ?? "none"))"
                        )
                        continue
                    }
                    var map: [String: String] = [:]
                    while let record = try csv.next() { if let key = record.field(at: k) { map[key] = record.field(at: v) ?? "" } }
                    tables[entry.key] = LookupTable(name: entry.key, entries: map, ignoreCase: ignoreCase)
                } catch {
                    reader.error(fileNode, "\(what): \(error.description)")
                }
            }
        }
        return tables
    }
}
