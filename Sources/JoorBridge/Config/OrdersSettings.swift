import Foundation
import Mapping

/// The `orders:` section: which JOOR orders reach the WMS, and how.
public struct OrdersSettings: Sendable {
    /// The seven order statuses Extensiv Integration Manager offers, as JOOR's `order_type` filter.
    public enum Status: String, Sendable, CaseIterable {
        case notes
        case approvedAndShipped = "approved_and_shipped"
        case pending, all, cancelled, approved, shipped

        public var orderType: Int {
            switch self {
            case .notes: 1
            case .approvedAndShipped: 2
            case .pending: 3
            case .all: 4
            case .cancelled: 5
            case .approved: 6
            case .shipped: 7
            }
        }
    }

    /// Where an order goes: the first route whose condition holds (a route without one takes
    /// every order that reaches it). Orders no route takes are held.
    public struct Route: Sendable {
        public var name: String
        /// `nil` for the default route (always the last).
        public var condition: OrderCondition?
        /// The outbox folder (absolute); `nil` is `folders.outbox`.
        public var outbox: String?
        /// The orders mapping (absolute); `nil` is `orders.mapping`.
        public var mapping: String?
        /// The customers mapping (absolute); `nil` is `orders.customers_mapping`.
        public var customersMapping: String?
        /// The cancellations mapping (absolute); `nil` is `orders.cancellations_mapping`.
        public var cancellationsMapping: String?
    }

    public var enabled = true
    /// `orders.routes:`, in order. Empty: every order goes to `folders.outbox` with `mapping`.
    public var routes: [Route] = []
    /// The routes orders go through: `routes`, or without them one named `default` (to
    /// `folders.outbox` with `mapping`), the name `orders deliver --route` and the ledger know.
    public var effectiveRoutes: [Route] { routes.isEmpty ? [Route(name: "default")] : routes }
    /// The orders mapping file (absolute).
    public var mapping: String
    /// The customers mapping file (absolute), if customer files are written alongside.
    public var customersMapping: String?
    public var status: Status = .approved
    /// Only orders of this warehouse code (blank: all).
    public var warehouseCode: String?
    /// Hold orders without a customer code (kept in the ledger with the reason; delivered once
    /// JOOR has one, or on demand with `joorbridge orders deliver`).
    public var skipEmptyCustomerCode = true
    /// Orders changed in JOOR before this date are never asked for (so never marked exported);
    /// those created before it are held.
    public var goLive: Date?
    public var pageSize = 100
    /// Deliver orders changed in JOOR after delivery again, as amendments.
    public var deliverAmendments = false
    /// Write a cancellation file, once, for each delivered order JOOR cancels (found with
    /// read-only pulls of cancelled orders, which mark nothing).
    public var deliverCancellations = false
    /// The cancellation file's mapping (absolute), for routes that name none.
    public var cancellationsMapping: String?
    /// Name of a file while it is written: `{name}` is the final name (default `.{name}.tmp`).
    public var tempName = ".{name}.tmp"
    /// Write `NAME.done` after each file.
    public var doneMarker = false
    /// The farthest a catch-up after a crash reads back (days).
    public var catchUpDays = 14
}
