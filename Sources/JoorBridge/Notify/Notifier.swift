import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Tells someone about a run that went wrong: POSTs the JSON run summary to a webhook and/or runs
/// a command with the summary on its standard input.
///
/// A notification never fails or holds up the run: each channel is bounded by
/// ``NotifySettings/timeoutSeconds`` and its failures are only logged.
public struct Notifier: Sendable {
    public let settings: NotifySettings
    /// Environment variables the command does not get (``BridgeConfig/secretVariables``).
    let hidden: Set<String>
    let logger: Logger

    /// - Parameter hiding: environment variables holding secrets, left out of the command's environment.
    public init(settings: NotifySettings, hiding hidden: Set<String>, logger: Logger) {
        self.settings = settings
        self.hidden = hidden
        self.logger = logger
    }

    /// Whether `outcome` is worth a notification under the settings.
    public func wants(_ outcome: RunOutcome) -> Bool {
        switch settings.when {
        case .problems: outcome.hasProblems
        case .always: outcome.didSomething || outcome.hasProblems
        }
    }

    /// Sends `outcome` when ``wants(_:)`` says so; returns whether every configured channel took it.
    @discardableResult
    public func send(_ outcome: RunOutcome) async -> Bool {
        guard wants(outcome) else { return true }
        let body: Data
        do { body = try outcome.json() } catch {
            logger.error("notify: cannot encode the run summary: \(error)")
            return false
        }
        async let hook = post(body, to: settings.webhook)
        async let command = runCommand(settings.command, input: body, exitCode: outcome.exitCode, status: outcome.status)
        let (tookHook, tookCommand) = await (hook, command)
        return tookHook && tookCommand
    }

    // MARK: Webhook

    private func post(_ body: Data, to url: String?) async -> Bool {
        guard let url else { return true }
        let deadline = Date().addingTimeInterval(settings.timeoutSeconds)
        var lastProblem = ""
        for attempt in 1...settings.attempts {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0.05 { break }
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "joorbridge")
            request.body = .bytes(ByteBuffer(data: body))
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(Int64(remaining * 1000)))
                _ = try? await response.body.collect(upTo: 64 * 1024)
                if (200..<300).contains(response.status.code) {
                    logger.info("notify: webhook took the run summary (attempt \(attempt))")
                    return true
                }
                lastProblem = "HTTP \(response.status.code)"
                if (400..<500).contains(response.status.code) && response.status.code != 408 && response.status.code != 429 { break }
            } catch {
                lastProblem = "\(error)"
            }
            if attempt < settings.attempts {
                let pause = min(Double(attempt), max(0, deadline.timeIntervalSinceNow - 0.1))
                if pause > 0 { try? await Task.sleep(nanoseconds: UInt64(pause * 1_000_000_000)) }
            }
        }
        logger.warning("notify: the webhook \(Self.redacted(url)) did not take the run summary (\(lastProblem)); the run itself is unaffected")
        return false
    }

    /// The URL's scheme, host and port only: webhook URLs carry their secret in the path (Slack,
    /// Teams, Discord), the query or the user info.
    static func redacted(_ url: String) -> String {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, let host = parts.host else { return "(webhook)" }
        let rest = parts.path.isEmpty && parts.query == nil ? "" : "/…"
        return "\(scheme)://\(host)\(parts.port.map { ":\($0)" } ?? "")\(rest)"
    }

    // MARK: Command

    private func runCommand(_ command: String?, input: Data, exitCode: Int32?, status: RunStatus) async -> Bool {
        guard let command else { return true }
        let timeout = settings.timeoutSeconds
        let logger = logger
        var environment = ProcessInfo.processInfo.environment.filter { !hidden.contains($0.key) }
        environment["JOORBRIDGE_STATUS"] = status.rawValue
        if let exitCode { environment["JOORBRIDGE_EXIT_CODE"] = String(exitCode) }
        let shell = ShellCommand(command: command, environment: environment)
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Self.runBlocking(shell, input: input, timeout: timeout, logger: logger))
            }
        }
    }

    private static func runBlocking(_ shell: ShellCommand, input: Data, timeout: Double, logger: Logger) -> Bool {
        switch shell.run(input: input, timeout: timeout) {
        case .exited(0):
            logger.info("notify: the command took the run summary")
            return true
        case .exited(let status):
            logger.warning("notify: the command exited with status \(status)")
        case .timedOut:
            logger.warning("notify: the command did not finish within \(Int(timeout)) s and was stopped")
        case .couldNotStart(let reason):
            logger.warning("notify: cannot start the command: \(reason)")
        }
        return false
    }
}
