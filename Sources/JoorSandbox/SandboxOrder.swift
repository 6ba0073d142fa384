import Foundation
import JoorModels

/// An order as the sandbox keeps it: JOOR's order plus its status and export flags.
public struct SandboxOrder: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable { case notes, pending, approved, shipped, cancelled }

    public var order: JoorOrder
    public var status: Status
    /// Exported successfully by a sync pull.
    public var exported = false
    /// Changed in JOOR after its export.
    public var modifiedSinceExport = false
    /// Why the last export attempt failed (JOOR's "Failed" flag), if it did.
    public var failedReason: String?
    /// How many sync pulls returned this order (more than one means a duplicate export).
    public var exportCount = 0

    public var id: String { order.id }

    public init(order: JoorOrder, status: Status) {
        self.order = order
        self.status = status
    }

    /// Whether the v2 `order_type` filter (1–8) selects this order.
    func matches(orderType: Int) -> Bool {
        switch orderType {
        case 1: status == .notes
        case 2: status == .approved || status == .shipped
        case 3: status == .pending
        case 4: status != .cancelled
        case 5: status == .cancelled
        case 6: status == .approved
        case 7: status == .shipped
        default: true
        }
    }

    /// Whether the v2 `export_status` filter (1–7) selects this order.
    func matches(exportStatus: Int) -> Bool {
        let notExported = !exported
        let notExportedNoFailed = !exported && failedReason == nil
        switch exportStatus {
        case 2: return notExported
        case 3: return exported
        case 4: return exported && modifiedSinceExport
        case 5: return notExported || (exported && modifiedSinceExport)
        case 6: return notExportedNoFailed
        case 7: return notExportedNoFailed || (exported && modifiedSinceExport)
        default: return true
        }
    }
}
