import JoorSandbox

extension JoorSandboxServer: TestResource {}

extension JoorSandboxServer {
    /// A started sandbox for a test to talk to: its token, `orders` seeded orders, and (unless
    /// `creditLimit` is nil, JOOR's own) a credit limit no test reaches.
    public static func started(
        token: String, orders: Int = 0, creditLimit: Int? = 100_000,
        _ adjust: (inout SandboxConfiguration) -> Void = { _ in }
    ) async throws -> JoorSandboxServer {
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

/// Runs `body` with a started sandbox (see ``JoorSandboxServer/started(token:orders:creditLimit:_:)``)
/// and stops it afterwards, waiting until it has stopped, also when `body` throws.
public func withSandbox<T>(
    token: String, orders: Int = 0, creditLimit: Int? = 100_000,
    _ adjust: (inout SandboxConfiguration) -> Void = { _ in },
    _ body: (JoorSandboxServer) async throws -> T
) async throws -> T {
    try await using(try await JoorSandboxServer.started(token: token, orders: orders, creditLimit: creditLimit, adjust), body)
}

extension JoorSandboxServer {
    /// A folder set up to download this sandbox's orders: the orders (lines) and customers CSV
    /// mappings, and a joorbridge.yml with the token in `$tokenEnv`, the outbox `./outbox`, the
    /// state store `./state/joorbridge.sqlite` and pages of 10. `orders` adds lines to the orders
    /// section (indented by two spaces); `mappings` names more shipped mappings to copy.
    public func ordersWorkspace(_ label: String, tokenEnv: String, orders: String = "", mappings: [String] = []) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory(label)
        try dir.copyMappings(["orders-csv-lines.yml", "customers-csv.yml"] + mappings)
        try dir.write(
            "joorbridge.yml",
            text: """
                version: 1
                joor: { token_env: \(tokenEnv), base_url: "\(baseURL)" }
                folders: { outbox: ./outbox }
                state: ./state/joorbridge.sqlite
                orders:
                  mapping: mappings/orders-csv-lines.yml
                  customers_mapping: mappings/customers-csv.yml
                  page_size: 10
                \(orders)
                """)
        return dir
    }
}
