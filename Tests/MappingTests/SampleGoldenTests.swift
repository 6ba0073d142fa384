import FileFormats
import Foundation
import JoorModels
import TestSupport
import Testing

@testable import Mapping

/// Every shipped mapping, run on its sample input, gives exactly the committed expected output
/// (`scripts/update-samples.sh` regenerates them; review the diff before committing).
@Suite("Shipped mappings and samples")
struct SampleGoldenTests {
    static let root = Fixtures.repositoryRoot
    /// Inbound samples run through the jobs' own previews (InboundSampleGoldenTests in JoorBridgeTests).
    static let inbound = ["inventory-csv", "inventory-xml", "inventory-size-grid-csv", "inventory-fixed", "products-csv"]
    static let outbound = [
        "orders-csv-lines", "orders-csv-size-grid", "orders-csv-header-detail", "orders-xml", "customers-csv",
        "orders-csv-3pl-lines", "orders-csv-packed-sizes", "orders-fixed-header-trailer", "orders-cancellation-csv",
    ]

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    @Test("outbound sample gives the expected WMS files", arguments: outbound)
    func outboundSample(name: String) throws {
        let file = try MappingFile.load(path: Self.path("mappings/\(name).yml"))
        guard case .outbound(let mapping) = file.body else {
            Issue.record("not outbound")
            return
        }
        let page = try OrdersPage.parseJSON(try Data(contentsOf: URL(fileURLWithPath: Self.path("samples/orders/joor-orders.json"))))
        let now = ISO8601DateFormatter().date(from: "2025-06-05T08:00:00Z")!
        let preview = OutboundPreview(mapping: mapping, context: RenderContext(runID: "preview", date: now, timeZone: TimeZone(identifier: "UTC")!))
        let (files, rejected) = try preview.run(orders: page.orders)
        let expectedDir = "samples/orders/expected/\(name)"
        let expectedNames = try FileManager.default.contentsOfDirectory(atPath: Self.path(expectedDir)).filter { $0 != "rejects.csv" }.sorted()
        #expect(files.map(\.name).sorted() == expectedNames)
        for file in files {
            let expected = try Fixtures.bytes(Self.path("\(expectedDir)/\(file.name)"))
            #expect(file.bytes == expected, "\(file.name) differs from the golden file")
        }
        let rejectsSink = MemoryByteSink()
        let rejects = try RejectsWriter(sink: rejectsSink, kind: .orders)
        for rejection in rejected { for problem in rejection.problems { try rejects.write(problem) } }
        #expect(rejectsSink.text == (try Self.text("\(expectedDir)/rejects.csv")))
    }

    static let shippedMappings = ((try? FileManager.default.contentsOfDirectory(atPath: path("mappings"))) ?? []).filter { $0.hasSuffix(".yml") }
        .sorted()

    @Test func everyShippedMappingHasASampleTest() {
        #expect(Self.shippedMappings.count >= 14, "mappings/ holds \(Self.shippedMappings.count) mappings")
        #expect(
            Set(Self.shippedMappings.map { String($0.dropLast(4)) }) == Set(Self.inbound + Self.outbound),
            "each mapping is run on its sample")
    }

    @Test("every shipped mapping passes check without warnings", arguments: shippedMappings)
    func shippedMappingIsValid(name: String) throws {
        let file = try MappingFile.load(path: Self.path("mappings/\(name)"))
        #expect(file.warnings.isEmpty, "\(name): \(file.warnings)")
    }
}
