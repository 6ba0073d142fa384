import ArgumentParser
import Foundation
import JoorBridge

/// `joorbridge status`: what the bridge did last, from the state store.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the last run of each job, orders delivered today, orders failing and why.",
        discussion: """
            Reads the state store only; JOOR is not contacted.

            Examples:
              joorbridge status
              joorbridge status --json --config /etc/joorbridge/joorbridge.yml

            \(ExitStatus.helpText)
            """)

    @Option(help: ArgumentHelp("The config file (default: $JOORBRIDGE_CONFIG, else ./joorbridge.yml).", valueName: "file"))
    var config: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let path = BridgeConfig.resolvePath(config)
        let settings: BridgeConfig
        do { settings = try BridgeConfig.load(path: path, environment: ProcessInfo.processInfo.environment) } catch {
            for problem in error.problems { Console.error(problem.description) }
            throw ExitStatus.config.exitCode
        }
        let report = try StatusReport.read(config: settings)
        if json {
            Console.out(try report.json())
            Console.out("")
        } else {
            Console.out(report.text)
        }
    }
}
