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

    @Argument(help: "Jobs to run: orders, inventory, products (default: all enabled).")
    var jobs: [Job] = []

    @Option(help: ArgumentHelp("The config file (default: $JOORBRIDGE_CONFIG, else ./joorbridge.yml).", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("Seconds between order downloads (default: the config's watch.interval_seconds, else 300).", valueName: "seconds"))
    var interval: Double?

    @Option(help: ArgumentHelp("Seconds between looks at the inbox (default: watch.poll_seconds, else 5).", valueName: "seconds"))
    var poll: Double?

    @Option(help: "Progress line for long files: auto (when standard error is a terminal), always, never.")
    var progress: ProgressLine.Mode = .auto

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let interval, interval < 1 { throw ValidationError("--interval must be at least 1 second") }
        if let poll, poll < 0.1 { throw ValidationError("--poll must be at least 0.1 seconds") }
    }

    func run() async throws {
        let settings = try Console.loadConfig(config)
        let logger = logging.makeLogger(settings)
        let format = logging.format(settings)
        var timing = settings.watch
        if let interval { timing.intervalSeconds = interval }
        if let poll { timing.pollSeconds = poll }
        let stop = StopSignal()
        Signals.stopGracefully(stop) { name in logger.notice("\(name): stopping after the file in hand") }
        let control = JobControl(stop: stop, progress: ProgressLine.handler(mode: progress, format: format))
        let outcome = await BridgeWatch(config: settings, logger: logger)
            .run(jobs: jobs, settings: timing, options: .init(control: control)) { cycle in
                await Console.conclude(cycle, config: settings, format: format, logger: logger)
            }
        if let error = outcome.error { Console.error("error: \(error)") }
        throw ExitStatus(outcome.status).exitCode
    }
}
