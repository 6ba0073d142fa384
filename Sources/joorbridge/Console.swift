import Foundation
import JoorBridge
import Logging

/// Writing to the terminal: results on standard output, messages on standard error.
enum Console {
    static func out(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((text + terminator).utf8))
    }

    static func out(_ data: Data) {
        FileHandle.standardOutput.write(data)
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Loads the config named by `--config` (else `$JOORBRIDGE_CONFIG`, else `./joorbridge.yml`),
    /// or prints every problem and exits 78.
    static func loadConfig(_ explicit: String?) throws -> BridgeConfig {
        do { return try BridgeConfig.load(path: BridgeConfig.resolvePath(explicit)) } catch {
            for problem in error.errors { Console.error(problem.description) }
            throw ExitStatus.config.exitCode
        }
    }

    /// The run summary: readable text, or one JSON log line when the logs are JSON.
    static func summary(_ outcome: RunOutcome, format: LoggingOptions.Format, logger: Logger) {
        switch format {
        case .text:
            Console.error(outcome.summaryText)
        case .json:
            let summary = (try? outcome.json()).map { Logger.MetadataValue.stringConvertible(RawJSON(data: $0)) } ?? "unavailable"
            logger.log(level: outcome.hasProblems ? .error : .notice, "run summary", metadata: ["exit_code": "\(outcome.exitCode)", "summary": summary])
        }
    }
}
