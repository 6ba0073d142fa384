import JoorBridge
import Mapping
import Testing

/// The config's JSON Schema is built from the parser's key tables (`ConfigParser.Keys`).
@Suite("config JSON Schema")
struct ConfigSchemaTests {
    @Test func describesExactlyTheKeysTheParserAccepts() {
        #expect(ConfigSchema.document.problems == [], "add the key's shape in Sources/JoorBridge/Config/ConfigSchema.swift")
    }
}
