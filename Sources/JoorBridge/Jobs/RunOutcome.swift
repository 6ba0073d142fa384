import Foundation

/// What one job did.
public struct JobSummary: Sendable, Codable, Equatable {
    public var job: Job
    public var outcome = JobOutcome.ok
    public var error: String?
    public var orders: OrdersJob.Report?
    public var inventory: InventoryJob.Report?
    public var products: ProductsJob.Report?
    /// Downloads from a remote inbox, uploads to a remote outbox, and server problems.
    public var sftp: SFTPReport?

    /// Whether the job found anything to do (orders pulled or delivered, files taken, a failure).
    public var didSomething: Bool {
        if error != nil { return true }
        if let r = orders,
            r.pulled + r.delivered + r.recovered + r.caughtUp + r.rejected.count + r.withheldByJoor.count + r.cancellations
                + r.cancellationsDelivered + r.cancelledBeforeDelivery > 0
        {
            return true
        }
        if inventory?.tally.tookFiles == true || products?.tally.tookFiles == true { return true }
        if let r = sftp, r.downloaded + r.uploaded + r.archivedRemotely + r.movedToRemoteError + r.problems.count > 0 { return true }
        return false
    }
}

/// What a run did, for the summary line, `--report` and the exit code.
public struct RunOutcome: Sendable, Codable {
    /// The machine and config the run belongs to (for alerts from several installations).
    public var host = ProcessInfo.processInfo.hostName
    public var config: String?
    public var startedAt: Date
    public var finishedAt: Date?
    /// A dry run: the counts say what a run would have done; nothing was sent, written or moved.
    public var dryRun = false
    public var durationSeconds: Double = 0
    /// How the run ended (the most serious of its jobs).
    public var status = RunStatus.done
    /// The process's exit code for ``status``, set by the command-line tool (which alone chooses
    /// exit codes) before it writes the report or notifies.
    public var exitCode: Int32?
    public var error: String?
    public var jobs: [JobSummary] = []
    public var requests = 0
    public var credits = 0
    /// The process's peak memory (resident set, MiB) when the run ended, where the system tells it.
    public var peakMemoryMiB: Double?

    public init(startedAt: Date = Date(), config: String? = nil) {
        self.startedAt = startedAt
        self.config = config
    }

    /// Whether anything went wrong: a failed job, rejected records or files (the lock being held is not a problem).
    public var hasProblems: Bool { status.isProblem }

    /// Whether any job found anything to do.
    public var didSomething: Bool { error != nil || jobs.contains(where: \.didSomething) }

    mutating func fail(_ status: RunStatus, _ message: String) {
        self.status = status
        error = message
    }

    /// Keeps the most serious status.
    mutating func raise(to status: RunStatus) {
        self.status = max(self.status, status)
    }

    func finished(at date: Date = Date()) -> RunOutcome {
        var copy = self
        copy.finishedAt = date
        copy.durationSeconds = (date.timeIntervalSince(startedAt) * 1000).rounded() / 1000
        copy.peakMemoryMiB = Self.peakMemoryMiB()
        return copy
    }

