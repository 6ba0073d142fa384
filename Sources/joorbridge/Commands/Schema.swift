import ArgumentParser
import JoorBridge
import Mapping

/// `joorbridge schema`: the JSON Schema of the config file or of mapping files, for editors.
struct Schema: ParsableCommand {
    enum Document: String, ExpressibleByArgument, CaseIterable {
        case config, mapping
    }

    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema of the config file or of mapping files, for editors that check YAML as you type.",
        discussion: """
            The schemas are built from the same key tables joorbridge checks files with, so an editor flags \
            exactly the keys `joorbridge check` would refuse. The package installs them as:

              \(ConfigSchema.installedPath)
              \(MappingSchema.installedPath)

            The shipped mappings and the config `joorbridge init` writes point editors there in their \
            first line:

              # yaml-language-server: $schema=\(MappingSchema.installedPath)

            (yaml-language-server, used by VS Code's YAML extension, Neovim, Helix and others, reads that \
            line.) Without the package, write the schemas yourself and point the line at them. `joorbridge \
            check` remains the authority: it also checks values, files and references.

            Examples:
              joorbridge schema mapping > mapping.schema.json
              joorbridge schema config > config.schema.json
              sudo sh -c 'joorbridge schema mapping > \(MappingSchema.installedPath)'

            \(ExitStatus.helpText)
            """)

    @Argument(help: ArgumentHelp("Which schema: config (joorbridge.yml) or mapping (mapping files).", valueName: "config|mapping"))
    var document: Document

    func run() throws {
        switch document {
        case .config: Console.out(ConfigSchema.document.json, terminator: "")
        case .mapping: Console.out(MappingSchema.document.json, terminator: "")
        }
    }
}
