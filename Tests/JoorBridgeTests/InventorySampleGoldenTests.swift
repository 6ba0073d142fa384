import FileFormats
import Foundation
import JoorModels
import Mapping
import TestSupport
import Testing

@testable import JoorBridge

/// Every shipped stock mapping, previewed on its sample input by the inventory job's own passes,
/// gives exactly the committed request bodies and rejects (`scripts/update-samples.sh`).
@Suite("Shipped stock mappings and samples")
struct InventorySampleGoldenTests {
    static let names = ["inventory-csv", "inventory-xml", "inventory-size-grid-csv", "inventory-fixed"]

    static func path(_ relative: String) -> String { Fixtures.repositoryRoot.appendingPathComponent(relative).path }

    @Test("stock sample gives the expected request bodies and rejects", arguments: names)
    func stockSample(name: String) async throws {
        let file = try MappingFile.load(path: Self.path("mappings/\(name).yml"))
        guard case .inbound(let mapping) = file.body else {
            Issue.record("not inbound")
            return
        }
        let inputName = try FileManager.default.contentsOfDirectory(atPath: Self.path("samples/\(name)")).first { $0.hasPrefix("input.") }!
        var bodies = ""
        let rejectsSink = MemoryByteSink()
        let rejects = try RejectsWriter(sink: rejectsSink)
        let settings = InventorySettings(job: InboxJobSettings(mapping: name, batchSize: 500))
        let summary = try await InventoryPreview(mapping: mapping, settings: settings, pretty: true).run(
            inputPath: Self.path("samples/\(name)/\(inputName)"),
            emit: { _, body in bodies += String(decoding: body, as: UTF8.self) + "\n" },
            reject: { try rejects.write($0) })
        try rejects.flush()
        #expect(bodies == (try String(contentsOfFile: Self.path("samples/\(name)/expected-requests.json"), encoding: .utf8)))
        #expect(rejectsSink.text == (try String(contentsOfFile: Self.path("samples/\(name)/expected-rejects.csv"), encoding: .utf8)))
        #expect(summary.requests == 1)
    }
}
