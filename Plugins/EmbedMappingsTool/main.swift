import Foundation

// Writes `enum ShippedMappings` (the EmbedMappings plugin's output): each mapping file's name and
// its exact text, as raw string literals. Arguments: the Swift file to write, then the mappings.
let arguments = CommandLine.arguments.dropFirst()
guard let output = arguments.first else {
    FileHandle.standardError.write(Data("usage: EmbedMappingsTool OUTPUT.swift MAPPING.yml…\n".utf8))
    exit(64)
}
var source = """
    /// The shipped mappings: the files of `mappings/`, embedded at build time by the EmbedMappings
    /// plugin (Plugins/), so `joorbridge demo` and `joorbridge init` work from any directory.
    enum ShippedMappings {
        static let files: [(name: String, text: String)] = [

    """
for path in arguments.dropFirst() {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    // A raw-string delimiter the text neither closes nor escapes with.
    var hashes = "#"
    while text.contains("\"" + hashes) || text.contains("\\" + hashes) { hashes += "#" }
    let name = URL(fileURLWithPath: path).lastPathComponent
    // The line break before the closing delimiter is not part of the literal: the text is exact.
    source += "(\"\(name)\", \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)),\n"
}
source += "    ]\n}\n"
// Written only when it changes: SwiftPM relinks this tool on every build and so runs it again,
// and a rewritten file, even the same, would recompile and relink joorbridge each time.
if (try? String(contentsOfFile: output, encoding: .utf8)) != source {
    try source.write(toFile: output, atomically: true, encoding: .utf8)
}
