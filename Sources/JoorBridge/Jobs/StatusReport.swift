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
    public var ordersDeliveredToday = 0
    public var ordersByState: [String: Int] = [:]
    public var failingOrders: [FailingOrder] = []
    /// Files in the outbox (the WMS has not taken them yet).
    public var outboxFiles = 0
    /// Whether the last order run ended uncleanly (the next run catches up).
    public var interruptedRun = false

    public static func read(config: BridgeConfig) throws -> StatusReport {
        var report = StatusReport()
        if FileManager.default.fileExists(atPath: config.statePath) {
            let ledger = try Ledger(path: config.statePath)
            report.lastRuns = try ledger.lastRuns().map { LastRun(job: $0.job, startedAt: $0.startedAt, finishedAt: $0.finishedAt, outcome: $0.outcome ?? "running or interrupted") }
            let midnight = Calendar.current.startOfDay(for: Date())
            let counts = try ledger.orderCounts(deliveredSince: midnight)
            report.ordersDeliveredToday = counts.deliveredSince
            report.ordersByState = Dictionary(uniqueKeysWithValues: counts.byState.map { ($0.key.rawValue, $0.value) })
            report.failingOrders = try ledger.orders(in: [.rejected]).map { FailingOrder(orderID: $0.orderID, attempts: $0.attempts, reason: $0.reason ?? "") }
            report.interruptedRun = try ledger.value("orders.running_since") != nil
        }
        report.outboxFiles = ((try? FileManager.default.contentsOfDirectory(atPath: config.folders.outbox)) ?? []).filter { !$0.hasPrefix(".") }.count
        return report
    }

    public var text: String {
        var lines: [String] = []
        if lastRuns.isEmpty { lines.append("No run yet.") }
        for run in lastRuns {
            lines.append("\(run.job): last run \(run.startedAt) — \(run.outcome)")
        }
        if interruptedRun { lines.append("The last orders run did not finish; the next run finishes its work and catches up.") }
        lines.append("orders: \(ordersDeliveredToday) delivered today; " + DeliveryState.allCases.map { "\(ordersByState[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(separator: ", "))
        if !failingOrders.isEmpty {
            lines.append("orders that cannot be delivered (retried on every run):")
            for order in failingOrders { lines.append("  \(order.orderID) (\(order.attempts) attempt\(order.attempts == 1 ? "" : "s")): \(order.reason)") }
        }
        lines.append("outbox: \(outboxFiles) file(s) waiting for the WMS")
        return lines.joined(separator: "\n")
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
