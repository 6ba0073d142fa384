import Foundation
import Mapping
import TestSupport
import Testing

/// The JSON Schema of mapping files is built from the compilers' key tables; these tests make
/// sure it describes every key they accept and that no compiler checks keys against a list the
/// schema cannot see.
@Suite("mapping JSON Schema")
struct MappingSchemaTests {
    @Test func describesExactlyTheKeysTheCompilersAccept() {
        #expect(MappingSchema.document.problems == [], "add the key's shape in Sources/Mapping/Schema/MappingSchema.swift")
    }

    /// The check above can fail: a key without a shape, a shape without a key, a dangling reference.
    @Test func problemsFindsDrift() {
        let drifted = SchemaDocument(
            id: "x", title: "x", root: .object(keys: ["a", "b"], ["a": .scalar(""), "c": .ref("nowhere")], ""), definitions: [])
        #expect(
            drifted.problems == [
                ".b: the parser accepts it, the schema does not describe it",
                ".c: described, but the parser does not accept it",
            ])
        let dangling = SchemaDocument(id: "x", title: "x", root: .object(keys: ["a"], ["a": .ref("nowhere")], ""), definitions: [])
        #expect(dangling.problems == [".a: refers to #/$defs/nowhere, which is not defined"])
    }

    /// Every `checkKeys` (and every rule's `extraKeys`) names a table, never a literal list: a
    /// literal list would be keys the schema cannot know about.
    @Test func everyKeyListIsATableTheSchemaReads() throws {
        let sources = Fixtures.repositoryRoot.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        #expect(files.contains("Mapping/Document/RuleParser.swift"))
        let literal = try Regex(#"(checkKeys\(.*allowed:|extraKeys:)\s*\[""#)
        var offenders: [String] = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.contains(literal) {
                offenders.append("Sources/\(file):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(offenders == [], "name the list (static let …Keys) and describe its keys in MappingSchema/ConfigSchema")
    }

    @Test func rendersValidJSONWithTheInstalledID() throws {
        let json = MappingSchema.document.json
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["$id"] as? String == MappingSchema.installedPath)
        #expect((object["$defs"] as? [String: Any])?.keys.sorted() == ["column", "condition", "element", "rule"])
    }
}
