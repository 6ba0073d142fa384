/// The `products:` section: which inbox files are product exports, and how styles reach JOOR.
public struct ProductsSettings: Sendable {
    public var enabled = true
    /// The products mapping file (absolute).
    public var mapping: String
    public var inbox = Inbox.Settings()
    public var maxAttempts = 3
    /// Styles per bulk request.
    public var batchSize = 200
    /// Send every style, not only those whose content changed since their last successful push.
    public var full = false
}
