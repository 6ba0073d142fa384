/// How a sandbox is started.
public struct SandboxConfiguration: Sendable {
    /// Port on 127.0.0.1; 0 picks a free one.
    public var port = 0
    /// Folder for the sandbox's state, so a restart remembers what was exported and pushed.
    /// `nil` keeps everything in memory.
    public var dataDirectory: String?
    /// The API token clients must send (base64-encoded, after `OAuth2`).
    public var token = "sandbox-token"
    /// Generate this many realistic orders when the sandbox starts with no state.
    public var seedOrders = 0
    /// Seed for the generated orders, so every run generates the same ones.
    public var seed: UInt64 = 42
    /// JOOR's rate limit: credits per fixed window.
    public var creditLimit = 300
    public var creditWindowSeconds = 300.0
    /// Warehouses the account has (inventory for any other is refused).
    public var warehouses = ["Default", "Hamburg Süd", "München", "Main DC", "Future Q3"]
    /// Polls a bulk style job takes before it reports finished.
    public var jobPollsToFinish = 2
    /// v4 OAuth password-grant credentials the sandbox accepts, and its account id.
    public var v4ClientID = "sandbox-client"
    public var v4ClientSecret = "sandbox-secret"
    public var v4Username = "sandbox@example.com"
    public var v4Password = "sandbox-password"
    public var v4Account = "1"
    /// Lifetime of a v4 access token.
    public var v4TokenLifetimeSeconds = 36_000.0

    public init() {}
}
