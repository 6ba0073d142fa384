import Foundation
import JoorAPI
import Logging

/// joorbridge for one config: ``run(jobs:options:)`` runs the jobs once (`joorbridge run`),
/// ``watch(jobs:settings:options:onCycle:)`` runs them in a loop (`joorbridge watch`). Either takes
/// the lock, opens the ledger, runs the jobs and sums up. (Notifying is the caller's: it knows the
/// exit code the notification reports.)
public struct Bridge: Sendable {
    /// How the jobs run.
    public struct Options: Sendable {
        /// Show what would happen without changing JOOR, the ledger or any folder: every job hands
        /// what it would send or write to this printer instead. `nil` for a real run.
        public var dryRun: DryRunPrinter?
        /// Orders: also re-read orders exported since this date.
        public var since: Date?
        /// Inventory and products: send everything, not only what changed.
        public var full = false
        /// Stop between files; progress reports.
        public var control = JobControl()
        /// Whether a remote inbox may wait (up to the settle time) for a second listing of new
        /// files. `watch` does not: its next look is the second listing.
        public var waitForRemoteFiles = true
        /// Orders: instead of pulling, deliver these held or rejected orders now (`orders deliver`).
        public var deliverOrders: (orderIDs: [String], route: String?)?

        public init(dryRun: DryRunPrinter? = nil, since: Date? = nil, full: Bool = false, control: JobControl = .init()) {
            self.dryRun = dryRun
            self.since = since
            self.full = full
            self.control = control
        }
    }

    public let config: BridgeConfig
    let logger: Logger
    let environment: [String: String]

    public init(config: BridgeConfig, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.config = config
        self.logger = logger
        self.environment = environment
    }

    /// Runs `jobs` (all enabled ones when empty) and returns the outcome; never throws.
    public func run(jobs requested: [Job], dryRun: Bool = false, since: Date? = nil, full: Bool = false) async -> RunOutcome {
        let discard: DryRunPrinter = { _ in }
        return await run(jobs: requested, options: Options(dryRun: dryRun ? discard : nil, since: since, full: full))
    }

    /// Runs `jobs` (all enabled ones when empty); returns the outcome and never throws.
    public func run(jobs requested: [Job], options: Options) async -> RunOutcome {
        var outcome = RunOutcome(startedAt: Date(), config: config.path)
        outcome.dryRun = options.dryRun != nil
        // A dry run moves, writes and records nothing, so it does not take the lock: it can look
        // while `watch` or another run works (a file such a run takes meanwhile is skipped).
        guard let started = start(requested, takeLock: options.dryRun == nil, &outcome) else { return outcome.finished() }
        defer { started.lock.release() }
        let (jobs, session) = (started.jobs, started.session)
        for job in jobs {
            if options.control.shouldStop { break }
            let (summary, status) = await session.perform(job, options: options)
            outcome.jobs.append(summary)
            outcome.raise(to: status)
        }
        outcome.requests = await session.client.stats.requests
        outcome.credits = await session.client.stats.credits
        return outcome.finished()
    }

    /// Takes the lock (if asked) and opens the session; on failure, says why in `outcome`.
    func start(_ requested: [Job], takeLock: Bool, _ outcome: inout RunOutcome) -> BridgeSession.Started? {
        switch BridgeSession.start(config: config, requested: requested, takeLock: takeLock, environment: environment, logger: logger) {
        case .success(let started): return started
        case .failure(let failure):
            outcome.fail(failure.status, failure.message)
            return nil
        }
    }
}
