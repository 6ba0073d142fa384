import JoorSandbox

extension JoorSandboxServer {
    /// A started sandbox for the built binary to talk to: its token, `orders` seeded orders, and
    /// (unless `creditLimit` is nil, JOOR's own) a credit limit no test reaches.
    static func started(token: String, orders: Int = 0, creditLimit: Int? = 100_000,
                        _ adjust: (inout SandboxConfiguration) -> Void = { _ in }) async throws -> JoorSandboxServer {
        var config = SandboxConfiguration()
        config.token = token
        config.seedOrders = orders
        if let creditLimit { config.creditLimit = creditLimit }
        adjust(&config)
        let sandbox = try await JoorSandboxServer(configuration: config)
        try await sandbox.start()
        return sandbox
    }
}
