import Foundation
import PackagePlugin

/// Embeds the shipped mappings (`mappings/*.yml`) in the `joorbridge` executable, so that `demo`
/// and `init` work from any directory. The files are read at build time: the binary always
/// carries the mappings of the commit it is built from, and there is no copy to keep in step.
@main
struct EmbedMappings: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "mappings")
        let mappings = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yml") }
            .sorted()
            .map { folder.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "ShippedMappings.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(mappings.count) shipped mappings",
                executable: try context.tool(named: "EmbedMappingsTool").url,
                arguments: [output.path] + mappings.map(\.path),
                inputFiles: mappings,
                outputFiles: [output]
            )
        ]
    }
}
