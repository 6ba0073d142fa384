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

    @OptionGroup var config: ConfigOption

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let report = try StatusReport.read(config: try config.load())
        if json {
            Console.out(try report.json())
            Console.out("")
        } else {
            Console.out(report.text)
        }
    }
}
