import ArgumentParser

/// The `joorbridge` command: a file bridge between JOOR and warehouse systems.
@main
struct JoorBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "joorbridge",
        abstract: "Move orders, inventory and products between JOOR and a warehouse system's CSV/XML files.",
        discussion: ExitStatus.helpText,
        version: JoorBridgeVersion.current,
        subcommands: [Demo.self, Run.self, Watch.self, Status.self, Orders.self, Check.self, Preview.self, Sandbox.self, Init.self, Schema.self]
    )
}
