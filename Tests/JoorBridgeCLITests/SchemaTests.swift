import Foundation
import TestSupport
import Testing

/// `joorbridge schema`: every shipped mapping and sample config fits its schema and points
/// editors at it; a file with a key joorbridge refuses does not fit.
@Suite("joorbridge schema")
struct SchemaTests {
    static let mappingLine = "# yaml-language-server: $schema=/usr/share/joorbridge/schema/mapping.schema.json"
    static let configLine = "# yaml-language-server: $schema=/usr/share/joorbridge/schema/config.schema.json"

    func validator(_ document: String) async throws -> SchemaValidator {
        let result = try await Executable.run(["schema", document])
        #expect(result.status == 0, "\(result.stderr)")
        return try SchemaValidator(json: result.stdout)
    }

    @Test func everyShippedMappingFitsTheMappingSchema() async throws {
        let schema = try await validator("mapping")
        let folder = Fixtures.repositoryRoot.appendingPathComponent("mappings")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yml") }.sorted()
        #expect(names.count >= 9)
        for name in names {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            #expect(text.hasPrefix(Self.mappingLine + "\n"), "\(name): the first line points editors at the schema")
            #expect(try schema.problems(yaml: text) == [], "\(name)")
        }
        // The schema refuses what joorbridge check refuses: an unknown key, a misspelt rule key.
        let inventory = try String(contentsOf: folder.appendingPathComponent("inventory-csv.yml"), encoding: .utf8)
        #expect(try schema.problems(yaml: inventory + "colour: blue\n") == ["$: unknown key 'colour'"])
        let misspelt = inventory.replacingOccurrences(of: "required: true", with: "requird: true")
        #expect(try schema.problems(yaml: misspelt).contains { $0.hasPrefix("$.fields.upc: fits none of the 2 shapes") })
        #expect(
            try schema.problems(yaml: inventory.replacingOccurrences(of: "kind: inventory", with: "kind: stock")).contains { $0.hasPrefix("$.kind:") }
        )
    }

    @Test func sampleConfigsFitTheConfigSchema() async throws {
        let schema = try await validator("config")
        let dir = try TemporaryDirectory("schema-configs")
        #expect(try await Executable.run(["init", "site"], in: dir.path).status == 0)
        let starter = try String(contentsOfFile: dir.path("site/joorbridge.yml"), encoding: .utf8)
        #expect(starter.hasPrefix(Self.configLine + "\n"))
        let demo = try await Executable.run(["demo", "--workdir", dir.path("demo"), "--orders", "3"], in: dir.path)
        #expect(demo.status == 0, "\(demo.stderr)")
        let demoConfig = try String(contentsOfFile: dir.path("demo/joorbridge.yml"), encoding: .utf8)
        let example = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("deploy/example.yml"), encoding: .utf8)
        #expect(example.hasPrefix(Self.configLine + "\n"))
        let readme = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let minimal = try #require(
            readme.components(separatedBy: "A minimal one:\n\n```yaml\n").dropFirst().first?.components(separatedBy: "```").first)
        let manifest = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("deploy/kubernetes/joorbridge-acme.yaml"), encoding: .utf8)
        let configMap = try SchemaValidator.documents(yaml: manifest).first as? [String: Any]
        let kubernetes = try #require((configMap?["data"] as? [String: Any])?["joorbridge.yml"] as? String)
        for (name, text) in [
            ("init's starter", starter), ("the demo's config", demoConfig), ("deploy/example.yml", example),
            ("README's minimal config", minimal), ("the Kubernetes ConfigMap's config", kubernetes),
        ] {
            #expect(try schema.problems(yaml: text) == [], "\(name)")
        }
        #expect(try schema.problems(yaml: example + "colour: blue\n") == ["$: unknown key 'colour'"])
        #expect(
            try schema.problems(yaml: example.replacingOccurrences(of: "order_status: approved", with: "order_status: approve")).contains {
                $0.hasPrefix("$.orders.order_status:")
            })
    }

    @Test func helpHasExamplesAndAnUnknownDocumentIsAUsageError() async throws {
        let help = try await Executable.run(["schema", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Examples:") && help.stdout.contains("joorbridge schema mapping > mapping.schema.json"))
        #expect(try await Executable.run(["schema", "wms"]).status == 64)
    }
}
