import CLibCSV
import CLibXML2
import FileFormats
import Foundation
import JoorBridge
import JoorModels
import Mapping

/// What one measured workload did (the parent adds time and memory).
struct WorkloadResult: Codable {
    var rows = 0
    var outputBytes = 0
    /// The process's own peak RSS (`VmHWM`), read at the end of the workload.
    var peakRSSKiB: Int?
}

/// `VmHWM` from /proc/self/status: the peak RSS of this process's own address space. (`wait4`'s
/// `ru_maxrss` would also count the parent's size at spawn time, which Linux carries over.)
func ownPeakRSSKiB() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return nil }
    return Int(line.split(separator: " ").dropFirst().first ?? "")
}

/// The workloads measured in a child process each, so every one gets its own peak RSS.
enum Workloads {
    /// The floor: libcsv over the file with callbacks that only count.
    static func rawCSV(_ path: String, delimiter: UInt8) throws -> WorkloadResult {
        var parser = csv_parser()
        guard csv_init(&parser, UInt8(CSV_APPEND_NULL)) == 0 else { throw BenchError("csv_init failed") }
        csv_set_delim(&parser, delimiter)
        var counts = (fields: 0, rows: 0)
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw BenchError("cannot open \(path)") }
        defer { close(fd) }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        try withUnsafeMutablePointer(to: &counts) { context in
            while true {
                let n = read(fd, buffer, 1 << 16)
                if n <= 0 { break }
                let parsed = csv_parse(
                    &parser, buffer, n,
                    { _, _, data in
                        data!.assumingMemoryBound(to: (fields: Int, rows: Int).self).pointee.fields += 1
                    },
                    { _, data in
                        data!.assumingMemoryBound(to: (fields: Int, rows: Int).self).pointee.rows += 1
                    }, context)
                if parsed != n { throw BenchError("libcsv stopped at a parse error") }
            }
            csv_fini(
                &parser, { _, _, _ in },
                { _, data in
                    data!.assumingMemoryBound(to: (fields: Int, rows: Int).self).pointee.rows += 1
                }, context)
        }
        csv_free(&parser)
        return WorkloadResult(rows: counts.rows)
    }

    /// The floor: libxml2's `xmlTextReader` reading every node, counting the record elements.
    static func rawXML(_ path: String, record: String) throws -> WorkloadResult {
        guard let reader = xmlReaderForFile(path, nil, Int32(XML_PARSE_NONET.rawValue)) else { throw BenchError("cannot open \(path)") }
        defer { xmlFreeTextReader(reader) }
        var rows = 0
        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { break }
            if status < 0 { throw BenchError("libxml2 parse error") }
            if xmlTextReaderNodeType(reader) == 1, let name = xmlTextReaderConstLocalName(reader), strcmp(name, record) == 0 { rows += 1 }
        }
        return WorkloadResult(rows: rows)
    }

    /// joorbridge's CSV reader alone (transcoding, line tracking, each record in the reader's
    /// reused buffer, as the mapping reads it), no mapping.
    static func readerCSV(_ path: String, delimiter: UInt8, encoding: TextEncoding) throws -> WorkloadResult {
        var options = CSVReadOptions()
        options.delimiter = delimiter
        options.encoding = encoding
        let reader = try CSVReader(path: path, options: options)
        var result = WorkloadResult()
        while try reader.advance() {
            result.rows += 1
            result.outputBytes += reader.current.count
        }
        return result
    }

    /// joorbridge's XML reader alone: every record of the shipped stock mapping's record path,
    /// with its subtree and enclosing elements, as the mapping reads it; no mapping.
    static func readerXML(_ path: String) throws -> WorkloadResult {
        let options = XMLReadOptions(recordPath: "/wms:InventoryReport/wms:Site/wms:Item", namespaces: ["wms": "urn:example:wms:inventory:1"])
        let reader = try XMLReader(path: path, options: options)
        var result = WorkloadResult()
        while let record = try reader.next() {
            result.rows += 1
            result.outputBytes += record.element.children.count
        }
        return result
    }

    /// joorbridge's inventory conversion, as the job does it: read → map → validate → JSON request bodies.
    static func convertInventory(_ path: String, mapping: String, batch: Int = 500) throws -> WorkloadResult {
        guard case .inbound(let inbound) = try MappingFile.load(path: mapping).body else { throw BenchError("not an inbound mapping") }
        let converter = try InboundConverter(mapping: inbound, inputPath: path)
        var result = WorkloadResult()
        var items: [InventoryItem] = []
        items.reserveCapacity(batch)
        func flush() throws {
            result.outputBytes += try BulkInventoryRequest(items).jsonBody().count
            items.removeAll(keepingCapacity: true)
        }
        while let outcome = try converter.next() {
            result.rows += 1
            guard case .converted(let record) = outcome, let item = try? record.inventoryItem() else { continue }
            items.append(item)
            if items.count == batch { try flush() }
        }
        if !items.isEmpty { try flush() }
        return result
    }

    /// The inventory job's own passes over a stock file, as `run inventory` and `preview` make
    /// them (`InventoryPreview`, the code both run): a check pass (rejects, the file decision),
    /// then a send pass (safety stock, batches, request bodies), with the bodies counted instead of
    /// sent. A run reads a file twice so that nothing is sent before the whole file has been read.
    static func inventoryJobPasses(_ path: String, mapping: String) async throws -> WorkloadResult {
        guard case .inbound(let inbound) = try MappingFile.load(path: mapping).body else { throw BenchError("not an inbound mapping") }
        var result = WorkloadResult()
        let settings = InventorySettings(job: InboxJobSettings(mapping: mapping, batchSize: 500))
        let summary = try await InventoryPreview(mapping: inbound, settings: settings).run(
            inputPath: path, emit: { _, body in result.outputBytes += body.count }, reject: { _ in })
        result.rows = summary.rowsRead
        return result
    }

    /// joorbridge's product conversion, as the job does it: read → map → group into styles (in
    /// a spool on disk, so memory does not grow with the styles) → v2 bulk-style bodies.
    static func convertProducts(_ path: String, mapping: String, batch: Int = 200) throws -> WorkloadResult {
        guard case .inbound(let inbound) = try MappingFile.load(path: mapping).body else { throw BenchError("not an inbound mapping") }
        var result = WorkloadResult()
        let summary = try ProductsPreview(mapping: inbound, batchSize: batch).run(
            inputPath: path, emit: { _, body in result.outputBytes += body.count }, reject: { _ in })
        result.rows = summary.rowsRead
        return result
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
