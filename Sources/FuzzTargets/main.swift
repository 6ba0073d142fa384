// libFuzzer targets for the three parsers that read untrusted input: the CSV reader, the XML
// reader and the mapping compiler. Built only by `scripts/fuzz.sh` (JOORBRIDGE_FUZZ=1 and
// `-sanitize=fuzzer,address`); `swift build` never sees this target.
//
//   scripts/fuzz.sh csv 60        # fuzz the CSV reader for 60 seconds (seeded, corpus from the repo)
//   scripts/fuzz.sh all 3600      # all three, an hour each
import FileFormats
import Foundation
import Mapping

/// Reads CSV with options picked by the first byte, until the end or the first fatal error.
func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let selector = data[0]
    var options = CSVReadOptions()
    options.delimiter = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")][Int(selector & 3)]
    options.strict = selector & 4 != 0
    options.hasHeader = selector & 8 != 0
    options.raggedRows = [.reject, .pad, .allow][Int(selector >> 4) % 3]
    options.encoding = [TextEncoding.utf8, .windows1252, .utf16LE, .isoLatin1][Int(selector >> 6)]
    options.maxFieldBytes = 1 << 16
    options.maxRecordBytes = 1 << 17
    options.maxFieldsPerRecord = 512
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    guard let reader = try? CSVReader(source: MemoryByteSource(bytes), options: options) else { return 0 }
    var records = 0
    while records < 100_000 {
        do {
            guard let record = try reader.next() else { break }
            for index in 0..<record.count { _ = record.field(at: index) }
            records += 1
        } catch {
            if !error.isRecoverable { break }
        }
    }
    return 0
}

/// Paths read from every fuzzed XML record, compiled once: an attribute, a child's text (in a
/// namespace and in any), and an enclosing element's attribute.
let fuzzedPaths = ["@sku", "wms:OnHand", "OnHand/@uom", "../@code", "../../Site/Name"].map {
    try! XMLPath($0, namespaces: ["wms": "urn:example:wms:inventory:1"])
}

/// Reads XML records under `//item` (and their attributes and children), and values from them.
func fuzzXML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let path = size % 2 == 0 ? "//Item" : "/wms:InventoryReport/wms:Site/wms:Item"
    guard
        let reader = try? XMLReader(
            source: MemoryByteSource(bytes), options: XMLReadOptions(recordPath: path, namespaces: ["wms": "urn:example:wms:inventory:1"]))
    else { return 0 }
    var records = 0
    while records < 100_000, let record = try? reader.next() {
        _ = record.line
        for path in fuzzedPaths { _ = record.value(path) }
        records += 1
    }
    return 0
}

/// Compiles arbitrary text as a mapping: every outcome must be a mapping or located errors.
func fuzzMapping(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? MappingFile.compile(text, path: "fuzz.yml")
    return 0
}

/// Which parser this run fuzzes (`JOORBRIDGE_FUZZ_TARGET`: csv, xml or mapping). libFuzzer's own
/// driver runs the inputs (see the end of this file); state lives in statics.
enum FuzzTarget {
    static let name = ProcessInfo.processInfo.environment["JOORBRIDGE_FUZZ_TARGET"] ?? "csv"
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    switch FuzzTarget.name {
    case "xml": fuzzXML(data, size)
    case "mapping": fuzzMapping(data, size)
    default: fuzzCSV(data, size)
    }
}

// SwiftPM makes this file's top-level code the program's `main`; hand control to libFuzzer.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { testOneInput($0, $1) })
