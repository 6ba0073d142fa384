import ArgumentParser
import Foundation
import JoorBridge
import Logging

/// The executable's logging: readable lines (or JSON lines) on standard error. Only the
/// executable configures logging; the libraries just log.
struct LoggingOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "Log format on standard error: text, or json (one JSON object per line). Default: the config's log.format, else text.")
    var logFormat: Format?

    @Option(help: "Log level: trace, debug, info, notice, warning, error. Default: the config's log.level, else notice.")
    var logLevel: Logger.Level?

    /// The format after the config's `log:` defaults.
    func format(_ config: BridgeConfig?) -> Format {
        logFormat ?? config?.log.format.flatMap(Format.init(rawValue:)) ?? .text
    }

    func level(_ config: BridgeConfig?) -> Logger.Level {
        logLevel ?? config?.log.level.flatMap(Logger.Level.init(rawValue:)) ?? .notice
    }

    func makeLogger(_ config: BridgeConfig?) -> Logger {
        Logging.make(level: level(config), format: format(config))
    }
}

enum Logging {
    static func make(level: Logger.Level, format: LoggingOptions.Format = .text) -> Logger {
        var logger = Logger(label: "joorbridge") { label in
            var handler: any LogHandler =
                format == .json
                ? JSONLinesLogHandler(label: label)
                : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        logger.logLevel = level
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