    /// The summary printed at the end of a run.
    public var summaryText: String {
        var lines: [String] = []
        if dryRun { lines.append("dry run: nothing was sent to JOOR, written, moved or recorded; the counts say what a run would do now") }
        if let error { lines.append("error: \(error)") }
        for job in jobs {
            var line = "\(job.job): \(job.outcome)"
            if let r = job.orders {
                line +=
                    " — \(r.delivered) delivered, \(r.rejected.count) rejected (retried next run), \(r.held) held (joorbridge orders list), \(r.duplicates) already delivered, \(r.pulled) pulled in \(r.pages) page(s)"
                if r.released > 0 { line += ", \(r.released) held order(s) released after changes in JOOR" }
                if r.cancellations + r.cancellationsDelivered > 0 {
                    line += ", \(r.cancellationsDelivered) cancellation(s) delivered (\(r.cancellations) found)"
                }
                if r.cancelledBeforeDelivery > 0 { line += ", \(r.cancelledBeforeDelivery) cancelled in JOOR before delivery (never delivered)" }
                if r.recovered > 0 { line += ", \(r.recovered) recovered after a crash" }
                if r.catchUp { line += ", catch-up found \(r.caughtUp)" }
                if !r.withheldByJoor.isEmpty {
                    line +=
                        "\n  JOOR flags \(r.withheldByJoor.count) order(s) Failed and does not hand them over (a mandatory export field is empty; fix them in JOOR): \(r.withheldByJoor.joined(separator: ", "))"
                }
                for (id, reason) in r.rejected.sorted(by: { $0.key < $1.key }) {
                    line += "\n  rejected \(reason.hasPrefix("order \(id)") ? reason : "order \(id): \(reason)")"
                }
            }
            if let r = job.inventory {
                line +=
                    " — \(r.filesArchived) file(s) archived, \(r.filesDuplicate) already pushed, \(r.filesFailed) failed, \(r.filesQuarantined) quarantined, \(r.filesWaiting.count) waiting; \(r.rowsRead) row(s) read, \(r.itemsSent) SKU(s) sent in \(r.requests) request(s), \(r.itemsUnchanged) unchanged, \(r.rowsRejected) row(s) rejected"
                for file in r.rejectFiles { line += "\n  rejected rows: \(file)" }
                for file in r.filesAmbiguous { line += "\n  not taken (the products job's patterns match it too): \(file)" }
            }
            if let r = job.products {
                line +=
                    " — \(r.filesArchived) file(s) archived, \(r.filesDuplicate) already pushed, \(r.filesFailed) failed, \(r.filesWaiting.count) waiting; \(r.rowsRead) row(s) read, \(r.stylesSent) style(s) sent, \(r.stylesUnchanged) unchanged, \(r.stylesRefused.count) refused, \(r.rowsRejected) row(s) rejected"
                if !r.stylesUnconfirmed.isEmpty { line += ", \(r.stylesUnconfirmed.count) style(s) JOOR did not confirm (sent again next run)" }
                if !r.stylesHeld.isEmpty {
                    line +=
                        "\n  held back (not sent; the rejects file says why): \(r.stylesHeld.keys.sorted().prefix(10).joined(separator: ", "))\(r.stylesHeld.count > 10 ? " and \(r.stylesHeld.count - 10) more" : "")"
                }
                for file in r.filesToRetry { line += "\n  kept in processing/ for the next run (JOOR did not confirm all of it): \(file)" }
                for file in r.filesAmbiguous { line += "\n  not taken (the inventory job's patterns match it too): \(file)" }
                for file in r.rejectFiles { line += "\n  rejected rows: \(file)" }
            }
            if let r = job.sftp, !r.isEmpty {
                var parts: [String] = []
                if job.orders != nil {
                    parts.append("\(r.uploaded) file(s) uploaded")
                } else {
                    parts.append(
                        "\(r.downloaded) downloaded, \(r.archivedRemotely) finished on the server, \(r.movedToRemoteError) to its error folder, \(r.waiting.count) waiting there"
                    )
                }
                line += "\n  sftp: " + parts.joined(separator: ", ")
                for problem in r.problems { line += "\n  sftp problem: \(problem)" }
            }
            if let error = job.error { line += "\n  \(error)" }
            lines.append(line)
        }
        lines.append(
            "run: \(exitCode.map { "exit \($0)" } ?? status.rawValue), \(requests) JOOR request(s), \(credits) credit(s), \(String(format: "%.1f", durationSeconds)) s"
                + (peakMemoryMiB.map { String(format: ", peak memory %.0f MiB", $0) } ?? ""))
        return lines.joined(separator: "\n")
    }

    /// `VmHWM` from /proc/self/status (Linux); `nil` elsewhere.
    static func peakMemoryMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return (kib / 1024 * 10).rounded() / 10
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }
}
