import Foundation
import JoorAPI
import Logging

/// `joorbridge watch`: the jobs in a loop, for a long-running service.
///
/// Holds the run lock for as long as it runs (a `run` from cron meanwhile ends as locked). The inbox
/// jobs look for files every ``WatchSettings/pollSeconds``; orders are downloaded every
/// ``WatchSettings/intervalSeconds``. A job that fails, or ends with a problem (rejected rows, a
/// file left in the inbox), waits one interval before its next try, so an outage or a problem
/// that stays costs neither a storm of requests nor a storm of alerts. A stop (SIGTERM/SIGINT)
/// lets the file in hand finish, then the loop ends.
extension Bridge {
    /// Loops until `options.control.stop` is set. `onCycle` gets each cycle that did something
    /// or had problems (to sum up and notify). Returns the outcome of startup (the lock held, the
    /// config invalid) or of the stop.
    public func watch(
        jobs requested: [Job] = [], settings: WatchSettings, options: Options = .init(),
        onCycle: @Sendable (RunOutcome) async -> Void = { _ in }
    ) async -> RunOutcome {
        var startup = RunOutcome(startedAt: Date(), config: config.path)
        guard let started = start(requested, takeLock: true, &startup) else { return startup.finished() }
        defer { started.lock.release() }
        let (jobs, session) = (started.jobs, started.session)
        logger.notice(
            "watching: \(jobs.map(\.rawValue).joined(separator: ", ")); inbox every \(Self.seconds(settings.pollSeconds)), orders every \(Self.seconds(settings.intervalSeconds))"
        )
        var due: [Job: Date] = [:]
        var options = options
        options.waitForRemoteFiles = false  // the next poll is a remote inbox's second listing
        while !options.control.shouldStop {
            let cycleStart = Date()
            var cycle = RunOutcome(startedAt: cycleStart, config: config.path)
            let before = (await session.client.stats.requests, await session.client.stats.credits)
            for job in jobs {
                if options.control.shouldStop { break }
                if let next = due[job], next > Date() { continue }
                let (summary, status) = await session.perform(job, options: options, recordQuiet: false)
                if summary.didSomething { cycle.jobs.append(summary) }
                cycle.raise(to: status)
                // A job that did not end well backs off a whole interval: a failure (JOOR or the SFTP
                // server out) and a problem that stays (a file both jobs' patterns take, left in the
                // inbox; rejected rows) make no storm of requests, summaries or alerts.
                let troubled = summary.outcome != .ok || !(summary.sftp?.problems.isEmpty ?? true)
                let wait = (job == .orders || troubled) ? settings.intervalSeconds : settings.pollSeconds
                due[job] = Date().addingTimeInterval(wait)
            }
            cycle.requests = await session.client.stats.requests - before.0
            cycle.credits = await session.client.stats.credits - before.1
            try? session.ledger.set("watch.last_cycle", Ledger.timestamp(Date()))
            let finished = cycle.finished()
            if finished.didSomething || finished.hasProblems { await onCycle(finished) }
            let nextDue = due.values.min() ?? Date().addingTimeInterval(settings.pollSeconds)
            await options.control.stop?.sleep(seconds: max(0.05, min(settings.pollSeconds, nextDue.timeIntervalSinceNow)))
            if options.control.stop == nil { try? await Task.sleep(nanoseconds: UInt64(settings.pollSeconds * 1_000_000_000)) }
        }
        logger.notice("stopped")
        return startup.finished()
    }

    static func seconds(_ value: Double) -> String {
        value >= 60 && value.truncatingRemainder(dividingBy: 60) == 0 ? "\(Int(value / 60)) min" : "\(value.formatted()) s"
    }
}
