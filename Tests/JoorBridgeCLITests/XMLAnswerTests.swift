import Foundation
import TestSupport
import Testing

@testable import JoorSandbox

/// JOOR's docs name two forms of an orders answer (`Accept`: xml or json) and do not say which
/// JOOR sends when it ignores the header: the WMS gets the same files either way.
@Suite("Orders answered in XML")
struct XMLAnswerTests {
    @Test func theOutboxIsTheSameWhetherJoorAnswersXMLOrJSON() async throws {
        func outbox(xml: Bool) async throws -> [String: [UInt8]] {
            try await using(try await JoorSandboxServer.started(token: "xml-token", orders: 20) { $0.answers.ordersAsXML = xml }) {
                sandbox async throws in
                let dir = try sandbox.ordersWorkspace(xml ? "xml-answers" : "json-answers", tokenEnv: "XML_TOKEN")
                let run = try await Executable.run(["run", "orders"], in: dir.path, environment: ["XML_TOKEN": "xml-token"])
                #expect(run.status == 0, "\(run.stderr)")
                var files: [String: [UInt8]] = [:]
                for name in try FileManager.default.contentsOfDirectory(atPath: dir.path("outbox")) {
                    // ORD_<id>_<time>.csv: the time is the run's.
                    let key = name.hasPrefix("ORD_") ? String(name.split(separator: "_").prefix(2).joined(separator: "_")) : name
                    files[key] = try Fixtures.bytes(dir.path("outbox/\(name)"))
                }
                return files
            }
        }
        let fromXML = try await outbox(xml: true)
        let fromJSON = try await outbox(xml: false)
        #expect(fromXML.count >= 20 && fromXML.keys.sorted() == fromJSON.keys.sorted())
        let differing = fromXML.keys.filter { fromXML[$0] != fromJSON[$0] }.sorted()
        #expect(differing.isEmpty, "files that differ: \(differing)")
    }
}
