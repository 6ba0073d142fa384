import Foundation
import JoorAPI
import Logging
import Mapping

/// One `joorbridge run`: takes the lock, opens the ledger, runs the jobs and sums up.
public struct BridgeRun: Sendable {
    public let config: BridgeConfig
    let logger: Logger
    let environment: [String: String]

    public init(config: BridgeConfig, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.config = config
        self.logger = logger
        self.environment = environment
    }

    /// Runs `jobs` (all enabled ones when empty) and returns the outcome; never throws.
    public func run(jobs requested: [String], dryRun: Bool = false, since: Date? = nil, full: Bool = false) async -> RunOutcome {
        var outcome = RunOutcome(startedAt: Date())
        defer { outcome.finish() }
        let jobs = requested.isEmpty
            ? [config.orders?.enabled == true ? "orders" : nil, config.inventory?.enabled == true ? "inventory" : nil,
               config.products?.enabled == true ? "products" : nil].compactMap { $0 }
            : requested
        if jobs.isEmpty {
            outcome.fail(78, "no job is enabled in \(config.path); add an orders: section (or name a job)")
            return outcome
        }
        let lock = RunLock(path: config.statePath + ".lock")
        if !dryRun {
            do { try lock.acquire() } catch let held as RunLock.Held {
                outcome.fail(75, held.description)
                return outcome
            } catch {
                outcome.fail(78, "cannot create the lock file \(lock.path): \(error)")
                return outcome
            }
        }
        defer { lock.release() }
        let token: Secret
        let ledger: Ledger
        var v4: V4Credentials?
        do {
            token = try config.loadToken(environment: environment)
            if jobs.contains("products") { v4 = try config.loadV4Credentials(environment: environment) }
            ledger = try Ledger(path: config.statePath)
        } catch let error as MappingErrors {
            outcome.fail(78, error.description)
            return outcome
        } catch {
            outcome.fail(78, "cannot open the state store \(config.statePath): \(error)")
            return outcome
        }
        let client = config.makeClient(token: token, v4: v4, logger: logger)
        for job in jobs {
            var summary = JobSummary(job: job)
            let runID = (try? ledger.startRun(job: job)) ?? 0
            do {
                switch job {
                case "orders":
                    guard let settings = config.orders else { throw MappingErrors([MappingError(path: config.path, message: "the config has no orders: section")]) }
                    let report = try await OrdersJob(settings: settings, client: client, ledger: ledger, outboxDirectory: config.folders.outbox, logger: logger)
                        .run(.init(dryRun: dryRun, since: since), runID: String(runID))
                    summary.orders = report
                    summary.outcome = report.rejected.isEmpty ? "ok" : "partial"
                    if !report.rejected.isEmpty { outcome.raise(to: 3) }
                case "inventory":
                    guard let settings = config.inventory else { throw MappingErrors([MappingError(path: config.path, message: "the config has no inventory: section")]) }
                    let report = try await InventoryJob(settings: settings, folders: config.folders, client: client, ledger: ledger, logger: logger).run(full: full)
                    summary.inventory = report
                    let partial = report.rowsRejected > 0 || report.filesFailed > 0 || report.filesQuarantined > 0
                    summary.outcome = partial ? "partial" : "ok"
                    if partial { outcome.raise(to: 3) }
                case "products":
                    guard let settings = config.products else { throw MappingErrors([MappingError(path: config.path, message: "the config has no products: section")]) }
                    let report = try await ProductsJob(settings: settings, api: config.joor.productsAPI, folders: config.folders, client: client, ledger: ledger, logger: logger).run(full: full)
                    summary.products = report
                    let partial = report.rowsRejected > 0 || report.filesFailed > 0 || report.filesQuarantined > 0
                    summary.outcome = partial ? "partial" : "ok"
                    if partial { outcome.raise(to: 3) }
                default:
                    throw MappingErrors([MappingError(path: config.path, message: "unknown job \(job); the jobs are orders, inventory and products")])
                }
            } catch let error as MappingErrors {
                summary.outcome = "failed"
                summary.error = error.description
                outcome.raise(to: 78)
            } catch let error as JoorAPIError {
                summary.outcome = "failed"
                summary.error = error.description
                outcome.raise(to: error.isUnavailable ? 69 : 3)
            } catch {
                summary.outcome = "failed"
                summary.error = "\(error)"
                outcome.raise(to: 3)
            }
            if let error = summary.error { logger.error("\(job) failed: \(error)") }
            try? ledger.finishRun(runID, outcome: summary.outcome, summary: String(decoding: (try? JSONEncoder().encode(summary)) ?? Data(), as: UTF8.self))
            outcome.jobs.append(summary)
        }
        outcome.requests = await client.stats.requests
        outcome.credits = await client.stats.credits
        return outcome
    }
}

