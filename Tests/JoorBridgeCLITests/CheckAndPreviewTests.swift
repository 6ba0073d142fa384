import Foundation
import TestSupport
import Testing

/// End to end through the built executable: arguments, output streams, files and exit codes.
@Suite("joorbridge check and preview")
struct CheckAndPreviewTests {
    @Test func versionAndHelpDocumentExitCodes() async throws {
        let version = try await Executable.run(["--version"])
        #expect(version.status == 0)
        #expect(!version.stdout.isEmpty)
        let help = try await Executable.run(["--help"])
        #expect(help.stdout.contains("78  configuration or mapping invalid"))
        for command in ["check", "preview"] {
            let sub = try await Executable.run([command, "--help"])
            #expect(sub.status == 0)
            #expect(sub.stdout.contains("Examples:"), "\(command) --help has examples")
        }
    }

    @Test func checkAcceptsEveryShippedMapping() async throws {
        let mappings = try FileManager.default.contentsOfDirectory(atPath: Fixtures.repositoryRoot.appendingPathComponent("mappings").path)
            .filter { $0.hasSuffix(".yml") }.sorted().map { "mappings/\($0)" }
        #expect(mappings.count >= 9)
        let result = try await Executable.run(["check", "--mapping"] + mappings)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == mappings.count)
    }

    @Test func checkListsEveryProblemAndExits78() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("bad.yml", text: "version: 1\nkind: inventory\nsource: { format: csv }\nfields:\n  upc: { form: EAN }\n  qty: Qty\n")
        let result = try await Executable.run(["check", "--mapping", path])
        #expect(result.status == 78)
        #expect(result.stderr.contains("bad.yml:5:10: error: unknown key 'form'"))
        #expect(result.stderr.contains("bad.yml:6:3: error: 'qty' is not a JOOR inventory field"))
    }

    @Test func usageErrorsExit64() async throws {
        #expect(try await Executable.run(["check", "--no-such-flag"]).status == 64)
        #expect(try await Executable.run(["check"], in: NSTemporaryDirectory()).status == 78, "no mapping named and no ./joorbridge.yml")
        #expect(try await Executable.run(["preview", "--mapping", "mappings/inventory-csv.yml"]).status == 64)
        let missing = try await Executable.run(["preview", "--mapping", "mappings/inventory-csv.yml", "--input", "/nonexistent.csv"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("Cannot read the input file"))
        #expect(try await Executable.run(["no-such-command"]).status == 64)
    }

    @Test func inboundPreviewPrintsRequestBodiesAndWritesRejects() async throws {
        let dir = try TemporaryDirectory()
        let result = try await Executable.run([
            "preview", "--mapping", "mappings/inventory-csv.yml", "--input", "samples/inventory-csv/input.csv", "--rejects", dir.path("rejects.csv"),
        ])
        #expect(result.status == 3, "rows were rejected")
        let body = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let items = body?["inventory_items"] as? [[String: Any]]
        #expect(items?.count == 6, "the oversold row is clamped to 0, not rejected")
        #expect(result.stderr.contains("# POST /v2/bulk-inventory"))
        #expect(result.stderr.contains("input.csv:6: field 'upc': value '00000000005X'"))
        let rejects = try String(contentsOfFile: dir.path("rejects.csv"), encoding: .utf8)
        #expect(rejects.hasPrefix("line,field,value,reason\r\n6,upc,00000000005X,"))
    }

    @Test func previewLimitAndCleanFileExit0() async throws {
        let dir = try TemporaryDirectory()
        let input = try dir.write(
            "ok.csv", text: "Artikel;EAN;Lager;Bestand;Reserviert;Zulauf;Status\nA;000000000017;HH;5;0;;A\nB;000000000024;HH;6;1;;A\n")
        let result = try await Executable.run(["preview", "--mapping", "mappings/inventory-csv.yml", "--input", input, "--limit", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("preview: 1 records"))
    }

    @Test func invalidMappingInPreviewExits78() async throws {
        let dir = try TemporaryDirectory()
        let mapping = try dir.write("m.yml", text: "version: 1\nkind: inventory\n")
        let result = try await Executable.run(["preview", "--mapping", mapping, "--input", "samples/inventory-csv/input.csv"])
        #expect(result.status == 78)
    }

    @Test func outboundPreviewWritesTheWMSFiles() async throws {
        let dir = try TemporaryDirectory()
        let result = try await Executable.run([
            "preview", "--mapping", "mappings/orders-csv-lines.yml", "--input", "samples/orders/joor-orders.json",
            "--now", "2025-06-05T08:00:00Z", "--output-dir", dir.path("out"),
        ])
        #expect(result.status == 3, "order 8800103 has no PO number")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).sorted()
        #expect(files == ["ORD_8800101_20250605080000.csv", "ORD_8800102_20250605080000.csv"])
        #expect(result.stderr.contains("order 8800103 cannot be mapped: field 'PONumber'"))
        let xml = try await Executable.run(["preview", "--mapping", "mappings/orders-xml.yml", "--input", "samples/orders/joor-orders.xml"])
        #expect(xml.status == 0)
        #expect(xml.stdout.hasPrefix("==> ORD_8800101.xml <==\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>"))
    }
}
