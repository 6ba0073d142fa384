import Foundation
import GRDB
import JoorModels

/// Where an order is on its way to the WMS.
public enum DeliveryState: String, Sendable, CaseIterable {
    /// Journaled from JOOR; not yet in the outbox.
    case received
    /// Its files are written under temporary names and durable; the renames are under way.
    case writing
    /// Its files are in the outbox.
    case delivered
    /// It cannot be mapped yet; retried on every run.
    case rejected
    /// Left out on purpose (filters); never delivered.
    case skipped
}

/// One order (or amendment) in the ledger.
public struct LedgerOrder: Sendable, Equatable {
    public var orderID: String
    /// 0 for the order itself, n for its n-th amendment.
    public var version: Int
    public var state: DeliveryState
    public var order: JoorOrder
    public var reason: String?
    public var files: [String]
    public var temps: [String]
    public var attempts: Int
}

extension Ledger {
    /// What journaling a page did with each order.
    public struct JournalOutcome: Sendable, Equatable {
        public var received = 0
        public var skipped = 0
        public var duplicates = 0
        public var amendments = 0
    }

    /// Journals one page of orders in one transaction: new orders become `received` (or `skipped`
    /// with the reason `skipReason` gives); an order already known is ignored, unless
    /// `amendments` is on and JOOR changed it after its delivery.
    public func journal(_ orders: [JoorOrder], amendments: Bool, skipReason: (JoorOrder) -> String?, at date: Date = Date()) throws -> JournalOutcome {
        let now = Self.timestamp(date)
        return try db.write { db in
            var outcome = JournalOutcome()
            for order in orders {
                let payload = try Self.encode(order)
                let latest = try Row.fetchOne(db, sql: "SELECT version, state, date_modified FROM orders WHERE order_id = ? ORDER BY version DESC LIMIT 1", arguments: [order.id])
                if let latest {
                    let state: String = latest["state"]
                    let modified: String? = latest["date_modified"]
                    guard amendments, state == DeliveryState.delivered.rawValue, let changed = order.dateModified, changed != modified else {
                        outcome.duplicates += 1
                        continue
                    }
                    let version: Int = latest["version"]
                    try db.execute(sql: """
                        INSERT INTO orders(order_id, version, state, payload, date_modified, received_at, updated_at) VALUES (?, ?, 'received', ?, ?, ?, ?)
                        """, arguments: [order.id, version + 1, payload, changed, now, now])
                    outcome.amendments += 1
                    continue
                }
                let reason = skipReason(order)
                try db.execute(sql: """
                    INSERT INTO orders(order_id, version, state, payload, date_modified, reason, received_at, updated_at) VALUES (?, 0, ?, ?, ?, ?, ?, ?)
                    """, arguments: [order.id, reason == nil ? "received" : "skipped", payload, order.dateModified, reason, now, now])
                if reason == nil { outcome.received += 1 } else { outcome.skipped += 1 }
            }
            return outcome
        }
    }

    /// Orders in the given states, oldest first.
    public func orders(in states: [DeliveryState]) throws -> [LedgerOrder] {
        try db.read { db in
            let marks = states.map { _ in "?" }.joined(separator: ",")
            return try Row.fetchAll(db, sql: "SELECT * FROM orders WHERE state IN (\(marks)) ORDER BY received_at, order_id, version",
                                    arguments: StatementArguments(states.map(\.rawValue))).map(Self.ledgerOrder)
        }
    }

    /// One order's entries (all versions).
    public func entries(orderID: String) throws -> [LedgerOrder] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM orders WHERE order_id = ? ORDER BY version", arguments: [orderID]).map(Self.ledgerOrder)
        }
    }

    /// Whether an order id is known at all.
    public func knows(_ orderID: String) throws -> Bool {
        try db.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM orders WHERE order_id = ?)", arguments: [orderID]) ?? false }
    }

    /// Temporary files are durable: the renames may start. Records both names first, so a crash
    /// at any later point can be finished without writing anything twice.
    public func markWriting(_ keys: [(orderID: String, version: Int)], files: [String], temps: [String]) throws {
        let now = Self.timestamp(Date())
        try db.write { db in
            for key in keys {
                try db.execute(sql: "UPDATE orders SET state = 'writing', files = ?, temps = ?, updated_at = ?, attempts = attempts + 1 WHERE order_id = ? AND version = ?",
                               arguments: [try Self.encode(files), try Self.encode(temps), now, key.orderID, key.version])
            }
        }
    }

    public func markDelivered(_ keys: [(orderID: String, version: Int)]) throws {
        let now = Self.timestamp(Date())
        try db.write { db in
            for key in keys {
                try db.execute(sql: "UPDATE orders SET state = 'delivered', temps = NULL, reason = NULL, delivered_at = ?, updated_at = ? WHERE order_id = ? AND version = ?",
                               arguments: [now, now, key.orderID, key.version])
            }
        }
    }

    /// The order cannot be mapped now: keep it, with the reason, to retry on the next run.
    public func markRejected(_ orderID: String, version: Int, reason: String) throws {
        try db.write { db in
            try db.execute(sql: "UPDATE orders SET state = 'rejected', reason = ?, attempts = attempts + 1, updated_at = ? WHERE order_id = ? AND version = ?",
                           arguments: [reason, Self.timestamp(Date()), orderID, version])
        }
    }

    /// Back to `received` (a `writing` entry whose temporary files are gone before their rename).
    public func markReceived(_ orderID: String, version: Int) throws {
        try db.write { db in
            try db.execute(sql: "UPDATE orders SET state = 'received', temps = NULL, files = NULL, updated_at = ? WHERE order_id = ? AND version = ?",
                           arguments: [Self.timestamp(Date()), orderID, version])
        }
    }

    /// How many orders are in each state, and how many were delivered since `since`.
    public func orderCounts(deliveredSince since: Date? = nil) throws -> (byState: [DeliveryState: Int], deliveredSince: Int) {
        try db.read { db in
            var counts: [DeliveryState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM orders GROUP BY state") {
                if let state = DeliveryState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            let recent = try since.map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM orders WHERE state = 'delivered' AND delivered_at >= ?", arguments: [Self.timestamp($0)]) ?? 0 } ?? 0
            return (counts, recent)
        }
    }

    static func ledgerOrder(_ row: Row) throws -> LedgerOrder {
        LedgerOrder(
            orderID: row["order_id"], version: row["version"], state: DeliveryState(rawValue: row["state"]) ?? .received,
            order: try JSONDecoder().decode(JoorOrder.self, from: Data((row["payload"] as String).utf8)), reason: row["reason"],
            files: try (row["files"] as String?).map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? [],
            temps: try (row["temps"] as String?).map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? [],
            attempts: row["attempts"])
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder.canonical()
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
