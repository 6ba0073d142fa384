import ArgumentParser
import JoorBridge

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

    /// Parses and runs a command, as ArgumentParser's `main` does, except that an error no
    /// command turned into an exit code is printed and becomes one of joorbridge's
    /// (``ExitStatus/init(failure:)``) instead of ArgumentParser's 1.
    static func main() async {
        var command: any ParsableCommand
        do { command = try await asyncParseAsRoot(nil) } catch { exit(withError: error) }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error where Self.isArgumentParsers(error) {
            exit(withError: error)
        } catch {
            Console.error("error: \(FileSystemError.describe(error))")
            exit(withError: ExitStatus(failure: error).exitCode)
        }
    }

    /// Whether ArgumentParser made `error` (an exit code, a help request, a validation error),
    /// whose handling is its own; some of its types are not public, so they are told by module.
    private static func isArgumentParsers(_ error: any Error) -> Bool {
        error is ExitCode || error is CleanExit || error is ValidationError || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
