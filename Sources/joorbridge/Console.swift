import ArgumentParser
import Foundation
import JoorBridge
import Logging

/// Writing to the terminal: results on standard output, messages on standard error.
enum Console {
    static func out(_ text: String, terminator: String = "\n") {
        out(Data((text + terminator).utf8))
    }

    /// Writes to standard output; a reader that went away (`joorbridge … | head`) is not an error.
    static func out(_ data: Data) {
        try? FileHandle.standardOutput.write(contentsOf: data)
    }

    static func error(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8))
    }

    /// What a dry run would send or write: requests and files on standard output (a `# ENDPOINT`
    /// or `==> NAME <==` line, then the exact bytes), notes on standard error.
    static let printDryRun: DryRunPrinter = { output in
        switch output {
        case .request(let endpoint, let body):
            out("# \(endpoint)")
            out(body)
            out("")
        case .file(let name, let content):
            out("==> \(name) <==")
            out(content)
            if content.last != 0x0A { out("") }
        case .note(let text):
            error("dry run: \(text)")
        }
    }

    /// A shadow run's printer: order files go into `directory` (created if needed; `route/NAME`
    /// into a subfolder), notes to standard error.
    static func shadowPrinter(into directory: String) throws -> DryRunPrinter {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return { output in
            switch output {
            case .file(let name, let content):
                let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
                do {
                    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try content.write(to: url, options: .atomic)
                    error("shadow: wrote \(url.path)")
                } catch let failure {
                    error("shadow: cannot write \(url.path): \(failure)")
                }
            case .request, .note:
                printDryRun(output)
            }
        }
    }

    /// Ends a run (or a watch cycle): gives the outcome its exit code, prints the summary, writes
    /// the `--report` file and sends the configured notification (not for a dry run).
    /// - Returns: the exit code.
    @discardableResult
    static func conclude(
        _ outcome: RunOutcome, config: BridgeConfig, format: LoggingOptions.Format, logger: Logger, report: String? = nil
    ) async -> ExitCode {
        var outcome = outcome
        let status = ExitStatus(outcome.status)
        outcome.exitCode = status.rawValue
        summary(outcome, format: format, logger: logger)
        if let report {
            do { try outcome.json().write(to: URL(fileURLWithPath: report), options: .atomic) } catch {
                Console.error("error: cannot write the report \(report): \(error)")
            }
        }
        if let notify = config.notify, !outcome.dryRun {
            await Notifier(settings: notify, hiding: config.secretVariables, logger: logger).send(outcome)
        }
        return status.exitCode
    }

    /// The run summary: readable text, or one JSON log line when the logs are JSON.
    static func summary(_ outcome: RunOutcome, format: LoggingOptions.Format, logger: Logger) {
        switch format {
        case .text:
            Console.error(outcome.summaryText)
        case .json:
            let summary = (try? outcome.json()).map { Logger.MetadataValue.stringConvertible(RawJSON(data: $0)) } ?? "unavailable"
            logger.log(
                level: outcome.hasProblems ? .error : .notice, "run summary",
                metadata: ["exit_code": "\(outcome.exitCode.map(String.init) ?? "-")", "status": "\(outcome.status)", "summary": summary])
        }
    }
}
