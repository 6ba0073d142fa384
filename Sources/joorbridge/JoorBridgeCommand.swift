import ArgumentParser

/// The `joorbridge` command: a file bridge between JOOR and warehouse systems.
@main
struct JoorBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "joorbridge",
        abstract: "Move orders, inventory and products between JOOR and a warehouse system's CSV/XML files.",
        discussion: """
        Exit codes:
          0   all done
          3   done, but some records or files were rejected
          64  usage error
          69  JOOR unreachable or the API token was rejected
          75  another run holds the lock
          78  configuration or mapping invalid
        """,
        version: JoorBridgeVersion.current,
        subcommands: []
    )
}
