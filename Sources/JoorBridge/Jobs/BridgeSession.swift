import Foundation
import JoorAPI
import Logging
import Mapping
import SFTP

/// What a run needs once the lock is held: the token, the ledger and a JOOR client. `run` opens
/// one per pass; `watch` keeps one open for as long as it runs.
struct BridgeSession {
    let config: BridgeConfig
    let ledger: Ledger
    let client: JoorClient
    let logger: Logger
    /// The SFTP inbox and outbox, when the folders are remote (with the key's passphrase loaded).
    var remoteInbox: SFTPLocation?
    var remoteOutbox: SFTPLocation?

    /// Why a session could not be opened, and a message for the summary.
    struct Failure: Error {
        var status: RunStatus
        var message: String
    }

    /// What a started run holds: the jobs it runs, the session, and the lock to release at the end.
    struct Started {
        var jobs: [Job]
        var session: BridgeSession
        var lock: RunLock
    }

    /// Everything `run` and `watch` do before the first job: resolves the jobs, takes the run lock
    /// (unless `takeLock` is false, for a dry run) and opens the session. On failure nothing is held.
    static func start(
        config: BridgeConfig, requested: [Job], takeLock: Bool, environment: [String: String], logger: Logger
    ) -> Result<Started, Failure> {
        let jobs = Self.jobs(requested, config: config)
        if jobs.isEmpty {
            return .failure(
                Failure(
                    status: .invalidConfig,
                    message: "no job is enabled in \(config.path); add an orders:, inventory: or products: section (or name a job)"))
        }
        let lock = RunLock(path: config.statePath + ".lock")
        if takeLock {
            do { try lock.acquire() } catch let held as RunLock.Held {
                return .failure(Failure(status: .locked, message: held.description))
            } catch {
                return .failure(Failure(status: .invalidConfig, message: "cannot create the lock file \(lock.path): \(error)"))
            }
        }
        switch open(config: config, jobs: jobs, environment: environment, logger: logger) {
        case .success(let session): return .success(Started(jobs: jobs, session: session, lock: lock))
        case .failure(let failure):
            lock.release()
            return .failure(failure)
        }
    }

    static func open(config: BridgeConfig, jobs: [Job], environment: [String: String], logger: Logger) -> Result<BridgeSession, Failure> {
        do {
            let token = try config.loadToken(environment: environment)
            let v4 = jobs.contains(.products) ? try config.loadV4Credentials(environment: environment) : nil
            let ledger: Ledger
            do { ledger = try Ledger(path: config.statePath) } catch {
                return .failure(Failure(status: .invalidConfig, message: "cannot open the state store \(config.statePath): \(error)"))
            }
            var session = BridgeSession(
                config: config, ledger: ledger, client: config.makeClient(token: token, v4: v4, logger: logger), logger: logger)
            let inboxJobs = jobs.contains(.inventory) || jobs.contains(.products)
            if let url = config.folders.remoteInbox, inboxJobs { session.remoteInbox = try config.sftpLocation(url, environment: environment) }
            if let url = config.folders.remoteOutbox, jobs.contains(.orders) {
                session.remoteOutbox = try config.sftpLocation(url, environment: environment)
            }
            return .success(session)
        } catch {
            return .failure(Failure(status: .invalidConfig, message: "\(error)"))
        }
    }

    /// The jobs a run does: those named, else every job enabled in the config.
    static func jobs(_ requested: [Job], config: BridgeConfig) -> [Job] {
        if !requested.isEmpty { return requested }
        return Job.allCases.filter { job in
            switch job {
            case .orders: config.orders?.enabled == true
            case .inventory: config.inventory?.enabled == true
            case .products: config.products?.enabled == true
            }
        }
    }

