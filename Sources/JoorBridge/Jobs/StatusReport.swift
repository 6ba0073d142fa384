import Foundation

/// What `joorbridge status` shows, read from the ledger and the folders.
public struct StatusReport: Sendable, Codable {
    public struct LastRun: Sendable, Codable {
        public var job: String
        public var startedAt: String
        public var finishedAt: String?
        public var outcome: String
    }

    public struct FailingOrder: Sendable, Codable {
        public var orderID: String
        public var attempts: Int
        public var reason: String
    }

    public var lastRuns: [LastRun] = []
    /// Orders held back (no customer code, no route, before go-live…), listed by `orders list`.
    public var heldOrders = 0
    /// `orders.go_live`, the first orders run of this install, and how far back a catch-up after
    /// a crash reads for orders it did not expect (the later of go-live and `catch_up_days` ago).
    public var goLive: String?
    public var firstRun: String?
    public var catchUpFrom: String?
    public var ordersDeliveredToday = 0
    public var ordersByState: [String: Int] = [:]
    /// Cancellation files delivered to the WMS, and still to be written (`orders.deliver_cancellations`).
    public var cancellationsDelivered = 0
    public var cancellationsPending = 0
    public var failingOrders: [FailingOrder] = []
    /// Files in the outbox (the WMS has not taken them yet).
    public var outboxFiles = 0
    /// Whether the last order run ended uncleanly (the next run catches up).
    public var interruptedRun = false
    /// Files in the inbox (not yet taken), in `processing/` (taken, not yet pushed) and in `error/`.
    public var inboxFiles = 0
    public var processingFiles = 0
    public var errorFiles = 0
    /// Folders that are there but cannot be listed (their counts above are 0), with the reason.
    public var unlistableFolders: [String] = []
    /// When JOOR last accepted an inventory quantity.
    public var lastInventoryPush: String?
    /// When `joorbridge watch` last looked (it records every cycle).
    public var lastWatchCycle: String?
    /// The SFTP folders, when the inbox or outbox is remote.
    public var remoteInbox: String?
    public var remoteOutbox: String?
    /// Remote inbox files listed but not taken yet (settling, or waiting for their marker).
    public var remoteFilesSeen = 0
    /// Remote inbox files done with locally whose move on the server is still to be made.
    public var remoteMovesPending = 0

    public static func read(config: BridgeConfig) throws -> StatusReport {
        var report = StatusReport()
        if FileManager.default.fileExists(atPath: config.statePath) {
            let ledger = try Ledger(path: config.statePath)
            report.lastRuns = try ledger.lastRuns().map {
                LastRun(job: $0.job, startedAt: $0.startedAt, finishedAt: $0.finishedAt, outcome: $0.outcome ?? "running or interrupted")
            }
            let midnight = Calendar.current.startOfDay(for: Date())
            let counts = try ledger.orderCounts(deliveredSince: midnight)
            report.ordersDeliveredToday = counts.deliveredSince
            report.ordersByState = Dictionary(uniqueKeysWithValues: counts.byState.map { ($0.key.rawValue, $0.value) })
            report.failingOrders = try ledger.orders(in: [.rejected]).map {
                FailingOrder(orderID: $0.orderID, attempts: $0.attempts, reason: $0.reason ?? "")
            }
            report.interruptedRun = try ledger.value(OrdersJob.runningKey) != nil
            report.heldOrders = counts.byState[.held] ?? 0
            (report.cancellationsDelivered, report.cancellationsPending) = try ledger.cancellationCounts()
            report.firstRun = try ledger.value(OrdersJob.firstRunKey)
            report.lastInventoryPush = try ledger.lastInventoryPush()
            report.lastWatchCycle = try ledger.value("watch.last_cycle")
            let remote = try ledger.remoteFiles().values
            report.remoteFilesSeen = remote.filter { $0.status == .seen }.count
            report.remoteMovesPending = remote.filter { $0.status == .accepted || $0.status == .rejected }.count
        }
        /// A folder not made yet (before the first run) holds nothing; one that cannot be listed is reported.
        func count(_ folder: String, _ include: (String) -> Bool = { _ in true }) -> Int {
            do { return try FileSystem.names(in: folder).filter { !$0.hasPrefix(".") && include($0) }.count } catch {
                if error.errno != .noSuchFileOrDirectory { report.unlistableFolders.append(error.description) }
                return 0
            }
        }
        if let orders = config.orders {
            report.goLive = orders.goLive.map(Ledger.timestamp)
            let floor = Date().addingTimeInterval(-Double(orders.catchUpDays) * 86_400)
            report.catchUpFrom = Ledger.timestamp(max(floor, orders.goLive ?? floor))
        }
        report.remoteInbox = config.folders.remoteInbox
        report.remoteOutbox = config.folders.remoteOutbox
        report.outboxFiles = count(config.folders.outbox)
        report.inboxFiles = count(config.folders.inbox)
        report.processingFiles = count(config.folders.processing)
        report.errorFiles = count(config.folders.error) { !$0.hasSuffix(".error.txt") && !$0.hasSuffix(".rejects.csv") }
        return report
    }

    public var text: String {
        var lines: [String] = []
        if lastRuns.isEmpty { lines.append("No run yet.") }
        for run in lastRuns {
            lines.append("\(run.job): last run \(run.startedAt) — \(run.outcome)")
        }
        if interruptedRun { lines.append("The last orders run did not finish; the next run finishes its work and catches up.") }
        lines.append(
            "orders: \(ordersDeliveredToday) delivered today; "
                + DeliveryState.allCases.map { "\(ordersByState[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(separator: ", "))
        if cancellationsDelivered + cancellationsPending > 0 {
            lines.append("cancellations: \(cancellationsDelivered) delivered to the WMS, \(cancellationsPending) still to be written")
        }
        if heldOrders > 0 { lines.append("\(heldOrders) order(s) held back (not delivered, not lost): see `joorbridge orders list`") }
        if goLive != nil || firstRun != nil || catchUpFrom != nil {
            lines.append(
                "orders: go-live \(goLive ?? "not set"); first run \(firstRun ?? "not yet"); a catch-up after a crash takes orders it did not expect back to \(catchUpFrom ?? "-") at most"
            )
        }
        if !failingOrders.isEmpty {
            lines.append("orders that cannot be delivered (retried on every run):")
            for order in failingOrders {
                lines.append("  \(order.orderID) (\(order.attempts) attempt\(order.attempts == 1 ? "" : "s")): \(order.reason)")
            }
        }
        if let remoteOutbox {
            lines.append("outbox: \(remoteOutbox); \(outboxFiles) file(s) waiting here to be uploaded")
        } else {
            lines.append("outbox: \(outboxFiles) file(s) waiting for the WMS")
        }
        lines.append("inbox: \(inboxFiles) file(s) waiting, \(processingFiles) in processing, \(errorFiles) in error")
        for problem in unlistableFolders { lines.append("folder problem: \(problem)") }
        if let remoteInbox {
            lines.append(
                "remote inbox: \(remoteInbox); \(remoteFilesSeen) file(s) seen there and not taken yet, \(remoteMovesPending) still to be archived there"
            )
        }
        lines.append("inventory: " + (lastInventoryPush.map { "JOOR last accepted quantities at \($0)" } ?? "nothing pushed yet"))
        if let lastWatchCycle { lines.append("watch: last looked at \(lastWatchCycle)") }
        return lines.joined(separator: "\n")
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
