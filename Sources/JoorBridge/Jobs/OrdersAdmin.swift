import Foundation
import JoorModels

/// What `joorbridge orders` reads and records in the ledger without JOOR: orders not delivered
/// (held, rejected), one order in full, and orders a previous integration already delivered.
public struct OrdersAdmin: Sendable {
    public let config: BridgeConfig

    public init(config: BridgeConfig) { self.config = config }

    /// An order as `orders list` shows it.
    public struct Summary: Sendable, Codable, Equatable {
        public var orderID: String
        public var version: Int
        public var state: DeliveryState
        public var reason: String?
        public var attempts: Int
        public var receivedAt: String
        public var customerCode: String?
        public var warehouseCode: String?
        public var route: String?
        public var origin: OrderOrigin
    }

    /// Orders in the given states (held and rejected by default), oldest first.
    public func list(_ states: [DeliveryState] = [.held, .rejected]) throws -> [Summary] {
        guard FileManager.default.fileExists(atPath: config.statePath) else { return [] }
        return try Ledger(path: config.statePath).orders(in: states).map(Self.summary)
    }

    /// Every entry of one order (the order and its amendments), with JOOR's data.
    public func show(_ orderID: String) throws -> [LedgerOrder] {
        guard FileManager.default.fileExists(atPath: config.statePath) else { return [] }
        return try Ledger(path: config.statePath).entries(orderID: orderID)
    }

    /// Records orders a previous integration delivered, under the run lock (another run or
    /// `watch` holding it: ``RunLock/Held``).
    public func adopt(_ orderIDs: [String]) throws -> Ledger.Adoption {
        let lock = RunLock(path: config.statePath + ".lock")
        try lock.acquire()
        defer { lock.release() }
        return try Ledger(path: config.statePath).adopt(orderIDs)
    }

    static func summary(_ entry: LedgerOrder) -> Summary {
        Summary(
            orderID: entry.orderID, version: entry.version, state: entry.state, reason: entry.reason, attempts: entry.attempts,
            receivedAt: entry.receivedAt, customerCode: entry.order.customerCode, warehouseCode: entry.order.warehouseCode,
            route: entry.route, origin: entry.origin)
    }
}
