import ArgumentParser
import Foundation
import JoorBridge
import Logging

/// What `run` and `watch` share: the jobs, the config, the progress line and logging; and the
/// start of both — the config loaded, the logger made, SIGTERM/SIGINT turned into a stop after
/// the file in hand.
struct JobOptions: ParsableArguments {
    @Argument(help: "Jobs to run: orders, inventory, products (default: all enabled).")
    var jobs: [Job] = []

    @OptionGroup var config: ConfigOption

    @Option(help: "Progress line for long files: auto (when standard error is a terminal), always, never.")
    var progress: ProgressLine.Mode = .auto

    @OptionGroup var logging: LoggingOptions

    /// The loaded config, its logger and log format, and the control a stop signal sets.
    struct Start {
        var settings: BridgeConfig
        var logger: Logger
        var format: LoggingOptions.Format
        var control: JobControl
    }

    func start() throws -> Start {
        let settings = try config.load()
        let logger = logging.makeLogger(settings)
        let format = logging.format(settings)
        let stop = StopSignal()
        Signals.stopGracefully(stop) { name in logger.notice("\(name): stopping after the file in hand") }
        return Start(
            settings: settings, logger: logger, format: format,
            control: JobControl(stop: stop, progress: ProgressLine.handler(mode: progress, format: format)))
    }
}
