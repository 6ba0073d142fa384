/// The `inventory:` section: which inbox files are stock exports, and how they are pushed (500
/// items per request unless `batch_size` says otherwise). The shared settings read as its own
/// (`settings.batchSize`).
@dynamicMemberLookup
public struct InventorySettings: Sendable {
    public var job: InboxJobSettings
    /// JOOR's `overwrite=1`: replace the whole account's inventory with each request. Rarely wanted.
    public var overwrite = false
    /// JOOR's `dec_pending=1`: JOOR subtracts quantities on pending orders.
    public var decPending = false
    /// Per warehouse: quantities at or below this are sent as 0.
    public var safetyStock: [String: Int] = [:]

    public init(job: InboxJobSettings) { self.job = job }

    public subscript<T>(dynamicMember field: WritableKeyPath<InboxJobSettings, T>) -> T {
        get { job[keyPath: field] }
        set { job[keyPath: field] = newValue }
    }
}
