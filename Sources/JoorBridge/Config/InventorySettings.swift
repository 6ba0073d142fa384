/// The `inventory:` section: which inbox files are stock exports, and how they are pushed.
public struct InventorySettings: Sendable {
    public var enabled = true
    /// The inventory mapping file (absolute).
    public var mapping: String
    public var inbox = Inbox.Settings()
    /// Transient failures (JOOR unreachable) a file may have before it is quarantined in `error/`.
    public var maxAttempts = 3
    /// Inventory items per bulk request.
    public var batchSize = 500
    /// JOOR's `overwrite=1`: replace the whole account's inventory with each request. Rarely wanted.
    public var overwrite = false
    /// JOOR's `dec_pending=1`: JOOR subtracts quantities on pending orders.
    public var decPending = false
    /// Send every SKU, not only those whose quantity changed since the last successful push.
    public var full = false
    /// Per warehouse: quantities at or below this are sent as 0.
    public var safetyStock: [String: Int] = [:]
}
