import ArgumentParser
import JoorBridge

/// `--config`, as every command that works on a configured bridge takes it.
struct ConfigOption: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("The config file (default: $JOORBRIDGE_CONFIG, else ./joorbridge.yml).", valueName: "file"))
    var path: String?

    /// Loads the config named by `--config` (else `$JOORBRIDGE_CONFIG`, else `./joorbridge.yml`),
    /// or prints every problem and exits 78.
    func load() throws -> BridgeConfig { try Self.load(BridgeConfig.resolvePath(path)) }

    /// Loads the config at `path` (`${NAME}` from this process's environment, as `run` does), or
    /// prints every problem and exits 78.
    static func load(_ path: String) throws -> BridgeConfig {
        do { return try BridgeConfig.load(path: path) } catch {
            for problem in error.problems { Console.error(problem.description) }
            throw ExitStatus.config.exitCode
        }
    }
}
