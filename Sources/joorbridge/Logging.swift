import Foundation
import Logging

/// The executable's logging: readable lines on standard error (only the executable configures logging).
enum Logging {
    static func make(level: Logger.Level) -> Logger {
        var logger = Logger(label: "joorbridge") { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        logger.logLevel = level
        return logger
    }
}
