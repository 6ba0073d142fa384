/// What the `inventory:` and `products:` sections share: the mapping, which inbox files to take,
/// how often a file may fail before it is quarantined, and how much goes in one request.
public struct InboxJobSettings: Sendable {
    public var enabled = true
    /// The job's mapping file (absolute).
    public var mapping: String
    /// Which inbox files are the job's (patterns, settle time, done marker).
    public var inbox = Inbox.Settings()
    /// Transient failures (JOOR unreachable) a file may have before it is quarantined in `error/`.
    public var maxAttempts = 3
    /// Items (inventory) or styles (products) per request.
    public var batchSize: Int
    /// Send everything, not only what changed since the last successful push.
    public var full = false

    public init(mapping: String, batchSize: Int) {
        self.mapping = mapping
        self.batchSize = batchSize
    }
}

/// The `products:` section: which inbox files are product exports, and how styles reach JOOR
/// (200 styles per request unless `batch_size` says otherwise).
public typealias ProductsSettings = InboxJobSettings
