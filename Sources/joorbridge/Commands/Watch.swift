import ArgumentParser
import Foundation
import JoorBridge
import Logging

/// `joorbridge watch`: the jobs in a loop, for a long-running service.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the jobs in a loop: the inbox every few seconds, orders every interval.",
        usage: "joorbridge watch [orders|inventory|products ...] [<options>]",
        discussion: """
            For a long-running service (see deploy/joorbridge-watch.service). Holds the run lock while it \
            runs, so a `joorbridge run` meanwhile exits 75. SIGTERM or Ctrl-C finishes the file in hand and \
            exits 0 (a second one stops at once). Each cycle that did something prints its summary; problems \
            go to notify: like those of `run`. A job that fails waits one interval before it tries again.

            Examples:
              joorbridge watch
              joorbridge watch --interval 120 --poll 10 --config /etc/joorbridge/joorbridge.yml
              joorbridge watch inventory products          # only the inbox jobs
              joorbridge watch --log-format json           # for journald or a log shipper

            \(ExitStatus.helpText)
            """)

    @OptionGroup var common: JobOptions

    @Option(help: ArgumentHelp("Seconds between order downloads (default: the config's watch.interval_seconds, else 300).", valueName: "seconds"))
    var interval: Double?

    @Option(help: ArgumentHelp("Seconds between looks at the inbox (default: watch.poll_seconds, else 5).", valueName: "seconds"))
    var poll: Double?

    func validate() throws {
        func check(_ value: Double?, _ flag: String, _ range: ClosedRange<Double>) throws {
            guard let value, !range.contains(value) else { return }
            func shown(_ bound: Double) -> String { bound == bound.rounded() ? String(Int(bound)) : String(bound) }
            throw ValidationError(
                "\(flag) must be between \(shown(range.lowerBound)) and \(shown(range.upperBound)) seconds, as in the config's watch: section")
        }
        try check(interval, "--interval", WatchSettings.intervalRange)
        try check(poll, "--poll", WatchSettings.pollRange)
    }

    func run() async throws {
        let start = try common.start()
        var timing = start.settings.watch
        if let interval { timing.intervalSeconds = interval }
        if let poll { timing.pollSeconds = poll }
        let outcome = await Bridge(config: start.settings, logger: start.logger).watch(
            jobs: common.jobs, settings: timing, options: .init(control: start.control)
        ) { cycle in
            await Console.conclude(cycle, config: start.settings, format: start.format, logger: start.logger)
        }
        if let error = outcome.error { Console.error("error: \(error)") }
        throw ExitStatus(outcome.status).exitCode
    }
}
