import Foundation
import GRDB
import JoorModels

/// Where an order is on its way to the WMS.
public enum DeliveryState: String, Sendable, CaseIterable, Codable {
    /// Journaled from JOOR; not yet in the outbox.
    case received
    /// Its files are written under temporary names and durable; the renames are under way.
    case writing
    /// Its files are in the outbox (or a previous integration delivered it: ``OrderOrigin/adopted``).
    case delivered
    /// It cannot be mapped yet; retried on every run.
    case rejected
    /// Left out on purpose (a filter or no matching route), with the reason: kept, listed by
    /// `joorbridge orders list`, re-checked when JOOR reports it modified, deliverable on demand.
    case held
    /// Cancelled in JOOR before it reached the WMS: never delivered (unless JOOR reinstates it).
    case cancelled
}

/// What a ledger entry delivers to the WMS.
public enum EntryKind: String, Sendable, Codable {
    /// The order (version 0) or an amendment of it (version n).
    case order
    /// The news that JOOR cancelled an order the WMS already has (`orders.deliver_cancellations`).
    case cancellation
}

/// Who delivered an order to the WMS.
public enum OrderOrigin: String, Sendable, Codable {
    /// joorbridge pulled it from JOOR.
    case joor
    /// A previous integration delivered it; `joorbridge orders adopt` recorded it, so joorbridge
    /// never delivers it again but does deliver its later amendments.
    case adopted
}

/// One order (or amendment) in the ledger.
public struct LedgerOrder: Sendable, Equatable {
    public var orderID: String
    /// 0 for the order itself, n for its n-th amendment (or its cancellation).
    public var version: Int
    public var kind: EntryKind
    public var state: DeliveryState
    public var order: JoorOrder
    public var reason: String?
    public var files: [String]
    public var temps: [String]
    public var attempts: Int
    /// The route that delivered (or is delivering) it, and that route's outbox folder.
    public var route: String?
    public var outbox: String?
    public var origin: OrderOrigin
    public var receivedAt: String
    public var deliveredAt: String?
}

/// What journaling did with orders: received (new), held, sent again (duplicates), changed
/// after delivery (amendments), and held or rejected orders JOOR changed, now deliverable
/// (released). Counted per page (``Ledger/JournalOutcome``) and per run (`OrdersJob.Report`).
protocol JournalCounts {
    var received: Int { get set }
    var held: Int { get set }
    var duplicates: Int { get set }
    var amendments: Int { get set }
    var released: Int { get set }
}

extension JournalCounts {
    /// Adds what `other` counted.
    mutating func add(_ other: some JournalCounts) {
        received += other.received
        held += other.held
        duplicates += other.duplicates
        amendments += other.amendments
        released += other.released
    }
}

extension Ledger {
    /// What journaling a page did with each order.
    public struct JournalOutcome: Sendable, Equatable, JournalCounts {
        public var received = 0, held = 0, duplicates = 0, amendments = 0
        /// Held or rejected orders JOOR changed, now deliverable.
        public var released = 0
    }

