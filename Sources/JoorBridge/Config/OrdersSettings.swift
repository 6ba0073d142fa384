import Foundation

/// The `orders:` section: which JOOR orders reach the WMS, and how.
public struct OrdersSettings: Sendable {
    /// The seven order statuses Extensiv Integration Manager offers, as JOOR's `order_type` filter.
    public enum Status: String, Sendable, CaseIterable {
        case notes, approvedAndShipped = "approved_and_shipped", pending, all, cancelled, approved, shipped

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

    public var enabled = true
    /// The orders mapping file (absolute).
    public var mapping: String
    /// The customers mapping file (absolute), if customer files are written alongside.
    public var customersMapping: String?
    public var status: Status = .approved
    /// Only orders of this warehouse code (blank: all).
    public var warehouseCode: String?
    /// Skip orders without a customer code (recorded as skipped, never delivered).
    public var skipEmptyCustomerCode = true
    /// Orders created before this date are never delivered.
    public var goLive: Date?
    public var pageSize = 100
    /// Deliver orders changed in JOOR after delivery again, as amendments.
    public var deliverAmendments = false
    /// Name of a file while it is written: `{name}` is the final name (default `.{name}.tmp`).
    public var tempName = ".{name}.tmp"
    /// Write `NAME.done` after each file.
    public var doneMarker = false
    /// How far back a catch-up after a crash reads (days).
    public var catchUpDays = 14
}
