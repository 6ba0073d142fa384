import FileFormats
import Foundation
import JoorModels
import Mapping
import TestSupport
import Testing

@testable import JoorBridge

/// Every shipped inbound mapping, previewed on its sample input by its job's own steps, gives
/// exactly the committed request bodies and rejects (`scripts/update-samples.sh`).
@Suite("Shipped inbound mappings and samples")
struct InboundSampleGoldenTests {
    static let names = ["inventory-csv", "inventory-xml", "inventory-size-grid-csv", "inventory-fixed", "products-csv"]

    static func path(_ relative: String) -> String { Fixtures.repositoryRoot.appendingPathComponent(relative).path }

    @Test("inbound sample gives the expected request bodies and rejects", arguments: names)
    func inboundSample(name: String) async throws {
        let file = try MappingFile.load(path: Self.path("mappings/\(name).yml"))
        guard case .inbound(let mapping) = file.body else {
            Issue.record("not inbound")
            return
        }
        let inputName = try FileManager.default.contentsOfDirectory(atPath: Self.path("samples/\(name)")).first { $0.hasPrefix("input.") }!
        var bodies = ""
        let rejectsSink = MemoryByteSink()
        let rejects = try RejectsWriter(sink: rejectsSink)
        let input = Self.path("samples/\(name)/\(inputName)")
        func emit(_ endpoint: String, _ body: Data) { bodies += String(decoding: body, as: UTF8.self) + "\n" }
        let summary: InboundPreview.Summary
        if mapping.kind == .inventory {
            let settings = InventorySettings(job: InboxJobSettings(mapping: name, batchSize: 500))
            summary = try await InventoryPreview(mapping: mapping, settings: settings, pretty: true).run(
                inputPath: input, emit: emit, reject: { try rejects.write($0) })
        } else {
            summary = try ProductsPreview(mapping: mapping, pretty: true).run(inputPath: input, emit: emit, reject: { try rejects.write($0) })
        }
        try rejects.flush()
        #expect(bodies == (try String(contentsOfFile: Self.path("samples/\(name)/expected-requests.json"), encoding: .utf8)))
        #expect(rejectsSink.text == (try String(contentsOfFile: Self.path("samples/\(name)/expected-rejects.csv"), encoding: .utf8)))
        #expect(summary.requests == 1)
    }
}