    /// Journals one page of orders in one transaction.
    ///
    /// A new order becomes `received`, or `held` with the reason `holdReason` gives. A known order
    /// that is held or rejected gets JOOR's new data when JOOR changed it, and is checked again
    /// (held orders become `received` once nothing holds them). A delivered order JOOR changed
    /// afterwards becomes an amendment when `amendments` is on (an adopted one only for changes
    /// after its adoption). Anything else known is a duplicate.
    /// - Parameter onlyKnown: journal nothing new (a read of modified orders refreshes what the
    ///   ledger holds; an unknown order there was exported by someone else).
    public func journal(
        _ orders: [JoorOrder], amendments: Bool, onlyKnown: Bool = false, holdReason: (JoorOrder) -> String?,
        at date: Date = Date()
    ) throws -> JournalOutcome {
        let now = Self.timestamp(date)
        return try db.write { db in
            var outcome = JournalOutcome()
            for order in orders {
                let payload = try Self.encode(order)
                // An order JOOR sent without its id is kept (held, under a key made from its
                // data) rather than filed under "" where every later one would be a duplicate.
                let id = order.id.isEmpty ? Self.keyForOrderWithoutID(payload) : order.id
                let latest = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT version, state, kind, reason, date_modified, origin, delivered_at FROM orders WHERE order_id = ? ORDER BY version DESC LIMIT 1",
                    arguments: [id])
                guard let latest else {
                    if onlyKnown { continue }
                    let reason = order.id.isEmpty ? Self.noOrderIDReason : holdReason(order)
                    try db.execute(
                        sql: """
                            INSERT INTO orders(order_id, version, state, payload, date_modified, reason, received_at, updated_at) VALUES (?, 0, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            id, reason == nil ? DeliveryState.received.rawValue : DeliveryState.held.rawValue, payload, order.dateModified,
                            reason, now, now,
                        ])
                    if reason == nil { outcome.received += 1 } else { outcome.held += 1 }
                    continue
                }
                let state = DeliveryState(rawValue: latest["state"]) ?? .received
                let version: Int = latest["version"]
                let modified: String? = latest["date_modified"]
                let changed = order.dateModified != nil && order.dateModified != modified
                switch state {
                case .held where changed, .rejected where changed, .cancelled where changed:
                    // (A cancelled order in a pull of approved orders was reinstated in JOOR.) One
                    // the WMS has as cancelled stays held for someone to decide, whatever changed.
                    var wmsHasItCancelled = latest["reason"] == Self.reinstatedReason
                    if !wmsHasItCancelled, state == .cancelled {
                        wmsHasItCancelled =
                            try Bool.fetchOne(
                                db, sql: "SELECT EXISTS(SELECT 1 FROM orders WHERE order_id = ? AND kind = 'cancellation' AND state = 'delivered')",
                                arguments: [id]) ?? false
                    }
                    let reason = wmsHasItCancelled ? Self.reinstatedReason : holdReason(order)
                    let next: DeliveryState = reason == nil ? .received : .held
                    try db.execute(
                        sql:
                            "UPDATE orders SET state = ?, payload = ?, date_modified = ?, reason = ?, updated_at = ? WHERE order_id = ? AND version = ?",
                        arguments: [next.rawValue, payload, order.dateModified, reason, now, id, version])
                    if reason == nil && state != .rejected { outcome.released += 1 } else { outcome.duplicates += 1 }
                case .delivered where changed && EntryKind(rawValue: latest["kind"]) == .cancellation:
                    // JOOR reinstated an order whose cancellation the WMS has: held for someone
                    // to decide (`orders deliver` sends the order again), not dropped as delivered.
                    try db.execute(
                        sql: """
                            INSERT INTO orders(order_id, version, state, payload, date_modified, reason, received_at, updated_at) VALUES (?, ?, 'held', ?, ?, ?, ?, ?)
                            """, arguments: [id, version + 1, payload, order.dateModified, Self.reinstatedReason, now, now])
                    outcome.held += 1
                case .delivered where amendments && changed:
                    if OrderOrigin(rawValue: latest["origin"]) == .adopted, !Self.isSameSecondOrLater(order.dateModified, latest["delivered_at"]) {
                        // JOOR's copy predates the adoption: what the WMS already has. Remember it.
                        try db.execute(
                            sql: "UPDATE orders SET date_modified = ?, payload = ? WHERE order_id = ? AND version = ?",
                            arguments: [order.dateModified, payload, id, version])
                        outcome.duplicates += 1
                        continue
                    }
                    try db.execute(
                        sql: """
                            INSERT INTO orders(order_id, version, state, payload, date_modified, received_at, updated_at) VALUES (?, ?, 'received', ?, ?, ?, ?)
                            """, arguments: [id, version + 1, payload, order.dateModified, now, now])
                    outcome.amendments += 1
                default:
                    outcome.duplicates += 1
                }
            }
            return outcome
        }
    }

    /// What ``journalCancellations(_:at:)`` did.
    public struct CancellationOutcome: Sendable, Equatable {
        /// Cancellations of delivered orders, now to be delivered.
        public var toDeliver = 0
        /// Orders cancelled before they were delivered: they never will be.
        public var stopped = 0
        /// Already known (a cancellation recorded before, or not delivered by this install).
        public var known = 0
    }

    /// Journals orders JOOR reports cancelled, in one transaction. An order the WMS has (delivered,
    /// by joorbridge or adopted) gets one cancellation entry to deliver — one per delivery: a
    /// cancellation already recorded is not recorded again. What of it was not delivered yet
    /// (held, rejected, received, a pending amendment) becomes `cancelled`. An order the ledger
    /// does not know was cancelled before it was pulled, and is left alone.
    public func journalCancellations(_ orders: [JoorOrder], at date: Date = Date()) throws -> CancellationOutcome {
        let now = Self.timestamp(date)
        return try db.write { db in
            var outcome = CancellationOutcome()
            for order in orders {
                let entries = try Row.fetchAll(
                    db, sql: "SELECT version, kind, state, origin, delivered_at FROM orders WHERE order_id = ? ORDER BY version",
                    arguments: [order.id])
                guard let latest = entries.last else { continue }
                if EntryKind(rawValue: latest["kind"]) == .cancellation || DeliveryState(rawValue: latest["state"]) == .cancelled {
                    outcome.known += 1
                    continue
                }
                // What the WMS has of the order since its last cancellation (a reinstated order the
                // WMS has as cancelled, held, needs no second cancellation).
                let sinceCancellation = entries.suffix(from: (entries.lastIndex { EntryKind(rawValue: $0["kind"]) == .cancellation } ?? -1) + 1)
                let delivered = sinceCancellation.last {
                    EntryKind(rawValue: $0["kind"]) == .order && [.delivered, .writing].contains(DeliveryState(rawValue: $0["state"]))
                }
                try db.execute(
                    sql: """
                        UPDATE orders SET state = 'cancelled', reason = 'cancelled in JOOR before it reached the WMS', updated_at = ?
                        WHERE order_id = ? AND kind = 'order' AND state IN ('received', 'held', 'rejected')
                        """, arguments: [now, order.id])
                let undelivered = db.changesCount
                guard let delivered else {
                    if undelivered > 0 { outcome.stopped += 1 } else { outcome.known += 1 }
                    continue
                }
                if OrderOrigin(rawValue: delivered["origin"]) == .adopted, !Self.isSameSecondOrLater(order.dateModified, delivered["delivered_at"]) {
                    // Cancelled before the previous integration's delivery was adopted: what the WMS
                    // has is that integration's business.
                    outcome.known += 1
                    continue
                }
                try db.execute(
                    sql: """
                        INSERT INTO orders(order_id, version, kind, state, payload, date_modified, received_at, updated_at) VALUES (?, ?, 'cancellation', 'received', ?, ?, ?, ?)
                        """, arguments: [order.id, (latest["version"] as Int) + 1, try Self.encode(order), order.dateModified, now, now])
                outcome.toDeliver += 1
            }
            return outcome
        }
    }

    /// When the ledger first heard of any order (adopted ones included), or `nil` when it holds none.
    public func earliestOrder() throws -> Date? {
        try db.read { db in try String.fetchOne(db, sql: "SELECT MIN(received_at) FROM orders") }.flatMap(JoorDates.parse)
    }

    /// Whether the ISO 8601 time `a` is in the same second as `b` or later (both present and
    /// readable). JOOR's times have whole seconds: a change in the second of an adoption counts
    /// as after it (an extra amendment is better than a lost one).
    static func isSameSecondOrLater(_ a: String?, _ b: String?) -> Bool {
        guard let a = a.flatMap(JoorDates.parse), let b = b.flatMap(JoorDates.parse) else { return false }
        return a >= Date(timeIntervalSince1970: b.timeIntervalSince1970.rounded(.down))
    }

    /// Orders in the given states, oldest first.
    public func orders(in states: [DeliveryState]) throws -> [LedgerOrder] {
        try db.read { db in
            let marks = states.map { _ in "?" }.joined(separator: ",")
            return try Row.fetchAll(
                db, sql: "SELECT * FROM orders WHERE state IN (\(marks)) ORDER BY received_at, order_id, version",
                arguments: StatementArguments(states.map(\.rawValue))
            ).map(Self.ledgerOrder)
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

    /// How many orders are held, rejected, or cancelled before delivery (a run then also reads the
    /// orders JOOR changed: one it reinstates is delivered).
    public func undeliveredCount() throws -> Int {
        try db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM orders WHERE state IN ('held', 'rejected', 'cancelled')") ?? 0 }
    }

    /// When the first cancellation the WMS has was journaled (`nil`: none): from then on, JOOR
    /// reinstating one of those orders is looked for.
    public func firstDeliveredCancellation() throws -> Date? {
        try db.read { db in
            try String.fetchOne(db, sql: "SELECT MIN(received_at) FROM orders WHERE kind = 'cancellation' AND state = 'delivered'")
        }.flatMap(JoorDates.parse)
    }

    /// Temporary files are durable: the renames may start. Records both names first, with the
    /// route and its outbox folder, so a crash at any later point can be finished without writing
    /// anything twice.
    public func markWriting(
        _ entries: [(orderID: String, version: Int, files: [String], temps: [String])], route: String, outbox: String
    ) throws {
        let now = Self.timestamp(Date())
        // One transaction: orders that share a file (a per-run file) are recorded together, or
        // none is: recovery publishes the file, so an order left `received` would be written twice.
        try db.write { db in
            for entry in entries {
                try db.execute(
                    sql: """
                        UPDATE orders SET state = 'writing', files = ?, temps = ?, route = ?, outbox = ?, updated_at = ?, attempts = attempts + 1
                        WHERE order_id = ? AND version = ?
                        """,
                    arguments: [try Self.encode(entry.files), try Self.encode(entry.temps), route, outbox, now, entry.orderID, entry.version])
            }
        }
    }

    public func markDelivered(_ keys: [(orderID: String, version: Int)]) throws {
        let now = Self.timestamp(Date())
        try db.write { db in
            for key in keys {
                try db.execute(
                    sql:
                        "UPDATE orders SET state = 'delivered', temps = NULL, reason = NULL, delivered_at = ?, updated_at = ? WHERE order_id = ? AND version = ?",
                    arguments: [now, now, key.orderID, key.version])
            }
        }
    }

    /// The order cannot be mapped now: keep it, with the reason, to retry on the next run.
    public func markRejected(_ orderID: String, version: Int, reason: String) throws {
        try db.write { db in
            try db.execute(
                sql: "UPDATE orders SET state = 'rejected', reason = ?, attempts = attempts + 1, updated_at = ? WHERE order_id = ? AND version = ?",
                arguments: [reason, Self.timestamp(Date()), orderID, version])
        }
    }

    /// The order is held back (no route matches it any more, or a filter): kept with the reason.
    public func markHeld(_ orderID: String, version: Int, reason: String) throws {
        try db.write { db in
            try db.execute(
                sql: "UPDATE orders SET state = 'held', reason = ?, updated_at = ? WHERE order_id = ? AND version = ?",
                arguments: [reason, Self.timestamp(Date()), orderID, version])
        }
    }

    /// Back to `received`: a held order released on demand, or a `writing` entry whose temporary
    /// files are gone before their rename.
    public func markReceived(_ orderID: String, version: Int) throws {
        try db.write { db in
            try db.execute(
                sql:
                    "UPDATE orders SET state = 'received', temps = NULL, files = NULL, reason = NULL, updated_at = ? WHERE order_id = ? AND version = ?",
                arguments: [Self.timestamp(Date()), orderID, version])
        }
    }

    /// What ``adopt(_:at:)`` did.
    public struct Adoption: Sendable, Equatable {
        /// Recorded as delivered by a previous integration.
        public var adopted: [String] = []
        /// Already delivered (by joorbridge, or adopted before): nothing changed.
        public var alreadyDelivered: [String] = []
    }

    /// Records orders as delivered by a previous integration: joorbridge never delivers them
    /// itself (also not when a catch-up or a pull meets them), but delivers their amendments.
    /// A held, rejected or received order becomes adopted too; one in the middle of being
    /// written is left alone (its delivery finishes).
    public func adopt(_ orderIDs: [String], at date: Date = Date()) throws -> Adoption {
        let now = Self.timestamp(date)
        return try db.write { db in
            var adoption = Adoption()
            for id in orderIDs {
                let state = try String.fetchOne(db, sql: "SELECT state FROM orders WHERE order_id = ? ORDER BY version DESC LIMIT 1", arguments: [id])
                switch state.flatMap(DeliveryState.init) {
                case nil:
                    try db.execute(
                        sql: """
                            INSERT INTO orders(order_id, version, state, payload, origin, received_at, updated_at, delivered_at)
                            VALUES (?, 0, 'delivered', ?, 'adopted', ?, ?, ?)
                            """, arguments: [id, try Self.encode(JoorOrder(fields: ["order_id": id])), now, now, now])
                    adoption.adopted.append(id)
                case .delivered?, .writing?:
                    adoption.alreadyDelivered.append(id)
                case .received?, .rejected?, .held?, .cancelled?:
                    try db.execute(
                        sql: """
                            UPDATE orders SET state = 'delivered', origin = 'adopted', reason = NULL, delivered_at = ?, updated_at = ?
                            WHERE order_id = ? AND version = (SELECT MAX(version) FROM orders WHERE order_id = ?)
                            """, arguments: [now, now, id, id])
                    adoption.adopted.append(id)
                }
            }
            return adoption
        }
    }

    // MARK: Expected orders

    /// Notes outbox temporaries (absolute paths) before they are written: after a crash, these
    /// are the ones that are this install's to remove.
    public func noteTemporaries(_ paths: [String]) throws {
        try db.write { db in
            for path in paths { try db.execute(sql: "INSERT OR IGNORE INTO outbox_temporaries(path) VALUES (?)", arguments: [path]) }
        }
    }

    /// The noted outbox temporaries.
    public func notedTemporaries() throws -> [String] {
        try db.read { db in try String.fetchAll(db, sql: "SELECT path FROM outbox_temporaries ORDER BY path") }
    }

    /// Forgets noted temporaries (once they are published or removed).
    public func forgetTemporaries(_ paths: [String]) throws {
        try db.write { db in
            for path in paths { try db.execute(sql: "DELETE FROM outbox_temporaries WHERE path = ?", arguments: [path]) }
        }
    }

    /// Records the orders a read-only look found before a synchronising pull (their modification
    /// times): if the pull's answer is lost, these are the orders it may have marked exported.
    public func expect(_ orders: [JoorOrder]) throws {
        try db.write { db in
            for order in orders where !order.id.isEmpty {
                try db.execute(
                    sql:
                        "INSERT INTO expected_orders(order_id, date_modified) VALUES (?, ?) ON CONFLICT(order_id) DO UPDATE SET date_modified = excluded.date_modified",
                    arguments: [order.id, order.dateModified])
            }
        }
    }

    /// The expected orders: id → modification time JOOR gave.
    public func expectedOrders() throws -> [String: String?] {
        try db.read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT order_id, date_modified FROM expected_orders").map { ($0["order_id"], $0["date_modified"]) })
            { first, _ in first }
        }
    }

    /// Forgets the expected orders (a run ended cleanly: nothing of it can be lost any more).
    public func clearExpected() throws {
        try db.write { db in try db.execute(sql: "DELETE FROM expected_orders") }
    }

    /// How many orders are in each state, and how many were delivered since `since`.
    public func orderCounts(deliveredSince since: Date? = nil) throws -> (byState: [DeliveryState: Int], deliveredSince: Int) {
        try db.read { db in
            var counts: [DeliveryState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM orders WHERE kind = 'order' GROUP BY state") {
                if let state = DeliveryState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            let recent =
                try since.map {
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM orders WHERE kind = 'order' AND state = 'delivered' AND origin = 'joor' AND delivered_at >= ?",
                        arguments: [Self.timestamp($0)]) ?? 0
                } ?? 0
            return (counts, recent)
        }
    }

    /// Cancellations by state: delivered to the WMS, and still to be (received, writing, rejected).
    public func cancellationCounts() throws -> (delivered: Int, pending: Int) {
        try db.read { db in
            let delivered = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM orders WHERE kind = 'cancellation' AND state = 'delivered'") ?? 0
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM orders WHERE kind = 'cancellation' AND state != 'delivered'") ?? 0
            return (delivered, pending)
        }
    }

    static func ledgerOrder(_ row: Row) throws -> LedgerOrder {
        LedgerOrder(
            orderID: row["order_id"], version: row["version"], kind: EntryKind(rawValue: row["kind"] ?? "") ?? .order,
            state: DeliveryState(rawValue: row["state"]) ?? .received,
            order: try JSONDecoder().decode(JoorOrder.self, from: Data((row["payload"] as String).utf8)), reason: row["reason"],
            files: try (row["files"] as String?).map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? [],
            temps: try (row["temps"] as String?).map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? [],
            attempts: row["attempts"], route: row["route"], outbox: row["outbox"],
            origin: OrderOrigin(rawValue: row["origin"] ?? "") ?? .joor, receivedAt: row["received_at"], deliveredAt: row["delivered_at"])
    }

    /// Why an order is held that JOOR reinstated after its cancellation reached the WMS.
    static let reinstatedReason =
        "JOOR reinstated it after its cancellation was delivered, so the WMS has it cancelled; `orders deliver` sends it again"

    /// Why an order JOOR sent without `order_id` is held: without it nothing can follow the order
    /// (amendments, cancellations, the WMS's own reference).
    static let noOrderIDReason = "JOOR sent it without an order_id; see its data with `orders show`, and tell JOOR support"

    /// The ledger key of an order JOOR sent without `order_id`: `no-order-id-` and a hash of its
    /// canonical JSON (FNV-1a), so the same order sent again is the same entry.
    static func keyForOrderWithoutID(_ payload: String) -> String { "no-order-id-" + FNV1a.hex(payload.utf8) }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder.canonical()
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