    /// Runs one job and sums it up; never throws. `quiet` runs (nothing found to do) are not kept
    /// in the ledger's run history when `recordQuiet` is false (watch mode looks every few seconds).
    func perform(_ job: Job, options: Bridge.Options, recordQuiet: Bool = true) async -> (summary: JobSummary, status: RunStatus) {
        var summary = JobSummary(job: job)
        var status = RunStatus.done
        var logger = self.logger
        logger[metadataKey: "job"] = "\(job.rawValue)"
        let dryRun = options.dryRun != nil
        let runID = dryRun ? 0 : (try? ledger.startRun(job: job)) ?? 0
        do {
            switch job {
            case .orders:
                guard let settings = config.orders else { throw missingSection(job) }
                let uploader = try remoteOutbox.map { location in
                    // Markers go with the upload; the local outbox is only where files wait for it.
                    RemoteOutbox(
                        location: location, outbox: try Outbox(directory: config.folders.outbox, tempPattern: settings.tempName),
                        archive: config.folders.archive, doneMarker: settings.doneMarker, ledger: ledger, logger: logger)
                }
                defer {
                    if let uploader, options.dryRun == nil {
                        uploader.uploadAll()
                        summary.sftp = uploader.report
                    }
                }
                let orders = try OrdersJob(
                    settings: settings, client: client, ledger: ledger, outboxDirectory: config.folders.outbox,
                    uploadsOutbox: uploader != nil, logger: logger)
                let report: OrdersJob.Report
                if let request = options.deliverOrders {
                    report = try await orders.deliverOnDemand(request.orderIDs, routeName: request.route, runID: String(runID))
                } else {
                    report = try await orders.run(.init(dryRun: options.dryRun, since: options.since), runID: String(runID))
                }
                summary.orders = report
                if !report.rejected.isEmpty || !report.withheldByJoor.isEmpty { status = .partial }
            case .inventory:
                guard let settings = config.inventory else { throw missingSection(job) }
                let inventory = try InventoryJob(settings: settings, folders: config.folders, client: client, ledger: ledger, logger: logger)
                try await run(
                    inventory, besides: config.products.flatMap { $0.enabled ? $0.inbox : nil }, options, &summary.sftp, into: &summary.inventory)
                if summary.inventory?.tally.hasProblems == true { status = .partial }
            case .products:
                guard let settings = config.products else { throw missingSection(job) }
                let products = try ProductsJob(
                    settings: settings, api: config.joor.productsAPI, folders: config.folders, client: client, ledger: ledger, logger: logger)
                try await run(
                    products, besides: config.inventory.flatMap { $0.enabled ? $0.inbox : nil }, options, &summary.sftp, into: &summary.products)
                if summary.products?.tally.hasProblems == true { status = .partial }
            }
            summary.outcome = status == .done ? .ok : .partial
        } catch {
            summary.outcome = .failed
            summary.error = "\(error)"
            switch error {
            case is ConfigError: status = .invalidConfig
            case let api as JoorAPIError where api.isUnavailable: status = .unavailable
            default: status = .partial  // OrdersJobError, a JOOR error about this request, a disk: the job's own failure
            }
            logger.error("failed: \(error)")
        }
        if let problems = summary.sftp?.problems, !problems.isEmpty {
            status = max(status, .partial)
            if summary.outcome == .ok { summary.outcome = .partial }
        }
        if dryRun {
            // A dry run leaves no trace in the ledger.
        } else if !recordQuiet && status == .done && !summary.didSomething {
            try? ledger.forgetRun(runID)
        } else {
            try? ledger.finishRun(
                runID, outcome: summary.outcome, summary: String(decoding: (try? JSONEncoder().encode(summary)) ?? Data(), as: UTF8.self))
        }
        return (summary, status)
    }

    /// Runs an inbox job with the SFTP inbox (if remote) and the other inbox job's patterns, whose
    /// files it leaves alone; its report goes to `report` and the SFTP report to `sftp`, also when
    /// it ends in an error.
    private func run<J: InboxJob>(
        _ job: J, besides other: Inbox.Settings?, _ options: Bridge.Options, _ sftp: inout SFTPReport?, into report: inout InboxJobReport<J.Counts>?
    ) async throws {
        var job = job
        job.files.others = other.map { [$0] } ?? []  // before the remote inbox copies job.files
        if let location = remoteInbox, let settings = config.sftp {
            job.files.remote = RemoteInbox(location: location, settings: settings, for: job.files, waitToSettle: options.waitForRemoteFiles)
        }
        var files = InboxJobReport<J.Counts>()
        defer {
            sftp = job.files.remote?.report
            report = files  // also when a JOOR failure ends the run: what it did before counts
        }
        try await job.runFiles(full: options.full, control: options.control, dryRun: options.dryRun, into: &files)
    }

    private func missingSection(_ job: Job) -> ConfigError {
        .missingSection(config: config.path, job: job)
    }
}