/// What one job did.
public struct JobSummary: Sendable, Codable, Equatable {
    public var job: String
    /// ok · partial (some records rejected) · failed
    public var outcome = "ok"
    public var error: String?
    public var orders: OrdersJob.Report?
    public var inventory: InventoryJob.Report?
    public var products: ProductsJob.Report?
}

/// What a run did, for the summary line, `--report` and the exit code.
public struct RunOutcome: Sendable, Codable {
    public var startedAt: Date
    public var finishedAt: Date?
    public var durationSeconds: Double = 0
    public var exitCode: Int32 = 0
    public var error: String?
    public var jobs: [JobSummary] = []
    public var requests = 0
    public var credits = 0

    mutating func fail(_ code: Int32, _ message: String) {
        exitCode = code
        error = message
    }

    /// Keeps the most serious exit code (78 > 75 > 69 > 3 > 0 in this order of concern).
    mutating func raise(to code: Int32) {
        let rank: [Int32: Int] = [0: 0, 3: 1, 69: 2, 75: 3, 78: 4]
        if rank[code, default: 0] > rank[exitCode, default: 0] { exitCode = code }
    }

    mutating func finish() {
        finishedAt = Date()
        durationSeconds = (finishedAt!.timeIntervalSince(startedAt) * 1000).rounded() / 1000
    }

    /// The summary printed at the end of a run.
    public var summaryText: String {
        var lines: [String] = []
        if let error { lines.append("error: \(error)") }
        for job in jobs {
            var line = "\(job.job): \(job.outcome)"
            if let r = job.orders {
                line += " — \(r.delivered) delivered, \(r.rejected.count) rejected (retried next run), \(r.skipped) skipped, \(r.duplicates) already delivered, \(r.pulled) pulled in \(r.pages) page(s)"
                if r.recovered > 0 { line += ", \(r.recovered) recovered after a crash" }
                if r.catchUp { line += ", catch-up found \(r.caughtUp)" }
                for (id, reason) in r.rejected.sorted(by: { $0.key < $1.key }) { line += "\n  rejected \(reason.hasPrefix("order \(id)") ? reason : "order \(id): \(reason)")" }
            }
            if let r = job.inventory {
                line += " — \(r.filesArchived) file(s) archived, \(r.filesDuplicate) already pushed, \(r.filesFailed) failed, \(r.filesQuarantined) quarantined, \(r.filesWaiting.count) waiting; \(r.itemsSent) SKU(s) sent in \(r.requests) request(s), \(r.itemsUnchanged) unchanged, \(r.rowsRejected) row(s) rejected"
                for file in r.rejectFiles { line += "\n  rejected rows: \(file)" }
            }
            if let r = job.products {
                line += " — \(r.filesArchived) file(s) archived, \(r.filesDuplicate) already pushed, \(r.filesFailed) failed, \(r.filesWaiting.count) waiting; \(r.stylesSent) style(s) sent, \(r.stylesUnchanged) unchanged, \(r.stylesRefused.count) refused, \(r.rowsRejected) row(s) rejected"
                for file in r.rejectFiles { line += "\n  rejected rows: \(file)" }
            }
            if let error = job.error { line += "\n  \(error)" }
            lines.append(line)
        }
        lines.append("run: exit \(exitCode), \(requests) JOOR request(s), \(credits) credit(s), \(String(format: "%.1f", durationSeconds)) s")
        return lines.joined(separator: "\n")
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }
}
